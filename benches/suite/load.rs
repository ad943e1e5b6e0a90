//! Proxy load: an in-process upstream (HTTP `/1k`, `/64k`; websocket echo) and load clients that
//! count keep-alive requests or echoed websocket messages per second.

#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Empty, Full};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Starts the HTTP upstream: `/1k` and `/64k` answer that many bytes, anything else 1 byte.
pub async fn start_http_upstream() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let small = Bytes::from(vec![b'k'; 1024]);
    let large = Bytes::from(vec![b'K'; 64 * 1024]);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let (small, large) = (small.clone(), large.clone());
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let body = match request.uri().path() {
                        "/1k" | "/editor/1k" => small.clone(),
                        "/64k" | "/editor/64k" => large.clone(),
                        _ => Bytes::from_static(b"."),
                    };
                    async move {
                        Ok::<_, Infallible>(
                            Response::builder()
                                .header("x-bench-upstream", "1")
                                .body(Full::new(body))
                                .unwrap_or_default(),
                        )
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(addr)
}

/// Starts a websocket echo upstream.
pub async fn start_ws_upstream() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
                    return;
                };
                while let Some(Ok(message)) = ws.next().await {
                    if message.is_binary() || message.is_text() {
                        if ws.send(message).await.is_err() {
                            return;
                        }
                    } else if message.is_close() {
                        return;
                    }
                }
            });
        }
    });
    Ok(addr)
}

/// The `Authorization` value every load client sends, with the login cookie when it has one, as a
/// browser does (lectern runs with basic auth in the proxy cases, so each request pays for checking the
/// signed cookie; nginx and the upstream ignore both).
pub const AUTHORIZATION: &str = "Basic YmVuY2g6YmVuY2gtcGFzc3dvcmQ=";
/// The basic-auth user and password that [`AUTHORIZATION`] carries.
pub const BASIC_USER: (&str, &str) = ("bench", "bench-password");

/// What one probing GET saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Status code.
    pub status: u16,
    /// Body length.
    pub len: usize,
    /// The bench upstream answered (not the proxy itself).
    pub from_upstream: bool,
    /// The `name=value` part of the first `Set-Cookie`, if any.
    pub cookie: Option<String>,
}

/// One GET over a fresh connection.
pub async fn get_once(addr: SocketAddr, path: &str) -> Result<Probe> {
    let stream = TcpStream::connect(addr).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let request = Request::get(path)
        .header("host", "127.0.0.1")
        .header("authorization", AUTHORIZATION)
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    let from_upstream = response.headers().contains_key("x-bench-upstream");
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let body = response.into_body().collect().await?.to_bytes();
    Ok(Probe {
        status,
        len: body.len(),
        from_upstream,
        cookie,
    })
}

/// What a keep-alive load measured.
#[derive(Debug, Clone, Copy)]
pub struct HttpLoad {
    /// Requests answered per second.
    pub rate: f64,
    /// Median time from sending a request to its whole body, µs.
    pub p50_us: f64,
    /// 99th percentile of the same, µs.
    pub p99_us: f64,
}

/// Keep-alive GET load: `connections` clients (all connected before the clock starts) for `duration`
/// after a warm-up of a fifth of it; requests per second and latency percentiles of the measured part.
pub async fn http_load(
    addr: SocketAddr,
    path: &str,
    cookie: Option<&str>,
    expect_len: usize,
    connections: usize,
    duration: Duration,
) -> Result<HttpLoad> {
    let count = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    // Latencies are kept only while this is set (the measured window).
    let recording = Arc::new(AtomicBool::new(false));
    let connected = Arc::new(tokio::sync::Barrier::new(connections + 1));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (count, stop, path) = (count.clone(), stop.clone(), path.to_string());
        let (recording, connected) = (recording.clone(), connected.clone());
        let cookie = cookie.unwrap_or_default().to_string();
        tasks.push(tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await;
            connected.wait().await;
            let stream = stream?;
            stream.set_nodelay(true)?;
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(connection);
            let mut latencies = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let sent = Instant::now();
                let mut request = Request::get(path.as_str())
                    .header("host", "127.0.0.1")
                    .header("authorization", AUTHORIZATION);
                if !cookie.is_empty() {
                    request = request.header("cookie", cookie.as_str());
                }
                let request = request.body(Empty::<Bytes>::new())?;
                let response = sender.send_request(request).await?;
                if !response.status().is_success() {
                    bail!("status {}", response.status());
                }
                let body = response.into_body().collect().await?.to_bytes();
                if body.len() != expect_len {
                    bail!("body of {} bytes, expected {expect_len}", body.len());
                }
                count.fetch_add(1, Ordering::Relaxed);
                if recording.load(Ordering::Relaxed) {
                    latencies.push(sent.elapsed().as_secs_f64() * 1e6);
                }
            }
            anyhow::Ok(latencies)
        }));
    }
    connected.wait().await;
    tokio::time::sleep(duration / 5).await;
    let before = count.load(Ordering::Relaxed);
    recording.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(duration).await;
    let done = count.load(Ordering::Relaxed) - before;
    recording.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.context("load task")??);
    }
    Ok(HttpLoad {
        rate: done as f64 / elapsed,
        p50_us: super::harness::percentile(&latencies, 50.0).context("no request answered")?,
        p99_us: super::harness::percentile(&latencies, 99.0).context("no request answered")?,
    })
}

/// Websocket echo load: `window` 1 KiB messages in flight on one connection for `duration`;
/// returns echoed messages per second.
pub async fn ws_load(url: &str, cookie: Option<&str>, window: usize, duration: Duration) -> Result<f64> {
    let mut request = url.into_client_request()?;
    let headers = request.headers_mut();
    headers.insert("authorization", http::HeaderValue::from_static(AUTHORIZATION));
    if let Some(cookie) = cookie {
        headers.insert("cookie", http::HeaderValue::from_str(cookie)?);
    }
    let (ws, _) = tokio_tungstenite::connect_async_with_config(request, None, true)
        .await
        .with_context(|| format!("connect {url}"))?;
    let (mut sink, mut stream) = ws.split();
    let payload = Bytes::from(vec![b'w'; 1024]);
    for _ in 0..window {
        sink.send(Message::binary(payload.clone())).await?;
    }
    let warm_until = Instant::now() + duration / 5;
    let mut started = None;
    let mut echoed = 0u64;
    loop {
        let Some(message) = stream.next().await else {
            bail!("websocket closed");
        };
        let message = message?;
        if message.len() != 1024 {
            continue;
        }
        let now = Instant::now();
        match started {
            None if now >= warm_until => started = Some(now),
            Some(at) if now.duration_since(at) >= duration => break,
            Some(_) => echoed += 1,
            None => {}
        }
        sink.send(Message::binary(payload.clone())).await?;
    }
    let elapsed = started.map_or(1.0, |at| at.elapsed().as_secs_f64());
    let _ = sink.close().await;
    Ok(echoed as f64 / elapsed)
}
