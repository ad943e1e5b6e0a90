//! proxy integration tests (real sockets, real files).
