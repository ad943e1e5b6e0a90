//! Terminal settings (owned by the terminal area).

use super::ConfigError;
use crate::cli::TerminalArgs;

/// Validated terminal settings.
#[derive(Debug, Clone)]
pub struct TerminalConfig {
    /// Terminals are served.
    pub enabled: bool,
}

impl Default for TerminalConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

impl TerminalConfig {
    /// Validates the terminal flags.
    pub fn from_args(args: &TerminalArgs) -> Result<Self, ConfigError> {
        Ok(Self {
            enabled: !args.no_terminal,
        })
    }
}
