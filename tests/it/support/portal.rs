//! A fake training portal (the one fake the tests allow), following the reference's endpoints and the real
//! portal (Django + django-oauth-toolkit): `GET /oauth2/authorize/` (302 back with `code` and `state`),
//! `POST /oauth2/token/` (form body with client credentials; grants `authorization_code` and
//! `refresh_token`, which rotates the refresh token: the old one stops working; access tokens last 10 h
//! unless a test sets another lifetime), `GET /workshops/session/<name>/authorize/` (Bearer; 200
//! `{owner,user,staff}` for the owner or staff, 403 otherwise, 404 for an unknown session) and
//! `schedule`/`extend`/`event` — 403 for a missing or expired token (`protected_resource`), 404 once the
//! session is no longer allocated; `schedule` says the session expires an hour from now — the session page
//! `GET /workshops/session/<name>/`, which frames the session's dashboard from the portal's own origin and
//! polls its `/session/poll` cross-origin, as the real one does, and `GET /workshops/session/<name>/delete/`
//! (where `RESTART_URL` sends the browser), a page that records the visit. `tests/support/fake_portal.rs`
//! runs it as a program for the browser tests, which read what it recorded at `GET /_fake/record`.

#![allow(clippy::unwrap_used)] // tests may unwrap (STYLE: no unwrap in server paths)

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

/// Client credentials the fake portal accepts.
pub const CLIENT_ID: &str = "s1";
/// Client secret the fake portal accepts.
pub const CLIENT_SECRET: &str = "portal-secret-for-tests";

#[derive(Default)]
struct PortalState {
    session: String,
    owner: String,
    staff: Vec<String>,
    /// Who is "logged in at the portal" (the browser's portal session).
    current_user: Mutex<String>,
    codes: Mutex<HashMap<String, (String, String)>>,
    /// Access token → (user, expired).
    tokens: Mutex<HashMap<String, (String, bool)>>,
    /// Live refresh token → user.
    refresh_tokens: Mutex<HashMap<String, String>>,
    counter: Mutex<u64>,
    /// `expires_in` of new access tokens, seconds.
    lifetime: Mutex<u64>,
    /// Refresh grants served.
    refreshes: Mutex<u64>,
    /// Scopes asked for at the token endpoint.
    token_scopes: Mutex<Vec<Option<String>>>,
    /// The session was stopped at the portal.
    ended: Mutex<bool>,
    /// Events received (`/event/`), in order: `{"name", "data"}`.
    events: Mutex<Vec<serde_json::Value>>,
    /// While set, `/event/` answers 503 (the portal is down).
    failing: std::sync::atomic::AtomicBool,
    /// The session's URL (`<INGRESS_PROTOCOL>://<session>.<INGRESS_DOMAIN>/`), framed by the session page.
    session_url: Mutex<String>,
    /// Visits of the `delete/` page, by path.
    visits: Mutex<Vec<String>>,
}

/// A running fake portal.
pub struct FakePortal {
    /// Where it listens.
    pub addr: SocketAddr,
    state: Arc<PortalState>,
}

