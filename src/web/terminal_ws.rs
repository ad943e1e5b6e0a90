//! Terminal websocket endpoint `GET /terminal/ws/{name}` (protocol v1, docs/terminal-protocol.md)
//! and, in `terminal_ws/api.rs`, the HTTP input API. Errors after the upgrade become
//! `{"type":"error"}` messages and close codes here.

mod api;

use std::time::Duration;

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::sync::{mpsc, watch};

use super::{AppError, AppState};
use crate::terminal::protocol::{
    self, CLOSE_INTERNAL, CLOSE_POLICY, CLOSE_TOO_BIG, ClientMsg, MAX_CLIENT_MESSAGE, ServerMsg,
};
use crate::terminal::{Size, TerminalError, TerminalHub, TerminalName, Viewer, ViewerEvent};

/// How long a new connection may take to send `hello`.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// Control messages (pong, error) queued for one connection's writer.
const CONTROL_QUEUE: usize = 16;
/// How long the writer may take to flush final messages after the client stopped reading.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(1);

/// Terminal routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/terminal/ws/{name}", get(attach))
        .route("/terminal/api/{name}/paste", post(api::paste))
        .route("/terminal/api/{name}/execute", post(api::execute))
        .route("/terminal/api/{name}/interrupt", post(api::interrupt))
        .route("/terminal/api/{name}/clear", post(api::clear))
}

/// Query string of the websocket URL.
#[derive(Debug, Deserialize)]
struct AttachQuery {
    /// `readonly` for a view-only connection; absent or `readwrite` for a normal one.
    mode: Option<String>,
}

/// Validates the name (before upgrading, so a bad name is a plain HTTP 400) and upgrades.
async fn attach(
    State(hub): State<TerminalHub>,
    Path(name): Path<String>,
    Query(query): Query<AttachQuery>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, AppError> {
    let name = terminal_name(&hub, &name)?;
    let readonly = match query.mode.as_deref() {
        None | Some("readwrite") => false,
        Some("readonly") => true,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "invalid mode {other:?}: use readonly or readwrite"
            )));
        }
    };
    Ok(upgrade
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| connection(socket, hub, name, readonly)))
}

/// Parses a terminal name from the path, or explains why not.
fn terminal_name(hub: &TerminalHub, name: &str) -> Result<TerminalName, AppError> {
    if !hub.enabled() {
        return Err(AppError::NotFound("terminals are disabled".to_string()));
    }
    TerminalName::parse(name).map_err(|error| AppError::BadRequest(error.to_string()))
}

/// What the writer half sends besides viewer events.
enum Control {
    Message(ServerMsg),
    Close(u16, String),
}

type Sink = SplitSink<WebSocket, Message>;

async fn send_json(sink: &mut Sink, message: &ServerMsg) -> bool {
    sink.send(Message::text(message.to_json())).await.is_ok()
}

async fn close(sink: &mut Sink, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.chars().take(120).collect::<String>().into(),
    };
    let _ = sink.send(Message::Close(Some(frame))).await;
}

/// Rejects the connection with an `error` message and a close code.
async fn reject(sink: &mut Sink, code: &str, message: String, close_code: u16) {
    send_json(sink, &ServerMsg::error(code, message.clone())).await;
    close(sink, close_code, &message).await;
}

