//! Session lifecycle relays to the training portal: public `/session/poll` and
//! `/session/activity` (the portal's idle tracking; CORS only for the portal's origin, never `*`), and
//! `/session/schedule|extend|event` relayed with the logged-in user's portal token (`{}` without one).

use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use http::header::{self, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use super::AppState;
use crate::auth::Principal;

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
    let body = serde_json::json!({
        "idle-time": activity.accessed.elapsed().as_secs_f64(),
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
    let token = state.auth.login(headers).and_then(|claims| claims.token);
    let (Some(portal), Some(token)) = (state.auth.portal(), token) else {
        return Json(serde_json::json!({})).into_response();
    };
    let session = &state.auth.config().session_name;
    match portal.relay(session, call, &token, body).await {
        Ok(value) => Json(value).into_response(),
        Err(error) => {
            tracing::warn!(%error, call, "portal relay failed");
            (
                StatusCode::BAD_GATEWAY,
                Json(serde_json::json!({ "error": format!("cannot reach the portal ({call})") })),
            )
                .into_response()
        }
    }
}

async fn schedule(State(state): State<AppState>, headers: HeaderMap) -> Response {
    relay(&state, &headers, "schedule", None).await
}

async fn extend(State(state): State<AppState>, headers: HeaderMap) -> Response {
    relay(&state, &headers, "extend", None).await
}

#[derive(Debug, Deserialize)]
struct EventBody {
    event: EventInner,
}

#[derive(Debug, Deserialize)]
struct EventInner {
    name: String,
    #[serde(default)]
    data: serde_json::Value,
}

async fn event(
    State(state): State<AppState>,
    Extension(_principal): Extension<Principal>,
    headers: HeaderMap,
    Json(body): Json<EventBody>,
) -> Response {
    let payload = serde_json::json!({ "event": { "name": body.event.name, "data": body.event.data } });
    relay(&state, &headers, "event", Some(payload)).await
}