impl FakePortal {
    /// Starts a portal for `session` owned by `owner`, with `staff` users.
    pub async fn start(session: &str, owner: &str, staff: &[&str]) -> Self {
        let state = Arc::new(PortalState {
            session: session.to_string(),
            owner: owner.to_string(),
            staff: staff.iter().map(|s| s.to_string()).collect(),
            current_user: Mutex::new(owner.to_string()),
            lifetime: Mutex::new(36_000),
            ..PortalState::default()
        });
        let app = Router::new()
            .route("/oauth2/authorize/", get(authorize))
            .route("/oauth2/token/", post(token))
            .route("/workshops/session/{name}/authorize/", get(session_authorize))
            .route("/workshops/session/{name}/schedule/", get(schedule))
            .route("/workshops/session/{name}/extend/", get(schedule))
            .route("/workshops/session/{name}/event/", post(event))
            .route("/workshops/session/{name}/", get(session_page))
            .route("/workshops/session/{name}/delete/", get(delete_page))
            .route("/_fake/record", get(record))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind portal");
        let addr = listener.local_addr().expect("portal addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, state }
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Names of the events the portal has received, in order.
    pub fn events(&self) -> Vec<String> {
        let events = self.state.events.lock().unwrap();
        events
            .iter()
            .map(|event| event["name"].as_str().unwrap_or("").to_string())
            .collect()
    }

    /// While `failing`, the event endpoint answers 503.
    pub fn set_failing(&self, failing: bool) {
        self.state
            .failing
            .store(failing, std::sync::atomic::Ordering::SeqCst);
    }

    /// Makes `user` the one logged in at the portal.
    pub fn set_user(&self, user: &str) {
        *self.state.current_user.lock().unwrap() = user.to_string();
    }

    /// `expires_in` of the access tokens handed out from now on.
    pub fn set_token_lifetime(&self, secs: u64) {
        *self.state.lifetime.lock().unwrap() = secs;
    }

    /// Every access token handed out so far expires (the portal then answers 403 to it).
    pub fn expire_tokens(&self) {
        for (_, expired) in self.state.tokens.lock().unwrap().values_mut() {
            *expired = true;
        }
    }

    /// Every refresh token stops working (as when the portal's tokens were revoked).
    pub fn revoke_refresh_tokens(&self) {
        self.state.refresh_tokens.lock().unwrap().clear();
    }

    /// The session is stopped at the portal: its REST calls answer 404.
    pub fn end_session(&self) {
        *self.state.ended.lock().unwrap() = true;
    }

    /// Refresh grants served so far.
    pub fn refreshes(&self) -> u64 {
        *self.state.refreshes.lock().unwrap()
    }

    /// The `scope` of each token request so far.
    pub fn token_scopes(&self) -> Vec<Option<String>> {
        self.state.token_scopes.lock().unwrap().clone()
    }

    /// Where the session page's frame points.
    pub fn set_session_url(&self, url: &str) {
        *self.state.session_url.lock().unwrap() = url.to_string();
    }

    /// The events posted so far (`{"name", "data"}`).
    pub fn event_bodies(&self) -> Vec<serde_json::Value> {
        self.state.events.lock().unwrap().clone()
    }
}

#[derive(serde::Deserialize)]
struct AuthorizeQuery {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    scope: Option<String>,
    state: String,
}

async fn authorize(State(state): State<Arc<PortalState>>, Query(query): Query<AuthorizeQuery>) -> Response {
    if query.response_type != "code"
        || query.client_id != CLIENT_ID
        || query.scope.as_deref() != Some("user:info")
    {
        return (StatusCode::BAD_REQUEST, "bad authorize request").into_response();
    }
    let code = {
        let mut counter = state.counter.lock().unwrap();
        *counter += 1;
        format!("code{}", *counter)
    };
    let user = state.current_user.lock().unwrap().clone();
    state
        .codes
        .lock()
        .unwrap()
        .insert(code.clone(), (user, query.redirect_uri.clone()));
    let location = format!("{}?code={code}&state={}", query.redirect_uri, query.state);
    Redirect::to(&location).into_response()
}

#[derive(serde::Deserialize)]
struct TokenForm {
    grant_type: String,
    code: Option<String>,
    refresh_token: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": error }))).into_response()
}

async fn token(State(state): State<Arc<PortalState>>, Form(form): Form<TokenForm>) -> Response {
    if form.client_id.as_deref() != Some(CLIENT_ID) || form.client_secret.as_deref() != Some(CLIENT_SECRET) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    state.token_scopes.lock().unwrap().push(form.scope.clone());
    let user = match form.grant_type.as_str() {
        "authorization_code" => {
            let code = form.code.unwrap_or_default();
            let Some((user, redirect_uri)) = state.codes.lock().unwrap().remove(&code) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            };
            if form.redirect_uri.as_deref() != Some(redirect_uri.as_str()) {
                // django-oauth-toolkit: "Mismatching redirect URI."
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request");
            }
            user
        }
        "refresh_token" => {
            let old = form.refresh_token.unwrap_or_default();
            // Rotation: the refresh token is used up.
            let Some(user) = state.refresh_tokens.lock().unwrap().remove(&old) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            };
            *state.refreshes.lock().unwrap() += 1;
            user
        }
        _ => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
    };
    let n = {
        let mut counter = state.counter.lock().unwrap();
        *counter += 1;
        *counter
    };
    let token = format!("token-{user}-{n}");
    let refresh = format!("refresh-{user}-{n}");
    state
        .tokens
        .lock()
        .unwrap()
        .insert(token.clone(), (user.clone(), false));
    state.refresh_tokens.lock().unwrap().insert(refresh.clone(), user);
    axum::Json(serde_json::json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": *state.lifetime.lock().unwrap(),
        "refresh_token": refresh,
        "scope": "user:info",
    }))
    .into_response()
}

/// The user of a live bearer token (django-oauth-toolkit's `protected_resource`: 403 otherwise).
fn bearer_user(state: &PortalState, headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?;
    match state.tokens.lock().unwrap().get(token) {
        Some((user, false)) => Some(user.clone()),
        _ => None,
    }
}

