//! Fuzz targets for lectern's parsers: each is a function from bytes that goes through lectern's real
//! code (a page render, the terminal protocol decoder, the whole HTTP router) and panics when an
//! invariant breaks. `src/bin/fuzz-target.rs` runs one under `cargo afl`; [`replay`] runs the seeds of
//! `corpus/<target>/` and mutations of them through the same function (lectern's `tests/it/fuzz.rs`
//! calls it, so the test command runs every target briefly).
//!
//! Targets that serve HTTP build their server lazily, in the process that fuzzes (afl forks before the
//! first input, and threads do not survive a fork).

#![forbid(unsafe_code)]

pub mod app;
pub mod auth;
pub mod content;
pub mod ingress;
pub mod protocol;
pub mod replay;
pub mod upload;

pub use replay::replay;

/// A fuzz target: name (also its corpus folder) and function.
pub type Target = (&'static str, fn(&[u8]));

/// Every target.
pub const TARGETS: &[Target] = &[
    ("content", content::run),
    ("protocol", protocol::run),
    ("auth", auth::run),
    ("ingress", ingress::run),
    ("upload", upload::run),
];

/// Work done before afl's fork server starts (no threads): warms what every child would otherwise
/// build again, e.g. the syntax-highlighting set.
pub fn prepare(target: &str) {
    if target == "content" {
        content::prepare();
    }
}

/// The target called `name`.
pub fn target(name: &str) -> Option<fn(&[u8])> {
    TARGETS
        .iter()
        .find(|(target, _)| *target == name)
        .map(|(_, run)| *run)
}

/// Splits `data` at the first `\n`: the first line and the rest.
pub fn first_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}
