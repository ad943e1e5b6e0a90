//! Command-line surface (clap derive). Every flag is also an environment variable, using the
//! original platform's names where they exist. Raw values only: validation lives in `config`.

mod auth;
mod authoring;
mod dashboard;
mod editor;
mod proxy;
mod services;
mod session;
mod terminal;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use auth::AuthArgs;
pub use authoring::{TestArgs, TestFormat};
pub use dashboard::DashboardArgs;
pub use editor::EditorArgs;
pub use proxy::ProxyArgs;
pub use services::ServicesArgs;
pub use session::SessionArgs;
pub use terminal::TerminalArgs;

/// `lectern`: workshop instructions, terminals and proxy behind one authenticated origin.
#[derive(Debug, Parser)]
#[command(
    name = "lectern",
    version,
    about,
    after_help = "Examples:\n  lectern serve                      the built-in demo workshop on http://127.0.0.1:10080\n  lectern serve ./my-workshop        a workshop, reloaded in the browser as you edit it\n  lectern check ./my-workshop        lint it (CI: exit 1 on errors)\n  lectern test ./my-workshop         run every step headless as a learner would\n  lectern import ./scenario --out ./workshop   convert a Killercoda scenario\n\n`lectern <command> --help` lists each command's options by topic."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Log line format.
    #[arg(long, env = "LECTERN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// Log filter, e.g. `info` or `lectern=debug` (default: `RUST_LOG`, else `info`).
    #[arg(long, env = "LOG_LEVEL", global = true)]
    pub log_level: Option<String>,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // built once at start-up; size does not matter
pub enum Command {
    /// Serve the learner dashboard for a workshop (the built-in demo when no DIR is given).
    Serve(ServeArgs),
    /// Load and render every page of a workshop and report problems (exit 0 clean, 1 errors, 2 usage).
    Check(CheckArgs),
    /// Write the workshop's instructions as static HTML that works offline, from `file://` (exit 0 written).
    Export(ExportArgs),
    /// Convert a Killercoda/Katacoda scenario into an Educates (Hugo) workshop.
    Import(ImportArgs),
    /// Run a workshop headless as a learner would: every command, examiner test and file edit, page by
    /// page (exit 0 all passed, 1 a failure, 2 usage).
    Test(TestArgs),
}

/// `lectern export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Workshop directory.
    pub dir: PathBuf,
    /// Folder to write the copy into (created; files of the same names are replaced).
    #[arg(long)]
    pub out: PathBuf,
    /// Session variables (the values the pages show).
    #[command(flatten)]
    pub session: SessionArgs,
}

/// `lectern import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The scenario folder (the one with `index.json`).
    pub dir: PathBuf,
    /// Where to write the workshop (a new or empty folder).
    #[arg(long)]
    pub out: PathBuf,
}

/// `lectern serve`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  lectern serve\n  lectern serve ./my-workshop --port 8080\n  WORKSHOP_DIR=/opt/workshop lectern serve --terminal-layout split\n\nEvery option is also an environment variable (shown as [env: …]); docs/configuration.md has them all."
)]
pub struct ServeArgs {
    /// Workshop directory (a workshop root, a `workshop/` folder or a bare content folder).
    #[arg(env = "WORKSHOP_DIR")]
    pub dir: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "LECTERN_BIND", default_value = "127.0.0.1")]
    pub bind: String,
    /// Port to listen on.
    #[arg(long, env = "GATEWAY_PORT", default_value_t = 10080)]
    pub port: u16,
    /// Disable watching the workshop folder for changes.
    #[arg(long, env = "LECTERN_NO_WATCH")]
    pub no_watch: bool,
    /// Open client connections at most, websockets included (default 4096, lowered to fit the process's
    /// file-descriptor limit); more are closed on arrival.
    #[arg(long, env = "LECTERN_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Seconds a client has to send a request's headers (default 10); slower connections are closed.
    #[arg(long, env = "LECTERN_HEADER_TIMEOUT")]
    pub header_timeout: Option<u64>,
    /// Session variables.
    #[command(flatten)]
    pub session: SessionArgs,
    /// Terminals.
    #[command(flatten)]
    pub terminal: TerminalArgs,
    /// Authentication.
    #[command(flatten)]
    pub auth: AuthArgs,
    /// Reverse proxy routes.
    #[command(flatten)]
    pub proxy: ProxyArgs,
    /// Editor actions and code-server.
    #[command(flatten)]
    pub editor: EditorArgs,
    /// Workshop services.
    #[command(flatten)]
    pub services: ServicesArgs,
    /// Dashboard layouts.
    #[command(flatten)]
    pub dashboard: DashboardArgs,
}

/// `lectern check`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  lectern check ./my-workshop\n  lectern check ./my-workshop --format json\n  lectern check ./my-workshop --var ingress_domain=example.test\n\nText lines are `file:line:column: severity: message`, each with the source line under it."
)]
pub struct CheckArgs {
    /// Workshop directory.
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Session variables.
    #[command(flatten)]
    pub session: SessionArgs,
}

/// Output format of `lectern check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// `file:line:col: severity: message` lines.
    Text,
    /// One JSON object (docs/check-json.md).
    Json,
}
