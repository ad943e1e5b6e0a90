//! The reading half of a terminal connection: input, resize, restart, acks and pings. Input the PTY
//! cannot take yet waits in this connection's queue (in arrival order, up to `WAITING_BYTES`) while the
//! reader goes on reading, so pings and a client's Close are answered; only a connection holding that
//! much unread input stops reading until the program reads or the terminal turns `busy` (10 s), after
//! which input is refused at once and reading goes on. The queue outlives the reader: what a client
//! sent before it left is still written, in order ([`deliver_left`]).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::ws::Message;
use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};
use tokio::sync::{mpsc, watch};

use super::{Control, Stream, receive_failure};
use crate::terminal::protocol::{self, ClientMsg, ErrorCode, ServerMsg};
use crate::terminal::{Size, Terminal, TerminalError};

/// Input one connection may hold while the PTY takes nothing (the terminal's own queue holds 64 more
/// writes): 1 MiB, a whole client message. Each waiting operation counts `OP_COST` bytes more.
const WAITING_BYTES: usize = 1024 * 1024;
/// What a waiting operation costs besides its data, in bytes (bounds a flood of tiny inputs).
const OP_COST: usize = 256;

/// What the reader works with.
pub(super) struct Context {
    /// The client's latest valid size.
    pub(super) size: Size,
    /// No input, resize or restart.
    pub(super) readonly: bool,
    /// The terminal viewed.
    pub(super) terminal: Arc<Terminal>,
    /// To the writer.
    pub(super) control: mpsc::Sender<Control>,
    /// Latest `ack` seq, for the writer.
    pub(super) acks: watch::Sender<u64>,
}

/// Something for the PTY, applied in arrival order.
enum PtyOp {
    Input(Bytes, Size),
    Resize(Size),
}

impl PtyOp {
    fn cost(&self) -> usize {
        OP_COST
            + match self {
                PtyOp::Input(data, _) => data.len(),
                PtyOp::Resize(_) => 0,
            }
    }
}

type OpFuture = Pin<Box<dyn Future<Output = Result<(), TerminalError>> + Send>>;

/// This connection's PTY operations: at most one running, up to `WAITING_BYTES` waiting behind it.
pub(super) struct PtyOps {
    terminal: Arc<Terminal>,
    viewer: u64,
    /// The running operation and its `cost`.
    running: Option<(OpFuture, usize)>,
    waiting: VecDeque<PtyOp>,
    /// Sum of the waiting operations' `cost`.
    waiting_bytes: usize,
}

impl PtyOps {
    pub(super) fn new(terminal: Arc<Terminal>, viewer: u64) -> Self {
        Self {
            terminal,
            viewer,
            running: None,
            waiting: VecDeque::new(),
            waiting_bytes: 0,
        }
    }

    fn future(&self, op: PtyOp) -> OpFuture {
        let terminal = self.terminal.clone();
        let viewer = self.viewer;
        Box::pin(async move {
            match op {
                PtyOp::Input(data, size) => terminal.input(Some((viewer, size)), data).await,
                // A resize of an exited terminal is remembered for its next shell: not an error.
                PtyOp::Resize(size) => match terminal.activity(viewer, size).await {
                    Err(TerminalError::Exited(_)) => Ok(()),
                    other => other,
                },
            }
        })
    }

    /// Queues `op` behind the waiting ones and starts what can start; returns the errors of those
    /// that finished at once (the usual case: a keystroke written straight to the PTY).
    fn push(&mut self, op: PtyOp) -> Vec<TerminalError> {
        self.waiting_bytes += op.cost();
        self.waiting.push_back(op);
        self.start()
    }

    /// Whether this connection holds as much waiting input as it may.
    fn full(&self) -> bool {
        self.waiting_bytes >= WAITING_BYTES
    }

    /// Starts waiting operations until one has to wait; returns the errors of those that finished.
    fn start(&mut self) -> Vec<TerminalError> {
        let mut errors = Vec::new();
        while self.running.is_none() {
            let Some(op) = self.waiting.pop_front() else {
                break;
            };
            let cost = op.cost();
            self.waiting_bytes -= cost;
            let mut future = self.future(op);
            match future.as_mut().now_or_never() {
                Some(Ok(())) => {}
                Some(Err(error)) => errors.push(error),
                None => self.running = Some((future, cost)),
            }
        }
        errors
    }

    /// Completes when the running operation finishes (never when none runs). Cancel-safe: the
    /// operation stays in `running` until it has finished.
    async fn finished(&mut self) -> Result<(), TerminalError> {
        match self.running.as_mut() {
            Some((future, _)) => {
                let result = future.await;
                self.running = None;
                result
            }
            None => std::future::pending().await,
        }
    }
}

