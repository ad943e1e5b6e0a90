//! content integration tests (real sockets, real files).
