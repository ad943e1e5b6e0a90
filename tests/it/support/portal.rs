//! A fake training portal (the one fake the tests allow), following the reference's endpoints:
//! `GET /oauth2/authorize/` (302 back with `code` and `state`), `POST /oauth2/token/` (form body with client
//! credentials), `GET /workshops/session/<name>/authorize/` (Bearer; 200 `{owner,user,staff}` for the owner
//! or staff, 403 otherwise, 404 for an unknown session) and `schedule`/`extend`/`event`.

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
    tokens: Mutex<HashMap<String, String>>,
    counter: Mutex<u64>,
    /// Names of the events received (`/event/`), in order.
    events: Mutex<Vec<String>>,
    /// While set, `/event/` answers 503 (the portal is down).
    failing: std::sync::atomic::AtomicBool,
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
            ..PortalState::default()
        });
        let app = Router::new()
            .route("/oauth2/authorize/", get(authorize))
            .route("/oauth2/token/", post(token))
            .route("/workshops/session/{name}/authorize/", get(session_authorize))
            .route("/workshops/session/{name}/schedule/", get(schedule))
            .route("/workshops/session/{name}/extend/", get(schedule))
            .route("/workshops/session/{name}/event/", post(event))
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
        self.state.events.lock().unwrap().clone()
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
    code: String,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

async fn token(State(state): State<Arc<PortalState>>, Form(form): Form<TokenForm>) -> Response {
    if form.client_id.as_deref() != Some(CLIENT_ID) || form.client_secret.as_deref() != Some(CLIENT_SECRET) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(serde_json::json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let Some((user, redirect_uri)) = state.codes.lock().unwrap().remove(&form.code) else {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    if form.grant_type != "authorization_code" || form.redirect_uri.as_deref() != Some(redirect_uri.as_str())
    {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    let token = format!("token-{}-{}", user, form.code);
    state.tokens.lock().unwrap().insert(token.clone(), user);
    axum::Json(serde_json::json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": 36000,
        "refresh_token": "refresh",
        "scope": "user:info",
    }))
    .into_response()
}

fn bearer_user(state: &PortalState, headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?;
    state.tokens.lock().unwrap().get(token).cloned()
}

async fn session_authorize(
    State(state): State<Arc<PortalState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(user) = bearer_user(&state, &headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if name != state.session {
        return StatusCode::NOT_FOUND.into_response();
    }
    let staff = state.staff.contains(&user);
    if user != state.owner && !staff {
        return StatusCode::FORBIDDEN.into_response();
    }
    axum::Json(serde_json::json!({"owner": state.owner, "user": user, "staff": staff})).into_response()
}

async fn schedule(State(state): State<Arc<PortalState>>, headers: HeaderMap) -> Response {
    if bearer_user(&state, &headers).is_none() {
        return StatusCode::FORBIDDEN.into_response();
    }
    axum::Json(serde_json::json!({"status": "running", "expires": "2030-01-01T00:00:00Z", "expiring": false}))
        .into_response()
}

/// `POST /workshops/session/<name>/event/`: the original's body `{"event": {"name", "data"}}`, with a
/// token; recorded by name.
async fn event(
    State(state): State<Arc<PortalState>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<serde_json::Value>,
) -> Response {
    if state.failing.load(std::sync::atomic::Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "down").into_response();
    }
    if bearer_user(&state, &headers).is_none() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some(name) = body["event"]["name"].as_str() else {
        return (StatusCode::BAD_REQUEST, "no event name").into_response();
    };
    state.events.lock().unwrap().push(name.to_string());
    axum::Json(serde_json::json!({})).into_response()
}
