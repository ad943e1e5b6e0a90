//! The writing half of a terminal connection: viewer events (output, lost, exit, restarted) and
//! control messages, with the optional acknowledgement window. Memory per connection is bounded: one
//! output frame (≤ 64 KiB) in flight, the rest stays in the shared ring.

use std::collections::VecDeque;

use axum::extract::ws::Message;
use futures_util::SinkExt;
use tokio::sync::{mpsc, watch};

use super::{Control, Sink, close, send_json};
use crate::terminal::protocol::{self, ServerMsg};
use crate::terminal::{Viewer, ViewerEvent};

/// Output frames sent on a connection and not yet acknowledged (only with a hello `window`).
#[derive(Default)]
struct InFlight {
    /// `[start, end)` seq ranges of sent frames, oldest first.
    frames: VecDeque<(u64, u64)>,
    /// Bytes in `frames`.
    bytes: u64,
}

impl InFlight {
    fn sent(&mut self, seq: u64, len: u64) {
        self.frames.push_back((seq, seq + len));
        self.bytes += len;
    }

    /// Everything before `seq` was processed by the client.
    fn acked(&mut self, seq: u64) {
        while let Some(front) = self.frames.front_mut() {
            if front.1 <= seq {
                self.bytes -= front.1 - front.0;
                self.frames.pop_front();
            } else {
                if front.0 < seq {
                    self.bytes -= seq - front.0;
                    front.0 = seq;
                }
                break;
            }
        }
    }
}

/// Sends viewer events and control messages until the client goes away. With an acknowledgement
/// `window`, output waits while that many bytes are sent and not yet acknowledged; an `ack` beyond
/// what this connection was given is answered with `bad-ack` and does not count.
pub(super) async fn run(
    mut sink: Sink,
    mut viewer: Viewer,
    mut control: mpsc::Receiver<Control>,
    window: Option<u64>,
    mut acked: watch::Receiver<u64>,
) {
    let mut in_flight = InFlight::default();
    // The last ack looked at (`changed()` below marks values seen, so compare, do not ask).
    let mut last_ack = 0;
    loop {
        let seq = *acked.borrow_and_update();
        if window.is_some() && seq != last_ack {
            last_ack = seq;
            let given = viewer.position();
            if seq > given {
                let text = format!("ack {seq} is beyond the output sent on this connection (up to {given})");
                if !send_json(&mut sink, &ServerMsg::error("bad-ack", text)).await {
                    break;
                }
            } else {
                in_flight.acked(seq);
            }
        }
        let room = match window {
            Some(window) => window.saturating_sub(in_flight.bytes),
            None => u64::MAX,
        };
        viewer.set_max_payload(usize::try_from(room).unwrap_or(usize::MAX));
        let sent = tokio::select! {
            biased;
            message = control.recv() => match message {
                None => break,
                Some(Control::Message(message)) => send_json(&mut sink, &message).await,
                Some(Control::Close(code, reason)) => {
                    close(&mut sink, code, &reason).await;
                    break;
                }
                Some(Control::ClientClosed) => {
                    // The websocket layer queued the answering Close; closing flushes it.
                    let _ = sink.close().await;
                    break;
                }
            },
            // An error means the reader ended: the connection is closing, and the select in
            // `connection` ends this loop.
            changed = acked.changed(), if window.is_some() => changed.is_ok(),
            event = viewer.next_event(), if room > 0 => match event {
                ViewerEvent::Output { seq, frame } => {
                    if window.is_some() {
                        in_flight.sent(seq, (frame.len() - protocol::SEQ_PREFIX) as u64);
                    }
                    sink.send(Message::Binary(frame.into())).await.is_ok()
                }
                ViewerEvent::Lost { from, to } => {
                    send_json(&mut sink, &ServerMsg::Lost { from, to }).await
                }
                ViewerEvent::Exit { status, seq } => {
                    let exit = ServerMsg::Exit { code: status.code, signal: status.signal, seq };
                    send_json(&mut sink, &exit).await
                }
                ViewerEvent::Restarted { seq } => {
                    send_json(&mut sink, &ServerMsg::Restarted { seq }).await
                }
            },
        };
        if !sent {
            break;
        }
    }
}
