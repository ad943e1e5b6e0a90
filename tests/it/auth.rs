//! auth integration tests (real sockets, the fake portal).
