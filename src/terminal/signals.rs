//! Programs in terminals start with SIGINT and SIGQUIT at their defaults, however lectern was started.
//!
//! A process started in the background by a non-interactive shell (`lectern serve &` in a start-up script,
//! `nohup`, a CI step) has SIGINT and SIGQUIT ignored, and an ignored signal stays ignored across `exec`:
//! every shell lectern started inherited it, so Ctrl-C (and Ctrl-\) reached nothing — a `yes` flood
//! never stopped. A signal with a handler is reset to its default by `exec`, so when lectern's own
//! process ignores one of them it installs a handler (tokio's, which only records the signal: lectern
//! itself goes on ignoring it). Signals lectern did not ignore are left alone (`serve` handles SIGINT
//! itself; otherwise the default stands and children inherit it). Read from `/proc/self/status`, so no
//! unsafe code is needed.

use std::sync::Once;

use nix::sys::signal::Signal;
use tokio::signal::unix::{SignalKind, signal};

/// Makes sure programs spawned from now on get SIGINT and SIGQUIT at their defaults (see the module
/// documentation). Call from inside a tokio runtime before spawning; does its work once per process.
pub fn default_for_children() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let ignored = ignored_signals();
        for (which, kind) in [
            (Signal::SIGINT, SignalKind::interrupt()),
            (Signal::SIGQUIT, SignalKind::quit()),
        ] {
            if ignored & (1u64 << (which as i32 - 1)) == 0 {
                continue;
            }
            let name = which.as_str();
            // The handler stays installed for the life of the process (tokio never removes it).
            match signal(kind) {
                Ok(_) => tracing::info!(
                    signal = name,
                    "lectern was started with {name} ignored: its terminals get the default again"
                ),
                Err(error) => tracing::warn!(
                    signal = name,
                    %error,
                    "{name} is ignored and stays ignored in terminals (Ctrl-C may not stop programs)"
                ),
            }
        }
    });
}

/// The `SigIgn` mask of this process (bit n-1 for signal n); 0 when it cannot be read.
fn ignored_signals() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("SigIgn:"))
                .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_ignored_mask_is_read() {
        // Whatever this process ignores, the mask parses (SIGKILL can never be ignored).
        assert_eq!(super::ignored_signals() & (1 << 8), 0);
    }
}
