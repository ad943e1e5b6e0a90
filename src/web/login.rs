//! Public login routes: OAuth2 handshake/callback, basic-auth and token login, logout (owned by the auth area).

use axum::Router;

use super::AppState;

/// Login routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
