//! Terminals, transport-free: named PTY sessions, replay ring, viewers and flow control.
//!
//! Output flows one way: the PTY reader task appends to the terminal's [`ring::ReplayRing`] and bumps a
//! `watch` counter (signal); every [`viewer::Viewer`] then pulls from the ring at its own [`Seq`]
//! (pull). The reader never waits on a slow viewer: it pauses only while even the most advanced
//! viewer is more than 256 KiB behind (so Ctrl-C shows promptly), and never longer than 1 s for a
//! stalled one. A viewer that falls off the ring is told what it lost.

pub mod hub;
pub mod output;
pub mod protocol;
pub mod queries;
pub mod record;
pub mod ring;
pub mod screen;
pub mod session;
pub mod signals;
pub mod viewer;

use std::fmt;

use protocol::ErrorCode;

pub use hub::TerminalHub;
pub use ring::{ReplayRing, Seq};
pub use session::{ExitStatus, Snapshot, Terminal};
pub use viewer::{Lag, Viewer, ViewerEvent};

/// Largest accepted terminal width, in columns.
pub const MAX_COLS: u64 = 1000;
/// Largest accepted terminal height, in rows.
pub const MAX_ROWS: u64 = 500;

/// Something a terminal operation could not do; `code()` is the protocol's error code.
#[derive(Debug, thiserror::Error)]
pub enum TerminalError {
    /// The name is not `[a-z0-9-]{1,32}`.
    #[error("invalid terminal name {0:?}: use 1 to 32 of a-z, 0-9 and -")]
    BadName(String),
    /// Terminals are switched off.
    #[error("terminals are disabled")]
    Disabled,
    /// The hub already holds its maximum number of terminals.
    #[error("too many terminals (at most {0})")]
    TooMany(usize),
    /// The shell could not be started.
    #[error("cannot start the shell {program:?}: {source}")]
    Spawn {
        /// The program that was run.
        program: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// The shell has exited; input needs a restart first.
    #[error("the shell of terminal {0} has exited")]
    Exited(String),
    /// A restart was asked for while the shell is still running.
    #[error("the shell of terminal {0} is still running")]
    Running(String),
    /// A size outside 1..=MAX_COLS by 1..=MAX_ROWS.
    #[error("invalid terminal size {cols}x{rows}: columns must be 1..={MAX_COLS}, rows 1..={MAX_ROWS}")]
    BadSize {
        /// Requested columns.
        cols: u64,
        /// Requested rows.
        rows: u64,
    },
    /// The input queue stayed full (the program does not read its input).
    #[error("terminal {0} does not accept input right now")]
    Busy(String),
    /// lectern is shutting down: no terminal starts any more.
    #[error("lectern is shutting down")]
    ShuttingDown,
}

impl TerminalError {
    /// The stable error code sent in `{"type":"error","code":..}`.
    pub fn code(&self) -> ErrorCode {
        match self {
            TerminalError::BadName(_) => ErrorCode::BadName,
            TerminalError::Disabled => ErrorCode::Disabled,
            TerminalError::TooMany(_) => ErrorCode::TooManyTerminals,
            TerminalError::Spawn { .. } => ErrorCode::SpawnFailed,
            TerminalError::Exited(_) => ErrorCode::Exited,
            TerminalError::Running(_) => ErrorCode::Running,
            TerminalError::BadSize { .. } => ErrorCode::BadSize,
            TerminalError::Busy(_) => ErrorCode::Busy,
            TerminalError::ShuttingDown => ErrorCode::Shutdown,
        }
    }
}

/// A validated terminal name: `[a-z0-9-]{1,32}` (so never `/`, `..` or empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TerminalName(String);

impl TerminalName {
    /// Validates `name`.
    pub fn parse(name: &str) -> Result<Self, TerminalError> {
        let ok = !name.is_empty()
            && name.len() <= 32
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(name.to_string()))
        } else {
            Err(TerminalError::BadName(name.to_string()))
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TerminalName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A terminal size in character cells, validated to 1..=MAX_COLS by 1..=MAX_ROWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Columns.
    pub cols: u16,
    /// Rows.
    pub rows: u16,
}

impl Size {
    /// The size a PTY starts with before any client said otherwise.
    pub const DEFAULT: Size = Size { cols: 80, rows: 24 };

    /// Validates a requested size.
    pub fn new(cols: u64, rows: u64) -> Result<Self, TerminalError> {
        if (1..=MAX_COLS).contains(&cols) && (1..=MAX_ROWS).contains(&rows) {
            Ok(Self {
                cols: cols as u16,
                rows: rows as u16,
            })
        } else {
            Err(TerminalError::BadSize { cols, rows })
        }
    }
}