/// One websocket connection: hello, then a reader (input, resize, ping, restart) and a writer
/// (viewer events and control messages) running side by side.
async fn connection(socket: WebSocket, hub: TerminalHub, name: TerminalName, readonly: bool) {
    let (mut sink, mut stream) = socket.split();
    let Some(Hello {
        last_seq,
        size,
        readonly: hello_readonly,
        window,
    }) = read_hello(&mut sink, &mut stream).await
    else {
        return;
    };
    let readonly = readonly || hello_readonly;
    let terminal = match hub.get_or_start(&name) {
        Ok(terminal) => terminal,
        Err(error) => {
            tracing::warn!(terminal = %name, %error, "cannot attach terminal");
            reject(&mut sink, error.code(), error.to_string(), CLOSE_INTERNAL).await;
            return;
        }
    };
    let (viewer, attached) = Viewer::attach(terminal.clone(), last_seq, readonly, size);
    if !readonly {
        // Attaching counts as activity: the PTY takes this client's size.
        let _ = terminal.activity(viewer.id(), size).await;
    }
    let welcome = ServerMsg::Welcome {
        terminal: name.to_string(),
        seq: attached.seq,
        readonly,
        running: attached.running,
    };
    if !send_json(&mut sink, &welcome).await {
        return;
    }
    tracing::debug!(terminal = %name, readonly, ?last_seq, "viewer attached");
    let (control, control_rx) = mpsc::channel(CONTROL_QUEUE);
    let (acks, acked) = watch::channel(0u64);
    let reader = read_loop(stream, viewer.id(), size, readonly, terminal, control, acks);
    let writer = write_loop(sink, viewer, control_rx, window, acked);
    tokio::pin!(reader, writer);
    tokio::select! {
        () = &mut writer => {}
        () = &mut reader => {
            let _ = tokio::time::timeout(FLUSH_TIMEOUT, writer).await;
        }
    }
}

/// What a valid hello asked for.
struct Hello {
    last_seq: Option<u64>,
    size: Size,
    readonly: bool,
    /// Acknowledgement window, clamped.
    window: Option<u64>,
}

