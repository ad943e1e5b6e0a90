//! site integration tests (real sockets, real files).