/// After the client left — its Close, a dropped connection, or the writer's end — what it sent is still
/// written to the PTY in order, as if it had stayed: a paste or a Ctrl-C sent just before a tab closed
/// reaches the program. The operations' errors have no one to go to. Ends once all is written, or when
/// the terminal exits, turns `busy` (the rest is refused at once) or closes. `socket`, the connection's
/// read half, is held until the terminal has room for this input among other gone clients' input
/// (`Terminal::hold_left_input`): clients that keep coming and leaving while the program reads slowly
/// wait on their slots of the connection cap instead of piling up input in lectern.
pub(super) async fn deliver_left<S>(mut ops: PtyOps, socket: S) {
    let left = ops.waiting_bytes + ops.running.as_ref().map_or(0, |(_, cost)| *cost);
    if left == 0 {
        return;
    }
    let terminal = ops.terminal.clone();
    let mut closing = terminal.closing();
    let deliver = async {
        let _room = terminal.hold_left_input(left).await;
        drop(socket);
        loop {
            ops.start();
            if ops.running.is_none() {
                break;
            }
            let _ = ops.finished().await;
        }
    };
    tokio::select! {
        () = deliver => {}
        _ = closing.wait_for(Option::is_some) => {}
    }
}

fn error_message(error: &TerminalError) -> Control {
    Control::Message(ServerMsg::error(error.code(), error.to_string()))
}

/// Handles client messages after hello until the client closes or the connection fails.
/// `ops` outlive it: the caller delivers what is left in them ([`deliver_left`]).
pub(super) async fn run(stream: &mut Stream, ops: &mut PtyOps, mut context: Context) {
    loop {
        let mut replies: Vec<Control> = Vec::new();
        let message = tokio::select! {
            biased;
            result = ops.finished() => {
                if let Err(error) = result {
                    replies.push(error_message(&error));
                }
                replies.extend(ops.start().iter().map(error_message));
                None
            }
            message = stream.next(), if !ops.full() => Some(message),
        };
        let mut end = false;
        match message {
            None => {}
            Some(None) => end = true,
            Some(Some(Err(error))) => {
                if let Some((code, text, close_code)) = receive_failure(error) {
                    replies.push(Control::Message(ServerMsg::error(code, text.clone())));
                    replies.push(Control::Close(close_code, text));
                }
                end = true;
            }
            Some(Some(Ok(Message::Close(_)))) => {
                replies.push(Control::ClientClosed);
                end = true;
            }
            Some(Some(Ok(message))) => replies.extend(handle(message, &mut context, ops)),
        }
        for reply in replies {
            if context.control.send(reply).await.is_err() {
                return;
            }
        }
        if end {
            return;
        }
    }
}

/// One client message after hello; returns what to answer.
fn handle(message: Message, context: &mut Context, ops: &mut PtyOps) -> Vec<Control> {
    let readonly_error = || {
        Control::Message(ServerMsg::error(
            ErrorCode::Readonly,
            "this connection is read-only",
        ))
    };
    let text = match message {
        Message::Ping(_) | Message::Pong(_) | Message::Close(_) => return Vec::new(),
        Message::Binary(_) if context.readonly => return vec![readonly_error()],
        Message::Binary(data) => {
            return ops
                .push(PtyOp::Input(data, context.size))
                .iter()
                .map(error_message)
                .collect();
        }
        Message::Text(text) => text,
    };
    let reply = match protocol::parse_client(text.as_str()) {
        Err(failure) => Some(Control::Message(ServerMsg::error(
            failure.code(),
            failure.to_string(),
        ))),
        Ok(ClientMsg::Ping { id }) => Some(Control::Message(ServerMsg::Pong { id })),
        Ok(ClientMsg::Hello { .. }) => Some(Control::Message(ServerMsg::error(
            ErrorCode::DuplicateHello,
            "hello was already received on this connection",
        ))),
        Ok(ClientMsg::Resize { cols, rows }) => match Size::new(cols, rows) {
            Err(error) => Some(error_message(&error)),
            Ok(_) if context.readonly => Some(readonly_error()),
            Ok(size) => {
                context.size = size;
                return ops.push(PtyOp::Resize(size)).iter().map(error_message).collect();
            }
        },
        Ok(ClientMsg::Ack { seq }) => {
            // The writer checks it against what it sent (an ack beyond that is `bad-ack`).
            context.acks.send_replace(seq);
            None
        }
        Ok(ClientMsg::Restart) if context.readonly => Some(readonly_error()),
        Ok(ClientMsg::Restart) => context.terminal.restart().err().map(|e| error_message(&e)),
    };
    reply.into_iter().collect()
}
