//! Feeding a terminal's screen model (`screen.rs`) off the hot path. The PTY reader only appends to the
//! ring and signals, as before; a follower task per terminal reads the ring at the model's own seq, like
//! a viewer, and feeds the model in chunks, yielding between them. When output comes faster than the
//! model parses (a flood: the backlog passes `FLOOD_BYTES`), the follower stops parsing and, once the
//! output is quiet or someone needs the screen, skips to the last `TAIL_BYTES` — nobody could read the
//! skipped part anyway, and a flood then costs the model almost nothing. Resizes are applied at the
//! seq where they happened.

use std::collections::VecDeque;
use std::sync::Weak;
use std::time::Duration;

use tokio::sync::watch;

use super::{Shared, Terminal};
use crate::terminal::ring::RingRead;
use crate::terminal::screen::Screen;
use crate::terminal::{Seq, Size};

/// Lines of history the model keeps (and a snapshot can carry).
pub const MODEL_SCROLLBACK: usize = 500;
/// Bytes fed to the model per step before the follower yields.
const CHUNK_BYTES: usize = 64 * 1024;
/// Backlog beyond which the follower stops parsing (a flood).
const FLOOD_BYTES: u64 = 256 * 1024;
/// Output fed after skipping a flood: enough to fill any screen and the start of its history.
const TAIL_BYTES: usize = 64 * 1024;
/// A flood is over when no output came for this long.
const QUIET: Duration = Duration::from_millis(50);
/// Resizes remembered for the model.
const MAX_RESIZES: usize = 64;

/// The model and where it stands.
#[derive(Debug)]
pub(crate) struct ModelState {
    pub(crate) screen: Screen,
}

impl ModelState {
    pub(crate) fn new(size: Size) -> Self {
        Self {
            screen: Screen::new(size, MODEL_SCROLLBACK, 0),
        }
    }
}

/// Records a PTY resize at the current end of the stream, for the model.
pub(crate) fn push_resize(shared: &mut Shared, size: Size) {
    let seq = shared.ring.end();
    shared.resizes.push_back((seq, size));
    if shared.resizes.len() > MAX_RESIZES {
        shared.resizes.pop_front();
    }
}

/// What one step of following did.
enum Step {
    /// Fed a chunk; more is waiting.
    More,
    /// The model is at the end of the output.
    Done,
    /// The backlog is a flood: stop parsing until it is quiet.
    Flooding,
}

/// A terminal's state drawn from nothing: write `data` after a reset, then the output from `seq` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The output continues at this seq.
    pub seq: Seq,
    /// The size the screen was drawn for.
    pub size: Size,
    /// Escape sequences and text; never a terminal query.
    pub data: String,
}

impl Terminal {
    /// The terminal's state now, as a [`Snapshot`] (CPU work: call it off the request path).
    pub fn snapshot(&self) -> Snapshot {
        self.with_screen(|screen| Snapshot {
            seq: screen.seq(),
            size: screen.size(),
            data: screen.snapshot(MODEL_SCROLLBACK),
        })
    }

    /// Runs `f` on the screen model brought up to the end of the output (fed, or skipped to the tail
    /// after a flood).
    pub fn with_screen<R>(&self, f: impl FnOnce(&Screen) -> R) -> R {
        let mut model = self.model.lock().unwrap_or_else(|poison| poison.into_inner());
        while let Step::More = self.follow_step(&mut model, true) {}
        f(&model.screen)
    }

    /// Feeds the model one chunk. `now`: the screen is needed now, so a flood is skipped at once.
    fn follow_step(&self, model: &mut ModelState, now: bool) -> Step {
        let mut chunk = Vec::new();
        let (resize, skip_from) = {
            let shared = self.lock();
            let seq = model.screen.seq();
            let end = shared.ring.end();
            let resize = latest_resize(&shared.resizes, seq);
            if seq >= end {
                if let Some(size) = resize {
                    model.screen.resize(size);
                }
                return Step::Done;
            }
            let backlog = end - seq;
            if backlog > FLOOD_BYTES || seq < shared.ring.start() {
                if !now {
                    return Step::Flooding;
                }
                let from = end.saturating_sub(TAIL_BYTES as u64).max(shared.ring.start());
                let _ = shared.ring.read(from, TAIL_BYTES, &mut chunk);
                (latest_resize(&shared.resizes, end), Some(from))
            } else {
                // Up to the next resize, which applies from its seq on.
                let next_resize = shared.resizes.iter().find(|(at, _)| *at > seq).map(|(at, _)| *at);
                let limit = next_resize.unwrap_or(end).min(end);
                let want = ((limit - seq) as usize).min(CHUNK_BYTES);
                match shared.ring.read(seq, want, &mut chunk) {
                    RingRead::Data(_) => (resize, None),
                    RingRead::Lost { .. } => return Step::More,
                }
            }
        };
        if let Some(size) = resize {
            model.screen.resize(size);
        }
        match skip_from {
            Some(from) => model.screen.skip_to(&chunk, from),
            None => model.screen.feed(&chunk),
        }
        let end = self.lock().ring.end();
        if model.screen.seq() >= end {
            Step::Done
        } else {
            Step::More
        }
    }
}

/// The size in force at `seq`: the last resize at or before it.
fn latest_resize(resizes: &VecDeque<(Seq, Size)>, seq: Seq) -> Option<Size> {
    resizes
        .iter()
        .rev()
        .find(|(at, _)| *at <= seq)
        .map(|(_, size)| *size)
}

/// Follows a terminal's output into its model until the terminal is gone.
pub(crate) async fn follow(terminal: Weak<Terminal>, mut changed: watch::Receiver<u64>) {
    loop {
        if changed.changed().await.is_err() {
            return;
        }
        loop {
            let Some(strong) = terminal.upgrade() else {
                return;
            };
            let step = {
                let mut model = strong.model.lock().unwrap_or_else(|poison| poison.into_inner());
                strong.follow_step(&mut model, false)
            };
            match step {
                Step::More => {
                    drop(strong);
                    tokio::task::yield_now().await;
                }
                Step::Done => break,
                Step::Flooding => {
                    // Wait for the flood to end (or for someone to need the screen, who skips it).
                    let mut end = strong.end();
                    drop(strong);
                    loop {
                        tokio::time::sleep(QUIET).await;
                        let Some(strong) = terminal.upgrade() else {
                            return;
                        };
                        let now = strong.end();
                        if now == end {
                            strong.with_screen(|_| ());
                            break;
                        }
                        end = now;
                    }
                    changed.borrow_and_update();
                    break;
                }
            }
        }
    }
}
