//! The writing half of a terminal connection: viewer events (output, lost, exit, restarted),
//! snapshots and control messages, with the optional acknowledgement window. Memory per connection is
//! bounded: one output frame (≤ 64 KiB) or one snapshot in flight, the rest stays in the shared ring.
//!
//! A viewer that may be skipped (feature `snapshots`, or one that acknowledges) and falls behind — more than
//! `lag_bytes` of output (after its last ack, with a window), or, without a window, a next byte older than
//! `lag_time` — stops being sent output. Once what it
//! was sent is acknowledged (and at most every `CATCH_UP_INTERVAL`, sooner once the output is `QUIET`), it
//! catches up: with feature `snapshots` one `snapshot` of the screen now, otherwise a `lost` and the last
//! `TAIL` bytes. After a snapshot it is held until the next catch-up is due, and gets the live output
//! only if less than its lag bound came meanwhile (else the next snapshot): during a flood a browser draws
//! a screen per interval and nothing between them. The PTY never waits for such a viewer; one that keeps
//! up gets every byte.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use axum::extract::ws::Message;
use futures_util::SinkExt;
use tokio::sync::{mpsc, watch};

use super::{Control, Sink, close, send_json};
use crate::terminal::protocol::{self, ErrorCode, ServerMsg};
use crate::terminal::session::Closing;
use crate::terminal::{Seq, Snapshot, Viewer, ViewerEvent};

/// Least time between two catch-ups of a viewer that keeps lagging (a flood): at most this many
/// snapshots a second reach a browser that cannot keep up.
const CATCH_UP_INTERVAL: Duration = Duration::from_millis(100);
/// Output quiet this long means a flood is over: a lagging or held viewer catches up at once, without
/// waiting for the rest of `CATCH_UP_INTERVAL` (Ctrl-C, the end of a `cat`).
const QUIET: Duration = Duration::from_millis(20);
/// Output a viewer without feature `snapshots` gets after a skip: the tail of the stream, after a `lost`.
const TAIL: u64 = 16 * 1024;

/// When and how a viewer is skipped ahead (`None` in [`run`]: never; it holds the PTY instead).
#[derive(Debug, Clone, Copy)]
pub(super) struct Skipping {
    /// Catch up by `snapshot` (feature `snapshots`) rather than `lost` and the tail.
    pub(super) snapshots: bool,
    /// Bytes behind beyond which the viewer lags.
    pub(super) lag_bytes: u64,
    /// Age of its next byte beyond which the viewer lags.
    pub(super) lag_time: Duration,
}

/// Output frames and snapshots sent on a connection and not yet acknowledged (only with a window).
#[derive(Default)]
struct InFlight {
    /// `(start, end, bytes)`: seq range delivered, and bytes sent for it (a snapshot covers no seqs
    /// but weighs its size), oldest first.
    frames: VecDeque<(u64, u64, u64)>,
    /// Bytes in `frames`.
    bytes: u64,
}

impl InFlight {
    fn sent(&mut self, start: u64, end: u64, bytes: u64) {
        self.frames.push_back((start, end, bytes));
        self.bytes += bytes;
    }

    /// Everything before `seq` was processed by the client.
    fn acked(&mut self, seq: u64) {
        while let Some(front) = self.frames.front_mut() {
            if front.1 <= seq {
                self.bytes -= front.2;
                self.frames.pop_front();
            } else {
                if front.0 < seq {
                    // Part of an output frame (whose bytes are its seqs).
                    let done = (seq - front.0).min(front.2);
                    self.bytes -= done;
                    front.2 -= done;
                    front.0 = seq;
                }
                break;
            }
        }
    }
}

/// The writer's state besides the socket.
struct Writer {
    sink: Sink,
    viewer: Viewer,
    window: Option<u64>,
    in_flight: InFlight,
    /// Last valid acknowledgement.
    acked: Seq,
}

