//! Public login routes (owned by the auth area): the OAuth2 handshake and callback with the training
//! portal, and logout. The OAuth `state` is bound to the browser by a signed 10-minute cookie (the
//! original kept it in a process-global map) and works once; `next` only ever redirects within this origin;
//! the callback URL is built from the request's `Host`, which the front middleware has already checked
//! against the names lectern is known by; logout ends the login on the server, not only in the browser.

use axum::Router;
use axum::extract::{Query, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::header::{self, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use super::AppState;
use crate::auth::oauth::PortalError;
use crate::auth::{self, Auth, OAUTH_STATE_COOKIE, message_response, origin::safe_next};
use crate::config::AuthMode;
use crate::metrics::AuthFailure;

/// How long a login round trip may take: 10 minutes.
const HANDSHAKE_SECS: u64 = 600;

/// Login routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth_handshake", get(handshake))
        .route("/oauth_callback", get(callback))
        .route("/logout", get(logout))
}

#[derive(Debug, Deserialize)]
struct HandshakeQuery {
    next: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    state: String,
    next: String,
}

fn redirect_uri(auth: &Auth, headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    let scheme = if auth.config().secure { "https" } else { "http" };
    valid.then(|| format!("{scheme}://{host}/oauth_callback"))
}

async fn handshake(
    State(state): State<AppState>,
    Query(query): Query<HandshakeQuery>,
    request: Request,
) -> Response {
    let auth = &state.auth;
    let Some(portal) = auth.portal().filter(|_| auth.config().mode == AuthMode::OAuth) else {
        return message_response(StatusCode::NOT_FOUND, "oauth login is not configured", true);
    };
    let Some(redirect_uri) = redirect_uri(auth, request.headers()) else {
        return message_response(StatusCode::BAD_REQUEST, "bad Host header", true);
    };
    let pending = Pending {
        state: random_state(),
        next: safe_next(query.next.as_deref()),
    };
    let url = match portal.authorize_url(&redirect_uri, &pending.state) {
        Ok(url) => url,
        Err(error) => {
            tracing::error!(%error, "cannot build the portal login URL");
            return message_response(StatusCode::INTERNAL_SERVER_ERROR, "login is misconfigured", true);
        }
    };
    let value = serde_json::to_string(&pending).unwrap_or_default();
    let cookie = auth.transient_cookie(OAUTH_STATE_COOKIE, &value, HANDSHAKE_SECS);
    let mut response = auth::redirect(&url);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[derive(Debug, Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn callback(
    State(state): State<AppState>,
    Query(query): Query<CallbackQuery>,
    request: Request,
) -> Response {
    let auth = &state.auth;
    let Some(portal) = auth.portal().filter(|_| auth.config().mode == AuthMode::OAuth) else {
        return message_response(StatusCode::NOT_FOUND, "oauth login is not configured", true);
    };
    let pending = auth
        .read_transient(request.headers(), OAUTH_STATE_COOKIE)
        .and_then(|value| serde_json::from_str::<Pending>(&value).ok());
    let (Some(pending), Some(given)) = (pending, query.state.as_deref()) else {
        crate::metrics::auth_failed(AuthFailure::OauthState);
        return restart("the login took too long or was started elsewhere");
    };
    if !bool::from(pending.state.as_bytes().ct_eq(given.as_bytes())) {
        crate::metrics::auth_failed(AuthFailure::OauthState);
        return restart("the login does not match this browser");
    }
    // A state works once (issue 11, finding 10): a replayed callback URL and cookie log nobody in again.
    if !auth.spend_oauth_state(&pending.state, HANDSHAKE_SECS) {
        return restart("this login was already completed");
    }
    if let Some(error) = query.error {
        tracing::warn!(%error, "the portal refused the login");
        crate::metrics::auth_failed(AuthFailure::OauthForbidden);
        return message_response(StatusCode::FORBIDDEN, "access forbidden", true);
    }
    let (Some(code), Some(redirect_uri)) = (query.code, redirect_uri(auth, request.headers())) else {
        return message_response(StatusCode::BAD_REQUEST, "the login callback is incomplete", true);
    };
    let session = auth.config().session_name.clone();
    let login = async {
        let token = portal.exchange(&code, &redirect_uri).await?;
        let identity = portal.identity(&session, &token).await?;
        Ok::<_, PortalError>((token, identity))
    };
    let (token, identity) = match login.await {
        Ok(found) => found,
        Err(PortalError::Forbidden) => {
            crate::metrics::auth_failed(AuthFailure::OauthForbidden);
            return message_response(
                StatusCode::FORBIDDEN,
                "access forbidden: this session belongs to someone else",
                true,
            );
        }
        Err(error) => {
            tracing::error!(%error, "login with the portal failed");
            crate::metrics::auth_failed(AuthFailure::OauthError);
            return message_response(
                StatusCode::BAD_GATEWAY,
                "cannot log in: the training portal did not complete the login (unreachable or refused); try again",
                true,
            );
        }
    };
    tracing::info!(user = %identity.user, staff = identity.staff, "logged in");
    let claims = auth.new_claims(&identity.user, identity.staff, Some(token));
    let mut response = auth::redirect(&safe_next(Some(&pending.next)));
    for cookie in [
        auth.login_cookie(&claims),
        crate::auth::cookie::clear_transient(OAUTH_STATE_COOKIE, auth.config()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn restart(reason: &str) -> Response {
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Login</title></head><body>\
         <h1>Login interrupted</h1><p>{reason}.</p><p><a href=\"/\">Log in again</a></p></body></html>"
    );
    (StatusCode::BAD_REQUEST, axum::response::Html(page)).into_response()
}

/// Ends the login on the server too (issue 11, finding 10): a copy of the cookie no longer works.
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    state.auth.logout(&headers);
    let mut response = message_response(StatusCode::OK, "logged out", true);
    if let Ok(value) = HeaderValue::from_str(&crate::auth::cookie::logout_cookie(state.auth.config())) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn random_state() -> String {
    rand::Rng::sample_iter(rand::rng(), &rand::distr::Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}
