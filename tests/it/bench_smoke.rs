//! bench_smoke integration tests (real sockets, real files).
