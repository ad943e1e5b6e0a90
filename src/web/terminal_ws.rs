//! Terminal websocket endpoint `GET /terminal/ws/{name}` (docs/terminal-protocol.md). A connection is
//! a hello (`terminal_ws/hello.rs`), then a reader (`reader.rs`: input, resize, acks, pings; it never
//! waits on the PTY) and a writer (`writer.rs`: viewer events and control messages) side by side;
//! `api.rs` is the HTTP input API. Errors after the upgrade become `{"type":"error"}` messages and
//! close codes here.

mod api;

pub(crate) use api::as_typed;
mod hello;
mod output;
mod reader;
mod screen;
mod writer;

use std::time::Duration;

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Extension, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use futures_util::SinkExt;
use futures_util::stream::{SplitSink, SplitStream, StreamExt};
use serde::Deserialize;
use tokio::sync::{mpsc, watch};

use super::{AppError, AppState};
use crate::auth::Principal;
use crate::terminal::protocol::{
    CLOSE_BAD_DATA, CLOSE_INTERNAL, CLOSE_TOO_BIG, ErrorCode, Feature, MAX_CLIENT_MESSAGE, ServerMsg,
};
use crate::terminal::{TerminalHub, TerminalName, Viewer};

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
        // A terminal named `ws` or `session` is shadowed by those routes here; the api/ form works for all.
        .route("/terminal/{name}/screen", get(screen::screen))
        .route("/terminal/api/{name}/screen", get(screen::screen))
        .route("/terminal/{name}/output", get(output::output))
        .route("/terminal/api/{name}/output", get(output::output))
}

/// Query string of the websocket URL.
#[derive(Debug, Deserialize)]
struct AttachQuery {
    /// `readonly` for a view-only connection; absent or `readwrite` for a normal one.
    mode: Option<String>,
}

