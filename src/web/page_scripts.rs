//! What happens when a page is opened, beyond showing it: `POST /api/workshop/opened/{key}`, sent by the
//! instructions page. The first time in this server's life a page is opened, its foreground script (a
//! scenario's `foreground`, front matter `lectern.foreground`) is typed into terminal 1.
//!
//! A Killercoda scenario also starts once, before any of its scripts: its assets are copied to their
//! targets and the commands of its extra terminals are typed into them. [`start_scenario`] runs at serve
//! start, and the opened route and the examiner (for the scenario's scripts) wait for it.

use std::collections::HashSet;
use std::sync::Mutex;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use bytes::Bytes;

use super::{AppError, AppState};
use crate::jail::Jail;
use crate::terminal::TerminalName;

/// Which pages ran their scripts, and whether the scenario started.
#[derive(Debug, Default)]
pub struct PageScripts {
    opened: Mutex<HashSet<String>>,
    started: tokio::sync::OnceCell<()>,
}

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/workshop/opened/{*key}", post(opened))
}

/// `POST /api/workshop/opened/{key}`.
async fn opened(State(state): State<AppState>, Path(key): Path<String>) -> Result<StatusCode, AppError> {
    let workshop = state.content.current();
    let key = key.trim_end_matches('/');
    let page = workshop
        .page(key)
        .ok_or_else(|| AppError::NotFound(format!("no page {key:?}")))?;
    start_scenario(&state).await;
    let Some(script) = page.options.foreground.as_ref() else {
        return Ok(StatusCode::NO_CONTENT);
    };
    let first = state
        .page_scripts
        .opened
        .lock()
        .map(|mut opened| opened.insert(key.to_string()))
        .unwrap_or(false);
    if !first {
        return Ok(StatusCode::NO_CONTENT);
    }
    let source = script.to_string_lossy();
    let text = Jail::new(&workshop.root)
        .ok()
        .and_then(|jail| jail.resolve_file(&source).ok())
        .and_then(|real| std::fs::read_to_string(real).ok());
    let Some(text) = text else {
        tracing::warn!(page = key, script = %source, "foreground script not found in the workshop folder");
        return Err(AppError::NotFound(format!("foreground script {source:?}")));
    };
    tracing::info!(page = key, script = %source, "typing the page's foreground script into terminal 1");
    type_into(&state, "1", &text).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Types `text` into terminal `name` (started if needed), ending with Enter.
async fn type_into(state: &AppState, name: &str, text: &str) {
    let Ok(name) = TerminalName::parse(name) else {
        return;
    };
    if !state.terminals.enabled() {
        return;
    }
    let mut data = super::terminal_ws::as_typed(text);
    if !data.ends_with(b"\r") {
        data.push(b'\r');
    }
    match state.terminals.get_or_start(&name) {
        Ok(terminal) => {
            if let Err(error) = terminal.input(None, Bytes::from(data)).await {
                tracing::warn!(%error, terminal = %name, "cannot type a script into the terminal");
            }
        }
        Err(error) => tracing::warn!(%error, terminal = %name, "cannot start the terminal for a script"),
    }
}

/// Starts the scenario, once: copies its assets (home = `$HOME`) and types its extra terminals'
/// commands. Nothing for other workshops.
pub async fn start_scenario(state: &AppState) {
    state
        .page_scripts
        .started
        .get_or_init(|| async {
            let workshop = state.content.current();
            let Some(scenario) = workshop.scenario.clone() else {
                return;
            };
            let home = std::env::var_os("HOME")
                .filter(|home| !home.is_empty())
                .map(std::path::PathBuf::from)
                .unwrap_or_else(std::env::temp_dir);
            if !scenario.assets.is_empty() {
                let installed = tokio::task::spawn_blocking(move || {
                    crate::content::killercoda::assets::install(&scenario, &home)
                })
                .await;
                if let Ok(report) = installed {
                    tracing::info!(files = report.copied.len(), "copied the scenario's assets");
                    for problem in &report.problems {
                        tracing::warn!(problem = %problem, "scenario asset");
                    }
                }
            }
            if let Some(scenario) = &workshop.scenario {
                for terminal in &scenario.screen.extra_terminals {
                    if let Some(command) = &terminal.command {
                        type_into(state, &terminal.session, command).await;
                    }
                }
            }
        })
        .await;
}
