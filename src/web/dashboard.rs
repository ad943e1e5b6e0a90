//! Dashboard shell `/dashboard/`, `/api/dashboard` config and the embedded bundle under `/static/` (owned by the frontend area).

use axum::Router;

use super::AppState;

/// Dashboard routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
