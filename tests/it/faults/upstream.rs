//! An upstream killed mid-response (after its headers and part of its body), before answering, and in
//! the middle of a websocket: the client sees the failure (never a clean, silently short body), the
//! next request gets a clear 502, and every other route keeps serving.

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::answers_ok;
use crate::proxy::{config, upstream, workshop};
use crate::support::{TestServer, get};

/// Bytes the victim promises in `Content-Length`.
const PROMISED: usize = 1024 * 1024;
/// Bytes it sends before dying.
const SENT: usize = 64 * 1024;

/// An upstream that answers its first request with headers and part of the body, then dies: the
/// connection and the listening socket close, as when its process is killed.
async fn victim(listener: TcpListener, answer_first: bool) {
    let Ok((mut stream, _)) = listener.accept().await else {
        return;
    };
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    if answer_first {
        let headers = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {PROMISED}\r\n\r\n"
        );
        let _ = stream.write_all(headers.as_bytes()).await;
        let _ = stream.write_all(&vec![b'v'; SENT]).await;
        let _ = stream.flush().await;
    }
    drop(stream);
    drop(listener);
}

#[tokio::test]
async fn upstream_killed_mid_response_is_an_error_for_that_client_only() {
    let healthy = upstream::start().await;
    let mid_body = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let before_answer = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let mid_port = mid_body.local_addr().expect("addr").port();
    let early_port = before_answer.local_addr().expect("addr").port();
    let dir = workshop(&format!(
        "ingresses:\n- name: ok\n  port: {}\n- name: mid\n  port: {mid_port}\n- name: early\n  port: {early_port}\n",
        healthy.port()
    ));
    let server = TestServer::start(config(dir.path())).await;
    let victim_mid = tokio::spawn(victim(mid_body, true));
    let victim_early = tokio::spawn(victim(before_answer, false));

    // Killed after the headers: the status got through, the body must end in an error.
    let response = get(&server.url("/ingress/mid/download")).await;
    assert_eq!(response.status(), 200);
    let mut stream = response.bytes_stream();
    let mut received = 0usize;
    let mut failed = false;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => received += bytes.len(),
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    assert!(
        failed,
        "a body cut by the upstream's death ended cleanly after {received} of {PROMISED} bytes"
    );
    assert!(
        received <= SENT,
        "received {received} bytes, the upstream sent {SENT}"
    );
    victim_mid.await.expect("victim");

    // Killed before answering: a clear 502.
    let response = get(&server.url("/ingress/early/x")).await;
    assert_eq!(response.status(), 502);
    let text = response.text().await.unwrap_or_default();
    assert!(!text.is_empty(), "the 502 says what happened");
    victim_early.await.expect("victim");

    // Dead for good (nothing listens): 502 again, and everything else serves.
    let response = get(&server.url("/ingress/mid/again")).await;
    assert_eq!(response.status(), 502);
    assert!(answers_ok(&server.url("/ingress/ok/still-here")).await);
    assert!(answers_ok(&server.url("/healthz")).await);
    assert!(answers_ok(&server.url("/workshop/content/01-hello/")).await);
}

#[tokio::test]
async fn upstream_websocket_killed_mid_stream_ends_the_client_socket() {
    // An upstream that completes the websocket handshake, sends one message, then dies.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = axum::Router::new().fallback(|ws: axum::extract::ws::WebSocketUpgrade| async move {
        ws.on_upgrade(|mut socket| async move {
            let _ = socket.send(axum::extract::ws::Message::text("hello")).await;
            // Returning drops the socket without a close frame, as a killed process would.
        })
    });
    let upstream = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let dir = workshop(&format!("ingresses:\n- name: ws\n  port: {port}\n"));
    let server = TestServer::start(config(dir.path())).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{}/ingress/ws/live", server.addr))
        .await
        .expect("websocket through the proxy");
    let first = tokio::time::timeout(super::GUARD, socket.next())
        .await
        .expect("first message");
    assert!(
        matches!(first, Some(Ok(tokio_tungstenite::tungstenite::Message::Text(ref t))) if t.as_str() == "hello"),
        "{first:?}"
    );
    upstream.abort();
    // The client's socket ends (a close frame, an error or the end of the stream), it does not hang.
    let ended = tokio::time::timeout(super::GUARD, async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) | Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) => break,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the client websocket outlived its upstream");
    assert!(answers_ok(&server.url("/healthz")).await);
}