/// Validates the name (before upgrading, so a bad name is a plain HTTP 400) and upgrades. Staff reach
/// their own terminals unless they chose the learner's (`auth/staff.rs`).
async fn attach(
    State(hub): State<TerminalHub>,
    Path(name): Path<String>,
    Query(query): Query<AttachQuery>,
    principal: Option<Extension<Principal>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, AppError> {
    let (name, watching) = staff_terminal(principal.as_ref().map(|p| &p.0), &headers, &name);
    let name = terminal_name(&hub, &name)?;
    let readonly = watching
        || match query.mode.as_deref() {
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

/// The terminal `principal` reaches for `name`, and whether only to watch it (`auth/staff.rs`).
fn staff_terminal(principal: Option<&Principal>, headers: &HeaderMap, name: &str) -> (String, bool) {
    match principal {
        Some(principal) => crate::auth::staff::terminal_for(principal, headers, name),
        None => (name.to_string(), false),
    }
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
    /// A JSON message.
    Message(ServerMsg),
    /// A close frame with this code and reason; then the writer stops.
    Close(u16, String),
    /// The client sent a Close frame: flush the answer the websocket layer queued, then stop.
    ClientClosed,
}

type Sink = SplitSink<WebSocket, Message>;
type Stream = SplitStream<WebSocket>;

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
async fn reject(sink: &mut Sink, code: ErrorCode, message: String, close_code: u16) {
    send_json(sink, &ServerMsg::error(code, message.clone())).await;
    close(sink, close_code, &message).await;
}

/// What a failed receive means: the error code and text to send and the close code, or `None` when
/// the connection simply dropped. Classified by the websocket layer's error type.
fn receive_failure(error: axum::Error) -> Option<(ErrorCode, String, u16)> {
    let inner = error.into_inner();
    let failure = match inner.downcast_ref::<tungstenite::Error>() {
        Some(tungstenite::Error::Capacity(_)) => Some((
            ErrorCode::TooBig,
            format!("message too big: at most {MAX_CLIENT_MESSAGE} bytes"),
            CLOSE_TOO_BIG,
        )),
        Some(tungstenite::Error::Utf8(_)) => Some((
            ErrorCode::BadMessage,
            "malformed message: a text message must be valid UTF-8".to_string(),
            CLOSE_BAD_DATA,
        )),
        _ => None,
    };
    if failure.is_none() {
        tracing::debug!(error = %inner, "terminal websocket receive failed");
    }
    failure
}

/// A client with feature `snapshots` attaches by snapshot when the client's gap is gone from the ring, or when the snapshot
/// is smaller than the replay would be; returns it with the seq the client had (`None`: a new one).
async fn attach_snapshot(
    terminal: &std::sync::Arc<crate::terminal::Terminal>,
    last_seq: Option<u64>,
    end: u64,
) -> Option<(crate::terminal::Snapshot, Option<u64>)> {
    let start = terminal.ring_start();
    let from = last_seq.unwrap_or(start);
    let gap = end.saturating_sub(from);
    if gap == 0 {
        return None;
    }
    let model = terminal.clone();
    let snapshot = tokio::task::spawn_blocking(move || model.snapshot()).await.ok()?;
    let lost = from < start;
    (snapshot.seq >= end && (lost || (snapshot.data.len() as u64) < gap)).then_some((snapshot, last_seq))
}

/// One websocket connection: hello, then the reader and the writer side by side.
async fn connection(socket: WebSocket, hub: TerminalHub, name: TerminalName, url_readonly: bool) {
    let open = crate::metrics::websocket(crate::metrics::Websocket::Terminal);
    let (mut sink, mut stream) = socket.split();
    let Some(hello) = hello::read(&mut sink, &mut stream).await else {
        return;
    };
    // `?mode=readonly` cannot be lifted by the hello: the URL may be all a viewer was given.
    let readonly = url_readonly || hello.readonly;
    let terminal = match hub.get_or_start(&name) {
        Ok(terminal) => terminal,
        Err(error) => {
            tracing::warn!(terminal = %name, %error, "cannot attach terminal");
            reject(&mut sink, error.code(), error.to_string(), CLOSE_INTERNAL).await;
            return;
        }
    };
    // Seqs of another stream (a server that restarted) mean nothing here: attach as a new client.
    let last_seq = match &hello.stream {
        Some(stream) if stream != terminal.stream() => None,
        _ => hello.last_seq,
    };
    // A client that asked for neither snapshots nor a window must get every byte: it counts for the
    // PTY's flow control. The others are skipped ahead when they lag, and never hold the PTY.
    let snapshots = hello.wants(Feature::Snapshots);
    let holds_pty = !snapshots && hello.window.is_none();
    let (viewer, attached) = Viewer::attach(terminal.clone(), last_seq, readonly, hello.size, holds_pty);
    if !readonly {
        // Attaching counts as activity: the PTY takes this client's size.
        let _ = terminal.activity(viewer.id(), hello.size).await;
    }
    let welcome = ServerMsg::Welcome {
        terminal: name.to_string(),
        seq: attached.seq,
        readonly,
        running: attached.running,
        stream: hello
            .wants(Feature::Stream)
            .then(|| terminal.stream().to_string()),
        features: hello.features.clone(),
    };
    if !send_json(&mut sink, &welcome).await {
        return;
    }
    tracing::debug!(terminal = %name, readonly, ?last_seq, "viewer attached");
    let first = if snapshots {
        attach_snapshot(&terminal, last_seq, attached.seq).await
    } else {
        None
    };
    let (lag_bytes, lag_time) = hub.lag_bounds(snapshots, hello.window);
    let skipping = (!holds_pty).then_some(writer::Skipping {
        snapshots,
        lag_bytes,
        lag_time,
    });
    let closing = terminal.closing();
    let (control, control_rx) = mpsc::channel(CONTROL_QUEUE);
    let (acks, acked) = watch::channel(0u64);
    // The connection's input queue lives here, not in the reader (dropped when the connection ends), so
    // what the client sent before it left is still written.
    let mut ops = reader::PtyOps::new(terminal.clone(), viewer.id());
    let writer = writer::run(
        sink,
        viewer,
        (control_rx, closing),
        hello.window,
        acked,
        skipping,
        first,
    );
    {
        let reader = reader::run(
            &mut stream,
            &mut ops,
            reader::Context {
                size: hello.size,
                readonly,
                terminal,
                control,
                acks,
            },
        );
        tokio::pin!(reader, writer);
        tokio::select! {
            () = &mut writer => {}
            () = &mut reader => {
                let _ = tokio::time::timeout(FLUSH_TIMEOUT, writer).await;
            }
        }
    }
    reader::deliver_left(ops, (stream, open)).await;
}
