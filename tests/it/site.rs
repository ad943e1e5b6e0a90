//! site integration tests (real sockets, real files): the page shell and the files beside pages, containment,
//! `/readyz`, live reload over SSE (plain edits and ConfigMap symlink swaps), the workshop services and the
//! embedded demo workshop. Shared helpers live here; the tests are in `site/*.rs`.

mod availability;
mod demo;
mod export;
mod hardening;
mod services;
mod shell;
mod watch;

use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use lectern::config::{Config, WorkshopSource};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{TestServer, get, http_client};

/// Bounded wait for anything asynchronous (never a timing assertion).
pub const WAIT: Duration = Duration::from_secs(10);

/// Writes `text` to `root/relative`, creating folders.
pub fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A Hugo-layout workshop with three flat pages and a picture under `workshop/content/images/`.
pub fn three_page_workshop(root: &Path) {
    write(
        root,
        "workshop/content/01-first.md",
        "---\ntitle: First\n---\n\nThe first page.\n",
    );
    write(
        root,
        "workshop/content/02-second.md",
        "---\ntitle: Second\n---\n\nThe second page.\n",
    );
    write(
        root,
        "workshop/content/03-third.md",
        "---\ntitle: Third\n---\n\nThe third page.\n",
    );
    write(root, "workshop/content/images/logo.png", "\u{89}PNG fake");
}

/// A server on a workshop folder with default test configuration.
pub async fn serve_dir(root: &Path) -> TestServer {
    TestServer::start(Config::for_tests(WorkshopSource::Dir(root.to_path_buf()))).await
}

/// Sends `GET <raw target>` over a plain socket (so no client normalises `..` or `%2e%2e`) and returns
/// the status code and the whole response text.
pub async fn raw_get(server: &TestServer, target: &str) -> (u16, String) {
    let mut socket = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    let request = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    socket.write_all(request.as_bytes()).await.expect("send");
    let mut response = Vec::new();
    tokio::time::timeout(WAIT, socket.read_to_end(&mut response))
        .await
        .expect("response within the wait")
        .expect("read");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// `event:` field.
    pub event: String,
    /// `data:` lines joined with `\n`.
    pub data: String,
}

type ByteStream = Pin<Box<dyn Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>;

/// A reader of `/api/events`.
pub struct SseClient {
    stream: ByteStream,
    buffer: String,
}

impl SseClient {
    /// Opens `/api/events` and waits for the response head (the server has subscribed by then).
    pub async fn connect(server: &TestServer) -> Self {
        let response = get(&server.url("/api/events")).await;
        assert_eq!(response.status(), 200);
        let content_type = response.headers()["content-type"]
            .to_str()
            .expect("type")
            .to_string();
        assert!(content_type.starts_with("text/event-stream"), "{content_type}");
        Self {
            stream: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next event (comments skipped), or `None` if none arrives within `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse_block(&block) {
                    return Some(event);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.stream.next())
                .await
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk.ok()?));
        }
    }

    /// The next event named `name` within `wait`, skipping others.
    pub async fn next_named(&mut self, name: &str, wait: Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let event = self.next(left).await?;
            if event.event == name {
                return Some(event);
            }
        }
    }
}

fn parse_block(block: &str) -> Option<SseEvent> {
    let mut event = String::from("message");
    let mut data = Vec::new();
    let mut any = false;
    for line in block.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            event = value.trim_start().to_string();
            any = true;
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push(value.strip_prefix(' ').unwrap_or(value).to_string());
            any = true;
        }
    }
    any.then(|| SseEvent {
        event,
        data: data.join("\n"),
    })
}

/// A multipart part for upload tests.
pub enum Part<'a> {
    /// A plain field.
    Text(&'a str, &'a str),
    /// A file field: field name, file name, content.
    File(&'a str, &'a str, &'a [u8]),
}

/// A `multipart/form-data` body: (content type, bytes).
pub fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "lectern-test-boundary-7f3a";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                body.extend_from_slice(value.as_bytes());
            }
            Part::File(name, file_name, content) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(content);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts a `multipart/form-data` body of `parts`; (status, body text).
pub async fn post_multipart(server: &TestServer, path: &str, parts: &[Part<'_>]) -> (u16, String) {
    let (content_type, body) = multipart(parts);
    let response = http_client()
        .post(server.url(path))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}
