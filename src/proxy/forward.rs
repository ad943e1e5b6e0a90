//! Forwarding one request: build the upstream URI and headers, send it through the pooled client with a
//! response-header timeout, stream the response back, and splice upgraded connections.

use std::net::SocketAddr;

use axum::body::Body;
use http::header::{self, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode, Uri};
use hyper_util::rt::TokioIo;

use super::{Proxy, headers};

/// Buffer per direction when splicing an upgraded connection: 64 KiB.
const SPLICE_BUFFER: usize = 64 * 1024;

/// Where and how to forward a request.
#[derive(Debug, Clone)]
pub struct Target {
    /// `scheme://host:port` of the upstream.
    pub upstream: Uri,
    /// Path and query to request upstream (starts with `/`).
    pub path_and_query: String,
    /// What to send as `Host`.
    pub host_header: HostHeader,
    /// Extra headers set on the upstream request (after our own are stripped).
    pub extra_headers: Vec<(HeaderName, HeaderValue)>,
    /// Drop the browser's `Authorization` (routes behind lectern's login; public ingresses keep it).
    pub strip_authorization: bool,
}

/// The `Host` header sent upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostHeader {
    /// The browser's `Host` (services on localhost see the public name, like the original).
    Keep,
    /// The upstream's authority (`changeOrigin`).
    Upstream,
}

/// Facts about the client connection used for `X-Forwarded-*` and cookie stripping.
#[derive(Debug, Clone, Copy)]
pub struct ClientInfo<'a> {
    /// Peer address, when known.
    pub addr: Option<SocketAddr>,
    /// `http` or `https` as seen by the browser.
    pub proto: &'a str,
    /// Cookie names that are ours and never leave lectern.
    pub own_cookies: &'a [&'a str],
}

/// Marks responses that came from an upstream (lectern adds none of its own page headers to them).
#[derive(Debug, Clone, Copy)]
pub struct Proxied;

/// Why a request could not be forwarded.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// Nothing accepted the connection (or it broke before a response).
    #[error("{upstream} is not reachable: {reason}")]
    Unreachable {
        /// The upstream authority.
        upstream: String,
        /// What went wrong.
        reason: String,
    },
    /// The upstream did not answer in time.
    #[error("{upstream} did not answer within {seconds} s")]
    Timeout {
        /// The upstream authority.
        upstream: String,
        /// The limit.
        seconds: u64,
    },
    /// The upstream URL cannot be used.
    #[error("{0}")]
    Unsupported(String),
    /// The request already went through this process's proxy: forwarding it again would loop.
    #[error("request loop: {upstream} leads back to this server")]
    Loop {
        /// The upstream authority.
        upstream: String,
    },
}

impl Proxy {
    /// Forwards `request` to `target` and returns the upstream's response (streamed): check the target,
    /// refuse a loop, rewrite the request, send it with a response-header timeout, splice an accepted
    /// upgrade, clean the response's headers.
    pub async fn forward(
        &self,
        mut request: Request<Body>,
        target: &Target,
        client: ClientInfo<'_>,
    ) -> Result<Response<Body>, ProxyError> {
        let upstream_name = upstream_name(target)?;
        if self.came_through_here(request.headers()) {
            return Err(ProxyError::Loop {
                upstream: upstream_name,
            });
        }
        let upgrade = headers::requested_upgrade(request.headers());
        let client_upgrade = upgrade.as_ref().map(|_| hyper::upgrade::on(&mut request));
        let upstream_request = self.upstream_request(request, target, client, &upstream_name, upgrade)?;
        let mut response = self.send(upstream_request, &upstream_name).await?;
        let switching = response.status() == StatusCode::SWITCHING_PROTOCOLS;
        if switching && let Some(client_upgrade) = client_upgrade {
            splice(client_upgrade, hyper::upgrade::on(&mut response));
        }
        Ok(downstream_response(response, switching, client))
    }

    /// The request already carries this process's `Via` marker: forwarding it again would loop.
    fn came_through_here(&self, headers: &http::HeaderMap) -> bool {
        headers
            .get_all(header::VIA)
            .iter()
            .any(|via| memchr::memmem::find(via.as_bytes(), self.via.as_bytes()).is_some())
    }

