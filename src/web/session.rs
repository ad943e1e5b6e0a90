//! The session lifecycle. Public `/session/poll` and `/session/activity` (the portal's idle tracking; CORS
//! only for the portal's origin, never `*`); `/session/schedule|extend` relayed with the logged-in user's
//! portal token (`{}` without one), kept fresh by `auth/tokens.rs` (a refreshed token goes back into the
//! login cookie); `POST /session/event` (body: `web::shared::SessionEventBody`, the type
//! the dashboard's TypeScript is generated from) relayed to the portal — when it does not answer, the event
//! waits and is retried with backoff while the learner keeps working — or, without a portal, Terminate /
//! Finish / Expired end the session here: terminals stopped, every dashboard told (`session` server-sent
//! event), `GET /session/status` says so. A monitor task notes terminal input as activity, ends an idle
//! session after `LECTERN_IDLE_TIMEOUT` (no portal), reaps exited terminals nobody shows
//! (`LECTERN_TERMINAL_REAP_AFTER`) and delivers waiting events. When the portal refuses the login for good
//! the answer is 401 "log in again" (the next page load goes through the portal login again), when it no
//! longer has the session 410 "the session has ended", otherwise 502 with what the portal answered; only
//! an event the portal did not answer (or answered 5xx) waits for a retry.

pub mod lifecycle;

use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use http::HeaderMap;
use http::header::{self, HeaderValue};
use serde::Deserialize;

use self::lifecycle::Pending;
use super::shared::{EndReason, EventReceipt, PortalDelivery, SessionEnd, SessionEventBody, SessionStatus};
use super::{AppError, AppState};
use crate::auth::tokens::Relayed;
use crate::auth::{LoginClaims, PortalToken, Principal, RelayError};
use crate::events::Event;

/// How often the monitor task looks at terminal input, idleness, terminals to reap and waiting events.
const TICK: Duration = Duration::from_secs(1);
/// How long `POST /session/event` waits for the portal before it queues the event instead.
const DIRECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Public routes the portal polls.
pub fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/session/poll", get(poll))
        .route("/session/activity", get(activity))
}

/// Session relay routes (behind login).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/session/schedule", get(schedule))
        .route("/session/extend", get(extend))
        .route("/session/event", post(event))
        .route("/session/status", get(status))
}

#[derive(Debug, Deserialize)]
struct PollQuery {
    hidden: Option<String>,
}

/// `Access-Control-Allow-Origin` for the portal's own origin only.
fn portal_cors(state: &AppState, request_headers: &HeaderMap, response: &mut Response) {
    let Some(settings) = &state.auth.config().oauth else {
        return;
    };
    let Some(origin) = request_headers.get(header::ORIGIN) else {
        return;
    };
    let portal = settings.portal_url.trim_end_matches('/');
    let portal_origin = portal.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
    if origin.as_bytes() == portal_origin.as_bytes() {
        response
            .headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Origin"));
    }
}

async fn poll(State(state): State<AppState>, Query(query): Query<PollQuery>, headers: HeaderMap) -> Response {
    state.auth.touch(query.hidden.as_deref() == Some("true"));
    let mut response = Json(serde_json::json!({})).into_response();
    portal_cors(&state, &headers, &mut response);
    response
}

async fn activity(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let activity = state.auth.activity();
    // Idle since the last portal poll or, when more recent, the learner's last request or keystroke.
    let idle = activity.accessed.elapsed().min(state.lifecycle.idle());
    let body = serde_json::json!({
        "idle-time": idle.as_secs_f64(),
        "last-view": activity.exposed.elapsed().as_secs_f64(),
    });
    let mut response = Json(body).into_response();
    portal_cors(&state, &headers, &mut response);
    response
}

async fn relay(
    state: &AppState,
    headers: &HeaderMap,
    call: &str,
    body: Option<serde_json::Value>,
) -> Response {
    let Some(claims) = state.auth.login(headers) else {
        return Json(serde_json::json!({})).into_response();
    };
    match state.auth.relay(&claims, call, body).await {
        None => Json(serde_json::json!({})).into_response(),
        Some(Ok(relayed)) => {
            let newer = relayed.newer.clone();
            with_newer_token(state, claims, newer, Json(relayed.value).into_response())
        }
        Some(Err(error)) => refused(state, &claims, call, error),
    }
}

