//! Validated configuration, built once at start-up from the raw `cli` values and shared as `Arc<Config>`.
//! Precedence: flag > environment > default (docs/configuration.md).

mod auth;
mod dashboard;
mod editor;
mod proxy;
mod secrets;
mod services;
mod session;
mod terminal;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

pub use auth::{AuthConfig, AuthMode, CookieKeySource, OAuthSettings, Secret, ThrottleConfig};
pub use dashboard::{DashboardConfig, TERMINAL_LAYOUTS, WORKSHOP_LAYOUTS, layout_terminals, slug};
pub use editor::EditorConfig;
pub use proxy::{BuiltinUpstream, ProxyConfig, local_upstream as proxy_local_upstream};
pub use secrets::{SECRET_ENV, is_secret_env, protect_process_environment};
pub use services::{ServicesConfig, home_dir};
pub use session::{STANDARD_VARIABLES, SessionConfig};
pub use terminal::{MIN_REPLAY_BYTES, TerminalConfig};

use crate::cli::ServeArgs;

/// A configuration mistake found at start-up; the message names the flag or variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value that does not parse or is out of range.
    #[error("invalid {name}: {message}")]
    Invalid {
        /// Flag or environment variable name.
        name: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

/// Where the workshop comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkshopSource {
    /// A folder on disk.
    Dir(PathBuf),
    /// The embedded demo workshop.
    Demo,
}

/// Default cap on open client connections (lowered to fit the descriptor limit).
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;
/// Default time a client has to send a request's headers: 10 s.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Limits of the accept loop (issue 11, finding 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerLimits {
    /// Open client connections at most (websockets included); more are closed on arrival.
    pub max_connections: usize,
    /// Time from a connection's start (or the end of its previous response) to a request's complete headers.
    pub header_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
        }
    }
}

/// The whole validated configuration of `lectern serve`.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// The workshop to serve.
    pub workshop: WorkshopSource,
    /// Watch the workshop folder and push reloads.
    pub watch: bool,
    /// Connection limits.
    pub limits: ServerLimits,
    /// Session variables for the instructions.
    pub session: SessionConfig,
    /// Terminal settings.
    pub terminal: TerminalConfig,
    /// Authentication settings.
    pub auth: AuthConfig,
    /// Reverse-proxy settings.
    pub proxy: ProxyConfig,
    /// Workshop services (downloads, uploads, examiner).
    pub services: ServicesConfig,
    /// Editor actions and code-server.
    pub editor: EditorConfig,
    /// Dashboard layouts.
    pub dashboard: DashboardConfig,
}

impl Config {
    /// Validates the `serve` arguments.
    pub fn from_serve_args(args: &ServeArgs) -> Result<Self, ConfigError> {
        let ip: IpAddr = args.bind.parse().map_err(|_| ConfigError::Invalid {
            name: "--bind (LECTERN_BIND)",
            message: format!("{:?} is not an IP address", args.bind),
        })?;
        let listen = SocketAddr::new(ip, args.port);
        let workshop = match &args.dir {
            Some(dir) => WorkshopSource::Dir(dir.clone()),
            None => WorkshopSource::Demo,
        };
        let mut session = SessionConfig::from_args(&args.session)?;
        let limits = ServerLimits {
            max_connections: match args.max_connections {
                Some(0) => {
                    return Err(ConfigError::Invalid {
                        name: "--max-connections (LECTERN_MAX_CONNECTIONS)",
                        message: "must be at least 1".to_string(),
                    });
                }
                Some(n) => n,
                None => DEFAULT_MAX_CONNECTIONS,
            },
            header_timeout: match args.header_timeout {
                Some(0) => {
                    return Err(ConfigError::Invalid {
                        name: "--header-timeout (LECTERN_HEADER_TIMEOUT)",
                        message: "must be at least 1 second".to_string(),
                    });
                }
                Some(seconds) => Duration::from_secs(seconds),
                None => DEFAULT_HEADER_TIMEOUT,
            },
        };
        let auth = AuthConfig::from_args(&args.auth, listen, &session)?;
        let services = ServicesConfig::from_args(&args.services)?;
        services.fill_git_vars(&mut session.vars);
        Ok(Self {
            listen,
            workshop,
            watch: !args.no_watch,
            limits,
            terminal: TerminalConfig::from_args(&args.terminal)?,
            auth,
            session,
            proxy: ProxyConfig::from_args(&args.proxy)?,
            services,
            editor: EditorConfig::from_args(&args.editor, &args.proxy)?,
            dashboard: DashboardConfig::from_args(&args.dashboard)?,
        })
    }

    /// A configuration for tests and embedding: loopback, port 0, the given workshop, no auth.
    pub fn for_tests(workshop: WorkshopSource) -> Self {
        let listen = SocketAddr::from(([127, 0, 0, 1], 0));
        Self {
            listen,
            workshop,
            watch: true,
            limits: ServerLimits::default(),
            session: SessionConfig::default(),
            terminal: TerminalConfig::default(),
            auth: AuthConfig::default(),
            proxy: ProxyConfig::default(),
            services: ServicesConfig::default(),
            // Tests name the code-server they want; none is started unless a test asks.
            editor: EditorConfig {
                start: Some(false),
                ..EditorConfig::default()
            },
            dashboard: DashboardConfig::default(),
        }
    }
}
