//! Viewer: one client's cursor into a terminal's output. Signal, then pull: the viewer sleeps on
//! the terminal's `watch` counter and, when woken, copies from the ring at its own `Seq`. A viewer
//! that was too slow gets `Lost` for the evicted range and continues with the retained tail. Only a
//! viewer that `holds_pty` (one that wants every byte and cannot be sent a snapshot) counts for the
//! PTY's flow control; the others are skipped ahead (`jump`) when they lag (`lag`).

use std::sync::Arc;

use tokio::sync::watch;

use super::protocol::{MAX_OUTPUT_PAYLOAD, SEQ_PREFIX, output_frame_header};
use super::queries::{QueryScanner, blank_queries};
use super::ring::RingRead;
use super::session::{ExitStatus, MarkerKind, Terminal};
use super::{Seq, Size};

/// What a viewer should deliver next, in stream order.
#[derive(Debug, PartialEq, Eq)]
pub enum ViewerEvent {
    /// A ready-to-send binary frame: 8-byte big-endian seq followed by the output bytes.
    Output {
        /// Seq of the first payload byte.
        seq: Seq,
        /// The whole frame (header included).
        frame: Vec<u8>,
    },
    /// Bytes `[from, to)` were evicted before this viewer got them.
    Lost {
        /// First missing byte.
        from: Seq,
        /// First byte still available.
        to: Seq,
    },
    /// The shell exited after writing everything before `seq`.
    Exit {
        /// Exit status.
        status: ExitStatus,
        /// End of its output.
        seq: Seq,
    },
    /// A new shell started at `seq`.
    Restarted {
        /// Seq of its first byte.
        seq: Seq,
    },
}

/// What a new viewer is told first (becomes `welcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attached {
    /// End of the output stream at attach time.
    pub seq: Seq,
    /// A shell is running.
    pub running: bool,
}

/// One client's position in a terminal's output stream.
#[derive(Debug)]
pub struct Viewer {
    terminal: Arc<Terminal>,
    id: u64,
    next: Seq,
    next_marker: u64,
    changed: watch::Receiver<u64>,
    readonly: bool,
    size: Size,
    /// Largest output payload the next frame may carry (an acknowledgement window's room).
    max_payload: usize,
    /// Output before this seq is replay: its terminal queries are blanked (`queries.rs`).
    replay_end: Seq,
    /// This viewer counts for the PTY's flow control.
    holds_pty: bool,
    /// When it attached: replayed output is old, but not late.
    attached_at: std::time::Instant,
    /// Finds queries in the replayed bytes, across frames.
    scanner: QueryScanner,
}

impl Viewer {
    /// Attaches to `terminal`, resuming after `last_seq` (`None`: from the oldest retained byte; a
    /// `last_seq` beyond the end, e.g. from before a server restart, also starts from the oldest).
    /// Markers exactly at a resumed `last_seq` were delivered before and are not repeated.
    pub fn attach(
        terminal: Arc<Terminal>,
        last_seq: Option<Seq>,
        readonly: bool,
        size: Size,
        holds_pty: bool,
    ) -> (Self, Attached) {
        let changed = terminal.subscribe();
        let (next, next_marker, attached) = {
            let shared = terminal.lock();
            let end = shared.ring.end();
            let (from, resumed) = match last_seq {
                Some(seq) if seq <= end => (seq, true),
                _ => (shared.ring.start(), false),
            };
            let next_marker = shared
                .markers
                .iter()
                .find(|m| if resumed { m.seq > from } else { m.seq >= from })
                .map(|m| m.id)
                .unwrap_or_else(|| shared.markers.back().map_or(0, |m| m.id + 1));
            (
                from,
                next_marker,
                Attached {
                    seq: end,
                    running: shared.running,
                },
            )
        };
        let id = terminal.new_viewer_id();
        if holds_pty {
            terminal.lock().positions.insert(id, next);
        }
        let viewer = Self {
            id,
            terminal,
            next,
            next_marker,
            changed,
            readonly,
            size,
            max_payload: MAX_OUTPUT_PAYLOAD,
            replay_end: attached.seq,
            holds_pty,
            attached_at: std::time::Instant::now(),
            scanner: QueryScanner::new(),
        };
        (viewer, attached)
    }

    /// This viewer's id (for the PTY size rule).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether this viewer may not write.
    pub fn readonly(&self) -> bool {
        self.readonly
    }

    /// The viewer's last reported terminal size.
    pub fn size(&self) -> Size {
        self.size
    }

    /// Updates the viewer's terminal size.
    pub fn set_size(&mut self, size: Size) {
        self.size = size;
    }

    /// The terminal viewed.
    pub fn terminal(&self) -> &Arc<Terminal> {
        &self.terminal
    }

    /// Caps the payload of the next output frames (1..=64 KiB).
    pub fn set_max_payload(&mut self, bytes: usize) {
        self.max_payload = bytes.clamp(1, MAX_OUTPUT_PAYLOAD);
    }

    /// Seq of the next byte this viewer will deliver.
    pub fn position(&self) -> Seq {
        self.next
    }

    /// Waits for the next event. Never returns `None` while the terminal exists.
    pub async fn next_event(&mut self) -> ViewerEvent {
        loop {
            self.changed.borrow_and_update();
            if let Some(event) = self.pull() {
                return event;
            }
            if self.changed.changed().await.is_err() {
                // The terminal is gone; nothing more will come.
                std::future::pending::<()>().await;
            }
        }
    }

