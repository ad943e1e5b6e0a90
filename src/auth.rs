//! Authentication: middleware that turns a request into a `Principal` or a login challenge.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use crate::config::AuthConfig;

/// Who is making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// User name (`anonymous` with auth `none`).
    pub user: String,
    /// Staff may open the session without owning it.
    pub staff: bool,
}

/// Shared authentication state.
#[derive(Debug, Clone)]
pub struct Auth {
    config: AuthConfig,
}

impl Auth {
    /// Auth state for the configured mode.
    pub fn new(config: AuthConfig) -> Self {
        Self { config }
    }

    /// The configuration in force.
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }
}

/// Middleware: attaches a `Principal` (auth `none` only, for now).
pub async fn require_login(mut request: Request, next: Next) -> Response {
    request.extensions_mut().insert(Principal {
        user: "anonymous".to_string(),
        staff: false,
    });
    next.run(request).await
}
