//! Public login routes: the OAuth2 handshake and callback with the training
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

use super::gate::redirect;
use super::{AppError, AppState};
use crate::auth::oauth::{Portal, PortalError};
use crate::auth::{Auth, OAUTH_STATE_COOKIE, origin::safe_next};
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

/// A login route's error, shown to the person in the browser as a page (`AppError::page`).
struct LoginError(AppError);

impl From<AppError> for LoginError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl IntoResponse for LoginError {
    fn into_response(self) -> Response {
        self.0.page(true)
    }
}

/// The portal client, in oauth mode.
fn portal(auth: &Auth) -> Result<&Portal, AppError> {
    auth.portal()
        .filter(|_| auth.config().mode == AuthMode::OAuth)
        .ok_or_else(|| AppError::NotFound("oauth login is not configured".to_string()))
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
    valid.then(|| format!("{}://{host}/oauth_callback", auth.config().scheme()))
}

async fn handshake(
    State(state): State<AppState>,
    Query(query): Query<HandshakeQuery>,
    request: Request,
) -> Result<Response, LoginError> {
    let auth = &state.auth;
    let portal = portal(auth)?;
    let redirect_uri = redirect_uri(auth, request.headers())
        .ok_or_else(|| AppError::BadRequest("bad Host header".to_string()))?;
    let pending = Pending {
        state: random_state(),
        next: safe_next(query.next.as_deref()),
    };
    let url = portal
        .authorize_url(&redirect_uri, &pending.state)
        .map_err(|error| {
            tracing::error!(%error, "cannot build the portal login URL");
            AppError::Misconfigured("login is misconfigured".to_string())
        })?;
    let value = serde_json::to_string(&pending).unwrap_or_default();
    let cookie = auth.transient_cookie(OAUTH_STATE_COOKIE, &value, HANDSHAKE_SECS);
    let mut response = redirect(&url);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
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
    let mut response = match complete(auth, query, request.headers()).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    };
    // The state cookie is spent whatever the outcome (a refused login leaves nothing behind).
    let clear = crate::auth::cookie::clear_transient(OAUTH_STATE_COOKIE, auth.config());
    if let Ok(value) = HeaderValue::from_str(&clear) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The callback's work: check the state, redeem the code, ask the portal who this is, log them in.
async fn complete(auth: &Auth, query: CallbackQuery, headers: &HeaderMap) -> Result<Response, LoginError> {
    let portal = portal(auth)?;
    let interrupted = |reason: &str| AppError::LoginInterrupted(reason.to_string());
    let pending = auth
        .read_transient(headers, OAUTH_STATE_COOKIE)
        .and_then(|value| serde_json::from_str::<Pending>(&value).ok());
    let (Some(pending), Some(given)) = (pending, query.state.as_deref()) else {
        tracing::warn!("login callback without a matching login under way (expired or another browser)");
        crate::metrics::auth_failed(AuthFailure::OauthState);
        return Err(interrupted("the login took too long or was started elsewhere").into());
    };
    if !bool::from(pending.state.as_bytes().ct_eq(given.as_bytes())) {
        tracing::warn!("login callback whose state does not match this browser's");
        crate::metrics::auth_failed(AuthFailure::OauthState);
        return Err(interrupted("the login does not match this browser").into());
    }
    // A state works once (issue 11, finding 10): a replayed callback URL and cookie log nobody in again.
    if !auth.spend_oauth_state(&pending.state, HANDSHAKE_SECS) {
        tracing::warn!("login callback replayed");
        return Err(interrupted("this login was already completed").into());
    }
    if let Some(error) = query.error {
        tracing::warn!(%error, "the portal refused the login");
        crate::metrics::auth_failed(AuthFailure::OauthForbidden);
        return Err(AppError::Forbidden("access forbidden".to_string()).into());
    }
    let (Some(code), Some(redirect_uri)) = (query.code, redirect_uri(auth, headers)) else {
        return Err(AppError::BadRequest("the login callback is incomplete".to_string()).into());
    };
    let session = auth.config().session_name.clone();
    let login = async {
        let token = portal.exchange(&code, &redirect_uri).await?;
        let identity = portal.identity(&session, &token.access).await?;
        Ok::<_, PortalError>((token, identity))
    };
    let (token, identity) = login.await.map_err(|error| match error {
        PortalError::Forbidden => {
            tracing::warn!(session, "the portal refused this user access to the session");
            crate::metrics::auth_failed(AuthFailure::OauthForbidden);
            AppError::Forbidden("access forbidden: this session belongs to someone else".to_string())
        }
        error => {
            tracing::error!(%error, "login with the portal failed");
            crate::metrics::auth_failed(AuthFailure::OauthError);
            AppError::BadGateway {
                message: "cannot log in: the training portal did not complete the login (unreachable or \
                          refused); try again"
                    .to_string(),
                html: true,
            }
        }
    })?;
    tracing::info!(user = %identity.user, owner = %identity.owner, staff = identity.staff, "logged in");
    let mut claims = auth.new_claims(&identity.user, identity.staff, Some(token));
    claims.owner = Some(identity.owner).filter(|owner| !owner.is_empty());
    let mut response = redirect(&safe_next(Some(&pending.next)));
    if let Ok(value) = HeaderValue::from_str(&auth.login_cookie(&claims)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Ends the login on the server too (issue 11, finding 10): a copy of the cookie no longer works.
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    state.auth.logout(&headers);
    let mut response = super::error::message_page(StatusCode::OK, "logged out", true);
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
