//! Reverse proxy on hyper-util's client: forwarding with a keep-alive pool, upgrades (websockets) spliced
//! with `copy_bidirectional`, header hygiene, and the session-ingress rules of the workshop definition.
//!
//! Bodies stream both ways (never buffered); one `Client` (and its pool) serves every route.

mod forward;
pub mod headers;
pub mod routes;

use std::time::Duration;

use axum::body::Body;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::config::ProxyConfig;

pub use forward::{ClientInfo, HostHeader, Proxied, ProxyError, Target};

/// Idle upstream connections are kept this long: 90 s.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// Idle upstream connections kept per upstream.
const POOL_MAX_IDLE_PER_HOST: usize = 64;

/// Shared proxy state: the configuration and the one upstream client (cheap to clone).
#[derive(Debug, Clone)]
pub struct Proxy {
    config: ProxyConfig,
    client: Client<HttpConnector, Body>,
    /// `Via` value this process adds to what it forwards (`1.1 lectern-<random>`); a request that already
    /// carries it has come back around a loop.
    via: http::HeaderValue,
}

impl Proxy {
    /// A proxy for the configured routes.
    pub fn new(config: ProxyConfig) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(config.connect_timeout));
        connector.enforce_http(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .pool_max_idle_per_host(POOL_MAX_IDLE_PER_HOST)
            .build(connector);
        let nonce: u64 = rand::random();
        let via = http::HeaderValue::from_str(&format!("1.1 lectern-{nonce:016x}"))
            .unwrap_or_else(|_| http::HeaderValue::from_static("1.1 lectern"));
        Self { config, client, via }
    }

    /// The configuration in force.
    pub fn config(&self) -> &ProxyConfig {
        &self.config
    }
}
