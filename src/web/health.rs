//! `/healthz` (process is up) and `/readyz` (workshop loaded with at least one page, or its instructions
//! served from elsewhere): public, for Kubernetes probes.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use super::AppState;

/// Health routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
}

async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let workshop = state.content.current();
    let elsewhere =
        workshop.definition.applications.instructions != crate::content::InstructionsSource::Local;
    if workshop.pages.is_empty() && !elsewhere {
        (StatusCode::SERVICE_UNAVAILABLE, "no workshop pages loaded")
    } else {
        (StatusCode::OK, "ready")
    }
}
