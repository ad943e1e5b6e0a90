//! Editor routes: `POST /code-server/editor/{op}` and `POST /code-server/command/{id}` (the paths the
//! original's dashboard calls, behind login), and `/editor-channel`, the websocket lectern's VS Code
//! extension opens from inside code-server — public to the login check but refused without the channel
//! secret (`Authorization: Bearer …`), so nothing answers unauthenticated (the original's W12).

use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use futures_util::{SinkExt, StreamExt};
use http::{HeaderMap, StatusCode, header};
use serde_json::Value;
use subtle::ConstantTimeEq;

use super::{AppError, AppState};
use crate::editor::{Editor, EditorError, FromExtension, Request};

/// Path of the extension's websocket.
pub const CHANNEL_PATH: &str = "/editor-channel";

/// Editor routes behind login.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/code-server/hello",
            get(|| async { "lectern editor operations are available\n" }),
        )
        .route("/code-server/editor/{op}", post(operation))
        .route("/code-server/command/{command}", post(command))
}

/// The extension's channel (its own authentication).
pub fn public_routes() -> Router<AppState> {
    Router::new().route(CHANNEL_PATH, any(channel))
}

/// Whether the editor is enabled for this session: by `ENABLE_EDITOR` (or an upstream), else by the
/// workshop's `session.applications.editor.enabled`.
pub fn enabled(state: &AppState) -> bool {
    state
        .config
        .proxy
        .editor
        .enabled
        .or(state.content.current().definition.applications.editor)
        == Some(true)
}

fn parse_body(body: &Bytes) -> Result<Value, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(|error| {
        AppError::Editor(EditorError::BadRequest(format!(
            "the request is not JSON: {error}"
        )))
    })
}

async fn operation(
    State(state): State<AppState>,
    Path(op): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let request = Request::parse(&op, parse_body(&body)?).map_err(AppError::Editor)?;
    run(&state, request).await
}

async fn command(
    State(state): State<AppState>,
    Path(command): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let request = Request::command(&command, parse_body(&body)?).map_err(AppError::Editor)?;
    run(&state, request).await
}

async fn run(state: &AppState, request: Request) -> Result<Response, AppError> {
    let reply = state
        .editor
        .run(request, enabled(state))
        .await
        .map_err(AppError::Editor)?;
    Ok(axum::Json(reply).into_response())
}

/// Whether the request carries the channel secret (compared in constant time).
fn authorised(headers: &HeaderMap, secret: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
    else {
        return false;
    };
    bool::from(given.as_bytes().ct_eq(secret.as_bytes()))
}

async fn channel(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if !authorised(&headers, &state.editor_secret.0) {
        return (StatusCode::UNAUTHORIZED, "the editor channel needs its secret\n").into_response();
    }
    let Ok(upgrade) = upgrade else {
        return (StatusCode::BAD_REQUEST, "the editor channel is a websocket\n").into_response();
    };
    let editor = state.editor.clone();
    upgrade.on_upgrade(move |socket| serve_channel(editor, socket))
}

/// Relays bridge messages to one connected extension and its replies back.
async fn serve_channel(editor: Editor, socket: WebSocket) {
    let (connection, mut outgoing) = editor.bridge().connect();
    tracing::info!("the editor extension connected");
    let (mut sink, mut stream) = socket.split();
    loop {
        tokio::select! {
            message = outgoing.recv() => {
                let Some(message) = message else { break };
                let Ok(text) = serde_json::to_string(&message) else { continue };
                if sink.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<FromExtension>(&text) {
                    Ok(reply) => connection.reply(reply),
                    Err(error) => tracing::warn!(%error, "unreadable message from the editor extension"),
                },
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    tracing::info!("the editor extension disconnected");
}
