//! auth integration tests (real sockets, real files).
