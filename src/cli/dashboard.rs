//! Dashboard flags: instructions and terminal layouts.

use clap::Args;

/// Dashboard layout switches; unset values fall back to `resources/workshop.yaml`, then `default`.
#[derive(Debug, Clone, Default, Args)]
pub struct DashboardArgs {
    /// Instructions layout: `default`, `left`, `tab` or `none`.
    #[arg(long, env = "WORKSHOP_LAYOUT", value_name = "LAYOUT")]
    pub workshop_layout: Option<String>,
    /// Terminal layout: `default`, `split`, `split/2`, `lower` or `none`.
    #[arg(long, env = "TERMINAL_LAYOUT", value_name = "LAYOUT")]
    pub terminal_layout: Option<String>,
}
