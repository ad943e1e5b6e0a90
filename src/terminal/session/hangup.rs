//! Ending a terminal's whole session, not just its shell: every process of the PTY's session (the shell is
//! its leader, so the session id is the shell's pid) — background jobs (`sleep 1000 &`), `nohup`ed and
//! stopped ones included — gets SIGHUP (and SIGCONT, so a stopped job sees it), as a closing terminal
//! window does; whatever still runs after a grace period gets SIGKILL. Used when a terminal is closed or
//! reaped and when lectern exits (SIGTERM, Ctrl-C), so no learner process outlives it. A process that left
//! the session itself (`setsid`, a daemon) is out of reach, as on any terminal.

use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// How long the session's processes have after SIGHUP before SIGKILL.
pub const HANGUP_GRACE: Duration = Duration::from_secs(2);
/// How often the processes are looked for while waiting for them to go.
const POLL: Duration = Duration::from_millis(20);
/// How long to wait for processes to disappear after SIGKILL (they cannot refuse it; only an
/// uninterruptible sleep in the kernel delays them).
const KILL_WAIT: Duration = Duration::from_secs(2);

/// The live (not zombie) processes whose session id is `session`.
pub fn members(session: u32) -> Vec<Pid> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| parse_stat(&stat))
                .is_some_and(|(state, sid)| sid == session && state != 'Z' && state != 'X')
        })
        .map(Pid::from_raw)
        .collect()
}

/// State and session id from `/proc/PID/stat` (`pid (comm) state ppid pgrp session …`; the command
/// name may hold spaces and parentheses, so fields are counted from the last `)`).
fn parse_stat(stat: &str) -> Option<(char, u32)> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let session = fields.nth(2)?.parse().ok()?;
    Some((state, session))
}

fn signal_all(pids: &[Pid], signal: Signal) {
    for pid in pids {
        // ESRCH: it is already gone.
        let _ = kill(*pid, signal);
    }
}

/// Sends SIGKILL to every process of the session now (no grace: the caller is going away).
pub fn kill_session(session: u32) {
    signal_all(&members(session), Signal::SIGKILL);
}

/// Hangs the session up: SIGHUP and SIGCONT to every process, SIGKILL to those left after `grace`; returns
/// once none is left (or, should one survive SIGKILL in the kernel, after a bounded wait).
pub async fn end_session(session: u32, grace: Duration) {
    let pids = members(session);
    if pids.is_empty() {
        return;
    }
    signal_all(&pids, Signal::SIGHUP);
    signal_all(&pids, Signal::SIGCONT);
    if gone_within(session, grace).await {
        return;
    }
    let left = members(session);
    tracing::info!(
        session,
        left = left.len(),
        "terminal processes ignored SIGHUP: killing them"
    );
    signal_all(&left, Signal::SIGKILL);
    if !gone_within(session, KILL_WAIT).await {
        tracing::warn!(session, "terminal processes survive SIGKILL");
    }
}

/// Waits until the session has no live process, at most `limit`; true when it has none.
async fn gone_within(session: u32, limit: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        // The scan reads /proc: off the async workers.
        let empty = tokio::task::spawn_blocking(move || members(session).is_empty())
            .await
            .unwrap_or(true);
        if empty {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_counted_from_the_last_parenthesis() {
        let stat = "4242 (we(ird) name) S 1 4242 4240 34816 4242 4194560 0 0";
        assert_eq!(parse_stat(stat), Some(('S', 4240)));
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn this_process_is_found_in_its_own_session() {
        let session = nix::unistd::getsid(None).expect("getsid").as_raw() as u32;
        let me = Pid::this();
        assert!(members(session).contains(&me));
    }
}
