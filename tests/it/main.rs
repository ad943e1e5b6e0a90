//! The one integration-test binary: real sockets, real PTYs, real upstreams. Modules by area.

mod support;

mod auth;
mod bench_smoke;
mod cli_help;
mod config_doc;
mod content;
mod dashboard;
mod editor;
mod educates;
mod faults;
mod fuzz;
mod health;
mod load;
mod metrics;
mod props;
mod proxy;
mod services;
mod site;
mod terminal;
mod tidy;
mod walk;
