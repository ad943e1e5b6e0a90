//! The accept loop: HTTP/1 and HTTP/2 connections on hyper-util with the limits `axum::serve` lacks (issue
//! 11, finding 3) — a deadline for each request's headers, so a slow or silent client is dropped, and a cap
//! on open connections below the file-descriptor limit, so terminals, upstreams, the content watcher and
//! `/healthz` always have descriptors left. Graceful shutdown as `axum::serve`: stop accepting, let each
//! connection finish its current request, wait for them.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

use crate::config::ServerLimits;

/// Descriptors kept free for everything that is not a client connection (PTYs, upstream connections, the
/// watcher, files being served).
const RESERVED_FDS: u64 = 256;
/// Back-off after `accept` fails (e.g. out of descriptors): 50 ms.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
/// At most one "connection limit reached" warning per: 10 s.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// The connection cap in force: the configured one, lowered to fit the process's descriptor limit (raised to
/// its hard limit first: each client connection may also hold an upstream connection, so two descriptors).
pub fn connection_cap(limits: &ServerLimits) -> usize {
    let descriptors = raise_fd_limit();
    let fits = usize::try_from(descriptors.saturating_sub(RESERVED_FDS) / 2).unwrap_or(usize::MAX);
    let cap = limits.max_connections.min(fits).max(16);
    if cap < limits.max_connections {
        tracing::warn!(
            cap,
            descriptors,
            "fewer connections than LECTERN_MAX_CONNECTIONS fit in the file-descriptor limit"
        );
    }
    cap
}

/// Raises the soft `RLIMIT_NOFILE` to the hard limit and returns the soft limit now in force.
fn raise_fd_limit() -> u64 {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return 1024;
    };
    if soft < hard && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
        return hard;
    }
    soft
}

/// Serves `app` on `listener` until `shutdown` completes, then drains.
pub async fn serve_connections(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let cap = connection_cap(&limits);
    let slots = Arc::new(Semaphore::new(cap));
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    // Websockets over HTTP/2 (RFC 8441), as axum::serve.
    builder.http2().enable_connect_protocol();
    let graceful = GracefulShutdown::new();
    let mut last_warning: Option<Instant> = None;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors (EMFILE/ENFILE) or a connection reset before it was accepted.
                    tracing::debug!(%error, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            if last_warning.is_none_or(|at| at.elapsed() >= WARN_EVERY) {
                tracing::warn!(
                    cap,
                    "connection limit reached (LECTERN_MAX_CONNECTIONS): closing new connections"
                );
                last_warning = Some(Instant::now());
            }
            drop(stream);
            continue;
        };
        // No Nagle: a terminal's last small output frame after a flood (a prompt, Ctrl-C's effect) would
        // otherwise wait for the client's delayed ACK, about 40 ms.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        let service = app.clone().map_request(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            request
        });
        // The slot travels with the socket, into an upgraded connection too (websockets count until closed).
        let io = TokioIo::new(Counted { stream, _slot: slot });
        let connection = builder
            .serve_connection_with_upgrades(io, TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::trace!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// A client socket holding its slot of the connection cap until it is closed.
struct Counted {
    stream: TcpStream,
    _slot: OwnedSemaphorePermit,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
