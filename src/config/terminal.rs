//! Terminal settings: shell, working directory, replay size, recording.

use std::path::PathBuf;

use super::ConfigError;
use crate::cli::TerminalArgs;

/// Default replay ring per terminal: 2 MiB.
pub const DEFAULT_REPLAY_BYTES: usize = 2 * 1024 * 1024;
/// Smallest replay ring accepted: 64 KiB (the ring itself never holds less, `terminal::ring`).
pub const MIN_REPLAY_BYTES: usize = 64 * 1024;
/// Largest replay ring accepted: 1 GiB.
pub const MAX_REPLAY_BYTES: usize = 1024 * 1024 * 1024;
/// Default cap on terminals per session.
pub const DEFAULT_MAX_TERMINALS: usize = 32;
/// Default age of a viewer's next byte beyond which it is skipped ahead: 1 s.
pub const DEFAULT_LAG_TIME: std::time::Duration = std::time::Duration::from_secs(1);
/// Default lag bound of a viewer with feature `snapshots` (the dashboard), unless `--terminal-lag-bytes` is
/// set: 512 KiB, or twice its acknowledgement window when that is larger. Such a viewer loses nothing by a
/// skip (the snapshot redraws its screen and history), while every byte of backlog it is sent instead is
/// drawn after the program stopped: with the ring's 3/4 (1.5 MiB) Ctrl-C left up to 1.5 MiB to draw.
pub const SNAPSHOT_LAG_BYTES: u64 = 512 * 1024;
/// Default bound of each terminal's full output on disk: 256 MiB.
pub const DEFAULT_OUTPUT_BYTES: u64 = 256 * 1024 * 1024;
/// Smallest bound of the full output on disk: 1 MiB.
pub const MIN_OUTPUT_BYTES: u64 = 1024 * 1024;

/// Validated terminal settings.
#[derive(Debug, Clone)]
pub struct TerminalConfig {
    /// Terminals are served.
    pub enabled: bool,
    /// Shell program and arguments.
    pub shell: Vec<String>,
    /// The shell is the default one, so `terminal/<name>.sh` / `terminal.sh` scripts apply.
    pub shell_is_default: bool,
    /// Folders searched for `terminal/<name>.sh` and `terminal.sh` (the original's order).
    pub script_dirs: Vec<PathBuf>,
    /// Working directory of shells (`None`: the server's own).
    pub home: Option<PathBuf>,
    /// Replay ring per terminal, bytes.
    pub replay_bytes: usize,
    /// asciicast v2 recordings go here.
    pub record_dir: Option<PathBuf>,
    /// Most terminals at once.
    pub max_terminals: usize,
    /// Bytes behind the output beyond which a skipping viewer gets a snapshot (`None`: 3/4 of the ring).
    pub lag_bytes: Option<usize>,
    /// Age of a skipping viewer's next byte beyond which it gets a snapshot.
    pub lag_time: std::time::Duration,
    /// Folder for the full output of each terminal (`None`: a private temporary folder).
    pub output_dir: Option<PathBuf>,
    /// Most bytes of full output kept on disk per terminal.
    pub output_bytes: u64,
}

impl TerminalConfig {
    /// The lag bound in bytes: as configured, at most the ring less 64 KiB (a viewer is skipped ahead
    /// before the ring would drop what it has not read).
    pub fn lag_bytes(&self) -> u64 {
        let ring = self.replay_bytes as u64;
        let bound = self.lag_bytes.map_or(ring / 4 * 3, |bytes| bytes as u64);
        bound.clamp(1, ring.saturating_sub(64 * 1024).max(1))
    }

    /// The lag bound of one viewer: [`Self::lag_bytes`], and for a viewer with feature `snapshots` (unless
    /// the bound was configured) at most [`SNAPSHOT_LAG_BYTES`] or twice its `window`, whichever is larger
    /// (a viewer that keeps up has up to a window unacknowledged and must not count as lagging).
    pub fn viewer_lag_bytes(&self, snapshots: bool, window: Option<u64>) -> u64 {
        let bound = self.lag_bytes();
        if !snapshots || self.lag_bytes.is_some() {
            return bound;
        }
        let window = window.unwrap_or(0).saturating_mul(2);
        bound.min(SNAPSHOT_LAG_BYTES.max(window))
    }
}

