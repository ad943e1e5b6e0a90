//! Validated editor settings (`cli/editor.rs`).

use std::path::PathBuf;
use std::time::Duration;

use super::{ConfigError, Secret};
use crate::cli::{EditorArgs, ProxyArgs};

/// Editor settings.
#[derive(Debug, Clone)]
pub struct EditorConfig {
    /// `$HOME`.
    pub home: PathBuf,
    /// Fixed workspace root (`EDITOR_HOME`), else chosen per request.
    pub root: Option<PathBuf>,
    /// Start code-server (`None`: when the editor is enabled and no upstream is given).
    pub start: Option<bool>,
    /// An operator-run code-server was named (`LECTERN_EDITOR_UPSTREAM`): never start one.
    pub external: bool,
    /// The code-server executable.
    pub command: PathBuf,
    /// Its data folder.
    pub data_dir: Option<PathBuf>,
    /// The channel secret (`None`: generated at start).
    pub secret: Option<Secret>,
    /// How long UI actions wait for the editor to connect.
    pub connect_wait: Duration,
}

impl Default for EditorConfig {
    fn default() -> Self {
        Self {
            home: home(),
            root: None,
            start: None,
            external: false,
            command: PathBuf::from("code-server"),
            data_dir: None,
            secret: None,
            connect_wait: crate::editor::DEFAULT_CONNECT_WAIT,
        }
    }
}

fn home() -> PathBuf {
    std::env::var_os("HOME").map_or_else(|| PathBuf::from("/"), PathBuf::from)
}

impl EditorConfig {
    /// Validates the editor flags.
    pub fn from_args(args: &EditorArgs, proxy: &ProxyArgs) -> Result<Self, ConfigError> {
        let home = home();
        let root = args.editor_home.as_deref().map(|dir| {
            let dir = dir.trim();
            match dir.strip_prefix("~/").or_else(|| dir.strip_prefix("$HOME/")) {
                Some(rest) => home.join(rest),
                None if dir == "~" => home.clone(),
                None if dir.starts_with('/') => PathBuf::from(dir),
                None => home.join(dir),
            }
        });
        if let Some(secret) = &args.editor_secret
            && secret.len() < 16
        {
            return Err(ConfigError::Invalid {
                name: "--editor-secret (LECTERN_EDITOR_SECRET)",
                message: "must be at least 16 characters".into(),
            });
        }
        let connect_wait = match args.editor_wait {
            Some(0) => Duration::from_millis(1),
            Some(seconds) => Duration::from_secs(seconds),
            None => crate::editor::DEFAULT_CONNECT_WAIT,
        };
        Ok(Self {
            home,
            root,
            start: args.editor_start,
            external: proxy.editor_upstream.is_some(),
            command: args
                .editor_command
                .clone()
                .unwrap_or_else(|| PathBuf::from("code-server")),
            data_dir: args.editor_data_dir.clone(),
            secret: args.editor_secret.clone().map(Secret),
            connect_wait,
        })
    }
}
