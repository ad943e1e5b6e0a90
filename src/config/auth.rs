//! Authentication settings (owned by the auth area).

use std::net::SocketAddr;

use super::ConfigError;
use crate::cli::AuthArgs;

/// How requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    /// No authentication (only allowed on a loopback bind).
    #[default]
    None,
}

/// Validated authentication settings.
#[derive(Debug, Clone, Default)]
pub struct AuthConfig {
    /// The mode in force.
    pub mode: AuthMode,
}

impl AuthConfig {
    /// Validates the auth flags; `listen` decides whether `none` is acceptable.
    pub fn from_args(args: &AuthArgs, listen: SocketAddr) -> Result<Self, ConfigError> {
        let _ = listen;
        match args.auth.as_deref() {
            None | Some("none") => Ok(Self { mode: AuthMode::None }),
            Some(other) => Err(ConfigError::Invalid {
                name: "--auth (LECTERN_AUTH)",
                message: format!("{other:?} is not one of oauth, basic, token, none"),
            }),
        }
    }
}