impl Default for TerminalConfig {
    fn default() -> Self {
        let home_dir = std::env::var_os("HOME").map(PathBuf::from);
        let home = home_dir.as_ref().map(|home| {
            let exercises = home.join("exercises");
            if exercises.is_dir() {
                exercises
            } else {
                home.clone()
            }
        });
        let mut script_dirs = Vec::new();
        if let Some(home) = &home_dir {
            script_dirs.push(home.join("workshop"));
        }
        script_dirs.push(PathBuf::from("/opt/workshop"));
        script_dirs.push(PathBuf::from("/opt/eduk8s/workshop"));
        Self {
            enabled: true,
            shell: default_shell(),
            shell_is_default: true,
            script_dirs,
            home,
            replay_bytes: DEFAULT_REPLAY_BYTES,
            record_dir: None,
            max_terminals: DEFAULT_MAX_TERMINALS,
            lag_bytes: None,
            lag_time: DEFAULT_LAG_TIME,
            output_dir: None,
            output_bytes: DEFAULT_OUTPUT_BYTES,
        }
    }
}

/// `$SHELL -l`, else `bash -l`.
fn default_shell() -> Vec<String> {
    let shell = std::env::var("SHELL")
        .ok()
        .filter(|shell| !shell.trim().is_empty())
        .unwrap_or_else(|| "bash".to_string());
    vec![shell, "-l".to_string()]
}

impl TerminalConfig {
    /// Validates the terminal flags.
    pub fn from_args(args: &TerminalArgs) -> Result<Self, ConfigError> {
        let mut config = Self {
            enabled: !args.no_terminal && args.enable_terminal.unwrap_or(true),
            ..Self::default()
        };
        if let Some(command) = &args.terminal_shell {
            let argv: Vec<String> = command.split_whitespace().map(str::to_string).collect();
            if argv.is_empty() {
                return Err(ConfigError::Invalid {
                    name: "--terminal-shell (LECTERN_TERMINAL_SHELL)",
                    message: "the command is empty".to_string(),
                });
            }
            config.shell = argv;
            config.shell_is_default = false;
        }
        if let Some(home) = &args.terminal_home {
            if !home.is_dir() {
                return Err(ConfigError::Invalid {
                    name: "--terminal-home (TERMINAL_HOME)",
                    message: format!("{} is not a directory", home.display()),
                });
            }
            config.home = Some(home.clone());
        }
        if let Some(bytes) = args.terminal_replay_bytes {
            if !(MIN_REPLAY_BYTES..=MAX_REPLAY_BYTES).contains(&bytes) {
                return Err(ConfigError::Invalid {
                    name: "--terminal-replay-bytes (LECTERN_TERMINAL_REPLAY_BYTES)",
                    message: format!("{bytes} is outside {MIN_REPLAY_BYTES}..={MAX_REPLAY_BYTES} bytes"),
                });
            }
            config.replay_bytes = bytes;
        }
        config.record_dir = args.record_dir.clone();
        if let Some(max) = args.max_terminals {
            if max == 0 {
                return Err(ConfigError::Invalid {
                    name: "--max-terminals (LECTERN_MAX_TERMINALS)",
                    message: "must be at least 1".to_string(),
                });
            }
            config.max_terminals = max;
        }
        config.lag_bytes = args.terminal_lag_bytes;
        if let Some(ms) = args.terminal_lag_ms {
            config.lag_time = std::time::Duration::from_millis(ms);
        }
        config.output_dir = args.terminal_output_dir.clone();
        if let Some(bytes) = args.terminal_output_bytes {
            if bytes < MIN_OUTPUT_BYTES {
                return Err(ConfigError::Invalid {
                    name: "--terminal-output-bytes (LECTERN_TERMINAL_OUTPUT_BYTES)",
                    message: format!("{bytes} is less than {MIN_OUTPUT_BYTES} bytes"),
                });
            }
            config.output_bytes = bytes;
        }
        Ok(config)
    }
}
