//! Editor flags: where `editor:*` actions may change files, starting code-server, and the channel its
//! lectern extension uses. `ENABLE_EDITOR`, `EDITOR_PORT` and `LECTERN_EDITOR_UPSTREAM` are proxy flags.

use std::path::PathBuf;

use clap::Args;

/// Editor settings.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Editor (code-server)")]
pub struct EditorArgs {
    /// Folder editor actions may change and code-server opens (default `$HOME/exercises` if it exists,
    /// else `$HOME`; `~` is expanded).
    #[arg(long, env = "EDITOR_HOME", value_name = "DIR")]
    pub editor_home: Option<String>,
    /// Start code-server as a supervised child (`true`/`false`; default: when the editor is enabled and no
    /// `LECTERN_EDITOR_UPSTREAM` is given).
    #[arg(long, env = "LECTERN_EDITOR_START", value_name = "BOOL")]
    pub editor_start: Option<bool>,
    /// The code-server executable lectern starts (default `code-server` on the `PATH`).
    #[arg(long, env = "LECTERN_EDITOR_COMMAND", value_name = "PATH")]
    pub editor_command: Option<PathBuf>,
    /// Folder for the started code-server's user data and extensions (default: code-server's own).
    #[arg(long, env = "LECTERN_EDITOR_DATA_DIR", value_name = "DIR")]
    pub editor_data_dir: Option<PathBuf>,
    /// Secret the lectern extension inside code-server presents on `/editor-channel` (default: a new
    /// random one per start, handed to the started code-server; set it for an operator-run code-server).
    #[arg(long, env = "LECTERN_EDITOR_SECRET", hide_env_values = true)]
    pub editor_secret: Option<String>,
    /// Seconds editor actions that need the running editor wait for it to connect (default 45).
    #[arg(long, env = "LECTERN_EDITOR_WAIT", value_name = "SECONDS")]
    pub editor_wait: Option<u64>,
}