/// Output frames sent on a connection and not yet acknowledged (only with a hello `window`).
#[derive(Default)]
struct InFlight {
    /// `[start, end)` seq ranges of sent frames, oldest first.
    frames: std::collections::VecDeque<(u64, u64)>,
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

/// Waits for a valid `hello`; anything else is answered with an error and a close.
async fn read_hello(sink: &mut Sink, stream: &mut SplitStream<WebSocket>) -> Option<Hello> {
    let deadline = tokio::time::Instant::now() + HELLO_TIMEOUT;
    loop {
        let message = match tokio::time::timeout_at(deadline, stream.next()).await {
            Err(_) => {
                let text = "no hello within 10 seconds".to_string();
                reject(sink, "expected-hello", text, CLOSE_POLICY).await;
                return None;
            }
            Ok(None) => return None,
            Ok(Some(Err(error))) => {
                receive_failed(sink, &error).await;
                return None;
            }
            Ok(Some(Ok(message))) => message,
        };
        let text = match message {
            Message::Text(text) => text,
            Message::Ping(_) | Message::Pong(_) => continue,
            Message::Close(_) => return None,
            Message::Binary(_) => {
                let text = "the first message must be a hello text message".to_string();
                reject(sink, "expected-hello", text, CLOSE_POLICY).await;
                return None;
            }
        };
        let hello = match protocol::parse_client(text.as_str()) {
            Ok(hello) => hello,
            Err(error) => {
                reject(sink, error.code(), error.to_string(), CLOSE_POLICY).await;
                return None;
            }
        };
        let ClientMsg::Hello {
            version,
            last_seq,
            cols,
            rows,
            readonly,
            window,
        } = hello
        else {
            let text = "the first message must be a hello".to_string();
            reject(sink, "expected-hello", text, CLOSE_POLICY).await;
            return None;
        };
        if version != protocol::VERSION {
            let text = format!(
                "protocol version {version} is not supported: use {}",
                protocol::VERSION
            );
            reject(sink, "unsupported-version", text, CLOSE_POLICY).await;
            return None;
        }
        return match Size::new(cols, rows) {
            Ok(size) => Some(Hello {
                last_seq,
                size,
                readonly: readonly.unwrap_or(false),
                window: window.map(|w| w.clamp(protocol::MIN_WINDOW, protocol::MAX_WINDOW)),
            }),
            Err(error) => {
                reject(sink, error.code(), error.to_string(), CLOSE_POLICY).await;
                None
            }
        };
    }
}

/// Explains a failed receive (a too-big message gets close code 1009).
async fn receive_failed(sink: &mut Sink, error: &axum::Error) {
    let text = error.to_string();
    tracing::debug!(error = %text, "terminal websocket receive failed");
    if text.contains("too long") || text.contains("Space limit") {
        let message = format!("message too big: at most {MAX_CLIENT_MESSAGE} bytes");
        reject(sink, "too-big", message, CLOSE_TOO_BIG).await;
    }
}

/// Handles client messages after hello until the client closes or breaks the protocol.
async fn read_loop(
    mut stream: SplitStream<WebSocket>,
    viewer_id: u64,
    mut size: Size,
    readonly: bool,
    terminal: std::sync::Arc<crate::terminal::Terminal>,
    control: mpsc::Sender<Control>,
    acks: watch::Sender<u64>,
) {
    let error = |error: &TerminalError| Control::Message(ServerMsg::error(error.code(), error.to_string()));
    let readonly_error = || Control::Message(ServerMsg::error("readonly", "this connection is read-only"));
    while let Some(message) = stream.next().await {
        let reply = match message {
            Err(failure) => {
                let text = failure.to_string();
                if text.contains("too long") || text.contains("Space limit") {
                    let message = format!("message too big: at most {MAX_CLIENT_MESSAGE} bytes");
                    let _ = control
                        .send(Control::Message(ServerMsg::error("too-big", message.clone())))
                        .await;
                    let _ = control.send(Control::Close(CLOSE_TOO_BIG, message)).await;
                }
                break;
            }
            Ok(Message::Close(_)) => break,
            Ok(Message::Ping(_) | Message::Pong(_)) => None,
            Ok(Message::Binary(data)) if readonly => {
                let _ = data;
                Some(readonly_error())
            }
            Ok(Message::Binary(data)) => terminal
                .input(Some((viewer_id, size)), data)
                .await
                .err()
                .map(|e| error(&e)),
            Ok(Message::Text(text)) => match protocol::parse_client(text.as_str()) {
                Err(failure) => Some(Control::Message(ServerMsg::error(
                    failure.code(),
                    failure.to_string(),
                ))),
                Ok(ClientMsg::Ping { id }) => Some(Control::Message(ServerMsg::Pong { id })),
                Ok(ClientMsg::Hello { .. }) => Some(Control::Message(ServerMsg::error(
                    "duplicate-hello",
                    "hello was already received on this connection",
                ))),
                Ok(ClientMsg::Resize { cols, rows }) => match Size::new(cols, rows) {
                    Err(e) => Some(error(&e)),
                    Ok(_) if readonly => Some(readonly_error()),
                    Ok(new_size) => {
                        size = new_size;
                        match terminal.activity(viewer_id, size).await {
                            Err(TerminalError::Exited(_)) | Ok(()) => None,
                            Err(e) => Some(error(&e)),
                        }
                    }
                },
                Ok(ClientMsg::Ack { seq }) => {
                    acks.send_if_modified(|acked| {
                        let newer = seq > *acked;
                        if newer {
                            *acked = seq;
                        }
                        newer
                    });
                    None
                }
                Ok(ClientMsg::Restart) if readonly => Some(readonly_error()),
                Ok(ClientMsg::Restart) => terminal.restart().err().map(|e| error(&e)),
            },
        };
        if let Some(reply) = reply
            && control.send(reply).await.is_err()
        {
            break;
        }
    }
}

/// Sends viewer events and control messages until the client goes away. Memory per connection is
/// bounded: one output frame (≤ 64 KiB) in flight, the rest stays in the shared ring. With an
/// acknowledgement `window`, output waits while that many bytes are sent and not yet acknowledged.
async fn write_loop(
    mut sink: Sink,
    mut viewer: Viewer,
    mut control: mpsc::Receiver<Control>,
    window: Option<u64>,
    mut acked: watch::Receiver<u64>,
) {
    let mut in_flight = InFlight::default();
    loop {
        let room = match window {
            Some(window) => {
                in_flight.acked(*acked.borrow_and_update());
                window.saturating_sub(in_flight.bytes)
            }
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
            },
            // Only waits for acknowledgements (an error means the reader ended: the connection
            // is closing, and the select in `connection` ends this loop).
            changed = acked.changed(), if room == 0 => changed.is_ok(),
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
