//! Authentication flags (owned by the auth area).

use clap::Args;

/// Authentication settings.
#[derive(Debug, Clone, Default, Args)]
pub struct AuthArgs {
    /// Authentication mode: oauth, basic, token or none (inferred from the original's variables when unset).
    #[arg(long, env = "LECTERN_AUTH")]
    pub auth: Option<String>,
}
