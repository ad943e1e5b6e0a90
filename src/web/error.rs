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
    /// Not logged in.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Logged in (or public) but not allowed.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// A proxied upstream failed or cannot be used (502); `html` renders a page for browsers.
    #[error("bad gateway: {message}")]
    BadGateway {
        /// What went wrong, for the user.
        message: String,
        /// Answer with an HTML page instead of JSON.
        html: bool,
    },
    /// A proxied upstream did not answer in time (504); `html` renders a page for browsers.
    #[error("gateway timeout: {message}")]
    GatewayTimeout {
        /// What went wrong, for the user.
        message: String,
        /// Answer with an HTML page instead of JSON.
        html: bool,
    },
    /// A proxied request came back to this server (508).
    #[error("loop detected: {0}")]
    LoopDetected(String),
    /// The disk (or the user's quota) is full (507): the message says what could not be stored.
    #[error("insufficient storage: {0}")]
    InsufficientStorage(String),
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
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::LoopDetected(_) => StatusCode::LOOP_DETECTED,
            AppError::InsufficientStorage(_) => StatusCode::INSUFFICIENT_STORAGE,
            AppError::BadGateway { message, html } | AppError::GatewayTimeout { message, html } => {
                let status = match &self {
                    AppError::GatewayTimeout { .. } => StatusCode::GATEWAY_TIMEOUT,
                    _ => StatusCode::BAD_GATEWAY,
                };
                tracing::warn!(%status, message, "proxy upstream failed");
                return upstream_failure(status, message, *html);
            }
            AppError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        (status, self.to_string()).into_response()
    }
}

/// The page (browsers) or JSON (API clients) for a failed upstream: heading "Oops!" and a "Try Again"
/// button, as the original's proxy error page, refreshing itself every 10 s.
fn upstream_failure(status: StatusCode, message: &str, html: bool) -> Response {
    if !html {
        let body = serde_json::json!({ "error": message, "status": status.as_u16() });
        return (status, axum::Json(body)).into_response();
    }
    let escaped = crate::content::html::escape(message);
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"10\">\
         <title>{code} application not ready</title></head><body><h1>Oops!</h1>\
         <p>The application behind this page is not answering yet ({code}): {escaped}</p>\
         <p><button onclick=\"location.reload()\">Try Again</button></p></body></html>",
        code = status.as_u16()
    );
    (status, axum::response::Html(page)).into_response()
}
