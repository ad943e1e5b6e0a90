//! Terminal flags (owned by the terminal area).

use clap::Args;

/// Terminal settings.
#[derive(Debug, Clone, Default, Args)]
pub struct TerminalArgs {
    /// Disable terminals entirely.
    #[arg(long, env = "LECTERN_NO_TERMINAL")]
    pub no_terminal: bool,
}
