//! Dashboard settings: layouts chosen by flag or environment.

use super::ConfigError;
use crate::cli::DashboardArgs;

/// Accepted `WORKSHOP_LAYOUT` values.
pub const WORKSHOP_LAYOUTS: &[&str] = &["default", "left", "tab", "none"];
/// Accepted `TERMINAL_LAYOUT` values.
pub const TERMINAL_LAYOUTS: &[&str] = &["default", "split", "split/2", "lower", "none"];

/// Validated dashboard settings. `None` = not set here (the workshop definition decides).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardConfig {
    /// Instructions layout.
    pub workshop_layout: Option<String>,
    /// Terminal layout.
    pub terminal_layout: Option<String>,
}

impl DashboardConfig {
    /// Validates the layout flags; an unknown layout names the variable and the accepted values.
    pub fn from_args(args: &DashboardArgs) -> Result<Self, ConfigError> {
        Ok(Self {
            workshop_layout: check(
                "--workshop-layout (WORKSHOP_LAYOUT)",
                args.workshop_layout.as_deref(),
                WORKSHOP_LAYOUTS,
            )?,
            terminal_layout: check(
                "--terminal-layout (TERMINAL_LAYOUT)",
                args.terminal_layout.as_deref(),
                TERMINAL_LAYOUTS,
            )?,
        })
    }
}

fn check(name: &'static str, value: Option<&str>, allowed: &[&str]) -> Result<Option<String>, ConfigError> {
    let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    if allowed.contains(&value) {
        Ok(Some(value.to_string()))
    } else {
        Err(ConfigError::Invalid {
            name,
            message: format!("{value:?} is not one of {}", allowed.join(", ")),
        })
    }
}
