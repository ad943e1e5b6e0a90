//! The channel to lectern's VS Code extension running inside code-server (`frontend/vscode-extension/`),
//! transport-free: the web edge (`web/editor.rs`) runs the authenticated websocket the extension opens
//! *to* lectern and hands each connection a [`Connection`]. UI operations ([`UiOp`]) go to the most recent
//! connection and wait for its [`FromExtension`] reply; a reveal sent while no editor is connected is kept
//! and delivered when one connects (the learner opens the Editor tab after clicking).
//!
//! The messages are the one definition both sides use: the extension's `protocol.generated.ts` is
//! generated from these types by a unit test.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot, watch};

use super::request::Range;

/// How long a reveal waits for an editor to connect before it is dropped.
const PENDING_REVEAL_TTL: Duration = Duration::from_secs(120);
/// Messages queued to one connection at most.
const QUEUE: usize = 64;

/// A VS Code terminal action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename_all = "kebab-case"))]
pub enum TerminalAction {
    /// Show (create) it.
    Open,
    /// Dispose of it.
    Close,
    /// Send text.
    Send,
    /// Send Ctrl-C.
    Interrupt,
    /// Clear it.
    Clear,
}

/// What lectern asks of the editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename_all = "kebab-case", tag = "op"))]
pub enum UiOp {
    /// Open `file`, reload it from disk when lectern changed it, and select `selection` (or the cursor).
    Reveal {
        /// Absolute path.
        file: String,
        /// What to select.
        #[cfg_attr(test, ts(optional))]
        selection: Option<Range>,
        /// The file changed on disk: show the new content before selecting.
        changed: bool,
    },
    /// Before lectern edits `file`: save it if it has unsaved changes, and reply with its selection if
    /// it is open.
    Prepare {
        /// Absolute path.
        file: String,
    },
    /// Close `file`'s tab if it is open.
    Close {
        /// Absolute path.
        file: String,
    },
    /// Run a VS Code command.
    Command {
        /// Command id.
        command: String,
        /// Its arguments.
        #[cfg_attr(test, ts(type = "unknown[]"))]
        args: Vec<Value>,
    },
    /// A VS Code terminal.
    Terminal {
        /// What to do.
        action: TerminalAction,
        /// Terminal name.
        session: String,
        /// Text (`send`).
        #[cfg_attr(test, ts(optional))]
        text: Option<String>,
        /// Add a newline after `text`.
        endl: bool,
    },
}

/// A message to the extension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ToExtension {
    /// Matches the reply.
    pub id: u64,
    /// The operation.
    #[serde(flatten)]
    pub op: UiOp,
}

/// The extension's answer to a [`ToExtension`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FromExtension {
    /// The request's id.
    pub id: u64,
    /// Carried out.
    pub ok: bool,
    /// Why not.
    #[cfg_attr(test, ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// `prepare`: the file's selection in the editor (absent when the file is not open).
    #[cfg_attr(test, ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<Range>,
}

/// Why a UI operation did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BridgeError {
    /// No editor connected in time.
    NotConnected,
    /// It connected but did not answer in time (or went away).
    NoAnswer,
}

/// The shared state of the channel (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct Bridge {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    state: Mutex<State>,
    /// Number of connections, watched by callers waiting for one.
    connected: watch::Sender<usize>,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    /// Open connections, oldest first.
    connections: Vec<(u64, mpsc::Sender<ToExtension>)>,
    /// Replies awaited, by message id.
    waiting: HashMap<u64, oneshot::Sender<FromExtension>>,
    /// The last reveal made while no editor was connected.
    pending: Option<(Instant, UiOp)>,
}

/// One connected extension: feed it the receiver's messages and its replies to [`Connection::reply`].
#[derive(Debug)]
pub struct Connection {
    bridge: Bridge,
    id: u64,
}

impl Bridge {
    /// A bridge with nothing connected.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether an editor is connected now.
    pub fn is_connected(&self) -> bool {
        *self.inner.connected.borrow() > 0
    }