    /// Takes the next event available now, if any.
    pub fn pull(&mut self) -> Option<ViewerEvent> {
        let terminal = self.terminal.clone();
        let mut shared = terminal.lock();
        let event = self.pull_locked(&shared);
        if event.is_some() && self.holds_pty {
            shared.positions.insert(self.id, self.next);
            shared.advances = shared.advances.wrapping_add(1);
            if shared.reader_waiting && !shared.reader_ahead() {
                terminal.advanced.notify_one();
            }
        }
        event
    }

    fn pull_locked(&mut self, shared: &super::session::Shared) -> Option<ViewerEvent> {
        if let Some(front) = shared.markers.front()
            && self.next_marker < front.id
        {
            self.next_marker = front.id;
        }
        let marker = shared.markers.iter().find(|m| m.id >= self.next_marker).copied();
        let limit = marker.map_or(shared.ring.end(), |m| m.seq);
        if self.next < limit {
            let want = ((limit - self.next) as usize).min(self.max_payload);
            let mut frame = output_frame_header(self.next, want);
            match shared.ring.read(self.next, want, &mut frame) {
                RingRead::Lost { from, to } => {
                    let to = to.min(limit);
                    self.next = to;
                    self.scanner = QueryScanner::new();
                    return Some(ViewerEvent::Lost { from, to });
                }
                RingRead::Data(0) => {}
                RingRead::Data(_) => {
                    let seq = self.next;
                    if seq < self.replay_end {
                        self.blank_replayed_queries(seq, &mut frame);
                    }
                    self.next += (frame.len() - SEQ_PREFIX) as u64;
                    return Some(ViewerEvent::Output { seq, frame });
                }
            }
        }
        let marker = marker.filter(|m| m.seq <= self.next)?;
        self.next_marker = marker.id + 1;
        Some(match marker.kind {
            MarkerKind::Exit(status) => ViewerEvent::Exit {
                status,
                seq: marker.seq,
            },
            MarkerKind::Restarted => ViewerEvent::Restarted { seq: marker.seq },
        })
    }
}

/// How far a viewer is behind the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lag {
    /// Output bytes after the viewer's position.
    pub bytes: u64,
    /// How long ago the viewer's next byte was written.
    pub age: std::time::Duration,
    /// How long ago the terminal last wrote anything (zero while output is coming).
    pub quiet: std::time::Duration,
}

impl Viewer {
    /// How far behind the end of the output this viewer is: bytes after `acked` (when it acknowledges;
    /// else after what it was sent), and the age of the next byte it has not been sent — not of the oldest
    /// unacknowledged one: a client acknowledges in steps, and a remainder it has drawn but not yet
    /// acknowledged does not make it late. The replay it was given at attach does not count: it is old,
    /// but the viewer is not late.
    pub fn lag(&self, acked: Option<Seq>) -> Lag {
        let from = acked.map_or(self.next, |acked| acked.min(self.next));
        let shared = self.terminal.lock();
        let since = shared
            .published_at(self.next.max(self.replay_end))
            .map(|at| at.max(self.attached_at));
        Lag {
            bytes: shared.ring.end().saturating_sub(from.max(self.replay_end)),
            age: since.map_or(std::time::Duration::ZERO, |at| at.elapsed()),
            quiet: shared
                .published
                .back()
                .map_or(std::time::Duration::MAX, |(_, at)| at.elapsed()),
        }
    }

    /// Moves this viewer to `to` (ahead of it) without its bytes. With `markers`, returns the exit and
    /// restart events of the skipped part, to be delivered before what replaces the bytes; without,
    /// they are dropped (a new client has no use for old ones). A marker exactly at `to` comes next.
    pub fn jump(&mut self, to: Seq, markers: bool) -> Vec<ViewerEvent> {
        let mut events = Vec::new();
        if to <= self.next {
            return events;
        }
        let shared = self.terminal.lock();
        let first = self.next_marker;
        for marker in shared.markers.iter().filter(|m| m.id >= first && m.seq < to) {
            if markers {
                events.push(match marker.kind {
                    MarkerKind::Exit(status) => ViewerEvent::Exit {
                        status,
                        seq: marker.seq,
                    },
                    MarkerKind::Restarted => ViewerEvent::Restarted { seq: marker.seq },
                });
            }
            self.next_marker = marker.id + 1;
        }
        drop(shared);
        self.next = to;
        self.scanner = QueryScanner::new();
        events
    }

    /// Blanks the terminal queries in the replayed part of `frame` (output at `seq`). A frame that
    /// ends inside an escape sequence that began in it is cut before that sequence, so the next frame
    /// scans it whole.
    fn blank_replayed_queries(&mut self, seq: Seq, frame: &mut Vec<u8>) {
        let len = (frame.len() - SEQ_PREFIX) as u64;
        let replayed = (self.replay_end - seq).min(len) as usize;
        blank_queries(
            &mut self.scanner,
            &mut frame[SEQ_PREFIX..SEQ_PREFIX + replayed],
            seq,
        );
        if replayed as u64 == len
            && let Some(start) = self.scanner.pending_start()
            && start > seq
        {
            frame.truncate(SEQ_PREFIX + (start - seq) as usize);
            self.scanner = QueryScanner::new();
        }
    }
}

impl Drop for Viewer {
    fn drop(&mut self) {
        let mut shared = self.terminal.lock();
        shared.positions.remove(&self.id);
        if shared.reader_waiting {
            self.terminal.advanced.notify_one();
        }
    }
}
