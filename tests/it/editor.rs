//! Editor integration tests: every `editor:*` operation over HTTP on real files with bad inputs, the
//! extension channel (a fake extension speaking the real protocol; refused without its secret), the
//! corpus's editor blocks run in page order, and real code-server supervised by lectern.

#![allow(clippy::unwrap_used)] // tests may unwrap (STYLE: no unwrap in server paths)

mod channel;
mod corpus;
mod ops;
mod supervised;

use std::path::{Path, PathBuf};

use futures_util::{SinkExt, StreamExt};
use lectern::config::{Config, Secret};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::proxy::{config as proxy_config, workshop};
use crate::support::{TestServer, http_client};

/// The channel secret the tests configure.
pub const SECRET: &str = "editor-channel-secret-for-tests";

/// A session: a workshop with the editor enabled (by its definition), a scratch `$HOME` with `exercises/`.
pub struct Session {
    /// The server.
    pub server: TestServer,
    /// `$HOME`.
    pub home: tempfile::TempDir,
    _workshop: tempfile::TempDir,
}

impl Session {
    /// `$HOME/exercises/<rel>`.
    pub fn exercises(&self, rel: &str) -> PathBuf {
        self.home.path().join("exercises").join(rel)
    }

    /// Posts `body` to `/code-server/editor/<op>`; returns the status and the JSON answer.
    pub async fn post(&self, op: &str, body: Value) -> (u16, Value) {
        post(&self.server, &format!("/code-server/editor/{op}"), body).await
    }
}

/// Posts JSON to a path.
pub async fn post(server: &TestServer, path: &str, body: Value) -> (u16, Value) {
    let response = http_client()
        .post(server.url(path))
        .header("content-type", "application/json")
        .header("origin", format!("http://{}", server.addr))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// A config for a session: editor enabled by the definition, code-server not started, short waits.
pub fn session_config(root: &Path, home: &Path) -> Config {
    let mut config = proxy_config(root);
    config.editor.home = home.to_path_buf();
    config.editor.start = Some(false);
    config.editor.secret = Some(Secret(SECRET.into()));
    config.editor.connect_wait = std::time::Duration::from_secs(2);
    config
}

/// Starts a session (`editor: enabled` in the workshop unless `enabled` is false).
pub async fn session(enabled: bool) -> Session {
    let dir = workshop(&format!("applications:\n  editor:\n    enabled: {enabled}\n"));
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("exercises")).unwrap();
    let server = TestServer::start(session_config(dir.path(), home.path())).await;
    Session {
        server,
        home,
        _workshop: dir,
    }
}

/// A fake extension: connects to the channel and answers every message `ok`, recording them.
pub struct FakeExtension {
    /// The messages received so far.
    pub seen: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeExtension {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeExtension {
    /// Connects with `secret`; answers `reply(message)` to each message.
    pub async fn connect(server: &TestServer, secret: &str, reply: fn(&Value) -> Value) -> Self {
        let mut request = format!("ws://{}/editor-channel", server.addr)
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {secret}").parse().unwrap());
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("channel");
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = seen.clone();
        let task = tokio::spawn(async move {
            while let Some(Ok(message)) = socket.next().await {
                if let Message::Text(text) = message {
                    let value: Value = serde_json::from_str(&text).unwrap();
                    let answer = reply(&value);
                    record.lock().unwrap().push(value);
                    if socket.send(Message::text(answer.to_string())).await.is_err() {
                        break;
                    }
                }
            }
        });
        Self { seen, task }
    }

    /// Answers everything `ok`.
    pub fn ok(message: &Value) -> Value {
        json!({ "id": message["id"], "ok": true })
    }
}
