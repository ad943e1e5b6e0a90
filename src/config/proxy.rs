//! Reverse-proxy settings (owned by the proxy area).

use super::ConfigError;
use crate::cli::ProxyArgs;

/// Validated reverse-proxy settings.
#[derive(Debug, Clone, Default)]
pub struct ProxyConfig {
    /// Upstream base URL of `/editor/`, when enabled.
    pub editor_upstream: Option<String>,
}

impl ProxyConfig {
    /// Validates the proxy flags.
    pub fn from_args(args: &ProxyArgs) -> Result<Self, ConfigError> {
        Ok(Self {
            editor_upstream: args.editor_upstream.clone(),
        })
    }
}
