//! Server-sent events `GET /api/events`: `content-changed` (`{"pages": [keys]}`, empty = all) after a reload and
//! `message` (the JSON of `/message/broadcast`) and `session` (`web::shared::SessionStatus`) to open browsers,
//! and last, when lectern shuts down, `closing` (`web::shared::ServerClosing`: why). A subscriber that falls
//! behind the bounded bus gets one `content-changed` with no keys (reload everything) instead of the events
//! it missed.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::routing::get;
use futures_util::stream;
use futures_util::{Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use super::AppState;
use super::shared::ServerClosing;
use crate::events::{Event, EventBus};

/// Why the event stream ends: said to every open dashboard as lectern shuts down.
const SHUTDOWN_REASON: &str = "lectern is shutting down (restarting, or the session is being stopped).";

/// Interval of SSE keep-alive comments, seconds (below common proxy idle timeouts).
const KEEP_ALIVE_SECS: u64 = 15;

/// Event stream routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/events", get(events))
}

async fn events(State(state): State<AppState>) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    // Subscribe before answering, so nothing published after the response starts is missed.
    let updates = bus_stream(&state.events).filter_map(|event| async move { to_sse(&event).map(Ok) });
    let hello = stream::once(async { Ok(SseEvent::default().comment("connected")) });
    // The stream ends only when lectern shuts down: its last event says so, and why.
    let closing = stream::once(async { Ok(closing_event()) });
    Sse::new(hello.chain(updates).chain(closing))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(KEEP_ALIVE_SECS)))
}

/// The bus as a stream that ends when the bus closes; a lag becomes one "everything changed" event.
fn bus_stream(bus: &EventBus) -> impl Stream<Item = Event> + Send + use<> {
    let receiver = bus.subscribe();
    let closed = Box::pin(bus.closed());
    stream::unfold((receiver, closed), |(mut receiver, mut closed)| async move {
        let received = tokio::select! {
            biased;
            () = &mut closed => return None,
            received = receiver.recv() => received,
        };
        let event = match received {
            Ok(event) => event,
            Err(RecvError::Lagged(missed)) => {
                tracing::debug!(missed, "event subscriber lagged; asking it to reload everything");
                Event::ContentChanged { pages: Vec::new() }
            }
            Err(RecvError::Closed) => return None,
        };
        Some((event, (receiver, closed)))
    })
}

/// The `closing` event, the stream's last: lectern is shutting down. The browser reconnects by itself;
/// `retry` makes it try again after a second rather than its default few.
fn closing_event() -> SseEvent {
    let closing = ServerClosing {
        reason: SHUTDOWN_REASON.to_string(),
    };
    let data = serde_json::to_string(&closing).unwrap_or_default();
    SseEvent::default()
        .event("closing")
        .retry(Duration::from_secs(1))
        .data(data)
}

/// The SSE form of a bus event.
fn to_sse(event: &Event) -> Option<SseEvent> {
    match event {
        Event::ContentChanged { pages } => {
            let data = serde_json::json!({ "pages": pages }).to_string();
            Some(SseEvent::default().event("content-changed").data(data))
        }
        Event::Message { json } => Some(SseEvent::default().event("message").data(json.as_str())),
        Event::Session { json } => Some(SseEvent::default().event("session").data(json.as_str())),
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::bus_stream;
    use crate::events::{Event, EventBus};

    #[tokio::test]
    async fn a_lagging_subscriber_is_told_to_reload_everything() {
        let bus = EventBus::new();
        let stream = bus_stream(&bus);
        for n in 0..1000 {
            bus.publish(Event::Message {
                json: format!("{{\"n\":{n}}}"),
            });
        }
        let mut stream = Box::pin(stream);
        let first = stream.next().await.expect("an event");
        assert_eq!(first, Event::ContentChanged { pages: Vec::new() });
        // Then the newest events that were still buffered.
        assert!(matches!(stream.next().await, Some(Event::Message { .. })));
        bus.close();
        let rest: Vec<Event> = stream.collect().await;
        assert!(rest.is_empty(), "the stream ends when the bus closes");
    }
}
