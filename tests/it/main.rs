//! The one integration-test binary: real sockets, real PTYs, real upstreams. Modules by area.

mod support;

mod health;
mod terminal;
mod tidy;
