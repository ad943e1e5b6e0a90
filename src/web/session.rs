//! Session lifecycle relays to the training portal: `/session/poll|activity|schedule|extend|event` (owned by the auth area).

use axum::Router;

use super::AppState;

/// Session relay routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
