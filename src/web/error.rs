//! AppError: the only place an error becomes an HTTP status (HTML for browsers, JSON for API clients).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Errors a handler can return.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nothing at this path.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request is malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request conflicts with the current state (e.g. input to an exited terminal).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The request body is over a configured limit (e.g. `LECTERN_UPLOAD_LIMIT`).
    #[error("too large: {0}")]
    TooLarge(String),
    /// Temporarily unable to serve (e.g. too many terminals, input queue full).
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Something failed on our side.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        (status, self.to_string()).into_response()
    }
}
