//! The session's lifecycle state: the last learner activity (idle detection), whether and why the session
//! ended here, and the events waiting for the training portal with their retry backoff. Pure state: the
//! handlers and the monitor task in `web/session.rs` act on it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::auth::LoginClaims;
use crate::web::shared::{EndReason, PortalStatus, SessionEnd};

/// Most events kept for an unreachable portal; older ones are dropped first.
const MAX_PENDING: usize = 500;
/// First wait before retrying the portal; doubles after each failure.
const FIRST_RETRY: Duration = Duration::from_secs(1);
/// Longest wait between retries.
const MAX_RETRY: Duration = Duration::from_secs(60);

/// An event for the portal, with the login of the learner who sent it (its portal token is refreshed
/// when the retry comes, `auth/tokens.rs`).
#[derive(Debug, Clone)]
pub struct Pending {
    /// The login of the browser that sent the event.
    pub claims: LoginClaims,
    /// The body to post (`{"event": {"name", "data"}}`).
    pub body: serde_json::Value,
}

/// Shared lifecycle state (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    state: Arc<Mutex<State>>,
    /// Wakes the monitor task (an event was queued, the session ended).
    pub(crate) wake: Arc<Notify>,
}

#[derive(Debug)]
struct State {
    last_activity: Instant,
    ended: Option<SessionEnd>,
    reachable: bool,
    pending: VecDeque<Pending>,
    retry_at: Instant,
    backoff: Duration,
}

impl Default for State {
    fn default() -> Self {
        let now = Instant::now();
        Self {
            last_activity: now,
            ended: None,
            reachable: true,
            pending: VecDeque::new(),
            retry_at: now,
            backoff: FIRST_RETRY,
        }
    }
}

/// What the learner reads when the session ended here (no portal).
fn end_message(reason: EndReason) -> String {
    let what = match reason {
        EndReason::Terminate => "This session was terminated.",
        EndReason::Finish => "You finished the workshop and this session has ended.",
        EndReason::Expired => "This session was idle for too long and has ended (LECTERN_IDLE_TIMEOUT).",
    };
    format!(
        "{what} Its terminals have been stopped; the files in the files folder are kept. \
         Start lectern again for a new session."
    )
}

impl Lifecycle {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poison| poison.into_inner())
    }

    /// The learner did something (a request from a browser, terminal input).
    pub fn touch(&self) {
        self.lock().last_activity = Instant::now();
    }

    /// Time since the learner last did something.
    pub fn idle(&self) -> Duration {
        self.lock().last_activity.elapsed()
    }

    /// How the session ended here, if it did.
    pub fn ended(&self) -> Option<SessionEnd> {
        self.lock().ended.clone()
    }

    /// Ends the session for `reason`; the first end wins. Returns the end and whether this call ended it.
    pub fn end(&self, reason: EndReason) -> (SessionEnd, bool) {
        let mut state = self.lock();
        if let Some(end) = &state.ended {
            return (end.clone(), false);
        }
        let end = SessionEnd {
            reason,
            message: end_message(reason),
        };
        state.ended = Some(end.clone());
        (end, true)
    }

    /// The portal's side of the status (`present`: there is a portal).
    pub fn portal_status(&self, present: bool) -> PortalStatus {
        let state = self.lock();
        PortalStatus {
            present,
            reachable: state.reachable || !present,
            pending: u32::try_from(state.pending.len()).unwrap_or(u32::MAX),
        }
    }

    /// Whether events are waiting (a new one must queue behind them to keep the order).
    pub fn has_pending(&self) -> bool {
        !self.lock().pending.is_empty()
    }

    /// Keeps an event for the portal (the monitor task delivers it).
    pub fn queue(&self, event: Pending) {
        let mut state = self.lock();
        if state.pending.len() >= MAX_PENDING {
            state.pending.pop_front();
            tracing::warn!("the portal has been unreachable for long: the oldest queued event is dropped");
        }
        state.pending.push_back(event);
        self.wake.notify_one();
    }

    /// The first waiting event when its retry is due.
    pub fn due(&self, now: Instant) -> Option<Pending> {
        let state = self.lock();
        (now >= state.retry_at)
            .then(|| state.pending.front().cloned())
            .flatten()
    }

    /// The portal answered (the due event, if `sent_due`); returns whether the status changed.
    pub fn reached(&self, sent_due: bool) -> bool {
        let mut state = self.lock();
        if sent_due {
            state.pending.pop_front();
        }
        state.backoff = FIRST_RETRY;
        state.retry_at = Instant::now();
        let changed = !state.reachable || sent_due;
        state.reachable = true;
        changed
    }

    /// The portal did not answer: the next try waits longer. Returns whether the status changed.
    pub fn unreachable(&self) -> bool {
        let mut state = self.lock();
        state.retry_at = Instant::now() + state.backoff;
        state.backoff = (state.backoff * 2).min(MAX_RETRY);
        let changed = state.reachable;
        state.reachable = false;
        changed
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn pending(n: u32) -> Pending {
        Pending {
            claims: LoginClaims::default(),
            body: serde_json::json!({ "n": n }),
        }
    }

    #[test]
    fn the_first_end_wins() {
        let lifecycle = Lifecycle::default();
        assert!(lifecycle.ended().is_none());
        let (end, first) = lifecycle.end(EndReason::Finish);
        assert!(first);
        assert_eq!(end.reason, EndReason::Finish);
        let (again, first) = lifecycle.end(EndReason::Terminate);
        assert!(!first);
        assert_eq!(again.reason, EndReason::Finish);
        assert!(end.message.contains("terminals have been stopped"));
    }

    #[test]
    fn events_wait_in_order_and_retries_back_off() {
        let lifecycle = Lifecycle::default();
        lifecycle.queue(pending(1));
        lifecycle.queue(pending(2));
        assert_eq!(lifecycle.portal_status(true).pending, 2);
        let now = Instant::now();
        assert_eq!(lifecycle.due(now).unwrap().body["n"], 1);
        assert!(lifecycle.unreachable(), "reachable → unreachable is a change");
        assert!(!lifecycle.portal_status(true).reachable);
        assert!(
            lifecycle.portal_status(false).reachable,
            "no portal: nothing to reach"
        );
        assert!(lifecycle.due(Instant::now()).is_none(), "the retry waits");
        assert!(lifecycle.due(Instant::now() + FIRST_RETRY).is_some());
        assert!(!lifecycle.unreachable(), "still unreachable: no change");
        assert!(
            lifecycle.due(Instant::now() + FIRST_RETRY).is_none(),
            "the second wait is longer"
        );
        assert!(lifecycle.due(Instant::now() + FIRST_RETRY * 2).is_some());
        assert!(lifecycle.reached(true));
        assert_eq!(lifecycle.due(Instant::now()).unwrap().body["n"], 2);
        assert!(lifecycle.portal_status(true).reachable);
        lifecycle.reached(true);
        assert!(!lifecycle.has_pending());
    }

    #[test]
    fn the_queue_is_bounded() {
        let lifecycle = Lifecycle::default();
        for n in 0..(MAX_PENDING as u32 + 10) {
            lifecycle.queue(pending(n));
        }
        assert_eq!(lifecycle.portal_status(true).pending as usize, MAX_PENDING);
        assert_eq!(lifecycle.due(Instant::now()).unwrap().body["n"], 10);
    }
}