/// Writes a refreshed portal token into the browser's login cookie.
fn with_newer_token(
    state: &AppState,
    claims: LoginClaims,
    newer: Option<PortalToken>,
    mut response: Response,
) -> Response {
    if let Some(token) = newer {
        let cookie = state.auth.login_cookie(&LoginClaims {
            token: Some(token),
            ..claims
        });
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The answer to a relay the portal refused; a login it no longer accepts is sent through its login again.
fn refused(state: &AppState, claims: &LoginClaims, call: &str, error: RelayError) -> Response {
    tracing::warn!(%error, call, "portal relay failed");
    if matches!(error, RelayError::LoginExpired(_)) {
        state.auth.portal_login_expired(claims);
    }
    relay_error(error).page(false)
}

/// Whether a failed relay may work later (no answer, or the portal's own failure): only those are retried.
fn transient(error: &RelayError) -> bool {
    match error {
        RelayError::Unreachable(_) => true,
        RelayError::Answered { status, .. } => *status >= 500,
        RelayError::LoginExpired(_) | RelayError::SessionEnded(_) => false,
    }
}

/// What the learner is told when a relay fails.
fn relay_error(error: RelayError) -> AppError {
    match error {
        RelayError::LoginExpired(_) => AppError::Unauthorized {
            message: "your login with the training portal has expired: reload the page to log in again"
                .to_string(),
            basic_challenge: false,
        },
        RelayError::SessionEnded(_) => {
            AppError::Gone("this session has ended at the training portal".to_string())
        }
        error @ (RelayError::Answered { .. } | RelayError::Unreachable(_)) => AppError::BadGateway {
            message: error.to_string(),
            html: false,
        },
    }
}

async fn schedule(State(state): State<AppState>, headers: HeaderMap) -> Response {
    relay(&state, &headers, "schedule", None).await
}

async fn extend(State(state): State<AppState>, headers: HeaderMap) -> Response {
    relay(&state, &headers, "extend", None).await
}

/// Where the session stands.
fn session_status(state: &AppState) -> SessionStatus {
    let restart_url = state
        .config
        .session
        .vars
        .get("restart_url")
        .map(|url| url.trim().to_string())
        .filter(|url| !url.is_empty());
    SessionStatus {
        ended: state.lifecycle.ended(),
        portal: state.lifecycle.portal_status(state.auth.portal().is_some()),
        restart_url,
    }
}

/// Tells every open dashboard where the session stands now.
fn publish_status(state: &AppState) {
    if let Ok(json) = serde_json::to_string(&session_status(state)) {
        state.events.publish(Event::Session { json });
    }
}

async fn status(State(state): State<AppState>) -> Json<SessionStatus> {
    Json(session_status(&state))
}

/// Ends the session here (no portal): the first end stops every terminal and tells every dashboard.
fn end_session(state: &AppState, reason: EndReason) -> SessionEnd {
    let (end, first) = state.lifecycle.end(reason);
    if first {
        tracing::info!(?reason, "the session ended: stopping its terminals");
        publish_status(state);
        let terminals = state.terminals.clone();
        tokio::spawn(async move { terminals.end_session().await });
    }
    end
}

async fn event(
    State(state): State<AppState>,
    Extension(_principal): Extension<Principal>,
    headers: HeaderMap,
    Json(body): Json<SessionEventBody>,
) -> Response {
    let reason = match body.event.name.as_str() {
        "Workshop/Terminate" => Some(EndReason::Terminate),
        "Workshop/Finish" => Some(EndReason::Finish),
        "Workshop/Expired" => Some(EndReason::Expired),
        _ => None,
    };
    let claims = state
        .auth
        .login(&headers)
        .filter(|claims| state.auth.portal().is_some() && claims.token.is_some());
    let (portal, claims, newer) = match claims {
        Some(claims) => match deliver(&state, &claims, &body).await {
            Ok((delivery, newer)) => (delivery, Some(claims), newer),
            Err(error) => return refused(&state, &claims, "event", error),
        },
        None => (PortalDelivery::None, None, None),
    };
    // With a portal, the portal ends the session (the browser goes to its RESTART_URL), as the original.
    let ended = match reason {
        Some(reason) if state.auth.portal().is_none() => Some(end_session(&state, reason)),
        _ => None,
    };
    let response = Json(EventReceipt { portal, ended }).into_response();
    match claims {
        Some(claims) => with_newer_token(&state, claims, newer, response),
        None => response,
    }
}

/// Posts the event to the portal now, or queues it (behind waiting ones, or when the portal does not
/// answer); a refusal that a retry cannot change (the login, the session, a 4xx) is the learner's answer.
async fn deliver(
    state: &AppState,
    claims: &LoginClaims,
    body: &SessionEventBody,
) -> Result<(PortalDelivery, Option<PortalToken>), RelayError> {
    let body = serde_json::json!({ "event": { "name": body.event.name, "data": body.event.data } });
    if !state.lifecycle.has_pending() {
        let sent = tokio::time::timeout(
            DIRECT_TIMEOUT,
            state.auth.relay(claims, "event", Some(body.clone())),
        )
        .await;
        match sent {
            Ok(None) => return Ok((PortalDelivery::None, None)),
            Ok(Some(Ok(Relayed { newer, .. }))) => {
                if state.lifecycle.reached(false) {
                    publish_status(state);
                }
                return Ok((PortalDelivery::Sent, newer));
            }
            Ok(Some(Err(error))) if !transient(&error) => return Err(error),
            Ok(Some(Err(error))) => {
                tracing::warn!(%error, "the portal did not take an event: it waits for a retry")
            }
            Err(_) => tracing::warn!("the portal did not answer an event in time: it waits for a retry"),
        }
        state.lifecycle.unreachable();
    }
    state.lifecycle.queue(Pending {
        claims: claims.clone(),
        body,
    });
    publish_status(state);
    Ok((PortalDelivery::Queued, None))
}

/// Middleware on the login-protected routes: a learner's request is activity (automatic ones are not:
/// the event stream, metric scrapes, the countdown's schedule and status reads).
pub async fn note_activity(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let automatic = matches!(
        request.uri().path(),
        "/api/events" | "/metrics" | "/session/schedule" | "/session/status"
    );
    if !automatic {
        state.lifecycle.touch();
    }
    next.run(request).await
}

/// Starts the monitor task; it ends when the server shuts down (the event bus closes).
pub fn spawn_monitor(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let closed = state.events.closed();
        tokio::pin!(closed);
        let mut input = state.terminals.inputs();
        loop {
            tokio::select! {
                () = &mut closed => return,
                () = tokio::time::sleep(TICK) => {}
                () = state.lifecycle.wake.notified() => {}
            }
            let typed = state.terminals.inputs();
            if typed != input {
                input = typed;
                state.lifecycle.touch();
            }
            let services = &state.config.services;
            if let Some(limit) = services.idle_timeout
                && state.auth.portal().is_none()
                && state.lifecycle.ended().is_none()
                && state.lifecycle.idle() >= limit
            {
                end_session(&state, EndReason::Expired);
            }
            if let Some(after) = services.terminal_reap_after {
                for name in state.terminals.reap(after) {
                    tracing::info!(terminal = %name, "reaped an exited terminal nobody shows");
                }
            }
            retry_portal(&state).await;
        }
    })
}

/// Delivers waiting events in order while the portal answers; stops at the first failure (backoff). An
/// event the portal refuses for good (see `transient`) is dropped, not retried forever.
async fn retry_portal(state: &AppState) {
    while let Some(pending) = state.lifecycle.due(Instant::now()) {
        let sent = tokio::time::timeout(
            DIRECT_TIMEOUT,
            state.auth.relay(&pending.claims, "event", Some(pending.body)),
        )
        .await;
        let delivered = match sent {
            Ok(Some(Ok(_))) | Ok(None) => true,
            Ok(Some(Err(error))) if !transient(&error) => {
                tracing::warn!(%error, "the portal refused a waiting event: it is dropped");
                if matches!(error, RelayError::LoginExpired(_)) {
                    state.auth.portal_login_expired(&pending.claims);
                }
                true
            }
            Ok(Some(Err(_))) | Err(_) => false,
        };
        let changed = if delivered {
            state.lifecycle.reached(true)
        } else {
            state.lifecycle.unreachable()
        };
        if changed {
            publish_status(state);
        }
        if !delivered {
            return;
        }
    }
}
