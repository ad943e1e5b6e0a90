//! Shared test helpers: start a real server on a loopback port, locate fixtures and the corpus.

#![allow(dead_code)]

pub mod portal;
pub mod spawned;
pub mod traversal;

use std::net::SocketAddr;
use std::path::PathBuf;

use lectern::config::Config;
use tokio::sync::oneshot;

/// A running server; dropping it shuts the server down.
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    /// Starts `lectern` in-process on 127.0.0.1:0 with `config`.
    pub async fn start(config: Config) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        Self::start_on(listener, config).await
    }

    /// Starts `lectern` in-process on `listener` (bound by the test, which needed the port first).
    pub async fn start_on(listener: tokio::net::TcpListener, config: Config) -> Self {
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async move {
                let _ = rx.await;
            };
            if let Err(error) = lectern::serve(config, listener, shutdown).await {
                panic!("server failed: {error:#}");
            }
        });
        Self {
            addr,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// `http://127.0.0.1:port` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Stops the server and waits for it to drain.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests").join("fixtures").join(name)
}

/// `../shared/corpus` beside the repository (CI clones with shared/ beside it).
pub fn corpus_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("LECTERN_CORPUS") {
        return PathBuf::from(dir);
    }
    repo_root().join("..").join("shared").join("corpus")
}

/// `GET url` with [`http_client`]; panics naming the URL when no response comes.
pub async fn get(url: &str) -> reqwest::Response {
    http_client()
        .get(url)
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET {url}: {error}"))
}

/// `GET url`'s body as text, whatever the status.
pub async fn get_text(url: &str) -> String {
    get(url)
        .await
        .text()
        .await
        .unwrap_or_else(|error| panic!("GET {url}: body: {error}"))
}

/// `GET url`'s body as JSON, whatever the status.
pub async fn get_json<T: serde::de::DeserializeOwned>(url: &str) -> T {
    get(url)
        .await
        .json()
        .await
        .unwrap_or_else(|error| panic!("GET {url}: JSON body: {error}"))
}

/// A plain HTTP client for tests (no proxy from the environment).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Sending a request in a test: any failure to send or to read the body is the test's failure.
pub trait Fetch {
    /// Sends the request.
    async fn fetch(self) -> reqwest::Response;
    /// Sends the request and reads its body as JSON.
    async fn fetch_json(self) -> serde_json::Value;
}

impl Fetch for reqwest::RequestBuilder {
    async fn fetch(self) -> reqwest::Response {
        self.send().await.expect("send the request")
    }

    async fn fetch_json(self) -> serde_json::Value {
        let response = self.fetch().await;
        let status = response.status();
        let body = response.text().await.expect("read the body");
        serde_json::from_str(&body).unwrap_or_else(|error| panic!("{status}: not JSON ({error}): {body}"))
    }
}
