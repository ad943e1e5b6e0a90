//! EventBus: a bounded broadcast of server-side events (content reloads, dashboard messages) to browsers.

use std::sync::Arc;

use tokio::sync::{broadcast, watch};

/// Capacity of the broadcast channel (events); a browser that falls further behind gets a `Lagged` and reloads.
const CAPACITY_EVENTS: usize = 256;

/// Something browsers should know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Instructions changed on disk; `pages` are the changed page keys (empty = everything).
    ContentChanged {
        /// Changed page keys.
        pages: Vec<String>,
    },
    /// A dashboard action relayed to every open dashboard (`/message/broadcast`), as JSON text.
    Message {
        /// The JSON object `{"action": .., "data": ..}`.
        json: String,
    },
    /// Where the session stands changed (it ended, the portal became unreachable or reachable again).
    Session {
        /// The JSON of `web::shared::SessionStatus`.
        json: String,
    },
}

/// Cheap-to-clone handle on the broadcast channel.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Event>,
    /// Flips to `true` when the server shuts down, so long-lived streams (SSE) end and the drain completes.
    closed: Arc<watch::Sender<bool>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    /// A new bus with no subscribers.
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(CAPACITY_EVENTS);
        let (closed, _) = watch::channel(false);
        Self {
            sender,
            closed: Arc::new(closed),
        }
    }

    /// Tells every stream to end (server shutdown).
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    /// Completes once [`EventBus::close`] has been called (immediately if it already was).
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + use<> {
        let mut receiver = self.closed.subscribe();
        async move {
            let _ = receiver.wait_for(|closed| *closed).await;
        }
    }

    /// Sends to every current subscriber; with none, the event is dropped.
    pub fn publish(&self, event: Event) {
        let _ = self.sender.send(event);
    }

    /// A new receiver that sees events published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}
