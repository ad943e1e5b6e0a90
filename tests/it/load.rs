//! Load on loopback, bounded in count, against the real `lectern` binary (support/spawned.rs): 200
//! terminals echoing at once, 1,000 proxied connections of which 100 are websockets, 500 logins in a
//! burst. Each runs its load twice and asserts that every client got its own answer both times and
//! that the second round leaves resident memory where the first left it (nothing kept per
//! connection, terminal attach or login); none asserts on time. The figures are printed
//! (`cargo test --test it load:: -- --nocapture`).

mod logins;
mod proxy;
mod terminals;

use crate::support::spawned::{Memory, Spawned};

/// Resident memory a second identical round may add over the first: 8 MiB, or half of what
/// the first round added at its peak if that is more. More would be a leak (state kept per request,
/// per connection or per login); less is the allocator reusing what the first round freed.
const ROUND_SLACK_KB: u64 = 8 * 1024;

/// Resident memory around two identical rounds of a load.
#[derive(Debug, Clone, Copy)]
pub struct Rounds {
    /// Before the first round (after a warm-up).
    pub before: Memory,
    /// The high-water mark during the first round.
    pub peak: Memory,
    /// Settled after the first round.
    pub after: Memory,
    /// Settled after the second round.
    pub again: Memory,
}

/// Prints the figures and checks that a second round keeps no more than the first: whatever one
/// round of the load allocates is given back (to the allocator, which glibc keeps for reuse rather
/// than returning all of it to the system — docs/security-testing.md has the figures).
pub fn check_rounds(case: &str, rounds: Rounds) {
    let Rounds {
        before,
        peak,
        after,
        again,
    } = rounds;
    let added = peak.peak_kb.saturating_sub(before.rss_kb);
    println!(
        "load {case}: RSS before {} kB, peak {} kB, after {} kB, after a second round {} kB",
        before.rss_kb, peak.peak_kb, after.rss_kb, again.rss_kb
    );
    let allowed = ROUND_SLACK_KB.max(added / 2);
    let grew = again.rss_kb.saturating_sub(after.rss_kb);
    assert!(
        grew <= allowed,
        "{case}: a second round kept {grew} kB more than the first (allowed {allowed} kB): {rounds:?}"
    );
}

/// Waits (guarded) until `lectern`'s resident memory stops falling: freed memory goes back to the
/// system a little after the last connection closes.
pub async fn settled(server: &Spawned) -> Memory {
    let mut last = server.memory();
    for _ in 0..20 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let now = server.memory();
        if now.rss_kb >= last.rss_kb {
            return now;
        }
        last = now;
    }
    last
}
