//! Reverse-proxy settings: built-in upstreams, the any-port route, timeouts.

use std::time::Duration;

use http::Uri;

use super::ConfigError;
use crate::cli::ProxyArgs;

/// Default code-server port (the original's `EDITOR_PORT`).
pub const DEFAULT_EDITOR_PORT: u16 = 10085;
/// Default Kubernetes console port (the original's `CONSOLE_PORT`).
pub const DEFAULT_CONSOLE_PORT: u16 = 10083;
/// Default time to connect to an upstream: 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time to wait for an upstream's response headers: 60 s.
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(60);

/// A built-in proxied application (`/editor/`, `/console/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltinUpstream {
    /// Enabled by flag/environment (`None`: follow the workshop definition's `applications`).
    pub enabled: Option<bool>,
    /// `http://host:port` of the upstream.
    pub upstream: Uri,
}

/// Validated reverse-proxy settings.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    /// `/editor/` → code-server.
    pub editor: BuiltinUpstream,
    /// `/console/` → the Kubernetes console.
    pub console: BuiltinUpstream,
    /// `/port/{port}/…` reaches services on localhost.
    pub port_proxy: bool,
    /// Time to connect to an upstream.
    pub connect_timeout: Duration,
    /// Time to wait for response headers (bodies stream without limit).
    pub response_timeout: Duration,
}

impl Default for ProxyConfig {
    fn default() -> Self {
        Self {
            editor: BuiltinUpstream {
                enabled: None,
                upstream: local_upstream(DEFAULT_EDITOR_PORT),
            },
            console: BuiltinUpstream {
                enabled: None,
                upstream: local_upstream(DEFAULT_CONSOLE_PORT),
            },
            port_proxy: true,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            response_timeout: DEFAULT_RESPONSE_TIMEOUT,
        }
    }
}

impl ProxyConfig {
    /// Validates the proxy flags.
    pub fn from_args(args: &ProxyArgs) -> Result<Self, ConfigError> {
        let editor = builtin(
            args.enable_editor,
            args.editor_upstream.as_deref(),
            args.editor_port.unwrap_or(DEFAULT_EDITOR_PORT),
            "--editor-upstream (LECTERN_EDITOR_UPSTREAM)",
        )?;
        let console = builtin(
            args.enable_console,
            args.console_upstream.as_deref(),
            args.console_port.unwrap_or(DEFAULT_CONSOLE_PORT),
            "--console-upstream (LECTERN_CONSOLE_UPSTREAM)",
        )?;
        let seconds = |value: Option<u64>, default: Duration, name: &'static str| match value {
            None => Ok(default),
            Some(0) => Err(ConfigError::Invalid {
                name,
                message: "must be at least 1 second".to_string(),
            }),
            Some(n) => Ok(Duration::from_secs(n)),
        };
        Ok(Self {
            editor,
            console,
            port_proxy: !args.no_port_proxy,
            connect_timeout: seconds(
                args.proxy_connect_timeout,
                DEFAULT_CONNECT_TIMEOUT,
                "--proxy-connect-timeout (LECTERN_PROXY_CONNECT_TIMEOUT)",
            )?,
            response_timeout: seconds(
                args.proxy_response_timeout,
                DEFAULT_RESPONSE_TIMEOUT,
                "--proxy-response-timeout (LECTERN_PROXY_RESPONSE_TIMEOUT)",
            )?,
        })
    }
}

/// `http://127.0.0.1:<port>`.
pub fn local_upstream(port: u16) -> Uri {
    Uri::builder()
        .scheme("http")
        .authority(format!("127.0.0.1:{port}"))
        .path_and_query("/")
        .build()
        .unwrap_or_else(|_| Uri::from_static("http://127.0.0.1/"))
}

fn builtin(
    enabled: Option<bool>,
    upstream: Option<&str>,
    port: u16,
    name: &'static str,
) -> Result<BuiltinUpstream, ConfigError> {
    match upstream {
        None => Ok(BuiltinUpstream {
            enabled,
            upstream: local_upstream(port),
        }),
        Some(text) => Ok(BuiltinUpstream {
            enabled: Some(enabled.unwrap_or(true)),
            upstream: parse_upstream(text, name)?,
        }),
    }
}

/// Parses `http://host:port[/]` (no path: the route's own path is forwarded).
pub fn parse_upstream(text: &str, name: &'static str) -> Result<Uri, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid { name, message };
    let uri: Uri = text
        .parse()
        .map_err(|error| invalid(format!("{text:?} is not a URL: {error}")))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => return Err(invalid(format!("{text:?}: https upstreams are not supported"))),
        _ => return Err(invalid(format!("{text:?} must start with http://"))),
    }
    if uri.authority().is_none() {
        return Err(invalid(format!("{text:?} has no host")));
    }
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(invalid(format!("{text:?} must not have a path or query")));
    }
    Ok(uri)
}
