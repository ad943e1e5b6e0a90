//! Dashboard settings: layouts chosen by flag or environment, the page `/` goes to, the countdown.

use super::ConfigError;
use crate::cli::DashboardArgs;

/// Accepted `WORKSHOP_LAYOUT` values.
pub const WORKSHOP_LAYOUTS: &[&str] = &["default", "left", "tab", "none"];
/// Accepted `TERMINAL_LAYOUT` values.
pub const TERMINAL_LAYOUTS: &[&str] = &["default", "split", "split/2", "lower", "none"];

/// Where `GET /` goes unless `DEFAULT_PAGE` says otherwise.
pub const DEFAULT_PAGE: &str = "/dashboard/";

/// Validated dashboard settings. A `None` layout is not set here (the workshop definition decides).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardConfig {
    /// Instructions layout.
    pub workshop_layout: Option<String>,
    /// Terminal layout.
    pub terminal_layout: Option<String>,
    /// Where `GET /` goes: a path on this server (`DEFAULT_PAGE`).
    pub default_page: String,
    /// Show the session countdown (`ENABLE_COUNTDOWN`, off by default as in the original).
    pub countdown: bool,
}

impl Default for DashboardConfig {
    fn default() -> Self {
        Self {
            workshop_layout: None,
            terminal_layout: None,
            default_page: DEFAULT_PAGE.to_string(),
            countdown: false,
        }
    }
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
            default_page: default_page(args.default_page.as_deref())?,
            countdown: args.enable_countdown.unwrap_or(false),
        })
    }
}

/// Where `GET /` goes: `DEFAULT_PAGE` as a path on this server. The original's start-up script may set the
/// bare words `workshop` (→ `/workshop/`) and `terminal` (→ `/terminal/session/1`, the standalone
/// terminal page, where the original's relative redirect to `terminal` ended); another bare word is a
/// path under `/`. A value that would leave this server (`//host`, `scheme:`) is refused.
fn default_page(value: Option<&str>) -> Result<String, ConfigError> {
    let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else {
        return Ok(DEFAULT_PAGE.to_string());
    };
    let invalid = |why: &str| ConfigError::Invalid {
        name: "--default-page (DEFAULT_PAGE)",
        message: format!("{value:?} {why}"),
    };
    if value
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return Err(invalid("has spaces, control characters or backslashes"));
    }
    let page = match value {
        "workshop" => "/workshop/".to_string(),
        "terminal" => "/terminal/session/1".to_string(),
        path if path.starts_with('/') => path.to_string(),
        word => format!("/{word}"),
    };
    if page.starts_with("//") || value.contains(':') && !value.starts_with('/') {
        return Err(invalid("is not a path on this server"));
    }
    Ok(page)
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

/// Terminal names shown in the Terminal tab for a layout.
pub fn layout_terminals(layout: &str) -> Vec<String> {
    let count = match layout {
        "split" => 2,
        "split/2" => 3,
        _ => 1,
    };
    (1..=count).map(|n| n.to_string()).collect()
}

/// Tab id from a dashboard name: lowercase, keep `[a-z0-9 -]`, whitespace → `-`, collapse and trim `-`.
pub fn slug(name: &str) -> String {
    let kept: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || c.is_whitespace())
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    kept.split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_page_is_a_path_on_this_server() {
        let page = |value: &str| default_page(Some(value)).map_err(|error| error.to_string());
        assert_eq!(default_page(None).unwrap_or_default(), "/dashboard/");
        assert_eq!(page(" ").as_deref(), Ok("/dashboard/"));
        assert_eq!(page("workshop").as_deref(), Ok("/workshop/"));
        assert_eq!(page("terminal").as_deref(), Ok("/terminal/session/1"));
        assert_eq!(page("files").as_deref(), Ok("/files"));
        assert_eq!(page("/workshop/content/").as_deref(), Ok("/workshop/content/"));
        for hostile in [
            "//evil.test/",
            "https://evil.test/",
            "javascript:alert(1)",
            "/a b",
            "/\\evil",
            "/x\ny",
        ] {
            let refused = page(hostile).expect_err(hostile);
            assert!(refused.contains("DEFAULT_PAGE"), "{refused}");
        }
    }
}
