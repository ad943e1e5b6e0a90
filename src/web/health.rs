//! `/healthz` (process is up) and `/readyz` (workshop loaded): public, for Kubernetes probes.

use axum::Router;
use axum::routing::get;

use super::AppState;

/// Health routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(|| async { "ready" }))
}
