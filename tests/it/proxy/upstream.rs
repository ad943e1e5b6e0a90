//! A real upstream for the proxy tests: echoes requests as JSON, speaks websocket (echo), streams
//! server-sent events on demand, answers slowly or with big bodies. Dispatch is by path suffix so the same
//! server works behind any prefix.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::sync::Notify;

/// A running upstream.
pub struct Upstream {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Releases the second server-sent event of `/…/sse`.
    pub release: Arc<Notify>,
}

impl Upstream {
    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

/// Starts an upstream on 127.0.0.1:0.
pub async fn start() -> Upstream {
    let release = Arc::new(Notify::new());
    let app = Router::new().fallback(handle).with_state(release.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind upstream");
    let addr = listener.local_addr().expect("upstream addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Upstream { addr, release }
}

async fn handle(
    State(release): State<Arc<Notify>>,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
    request: Request,
) -> Response {
    let path = request.uri().path().to_string();
    if let Ok(ws) = ws {
        return ws
            .on_upgrade(|mut socket| async move {
                while let Some(Ok(message)) = socket.recv().await {
                    let echo = matches!(message, Message::Text(_) | Message::Binary(_));
                    if matches!(message, Message::Close(_)) || (echo && socket.send(message).await.is_err()) {
                        break;
                    }
                }
            })
            .into_response();
    }
    if path.ends_with("/sse") {
        let stream =
            futures_util::stream::once(async { Ok::<_, std::io::Error>(Bytes::from("data: one\n\n")) })
                .chain(futures_util::stream::once(async move {
                    release.notified().await;
                    Ok(Bytes::from("data: two\n\n"))
                }));
        return (
            [
                ("content-type", "text/event-stream"),
                ("cache-control", "no-cache"),
            ],
            Body::from_stream(stream),
        )
            .into_response();
    }
    if path.ends_with("/slow") {
        tokio::time::sleep(Duration::from_secs(30)).await;
        return "late".into_response();
    }
    if let Some(size) = path
        .rsplit_once("/big/")
        .and_then(|(_, n)| n.parse::<usize>().ok())
    {
        return vec![b'x'; size].into_response();
    }
    if path.ends_with("/set-cookie") {
        return axum::response::Response::builder()
            .header("set-cookie", "workshop-session-id=forged; Path=/")
            .header("set-cookie", "lectern-oauth-state=forged; Path=/")
            .header("set-cookie", "app-cookie=1; Path=/")
            .body(Body::from("cookies"))
            .unwrap_or_default();
    }
    if path.ends_with("/set-headers") {
        return (
            [
                ("x-frame-options", "DENY"),
                ("content-security-policy", "default-src 'self'"),
                ("connection", "x-upstream-private"),
                ("x-upstream-private", "1"),
            ],
            "with headers",
        )
            .into_response();
    }
    let method = request.method().to_string();
    let uri = request.uri().to_string();
    let mut headers = serde_json::Map::new();
    for (name, value) in request.headers() {
        let value = value.to_str().unwrap_or("?").to_string();
        headers
            .entry(name.as_str().to_string())
            .and_modify(|v| {
                let joined = format!("{}, {value}", v.as_str().unwrap_or(""));
                *v = serde_json::Value::String(joined);
            })
            .or_insert(serde_json::Value::String(value));
    }
    let body = axum::body::to_bytes(request.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    axum::Json(serde_json::json!({
        "upstream": "echo",
        "method": method,
        "uri": uri,
        "headers": headers,
        "body_len": body.len(),
    }))
    .into_response()
}