    /// The request as the upstream gets it: its URI, hop-by-hop headers and lectern's cookies (and
    /// credentials when asked) removed, `X-Forwarded-*`, `Host`, `Via`, the upgrade and the target's headers.
    fn upstream_request(
        &self,
        request: Request<Body>,
        target: &Target,
        client: ClientInfo<'_>,
        upstream_name: &str,
        upgrade: Option<HeaderValue>,
    ) -> Result<Request<Body>, ProxyError> {
        let (mut parts, body) = request.into_parts();
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_string)
            .or_else(|| parts.uri.authority().map(|a| a.to_string()));
        let uri = format!("http://{upstream_name}{}", target.path_and_query)
            .parse::<Uri>()
            .map_err(|error| ProxyError::Unsupported(format!("bad upstream path: {error}")))?;
        let headers = &mut parts.headers;
        headers::remove_hop_by_hop(headers);
        headers::strip_cookies(headers, client.own_cookies);
        if target.strip_authorization {
            headers.remove(header::AUTHORIZATION);
        }
        headers::add_forwarded(
            headers,
            client.addr.map(|a| a.ip()),
            client.proto,
            host.as_deref(),
        );
        let host_value = match (target.host_header, &host) {
            (HostHeader::Keep, Some(host)) => host.as_str(),
            _ => upstream_name,
        };
        if let Ok(value) = HeaderValue::from_str(host_value) {
            headers.insert(header::HOST, value);
        }
        headers.append(header::VIA, self.via.clone());
        if let Some(protocol) = upgrade {
            headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
            headers.insert(header::UPGRADE, protocol);
        }
        for (name, value) in &target.extra_headers {
            headers.insert(name.clone(), value.clone());
        }
        parts.uri = uri;
        parts.version = http::Version::HTTP_11;
        Ok(Request::from_parts(parts, body))
    }

    /// Sends through the pooled client; no response headers within the timeout is a 504, a failure a 502.
    async fn send(
        &self,
        request: Request<Body>,
        upstream_name: &str,
    ) -> Result<Response<hyper::body::Incoming>, ProxyError> {
        let timeout = self.config.response_timeout;
        match tokio::time::timeout(timeout, self.client.request(request)).await {
            Err(_) => Err(ProxyError::Timeout {
                upstream: upstream_name.to_string(),
                seconds: timeout.as_secs(),
            }),
            Ok(Err(error)) => Err(classify(
                upstream_name,
                &error,
                self.config.connect_timeout.as_secs(),
            )),
            Ok(Ok(response)) => Ok(response),
        }
    }
}

/// The upstream's authority, for an `http` target (lectern speaks plain http inside the pod).
fn upstream_name(target: &Target) -> Result<String, ProxyError> {
    let name = target
        .upstream
        .authority()
        .map(|a| a.to_string())
        .unwrap_or_default();
    match target.upstream.scheme_str() {
        Some("http") => Ok(name),
        Some("https") => Err(ProxyError::Unsupported(format!(
            "https upstreams are not supported (upstream {name}); use http inside the pod"
        ))),
        _ => Err(ProxyError::Unsupported(format!(
            "bad upstream {}",
            target.upstream
        ))),
    }
}

/// Joins the client's and the upstream's upgraded connections in a task of their own.
fn splice(client: hyper::upgrade::OnUpgrade, upstream: hyper::upgrade::OnUpgrade) {
    tokio::spawn(async move {
        let (client_io, upstream_io) = match tokio::try_join!(client, upstream) {
            Ok(pair) => pair,
            Err(error) => {
                tracing::debug!(%error, "upgrade failed");
                return;
            }
        };
        let _open = crate::metrics::websocket(crate::metrics::Websocket::Proxied);
        let mut client_io = TokioIo::new(client_io);
        let mut upstream_io = TokioIo::new(upstream_io);
        if let Err(error) = tokio::io::copy_bidirectional_with_sizes(
            &mut client_io,
            &mut upstream_io,
            SPLICE_BUFFER,
            SPLICE_BUFFER,
        )
        .await
        {
            tracing::debug!(%error, "upgraded connection ended");
        }
    });
}

/// The response as the client gets it: hop-by-hop headers and `Set-Cookie` for lectern's names removed,
/// the upgrade's headers kept on a 101, marked [`Proxied`].
fn downstream_response(
    response: Response<hyper::body::Incoming>,
    switching: bool,
    client: ClientInfo<'_>,
) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let upgrade_reply = if switching {
        parts.headers.get(header::UPGRADE).cloned()
    } else {
        None
    };
    headers::remove_hop_by_hop(&mut parts.headers);
    headers::strip_set_cookies(&mut parts.headers, client.own_cookies);
    if let Some(protocol) = upgrade_reply {
        parts
            .headers
            .insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        parts.headers.insert(header::UPGRADE, protocol);
    }
    parts.extensions.insert(Proxied);
    Response::from_parts(parts, Body::new(body))
}

/// Connection timeouts are 504s; everything else that stops a response is a 502.
fn classify(upstream: &str, error: &hyper_util::client::legacy::Error, seconds: u64) -> ProxyError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut reason = error.to_string();
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return ProxyError::Timeout {
                    upstream: upstream.to_string(),
                    seconds,
                };
            }
            reason = io.to_string();
        }
        if current.to_string().contains("timed out") {
            return ProxyError::Timeout {
                upstream: upstream.to_string(),
                seconds,
            };
        }
        source = current.source();
    }
    ProxyError::Unreachable {
        upstream: upstream.to_string(),
        reason,
    }
}
