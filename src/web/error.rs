//! AppError: the only place an error becomes an HTTP status. Handlers' errors answer as plain text
//! (`<kind>: <message>`), failed upstreams as the original's "Oops!" page or JSON; the login routes, the
//! auth gate and the `Host` check show the same errors as a short page for people ([`AppError::page`]:
//! HTML for browsers, `{"error": …}` for API clients).

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderValue};

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
    /// What the request is about no longer exists (410), e.g. the session ended at the training portal.
    #[error("gone: {0}")]
    Gone(String),
    /// Temporarily unable to serve (e.g. too many terminals, input queue full).
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Not logged in (401); `basic_challenge` asks the browser for Basic credentials.
    #[error("unauthorized: {message}")]
    Unauthorized {
        /// What to do to log in.
        message: String,
        /// Add `WWW-Authenticate: Basic` (auth mode basic).
        basic_challenge: bool,
    },
    /// Logged in (or public) but not allowed.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Too many wrong credentials from this client (429, `Retry-After`).
    #[error("too many requests: too many failed logins from this address: try again in {} s", .0.as_secs().max(1))]
    Throttled(Duration),
    /// The `Host` is not a name this server answers to (421; DNS rebinding).
    #[error("misdirected request: {0}")]
    UnknownHost(String),
    /// A login round trip cannot go on (400): the page offers to start again.
    #[error("login interrupted: {0}")]
    LoginInterrupted(String),
    /// This server's configuration cannot serve the request (500), e.g. a login URL that cannot be built.
    #[error("misconfigured: {0}")]
    Misconfigured(String),
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
    /// An editor operation failed: its status by kind, the learner's message as JSON (`editor::request::Failure`).
    #[error("{0}")]
    Editor(crate::editor::EditorError),
    /// Something failed on our side.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    /// The one error → status map.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) | AppError::LoginInterrupted(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::UnknownHost(_) => StatusCode::MISDIRECTED_REQUEST,
            AppError::BadGateway { .. } => StatusCode::BAD_GATEWAY,
            AppError::GatewayTimeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            AppError::LoopDetected(_) => StatusCode::LOOP_DETECTED,
            AppError::InsufficientStorage(_) => StatusCode::INSUFFICIENT_STORAGE,
            AppError::Editor(error) => editor_status(error.kind()),
            AppError::Misconfigured(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message for people, without the kind (`Internal` hides its cause, which is logged).
    fn message(&self) -> String {
        match self {
            AppError::NotFound(message)
            | AppError::BadRequest(message)
            | AppError::Conflict(message)
            | AppError::Gone(message)
            | AppError::TooLarge(message)
            | AppError::Unavailable(message)
            | AppError::Unauthorized { message, .. }
            | AppError::Forbidden(message)
            | AppError::UnknownHost(message)
            | AppError::LoginInterrupted(message)
            | AppError::Misconfigured(message)
            | AppError::LoopDetected(message)
            | AppError::InsufficientStorage(message)
            | AppError::BadGateway { message, .. }
            | AppError::GatewayTimeout { message, .. } => message.clone(),
            AppError::Editor(error) => error.to_string(),
            AppError::Throttled(wait) => format!(
                "too many failed logins from this address: try again in {} s",
                wait.as_secs().max(1)
            ),
            AppError::Internal(_) => "internal error".to_string(),
        }
    }

    /// Headers the status needs: the Basic challenge (401) and `Retry-After` (429).
    fn add_headers(&self, response: &mut Response) {
        let headers = response.headers_mut();
        match self {
            AppError::Unauthorized {
                basic_challenge: true,
                ..
            } => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"lectern\", charset=\"UTF-8\""),
                );
            }
            AppError::Throttled(wait) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
            }
            _ => {}
        }
    }

    fn log(&self) {
        match self {
            AppError::BadGateway { message, .. } | AppError::GatewayTimeout { message, .. } => {
                tracing::warn!(status = %self.status(), message, "proxy upstream failed");
            }
            AppError::Misconfigured(message) => tracing::error!(message, "request failed"),
            AppError::Editor(error) if error.kind() == crate::editor::request::FailureKind::Io => {
                tracing::error!(%error, "editor operation failed");
            }
            AppError::Internal(error) => tracing::error!(error = format!("{error:#}"), "request failed"),
            _ => {}
        }
    }

    /// This error as a short page for people: HTML for a browser (`html`), else JSON `{"error": message}`.
    /// A `LoginInterrupted` page links to a new login.
    pub fn page(self, html: bool) -> Response {
        self.log();
        let mut response = match &self {
            AppError::LoginInterrupted(reason) if html => {
                let page = format!(
                    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Login</title></head><body>\
                     <h1>Login interrupted</h1><p>{}.</p><p><a href=\"/\">Log in again</a></p></body></html>",
                    crate::content::html::escape(reason)
                );
                (self.status(), axum::response::Html(page)).into_response()
            }
            _ => message_page(self.status(), &self.message(), html),
        };
        self.add_headers(&mut response);
        response
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let mut response = match &self {
            AppError::BadGateway { message, html } | AppError::GatewayTimeout { message, html } => {
                upstream_failure(status, message, *html)
            }
            AppError::Editor(error) => {
                let body = crate::editor::request::Failure {
                    error: error.to_string(),
                    kind: error.kind(),
                };
                (status, axum::Json(body)).into_response()
            }
            _ => (status, self.to_string()).into_response(),
        };
        self.add_headers(&mut response);
        response
    }
}

