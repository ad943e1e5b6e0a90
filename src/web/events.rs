//! Server-sent events `/api/events`: content reloads and broadcast messages to open browsers.

use axum::Router;

use super::AppState;

/// Event stream routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