/// The checks every session REST view makes, in the real portal's order: token, session allocated, owner
/// or staff.
fn session_access(
    state: &PortalState,
    name: &str,
    headers: &HeaderMap,
) -> Result<String, (StatusCode, &'static str)> {
    let Some(user) = bearer_user(state, headers) else {
        return Err((StatusCode::FORBIDDEN, ""));
    };
    if name != state.session || *state.ended.lock().unwrap() {
        return Err((StatusCode::NOT_FOUND, "Session does not exist"));
    }
    if user != state.owner && !state.staff.contains(&user) {
        return Err((StatusCode::FORBIDDEN, "Access to session not permitted"));
    }
    Ok(user)
}

async fn session_authorize(
    State(state): State<Arc<PortalState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    match session_access(&state, &name, &headers) {
        Ok(user) => {
            let staff = state.staff.contains(&user);
            axum::Json(serde_json::json!({"owner": state.owner, "user": user, "staff": staff}))
                .into_response()
        }
        Err(refused) => refused.into_response(),
    }
}

async fn schedule(
    State(state): State<Arc<PortalState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = session_access(&state, &name, &headers) {
        return refused.into_response();
    }
    let expires = cookie::time::OffsetDateTime::now_utc() + cookie::time::Duration::hours(1);
    let expires = expires
        .format(&cookie::time::format_description::well_known::Rfc3339)
        .unwrap();
    axum::Json(
        serde_json::json!({"status": "running", "expires": expires, "expiring": false, "extendable": true}),
    )
    .into_response()
}

/// `POST /workshops/session/<name>/event/`: the original's body `{"event": {"name", "data"}}`, with a
/// token; recorded.
async fn event(
    State(state): State<Arc<PortalState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<serde_json::Value>,
) -> Response {
    if state.failing.load(std::sync::atomic::Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "down").into_response();
    }
    if let Err(refused) = session_access(&state, &name, &headers) {
        return refused.into_response();
    }
    let event = &body["event"];
    if event["name"].as_str().unwrap_or("").is_empty() {
        return (StatusCode::BAD_REQUEST, "No event data provided").into_response();
    }
    state.events.lock().unwrap().push(event.clone());
    axum::Json(serde_json::json!({})).into_response()
}

/// The portal's session page: the dashboard in a full-window frame, and the 15-second poll that tells the
/// session the learner is looking (`data-poll` records the last answer for tests).
async fn session_page(State(state): State<Arc<PortalState>>, Path(name): Path<String>) -> Response {
    if name != state.session {
        return StatusCode::NOT_FOUND.into_response();
    }
    let url = state.session_url.lock().unwrap().clone();
    let url = serde_json::to_string(&url).unwrap();
    let page = format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>Workshop session</title>
<style>html,body{{margin:0;height:100%}}iframe{{border:0;width:100%;height:100%}}</style></head>
<body><iframe id="session" allow="clipboard-read; clipboard-write"></iframe><script>
const url = {url};
document.getElementById("session").src = url;
async function poll() {{
  try {{
    const answer = await fetch(url + "session/poll?hidden=" + document.hidden);
    document.body.dataset.poll = answer.ok ? "ok" : "status " + answer.status;
  }} catch (error) {{ document.body.dataset.poll = "failed"; }}
}}
poll(); setInterval(poll, 15000);
</script></body></html>"#
    );
    axum::response::Html(page).into_response()
}

/// `delete/`, where the session's `RESTART_URL` points: the real portal ends the session and shows its
/// list; the fake records the visit and says so.
async fn delete_page(State(state): State<Arc<PortalState>>, Path(name): Path<String>) -> Response {
    if name != state.session {
        return StatusCode::NOT_FOUND.into_response();
    }
    state
        .visits
        .lock()
        .unwrap()
        .push(format!("/workshops/session/{name}/delete/"));
    axum::response::Html("<!doctype html><title>Portal</title><h1>Session deleted by the portal</h1>")
        .into_response()
}

/// What the portal recorded, for tests in another process: `{"events": [names], "visits": [paths]}`.
async fn record(State(state): State<Arc<PortalState>>) -> Response {
    let events: Vec<serde_json::Value> = state
        .events
        .lock()
        .unwrap()
        .iter()
        .map(|event| event["name"].clone())
        .collect();
    let visits = state.visits.lock().unwrap().clone();
    axum::Json(serde_json::json!({"events": events, "visits": visits})).into_response()
}
