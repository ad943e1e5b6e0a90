//! Server-sent events `GET /api/events`: `content-changed` (`{"pages": [keys]}`, empty = all) after a reload and
//! `message` (the JSON of `/message/broadcast`) to open browsers. A subscriber that falls behind the bounded
//! bus gets one `content-changed` with no keys (reload everything) instead of the events it missed.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::routing::get;
use futures_util::Stream;
use futures_util::stream;
use tokio::sync::broadcast::error::RecvError;

use super::AppState;
use crate::events::Event;

/// Interval of SSE keep-alive comments, seconds (below common proxy idle timeouts).
const KEEP_ALIVE_SECS: u64 = 15;

/// Event stream routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/events", get(events))
}

async fn events(State(state): State<AppState>) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    // Subscribe before answering, so nothing published after the response starts is missed.
    let receiver = state.events.subscribe();
    let closed = Box::pin(state.events.closed());
    let hello = stream::once(async { Ok(SseEvent::default().comment("connected")) });
    let updates = stream::unfold((receiver, closed), |(mut receiver, mut closed)| async move {
        loop {
            let received = tokio::select! {
                biased;
                () = &mut closed => return None,
                received = receiver.recv() => received,
            };
            let event = match received {
                Ok(event) => to_sse(&event),
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "event subscriber lagged; asking it to reload everything");
                    to_sse(&Event::ContentChanged { pages: Vec::new() })
                }
                Err(RecvError::Closed) => return None,
            };
            if let Some(event) = event {
                return Some((Ok(event), (receiver, closed)));
            }
        }
    });
    Sse::new(futures_util::StreamExt::chain(hello, updates))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(KEEP_ALIVE_SECS)))
}

/// The SSE form of a bus event.
fn to_sse(event: &Event) -> Option<SseEvent> {
    match event {
        Event::ContentChanged { pages } => {
            let data = serde_json::json!({ "pages": pages }).to_string();
            Some(SseEvent::default().event("content-changed").data(data))
        }
        Event::Message { json } => Some(SseEvent::default().event("message").data(json.as_str())),
    }
}
