//! Reverse proxy on hyper-util's client: forwarding, upgrades, header hygiene, route table.

use crate::config::ProxyConfig;

/// Shared proxy state (client pool, routes).
#[derive(Debug, Clone)]
pub struct Proxy {
    config: ProxyConfig,
}

impl Proxy {
    /// A proxy for the configured routes.
    pub fn new(config: ProxyConfig) -> Self {
        Self { config }
    }

    /// The configuration in force.
    pub fn config(&self) -> &ProxyConfig {
        &self.config
    }
}
