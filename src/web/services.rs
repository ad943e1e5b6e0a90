//! Workshop services: `/files/`, `/upload/`, `/examiner/test/`, `/message/broadcast`.

use axum::Router;

use super::AppState;

/// Workshop service routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
