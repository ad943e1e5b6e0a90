//! Proxied routes: `/editor/`, `/console/`, session ingresses, any-port (owned by the proxy area).

use axum::Router;

use super::AppState;

/// Proxy routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
