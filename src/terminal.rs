//! Terminals, transport-free: named PTY sessions, replay ring, viewers and flow control.

use crate::config::TerminalConfig;

/// All terminals of this session, by name.
#[derive(Debug, Clone)]
pub struct TerminalHub {
    config: TerminalConfig,
}

impl TerminalHub {
    /// A hub with no terminals yet.
    pub fn new(config: TerminalConfig) -> Self {
        Self { config }
    }

    /// Whether terminals are served.
    pub fn enabled(&self) -> bool {
        self.config.enabled
    }
}
