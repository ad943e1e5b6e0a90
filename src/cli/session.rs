//! Session-variable flags: identity of the session and `--var NAME=VALUE`.

use clap::Args;

/// Session variables substituted into instructions. Names follow the original's environment.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Session variables")]
pub struct SessionArgs {
    /// Extra variable for the instructions, `NAME=VALUE` (repeatable).
    #[arg(
        long = "var",
        value_name = "NAME=VALUE",
        env = "LECTERN_VARS",
        value_delimiter = ','
    )]
    pub vars: Vec<String>,
    /// Workshop name.
    #[arg(long, env = "WORKSHOP_NAME")]
    pub workshop_name: Option<String>,
    /// Session name (also used for session-ingress host names).
    #[arg(long, env = "SESSION_NAME")]
    pub session_name: Option<String>,
    /// Session namespace.
    #[arg(long, env = "SESSION_NAMESPACE")]
    pub session_namespace: Option<String>,
    /// Ingress domain.
    #[arg(long, env = "INGRESS_DOMAIN")]
    pub ingress_domain: Option<String>,
    /// Ingress protocol (`http` or `https`).
    #[arg(long, env = "INGRESS_PROTOCOL")]
    pub ingress_protocol: Option<String>,
}