impl Writer {
    async fn send_event(&mut self, event: ViewerEvent) -> bool {
        match event {
            ViewerEvent::Output { seq, frame } => {
                if self.window.is_some() {
                    let len = (frame.len() - protocol::SEQ_PREFIX) as u64;
                    self.in_flight.sent(seq, seq + len, len);
                }
                self.sink.send(Message::Binary(frame.into())).await.is_ok()
            }
            ViewerEvent::Lost { from, to } => send_json(&mut self.sink, &ServerMsg::Lost { from, to }).await,
            ViewerEvent::Exit { status, seq } => {
                let exit = ServerMsg::Exit {
                    code: status.code,
                    signal: status.signal,
                    seq,
                };
                send_json(&mut self.sink, &exit).await
            }
            ViewerEvent::Restarted { seq } => send_json(&mut self.sink, &ServerMsg::Restarted { seq }).await,
        }
    }

    /// Sends `snapshot` in place of output `[from, snapshot.seq)` (`from`: `None` for a new client,
    /// whose skipped markers are dropped too).
    async fn send_snapshot(&mut self, snapshot: Snapshot, from: Option<Seq>) -> bool {
        if !self.jump(snapshot.seq, from.is_some()).await {
            return false;
        }
        if self.window.is_some() {
            self.in_flight
                .sent(snapshot.seq, snapshot.seq, snapshot.data.len() as u64);
        }
        let message = ServerMsg::Snapshot {
            seq: snapshot.seq,
            from,
            cols: snapshot.size.cols,
            rows: snapshot.size.rows,
            data: snapshot.data,
        };
        send_json(&mut self.sink, &message).await
    }

    /// A lagging viewer catches up; false when the socket failed.
    async fn catch_up(&mut self, snapshots: bool) -> bool {
        let from = self.viewer.position();
        if snapshots {
            let terminal = self.viewer.terminal().clone();
            let Ok(snapshot) = tokio::task::spawn_blocking(move || terminal.snapshot()).await else {
                return true;
            };
            if snapshot.seq <= from {
                return true;
            }
            return self.send_snapshot(snapshot, Some(from)).await;
        }
        let terminal = self.viewer.terminal();
        let to = terminal
            .end()
            .saturating_sub(TAIL)
            .max(terminal.ring_start())
            .max(from);
        if to <= from {
            return true;
        }
        if !self.jump(to, true).await {
            return false;
        }
        send_json(&mut self.sink, &ServerMsg::Lost { from, to }).await
    }

    /// Moves the viewer to `to`, sending the skipped exit/restart markers when `markers`; what
    /// lies before `to` no longer counts as unacknowledged for the lag.
    async fn jump(&mut self, to: Seq, markers: bool) -> bool {
        for event in self.viewer.jump(to, markers) {
            if !self.send_event(event).await {
                return false;
            }
        }
        self.acked = self.acked.max(to);
        true
    }
}

