//! Terminal flags: on/off, shell, working directory, replay size, recording folder, how many terminals.

use std::path::PathBuf;

use clap::Args;

/// Terminal settings.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Terminals")]
pub struct TerminalArgs {
    /// Disable terminals entirely.
    #[arg(long, env = "LECTERN_NO_TERMINAL")]
    pub no_terminal: bool,
    /// Serve terminals (`true`/`false`, the original's switch; `--no-terminal` wins).
    #[arg(long, env = "ENABLE_TERMINAL", value_name = "BOOL")]
    pub enable_terminal: Option<bool>,
    /// Shell command line, split on whitespace (default: `$SHELL -l`, else `bash -l`, plus
    /// `-c <script>` when `terminal/<name>.sh` or `terminal.sh` exists in a workshop folder).
    #[arg(long, env = "LECTERN_TERMINAL_SHELL", value_name = "COMMAND")]
    pub terminal_shell: Option<String>,
    /// Working directory of shells (default: `~/exercises` if it exists, else `~`).
    #[arg(long, env = "TERMINAL_HOME", value_name = "DIR")]
    pub terminal_home: Option<PathBuf>,
    /// Replay ring per terminal in bytes (default 2 MiB, at least 64 KiB).
    #[arg(long, env = "LECTERN_TERMINAL_REPLAY_BYTES", value_name = "BYTES")]
    pub terminal_replay_bytes: Option<usize>,
    /// Record every shell run as an asciicast v2 file in this folder.
    #[arg(long, env = "LECTERN_RECORD_DIR", value_name = "DIR")]
    pub record_dir: Option<PathBuf>,
    /// Most terminals one session may open (default 32).
    #[arg(long, env = "LECTERN_MAX_TERMINALS", value_name = "N")]
    pub max_terminals: Option<usize>,
    /// A viewer that acknowledges (or asks for snapshots) and falls this many bytes behind the output is
    /// skipped ahead to a snapshot instead of being sent the backlog (default: 3/4 of the replay ring; for
    /// a viewer asking for snapshots, 512 KiB or twice its acknowledgement window).
    #[arg(long, env = "LECTERN_TERMINAL_LAG_BYTES", value_name = "BYTES")]
    pub terminal_lag_bytes: Option<usize>,
    /// … or whose next byte is this old, in milliseconds (default 1000).
    #[arg(long, env = "LECTERN_TERMINAL_LAG_MS", value_name = "MS")]
    pub terminal_lag_ms: Option<u64>,
    /// Folder for each terminal's full output (`GET /terminal/{name}/output`); default: a private
    /// temporary folder removed at exit.
    #[arg(long, env = "LECTERN_TERMINAL_OUTPUT_DIR", value_name = "DIR")]
    pub terminal_output_dir: Option<PathBuf>,
    /// Most bytes of output kept on disk per terminal (default 256 MiB; the newest are kept).
    #[arg(long, env = "LECTERN_TERMINAL_OUTPUT_BYTES", value_name = "BYTES")]
    pub terminal_output_bytes: Option<u64>,
}
