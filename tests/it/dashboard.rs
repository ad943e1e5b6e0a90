//! dashboard integration tests (real sockets, real files).