/// A short message as a small HTML page (browsers) or JSON `{"error": …}`; also lectern's plain notices
/// (`/logout`'s 200).
pub fn message_page(status: StatusCode, message: &str, html: bool) -> Response {
    if html {
        let page = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>{code}</title></head>\
             <body><h1>{code}</h1><p>{message}</p></body></html>",
            code = status.as_u16(),
            message = crate::content::html::escape(message)
        );
        (status, axum::response::Html(page)).into_response()
    } else {
        (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
    }
}

/// The status of an editor failure's kind (the dashboard reads the kind from the `{"error", "kind"}` body).
fn editor_status(kind: crate::editor::request::FailureKind) -> StatusCode {
    use crate::editor::request::FailureKind;
    match kind {
        FailureKind::BadRequest => StatusCode::BAD_REQUEST,
        FailureKind::Outside => StatusCode::FORBIDDEN,
        FailureKind::NotFound => StatusCode::NOT_FOUND,
        FailureKind::NoMatch | FailureKind::NotEditable => StatusCode::UNPROCESSABLE_ENTITY,
        FailureKind::EditorUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        FailureKind::EditorFailed => StatusCode::BAD_GATEWAY,
        FailureKind::Io => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The page (browsers) or JSON (API clients) for a failed upstream. The page is a panel in the dashboard's
/// colours (its saved theme, else the system's) saying the application is starting or not running, which
/// asks again every few seconds and shows the application once it answers; the technical reason is folded
/// away under "Details". Heading "Oops!" and the "Try Again" button are the original's.
fn upstream_failure(status: StatusCode, message: &str, html: bool) -> Response {
    if !html {
        let body = serde_json::json!({ "error": message, "status": status.as_u16() });
        return (status, axum::Json(body)).into_response();
    }
    let escaped = crate::content::html::escape(message);
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Starting… ({code})</title><style>{UPSTREAM_CSS}</style>\
         <script>try{{var t=localStorage.getItem('lectern:theme');if(t)document.documentElement.dataset.theme=t}}catch(e){{}}</script>\
         </head><body><main class=\"panel\" role=\"status\" aria-live=\"polite\">\
         <div class=\"spinner\" aria-hidden=\"true\"></div><h1>Oops!</h1>\
         <p>This application is starting or not running yet. This page tries again by itself and shows it as soon as it answers.</p>\
         <p><button type=\"button\" onclick=\"location.reload()\">Try Again</button></p>\
         <details><summary>Details</summary><p>{code}: {escaped}</p></details></main>\
         <script>{UPSTREAM_JS}</script></body></html>",
        code = status.as_u16()
    );
    (status, axum::response::Html(page)).into_response()
}

/// Styles of the upstream failure page: the dashboard's palette, light and dark.
const UPSTREAM_CSS: &str = "\
:root{--bg:#fff;--fg:#1f2328;--muted:#57606a;--border:#d0d7de;--accent:#0b66d0;--accent-fg:#fff;color-scheme:light}\
:root[data-theme=dark]{--bg:#1b1e24;--fg:#e6e6e6;--muted:#9aa4b2;--border:#333a45;--accent:#4a9cff;--accent-fg:#0b0d10;color-scheme:dark}\
@media (prefers-color-scheme:dark){:root:not([data-theme]){--bg:#1b1e24;--fg:#e6e6e6;--muted:#9aa4b2;--border:#333a45;--accent:#4a9cff;--accent-fg:#0b0d10;color-scheme:dark}}\
html,body{height:100%;margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,sans-serif}\
body{display:grid;place-items:center;padding:16px;box-sizing:border-box}\
.panel{max-width:420px;text-align:center;border:1px solid var(--border);border-radius:10px;padding:24px}\
h1{font-size:20px;margin:8px 0}p{color:var(--muted)}details{color:var(--muted);font-size:13px;text-align:left}\
button{height:36px;padding:0 16px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);font:inherit;cursor:pointer}\
button:focus-visible,summary:focus-visible{outline:2px solid var(--accent);outline-offset:2px}\
.spinner{width:28px;height:28px;margin:auto;border:3px solid var(--border);border-top-color:var(--accent);border-radius:50%;animation:s 1s linear infinite}\
@keyframes s{to{transform:rotate(360deg)}}@media (prefers-reduced-motion:reduce){.spinner{animation:none}}";

/// The page's retry: ask for the same URL every 3 s (then slower), reload once it is not a gateway error.
const UPSTREAM_JS: &str = "(function(){var d=3000;function t(){fetch(location.href,{credentials:'same-origin',\
headers:{accept:'text/html'},cache:'no-store'}).then(function(r){if(r.status<502||r.status>504)location.reload();\
else s()},s)}function s(){d=Math.min(d*1.5,15000);setTimeout(t,d)}setTimeout(t,d)})();";