/// Sends viewer events and control messages until the client goes away. With an acknowledgement
/// `window`, output waits while that many bytes are sent and not yet acknowledged; an `ack` beyond
/// what this connection was given is answered with `bad-ack` and does not count. `first`: a snapshot
/// to send before anything else (an attach by snapshot), with the seq the client had. When the terminal
/// closes (`closing`), the client is sent the reason as an `error` and a close 1001, and the writer stops.
pub(super) async fn run(
    sink: Sink,
    viewer: Viewer,
    (mut control, mut closing): (mpsc::Receiver<Control>, watch::Receiver<Option<Closing>>),
    window: Option<u64>,
    mut acked: watch::Receiver<u64>,
    skipping: Option<Skipping>,
    first: Option<(Snapshot, Option<Seq>)>,
) {
    let mut writer = Writer {
        sink,
        acked: viewer.position(),
        viewer,
        window,
        in_flight: InFlight::default(),
    };
    if let Some((snapshot, from)) = first
        && !writer.send_snapshot(snapshot, from).await
    {
        return;
    }
    // The last ack looked at (`changed()` below marks values seen, so compare, do not ask).
    let mut last_ack = 0;
    let mut lagging = false;
    // Caught up by snapshot and sent nothing since: until the next catch-up is due, then live output
    // if less than the lag bound came meanwhile, else the next snapshot — while a flood goes on the
    // browser draws one screen per interval, not the output between them.
    let mut held = false;
    let mut last_catch_up: Option<Instant> = None;
    loop {
        let why = closing.borrow_and_update().clone();
        if let Some(why) = why {
            if send_json(&mut writer.sink, &ServerMsg::error(why.code, why.message.clone())).await {
                close(&mut writer.sink, protocol::CLOSE_GOING_AWAY, &why.message).await;
            }
            break;
        }
        let seq = *acked.borrow_and_update();
        if window.is_some() && seq != last_ack {
            last_ack = seq;
            let given = writer.viewer.position();
            if seq > given {
                let text = format!("ack {seq} is beyond the output sent on this connection (up to {given})");
                if !send_json(&mut writer.sink, &ServerMsg::error(ErrorCode::BadAck, text)).await {
                    break;
                }
            } else {
                writer.in_flight.acked(seq);
                writer.acked = writer.acked.max(seq);
            }
        }
        // Time until the output will have been quiet for `QUIET` (zero: it has).
        let mut quiet_in = QUIET;
        if let Some(skip) = skipping {
            let lag = writer.viewer.lag(window.map(|_| writer.acked));
            quiet_in = QUIET.saturating_sub(lag.quiet);
            let due = quiet_in.is_zero() || last_catch_up.is_none_or(|at| at.elapsed() >= CATCH_UP_INTERVAL);
            if held && due {
                held = false;
                lagging = lag.bytes > skip.lag_bytes;
            }
            if !lagging && !held {
                // With a window, only bytes count: a client that lets its window fill up is holding
                // its own output back on purpose (docs/terminal-protocol.md, sections 7 and 12).
                lagging = lag.bytes > skip.lag_bytes || (window.is_none() && lag.age > skip.lag_time);
            }
            if lagging && writer.in_flight.bytes == 0 && due {
                if !writer.catch_up(skip.snapshots).await {
                    break;
                }
                lagging = false;
                held = skip.snapshots;
                last_catch_up = Some(Instant::now());
                continue;
            }
        }
        let room = match window {
            Some(window) => window.saturating_sub(writer.in_flight.bytes),
            None => u64::MAX,
        };
        writer
            .viewer
            .set_max_payload(usize::try_from(room).unwrap_or(usize::MAX));
        // Until the next catch-up is due, or the output may have gone quiet (the end of the flood).
        let wait = last_catch_up
            .map_or(Duration::ZERO, |at| {
                CATCH_UP_INTERVAL.saturating_sub(at.elapsed())
            })
            .min(quiet_in.max(Duration::from_millis(1)));
        let sent = tokio::select! {
            biased;
            message = control.recv() => match message {
                None => break,
                Some(Control::Message(message)) => send_json(&mut writer.sink, &message).await,
                Some(Control::Close(code, reason)) => {
                    close(&mut writer.sink, code, &reason).await;
                    break;
                }
                Some(Control::ClientClosed) => {
                    // The websocket layer queued the answering Close; closing flushes it.
                    let _ = writer.sink.close().await;
                    break;
                }
            },
            // The terminal is closing: the top of the loop says goodbye.
            changed = closing.changed() => changed.is_ok(),
            // An error means the reader ended: the connection is closing, and the select in
            // `connection` ends this loop.
            changed = acked.changed(), if window.is_some() => changed.is_ok(),
            // A lagging viewer waits for its acknowledgements and the catch-up interval, not output.
            () = tokio::time::sleep(wait), if held || (lagging && writer.in_flight.bytes == 0) => true,
            event = writer.viewer.next_event(), if room > 0 && !lagging && !held => writer.send_event(event).await,
        };
        if !sent {
            break;
        }
    }
}
