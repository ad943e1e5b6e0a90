//! Terminal websocket endpoint and the HTTP input API (owned by the terminal area).

use axum::Router;

use super::AppState;

/// Terminal routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
