//! `/healthz` (process is up) and `/readyz` (workshop loaded with at least one page, or its instructions
//! served from elsewhere, and the supervised code-server answering when lectern starts one): public, for
//! Kubernetes probes.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use super::AppState;
use crate::editor::EditorStatus;

/// Health routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
}

/// 503 until the workshop has a page (or its instructions are served from elsewhere) and a code-server
/// lectern starts is answering; the body says what is missing, and the editor's state when lectern
/// supervises it.
async fn ready(State(state): State<AppState>) -> (StatusCode, String) {
    let editor = state.code_server.as_ref().map(|code_server| code_server.status());
    let editor_line = editor
        .as_ref()
        .map_or(String::new(), |status| format!("\neditor: {status}"));
    let workshop = state.content.current();
    let elsewhere =
        workshop.definition.applications.instructions != crate::content::InstructionsSource::Local;
    if workshop.pages.is_empty() && !elsewhere {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("no workshop pages loaded{editor_line}"),
        )
    } else if editor.is_some_and(|status| status != EditorStatus::Running) {
        (StatusCode::SERVICE_UNAVAILABLE, format!("not ready{editor_line}"))
    } else {
        (StatusCode::OK, format!("ready{editor_line}"))
    }
}
