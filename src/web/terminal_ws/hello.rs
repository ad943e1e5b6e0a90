//! The first message of a terminal connection: a valid `hello` within `HELLO_TIMEOUT`, or an error and
//! a close (docs/terminal-protocol.md, sections 5.1 and 6).

use std::time::Duration;

use axum::extract::ws::Message;
use futures_util::{SinkExt, StreamExt};

use super::{Sink, Stream, receive_failure, reject};
use crate::terminal::Size;
use crate::terminal::protocol::{self, CLOSE_POLICY, ClientMsg, ErrorCode, Feature};

/// How long a new connection may take to send `hello`.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// What a valid hello asked for.
pub(super) struct Hello {
    pub(super) last_seq: Option<u64>,
    /// The features asked for that this server supports (`None`: the hello had no `features`).
    pub(super) features: Option<Vec<Feature>>,
    /// Feature `stream`: the stream `last_seq` belongs to.
    pub(super) stream: Option<String>,
    pub(super) size: Size,
    pub(super) readonly: bool,
    /// Acknowledgement window, clamped.
    pub(super) window: Option<u64>,
}

impl Hello {
    /// The hello asked for `feature` (and this server supports it).
    pub(super) fn wants(&self, feature: Feature) -> bool {
        self.features
            .as_ref()
            .is_some_and(|features| features.contains(&feature))
    }
}

/// Waits for a valid `hello`; anything else is answered with an error and a close (a client's Close
/// with the answering Close).
pub(super) async fn read(sink: &mut Sink, stream: &mut Stream) -> Option<Hello> {
    let deadline = tokio::time::Instant::now() + HELLO_TIMEOUT;
    loop {
        let message = match tokio::time::timeout_at(deadline, stream.next()).await {
            Err(_) => {
                let text = "no hello within 10 seconds".to_string();
                reject(sink, ErrorCode::ExpectedHello, text, CLOSE_POLICY).await;
                return None;
            }
            Ok(None) => return None,
            Ok(Some(Err(error))) => {
                if let Some((code, text, close_code)) = receive_failure(error) {
                    reject(sink, code, text, close_code).await;
                }
                return None;
            }
            Ok(Some(Ok(message))) => message,
        };
        let text = match message {
            Message::Text(text) => text,
            Message::Ping(_) | Message::Pong(_) => continue,
            Message::Close(_) => {
                // The websocket layer queued the answering Close; closing flushes it.
                let _ = sink.close().await;
                return None;
            }
            Message::Binary(_) => {
                let text = "the first message must be a hello text message".to_string();
                reject(sink, ErrorCode::ExpectedHello, text, CLOSE_POLICY).await;
                return None;
            }
        };
        let hello = match protocol::parse_hello(text.as_str()) {
            Ok(hello) => hello,
            Err(error) => {
                reject(sink, error.code, error.message, CLOSE_POLICY).await;
                return None;
            }
        };
        let ClientMsg::Hello {
            last_seq,
            cols,
            rows,
            readonly,
            window,
            features,
            stream,
            ..
        } = hello
        else {
            let text = "the first message must be a hello".to_string();
            reject(sink, ErrorCode::ExpectedHello, text, CLOSE_POLICY).await;
            return None;
        };
        return match Size::new(cols, rows) {
            Ok(size) => Some(Hello {
                last_seq,
                features: features.map(|asked| Feature::negotiate(&asked)),
                stream,
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
