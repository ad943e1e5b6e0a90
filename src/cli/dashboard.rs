//! Dashboard flags: instructions and terminal layouts, the page `/` goes to, the countdown.

use clap::Args;

/// Dashboard layout switches; unset values fall back to `resources/workshop.yaml`, then `default`.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Dashboard layout")]
pub struct DashboardArgs {
    /// Instructions layout: `default`, `left`, `tab` or `none`.
    #[arg(long, env = "WORKSHOP_LAYOUT", value_name = "LAYOUT")]
    pub workshop_layout: Option<String>,
    /// Terminal layout: `default`, `split`, `split/2`, `lower` or `none`.
    #[arg(long, env = "TERMINAL_LAYOUT", value_name = "LAYOUT")]
    pub terminal_layout: Option<String>,
    /// Page `GET /` goes to (default `/dashboard/`; the bare words `workshop` and `terminal`, as Educates'
    /// start-up script sets them, go to the instructions and to the dashboard).
    #[arg(long, env = "DEFAULT_PAGE", value_name = "PATH")]
    pub default_page: Option<String>,
    /// Show the session countdown (`true`/`false`; the training portal sets it when sessions expire).
    #[arg(long, env = "ENABLE_COUNTDOWN", value_name = "BOOL", value_parser = clap::builder::BoolishValueParser::new())]
    pub enable_countdown: Option<bool>,
}
