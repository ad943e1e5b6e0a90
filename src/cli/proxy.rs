//! Reverse-proxy flags (owned by the proxy area).

use clap::Args;

/// Reverse-proxy settings.
#[derive(Debug, Clone, Default, Args)]
pub struct ProxyArgs {
    /// Upstream of `/editor/` (code-server), e.g. `http://127.0.0.1:10085`.
    #[arg(long, env = "LECTERN_EDITOR_UPSTREAM")]
    pub editor_upstream: Option<String>,
}