    /// Registers a new connection; a pending reveal is queued to it first.
    pub fn connect(&self) -> (Connection, mpsc::Receiver<ToExtension>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let mut state = self.lock();
        state.next_id += 1;
        let id = state.next_id;
        if let Some((at, op)) = state.pending.take()
            && at.elapsed() < PENDING_REVEAL_TTL
        {
            state.next_id += 1;
            let _ = tx.try_send(ToExtension {
                id: state.next_id,
                op,
            });
        }
        state.connections.push((id, tx));
        let count = state.connections.len();
        drop(state);
        self.inner.connected.send_replace(count);
        (
            Connection {
                bridge: self.clone(),
                id,
            },
            rx,
        )
    }

    /// Sends `op` to the most recent editor — waiting up to `connect_wait` for one to connect — and waits
    /// up to `answer_wait` for its reply.
    pub async fn call(
        &self,
        op: UiOp,
        connect_wait: Duration,
        answer_wait: Duration,
    ) -> Result<FromExtension, BridgeError> {
        let mut connected = self.inner.connected.subscribe();
        let wait = connected.wait_for(|count| *count > 0);
        if tokio::time::timeout(connect_wait, wait).await.is_err() {
            return Err(BridgeError::NotConnected);
        }
        let (reply_tx, reply_rx) = oneshot::channel();
        let (id, sender) = {
            let mut state = self.lock();
            let Some((_, sender)) = state.connections.last().cloned() else {
                return Err(BridgeError::NotConnected);
            };
            state.next_id += 1;
            let id = state.next_id;
            state.waiting.insert(id, reply_tx);
            (id, sender)
        };
        let sent = sender
            .send_timeout(ToExtension { id, op }, answer_wait)
            .await
            .is_ok();
        let answer = if sent {
            tokio::time::timeout(answer_wait, reply_rx)
                .await
                .ok()
                .and_then(Result::ok)
        } else {
            None
        };
        self.lock().waiting.remove(&id);
        answer.ok_or(BridgeError::NoAnswer)
    }

    /// Sends `op` to every connected editor without waiting for answers; with none connected a `keep`
    /// operation (a reveal) is kept for the next one. Returns whether an editor was reached.
    pub fn show(&self, op: UiOp, keep: bool) -> bool {
        let mut state = self.lock();
        if state.connections.is_empty() {
            if keep {
                state.pending = Some((Instant::now(), op));
            }
            return false;
        }
        let mut reached = false;
        for (_, sender) in state.connections.clone() {
            state.next_id += 1;
            let message = ToExtension {
                id: state.next_id,
                op: op.clone(),
            };
            reached |= sender.try_send(message).is_ok();
        }
        reached
    }
}

impl Connection {
    /// Hands the extension's reply to whoever waits for it.
    pub fn reply(&self, reply: FromExtension) {
        if let Some(waiter) = self.bridge.lock().waiting.remove(&reply.id) {
            let _ = waiter.send(reply);
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        let mut state = self.bridge.lock();
        state.connections.retain(|(id, _)| *id != self.id);
        let count = state.connections.len();
        drop(state);
        self.bridge.inner.connected.send_replace(count);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn calls_reach_the_newest_connection_and_reveals_wait_for_one() {
        let bridge = Bridge::new();
        let reveal = UiOp::Reveal {
            file: "/f".into(),
            selection: None,
            changed: true,
        };
        assert!(!bridge.show(reveal.clone(), true));
        let short = Duration::from_millis(10);
        assert_eq!(
            bridge.call(UiOp::Close { file: "/f".into() }, short, short).await,
            Err(BridgeError::NotConnected)
        );
        let (connection, mut rx) = bridge.connect();
        assert_eq!(
            rx.recv().await.unwrap().op,
            reveal,
            "the pending reveal comes first"
        );
        let caller = {
            let bridge = bridge.clone();
            tokio::spawn(async move {
                bridge
                    .call(
                        UiOp::Close { file: "/g".into() },
                        Duration::from_secs(30),
                        Duration::from_secs(30),
                    )
                    .await
            })
        };
        let message = rx.recv().await.unwrap();
        connection.reply(FromExtension {
            id: message.id,
            ok: true,
            error: None,
            selection: None,
        });
        assert!(caller.await.unwrap().unwrap().ok);
        drop(connection);
        assert!(!bridge.is_connected());
    }
}
