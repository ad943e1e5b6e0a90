//! 1,000 connections proxied at once through a session ingress: 900 HTTP requests that the upstream
//! holds until all of them (and the websockets) have arrived, so they are truly open together, and 100
//! websockets echoing before and after; twice. Every request gets its own answer both times, and the
//! second round keeps no more memory than the first.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::ws::{Message as WsMessage, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

use crate::proxy::workshop;
use crate::support::spawned::Spawned;
use crate::terminal::client::HEAVY;

/// Plain HTTP requests held open together.
const REQUESTS: usize = 900;
/// Websockets open at the same time.
const WEBSOCKETS: usize = 100;
/// Idle upstream connections lectern's pool may keep (its `POOL_MAX_IDLE_PER_HOST`).
const POOL_IDLE: usize = 64;
/// Bytes of each held response's body.
const BODY: usize = 16 * 1024;

#[derive(Clone)]
struct Held {
    arrived: Arc<AtomicUsize>,
    sockets: Arc<AtomicUsize>,
    release: watch::Receiver<bool>,
}

async fn hold(State(held): State<Held>, Path(index): Path<usize>) -> String {
    held.arrived.fetch_add(1, Ordering::SeqCst);
    let mut release = held.release.clone();
    let _ = release.wait_for(|go| *go).await;
    let mut body = format!("held-{index}:");
    body.push_str(&"x".repeat(BODY));
    body
}

async fn echo(State(held): State<Held>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |mut socket| async move {
        held.sockets.fetch_add(1, Ordering::SeqCst);
        while let Some(Ok(message)) = socket.recv().await {
            let echo = matches!(message, WsMessage::Text(_) | WsMessage::Binary(_));
            if matches!(message, WsMessage::Close(_)) || (echo && socket.send(message).await.is_err()) {
                break;
            }
        }
    })
    .into_response()
}

async fn request(addr: std::net::SocketAddr, index: usize) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request =
        format!("GET /ingress/up/hold/{index} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send request");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read answer");
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.starts_with("HTTP/1.1 200"),
        "request {index}: {}",
        &text[..text.len().min(300)]
    );
    assert!(
        text.contains(&format!("held-{index}:")),
        "request {index} got another's answer"
    );
    assert!(
        answer.len() > BODY,
        "request {index}: short body ({} bytes)",
        answer.len()
    );
}

async fn websocket(addr: std::net::SocketAddr, index: usize, all_open: Arc<tokio::sync::Barrier>) {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ingress/up/ws"))
        .await
        .unwrap_or_else(|error| panic!("websocket {index}: {error}"));
    for round in ["before", "after"] {
        if round == "after" {
            all_open.wait().await;
        }
        let text = format!("{round}-{index}");
        ws.send(Message::text(text.clone())).await.expect("send");
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(echoed))) => {
                    assert_eq!(echoed.as_str(), text, "websocket {index}");
                    break;
                }
                Some(Ok(_)) => {}
                other => panic!("websocket {index} ended: {other:?}"),
            }
        }
    }
    let _ = ws.close(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_proxied_connections_at_once() {
    let _heavy = HEAVY.lock().await;
    let (go, release) = watch::channel(false);
    let held = Held {
        arrived: Arc::new(AtomicUsize::new(0)),
        sockets: Arc::new(AtomicUsize::new(0)),
        release,
    };
    let app = Router::new()
        .route("/hold/{index}", get(hold))
        .route("/ws", get(echo))
        .with_state(held.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind upstream");
    let port = listener.local_addr().expect("upstream addr").port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let dir = workshop(&format!("ingresses:\n- name: up\n  port: {port}\n"));
    let home = tempfile::tempdir().expect("home");
    let server = Spawned::start(dir.path(), home.path(), &["--no-watch"], &[]).await;
    let addr = server.addr;
    // Warm-up: one of each, released at once.
    go.send_replace(true);
    request(addr, REQUESTS).await;
    websocket(addr, WEBSOCKETS, Arc::new(tokio::sync::Barrier::new(1))).await;
    let before = super::settled(&server).await;
    let fds_before = server.open_fds();

    let peak = round(&server, &held, &go, fds_before).await;
    let after = super::settled(&server).await;
    round(&server, &held, &go, fds_before).await;
    let again = super::settled(&server).await;
    super::check_rounds(
        "1000 proxied connections",
        super::Rounds {
            before,
            peak: peak.0,
            after,
            again,
        },
    );
    // Every upstream connection was given back but the pool's idle ones: no descriptor per request.
    let guard = tokio::time::Instant::now() + crate::support::spawned::GUARD;
    while server.open_fds() > fds_before + POOL_IDLE + 16 {
        assert!(
            tokio::time::Instant::now() < guard,
            "{} descriptors still open",
            server.open_fds()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// One round: every request held upstream and every websocket through at once, then released.
/// Returns the memory at the end and the descriptors open while everything was up.
async fn round(
    server: &Spawned,
    held: &Held,
    go: &watch::Sender<bool>,
    fds_before: usize,
) -> (crate::support::spawned::Memory, usize) {
    let addr = server.addr;
    go.send_replace(false);
    held.arrived.store(0, Ordering::SeqCst);
    held.sockets.store(0, Ordering::SeqCst);
    let all_open = Arc::new(tokio::sync::Barrier::new(WEBSOCKETS + 1));
    let mut tasks: Vec<_> = (0..REQUESTS)
        .map(|index| tokio::spawn(request(addr, index)))
        .collect();
    tasks.extend((0..WEBSOCKETS).map(|index| tokio::spawn(websocket(addr, index, all_open.clone()))));
    // Wait (guarded) until every request is held upstream and every websocket is through.
    let guard = tokio::time::Instant::now() + crate::support::spawned::GUARD;
    while held.arrived.load(Ordering::SeqCst) < REQUESTS || held.sockets.load(Ordering::SeqCst) < WEBSOCKETS {
        assert!(
            tokio::time::Instant::now() < guard,
            "only {} requests and {} websockets reached the upstream",
            held.arrived.load(Ordering::SeqCst),
            held.sockets.load(Ordering::SeqCst)
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let fds_open = server.open_fds();
    println!(
        "load 1000 proxied: lectern had {fds_open} descriptors open with every connection up ({fds_before} before)"
    );
    assert!(
        fds_open >= fds_before + 2 * (REQUESTS + WEBSOCKETS) - POOL_IDLE,
        "every connection is open at once, client and upstream side ({fds_open} descriptors)"
    );
    go.send_replace(true);
    all_open.wait().await;
    for task in tasks {
        task.await.expect("client task");
    }
    (server.memory(), fds_open)
}
