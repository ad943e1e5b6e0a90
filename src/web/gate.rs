//! The login gate: `require_login` runs `Auth::decide` for every protected route and answers what it
//! says — a denial through `AppError` (401 with the Basic challenge, 403, 429) or, for a browser in oauth
//! mode, a redirect to the portal login; a completed token login's redirect; Basic logins get the cookie.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{self, HeaderValue};

use super::AppError;
use crate::auth::{Auth, Decision, Denied, LoginRedirect, LoginSource, Principal};
use crate::config::AuthMode;

/// Middleware: attaches the request's `Principal`, or answers the denial.
pub async fn require_login(State(auth): State<Auth>, request: Request, next: Next) -> Response {
    guarded(&auth, request, |request| next.run(request)).await
}

/// The gate around `handler`: what [`require_login`] does for the protected router, also used by the
/// proxy's fast path (`web/proxy.rs`), so both paths share one login rule.
pub async fn guarded<F: Future<Output = Response>>(
    auth: &Auth,
    mut request: Request,
    handler: impl FnOnce(Request) -> F,
) -> Response {
    let (principal, source) = match check(auth, &request) {
        Ok(pass) => pass,
        Err(stop) => return stop.into_response(),
    };
    // Basic credentials also get the login cookie, so websocket upgrades (which browsers may send
    // without cached credentials) and ingress hosts sharing a cookie domain work.
    let user = (source == LoginSource::Basic).then(|| principal.user.clone());
    request.extensions_mut().insert(principal);
    let mut response = handler(request).await;
    if let Some(user) = user {
        let cookie = auth.login_cookie(&auth.new_claims(&user, false, None));
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Why the gate answers a request itself instead of letting it through.
#[derive(Debug)]
pub enum Stop {
    /// Refused (or sent to log in).
    Denied(Denied),
    /// Logged in by this request: redirect.
    Redirect(LoginRedirect),
}

impl IntoResponse for Stop {
    fn into_response(self) -> Response {
        match self {
            Stop::Denied(denied) => refusal(denied),
            Stop::Redirect(login) => login_redirect(login),
        }
    }
}

/// Who the request is and how it proved it, or why the gate answers it itself.
pub fn check(auth: &Auth, request: &Request) -> Result<(Principal, LoginSource), Stop> {
    settle(auth.decide(request))
}

/// What a decision means for the request: let it through, or answer it here.
pub fn settle(decision: Result<Decision, Denied>) -> Result<(Principal, LoginSource), Stop> {
    match decision {
        Ok(Decision::Pass { principal, source }) => Ok((principal, source)),
        Ok(Decision::Redirect(login)) => Err(Stop::Redirect(login)),
        Err(denied) => Err(Stop::Denied(denied)),
    }
}

/// A 302 to a same-origin path.
pub fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The token login's redirect: the cookie, and never cached (the URL held the token).
fn login_redirect(login: LoginRedirect) -> Response {
    let mut response = redirect(&login.location);
    if let Ok(value) = HeaderValue::from_str(&login.set_cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn refusal(denied: Denied) -> Response {
    match denied {
        Denied::LoginRequired {
            mode: AuthMode::OAuth,
            browser: true,
            next,
        } => {
            let next: String = oauth2::url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
            redirect(&format!("/oauth_handshake?next={next}"))
        }
        Denied::LoginRequired { mode, browser, .. } => {
            let message = match mode {
                AuthMode::Token => "login required: open the link with the login token",
                _ => "login required",
            };
            AppError::Unauthorized {
                message: message.to_string(),
                basic_challenge: mode == AuthMode::Basic,
            }
            .page(browser)
        }
        Denied::Forbidden(message) => AppError::Forbidden(message.to_string()).page(false),
        Denied::Throttled(wait) => AppError::Throttled(wait).page(false),
    }
}
