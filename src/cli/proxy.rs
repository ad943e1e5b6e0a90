//! Reverse-proxy flags: `/editor/`, `/console/`, any-port route and timeouts.

use clap::Args;

/// Reverse-proxy settings.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Proxied services")]
pub struct ProxyArgs {
    /// Serve `/editor/` (code-server), as the original's `ENABLE_EDITOR=true`.
    #[arg(long, env = "ENABLE_EDITOR", value_parser = clap::builder::BoolishValueParser::new())]
    pub enable_editor: Option<bool>,
    /// Port of code-server on localhost (default 10085).
    #[arg(long, env = "EDITOR_PORT")]
    pub editor_port: Option<u16>,
    /// Upstream of `/editor/` (code-server), e.g. `http://127.0.0.1:10085`; implies the editor is enabled.
    #[arg(long, env = "LECTERN_EDITOR_UPSTREAM")]
    pub editor_upstream: Option<String>,
    /// Serve `/console/` (the Kubernetes console), as the original's `ENABLE_CONSOLE=true`.
    #[arg(long, env = "ENABLE_CONSOLE", value_parser = clap::builder::BoolishValueParser::new())]
    pub enable_console: Option<bool>,
    /// Port of the console on localhost (default 10083).
    #[arg(long, env = "CONSOLE_PORT")]
    pub console_port: Option<u16>,
    /// Upstream of `/console/`, e.g. `http://127.0.0.1:10083`; implies the console is enabled.
    #[arg(long, env = "LECTERN_CONSOLE_UPSTREAM")]
    pub console_upstream: Option<String>,
    /// Turn off the any-port route `/port/{port}/…` to services on localhost.
    #[arg(long, env = "LECTERN_NO_PORT_PROXY")]
    pub no_port_proxy: bool,
    /// Seconds to wait for an upstream connection (default 10).
    #[arg(long, env = "LECTERN_PROXY_CONNECT_TIMEOUT")]
    pub proxy_connect_timeout: Option<u64>,
    /// Seconds to wait for an upstream's response headers (default 60; bodies stream without limit).
    #[arg(long, env = "LECTERN_PROXY_RESPONSE_TIMEOUT")]
    pub proxy_response_timeout: Option<u64>,
}
