//! Proxied routes: `/editor/` (code-server), `/console/`, the any-port route
//! `/port/{port}/…` (services on localhost), and the workshop's session ingresses — by host
//! `<name>-<session>.<domain>` (matched before any path routing, as the original) and by path
//! `/ingress/{name}/…`. Ingresses with `authentication: none` are served before the login check.

mod ingress;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::any;
use http::header;
use http::{HeaderMap, Uri};

use super::{AppError, AppState};
use crate::auth::host::KnownHosts;
use crate::config::BuiltinUpstream;
use crate::metrics::Route;
use crate::proxy::routes;
use crate::proxy::{ClientInfo, HostHeader, ProxyError, Target};
pub(super) use ingress::forward_ingress;
use ingress::ingress;

/// Proxy routes (behind login).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/editor", any(|| async { Redirect::to("/editor/") }))
        .route("/editor/", any(editor))
        .route("/editor/{*rest}", any(editor))
        .route("/console", any(|| async { Redirect::to("/console/") }))
        .route("/console/", any(console))
        .route("/console/{*rest}", any(console))
        .route("/port/{port}", any(port_redirect))
        .route("/port/{port}/", any(port))
        .route("/port/{port}/{*rest}", any(port))
}

/// The protected router's one fallback: nothing here (host-based ingresses were dispatched earlier).
pub async fn fallback(request: Request) -> AppError {
    AppError::NotFound(request.uri().path().to_string())
}

/// Outermost middleware: refuses unknown `Host` names ([`unknown_host`]), dispatches ingresses
/// ([`ingress_dispatch`]), then adds lectern's security headers to what lectern answered itself. One layer
/// for all three: every layer costs a clone per request.
pub async fn front(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let response = match unknown_host(&state, &request) {
        None => ingress_dispatch(&state, request, next).await,
        Some(refused) => refused,
    };
    super::headers::security_headers(&state.auth, response)
}

/// The session name and ingress domain the session's host names are built from.
fn session_names(state: &AppState) -> (&str, &str) {
    let vars = &state.config.session.vars;
    let session = vars
        .get("session_name")
        .map_or(routes::DEFAULT_SESSION_NAME, String::as_str);
    let domain = vars
        .get("ingress_domain")
        .map_or(routes::DEFAULT_INGRESS_DOMAIN, String::as_str);
    (session, domain)
}

/// The request's host: the `Host` header, else the URI's authority (HTTP/2).
fn request_host(request: &Request) -> Option<&str> {
    match request.headers().get(header::HOST) {
        Some(host) => host.to_str().ok(),
        None => request.uri().authority().map(|a| a.as_str()),
    }
}

/// DNS rebinding (issue 11, finding 2): in every auth mode, only the names lectern is known by reach it
/// (`auth/host.rs`); the health routes answer any name (probes use the pod's address or a service name). A
/// request without any host cannot come from a browser and passes. `Some` is the refusal.
fn unknown_host(state: &AppState, request: &Request) -> Option<Response> {
    if super::HEALTH_PATHS.contains(&request.uri().path()) {
        return None;
    }
    let host = match request.headers().get(header::HOST) {
        Some(value) => match value.to_str() {
            Ok(host) => host,
            Err(_) => {
                let message = "the Host header is not text".to_string();
                return Some(AppError::BadRequest(message).page(false));
            }
        },
        None => request.uri().authority()?.as_str(),
    };
    let (session, domain) = session_names(state);
    let known = KnownHosts {
        session,
        domain,
        extra: &state.auth.config().allowed_hosts,
    };
    if known.allows(host) {
        return None;
    }
    tracing::warn!(
        host,
        "refused a request for an unknown host name (possible DNS rebinding)"
    );
    let message = format!(
        "unknown host name {:?}: this server answers to localhost, IP addresses, {session}.{domain}, its \
         ingress hosts and LECTERN_ALLOWED_HOSTS",
        routes::strip_port(host)
    );
    Some(AppError::UnknownHost(message).page(wants_html(request.headers())))
}

/// Requests for an ingress host (or `/ingress/{name}/…`) go to that ingress; the login flow's own
/// paths stay with lectern on every host.
async fn ingress_dispatch(state: &AppState, request: Request, next: Next) -> Response {
    let (session, domain) = session_names(state);
    let label = request_host(&request)
        .and_then(|host| routes::ingress_label(host, session, domain))
        .map(str::to_ascii_lowercase);
    if let Some(label) = label {
        if crate::auth::LOGIN_PATHS.contains(&request.uri().path()) {
            return next.run(request).await;
        }
        // The original's Git server is the session's `git` ingress; here lectern serves it itself.
        if label == "git" && super::services::enabled(state).git {
            return super::services::git::serve(state, request, 0).await;
        }
        return ingress(state, &label, request, 0).await;
    }
    if let Some(rest) = request.uri().path().strip_prefix("/ingress/") {
        let Some((name, _)) = rest.split_once('/') else {
            let location = format!("/ingress/{rest}/");
            return Redirect::to(&location).into_response();
        };
        let name = name.to_ascii_lowercase();
        let prefix = "/ingress/".len() + name.len();
        return ingress(state, &name, request, prefix).await;
    }
    // Fast path (issue 18): `/editor/…` and `/console/…` go straight to the proxy behind the same login
    // gate as the protected router (`gate::guarded`), skipping the router's matching, its layer and
    // the handler's extractors; everything above (host check, ingresses) and the outer layers still ran.
    if let Some(which) = Builtin::of_path(request.uri().path()) {
        return super::gate::guarded(&state.auth, request, |request| {
            measured(which.route(), builtin(state, which, request))
        })
        .await;
    }
    next.run(request).await
}

/// The built-in upstreams with a route of their own.
#[derive(Debug, Clone, Copy)]
enum Builtin {
    /// code-server, `/editor/` and the `editor-<session>` host.
    Editor,
    /// The Kubernetes console, `/console/` and the `console-<session>` host.
    Console,
}

impl Builtin {
    const ALL: [Builtin; 2] = [Builtin::Editor, Builtin::Console];

    fn name(self) -> &'static str {
        match self {
            Builtin::Editor => "editor",
            Builtin::Console => "console",
        }
    }

    /// The built-in whose prefix (`/editor/`, `/console/`) starts `path`.
    fn of_path(path: &str) -> Option<Builtin> {
        if path.starts_with("/editor/") {
            Some(Builtin::Editor)
        } else if path.starts_with("/console/") {
            Some(Builtin::Console)
        } else {
            None
        }
    }

    /// Its class in `/metrics`.
    fn route(self) -> Route {
        match self {
            Builtin::Editor => Route::Editor,
            Builtin::Console => Route::Console,
        }
    }

    /// Its upstream settings, or `None` when neither the flags nor the workshop definition enable it.
    fn enabled(self, state: &AppState) -> Option<&BuiltinUpstream> {
        let applications = &state.content.current().definition.applications;
        let (builtin, from_definition) = match self {
            Builtin::Editor => (&state.config.proxy.editor, applications.editor),
            Builtin::Console => (&state.config.proxy.console, applications.console),
        };
        builtin
            .enabled
            .or(from_definition)
            .unwrap_or(false)
            .then_some(builtin)
    }
}

// The router's routes for the built-ins: reached only by requests the fast path in `ingress_dispatch`
// does not take (none today; kept so the route table lists every route).
async fn editor(State(state): State<AppState>, request: Request) -> Response {
    measured(Builtin::Editor.route(), builtin(&state, Builtin::Editor, request)).await
}

async fn console(State(state): State<AppState>, request: Request) -> Response {
    measured(
        Builtin::Console.route(),
        builtin(&state, Builtin::Console, request),
    )
    .await
}

async fn builtin(state: &AppState, which: Builtin, request: Request) -> Response {
    let prefix = format!("/{}", which.name());
    let Some(builtin) = which.enabled(state) else {
        return AppError::NotFound(format!("{prefix}/ is not enabled")).into_response();
    };
    let target = Target {
        upstream: builtin.upstream.clone(),
        path_and_query: remainder(request.uri(), prefix.len()),
        host_header: HostHeader::Keep,
        extra_headers: Vec::new(),
        strip_authorization: true,
    };
    forward_or_error(state, request, &target).await
}

async fn port_redirect(Path(port): Path<String>) -> Response {
    Redirect::to(&format!("/port/{}/", port.trim_matches('/'))).into_response()
}

async fn port(state: State<AppState>, params: Path<Vec<(String, String)>>, request: Request) -> Response {
    measured(Route::Port, port_forward(state, params, request)).await
}

async fn port_forward(
    State(state): State<AppState>,
    Path(params): Path<Vec<(String, String)>>,
    request: Request,
) -> Response {
    if !state.config.proxy.port_proxy {
        return AppError::NotFound("the any-port route is turned off".to_string()).into_response();
    }
    let Some(port) = params
        .iter()
        .find(|(name, _)| name == "port")
        .and_then(|(_, value)| value.parse::<u16>().ok())
        .filter(|&port| port != 0)
    else {
        return AppError::BadRequest("the port must be a number from 1 to 65535".to_string()).into_response();
    };
    let prefix = format!("/port/{port}");
    if !request.uri().path().starts_with(&prefix) {
        return AppError::BadRequest("write the port in plain digits".to_string()).into_response();
    }
    // Issue 11, finding 8: `/port/<own port>/port/<own port>/…` made lectern call itself once per segment.
    if port == state.config.listen.port() {
        return AppError::Forbidden(format!("port {port} is this server itself")).into_response();
    }
    let target = Target {
        upstream: crate::config::proxy_local_upstream(port),
        path_and_query: remainder(request.uri(), prefix.len()),
        host_header: HostHeader::Keep,
        extra_headers: Vec::new(),
        strip_authorization: true,
    };
    let html = wants_html(request.headers());
    match forward(&state, request, &target).await {
        Ok(response) => response,
        // One answer whatever the reason (refused, reset, not HTTP), so the text does not tell which loopback
        // ports are open; the reason is in the log. (A listener that never answers is still a 504.)
        Err(ForwardError::Upstream(error @ ProxyError::Unreachable { .. })) => {
            tracing::debug!(%error, port, "any-port route: no HTTP answer");
            AppError::BadGateway {
                message: format!("nothing on port {port} gave an HTTP answer"),
                html,
            }
            .into_response()
        }
        Err(error) => error.into_response(html),
    }
}

/// Records a proxied route's answer for `/metrics`: route class, status, time to the response headers.
async fn measured(route: Route, answer: impl Future<Output = Response>) -> Response {
    let started = std::time::Instant::now();
    let response = answer.await;
    crate::metrics::proxied(route, response.status().as_u16(), started.elapsed());
    response
}

/// The request's path after its first `strip` bytes (at least `/`), plus its query.
fn remainder(uri: &Uri, strip: usize) -> String {
    let path = uri.path().get(strip..).unwrap_or("");
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    }
}

/// Browsers asking for a page get HTML errors; everything else JSON.
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// Why [`forward`] has no upstream response.
enum ForwardError {
    /// The upstream could not be reached or did not answer.
    Upstream(ProxyError),
    /// Anything else (a loop, an unusable upstream URL).
    Other(ProxyError),
}

impl ForwardError {
    fn into_response(self, html: bool) -> Response {
        match self {
            ForwardError::Upstream(ProxyError::Timeout { upstream, seconds }) => AppError::GatewayTimeout {
                message: format!("{upstream} did not answer within {seconds} s"),
                html,
            }
            .into_response(),
            ForwardError::Other(error @ ProxyError::Loop { .. }) => {
                AppError::LoopDetected(error.to_string()).into_response()
            }
            ForwardError::Upstream(error) | ForwardError::Other(error) => AppError::BadGateway {
                message: error.to_string(),
                html,
            }
            .into_response(),
        }
    }
}

/// Forwards through the proxy, without lectern's own secrets in the query (`?token=` of token mode or of the
/// services password: a login is never handed on to an application, nor on to a second hop).
async fn forward(state: &AppState, request: Request, target: &Target) -> Result<Response, ForwardError> {
    let addr = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let proto = match state
        .config
        .session
        .vars
        .get("ingress_protocol")
        .map(String::as_str)
    {
        Some("https") => "https",
        _ => "http",
    };
    let own_cookies = state.auth.own_cookies();
    let client = ClientInfo {
        addr,
        proto,
        own_cookies: &own_cookies,
    };
    let mut target = std::borrow::Cow::Borrowed(target);
    if let Some(cleaned) = without_secret_tokens(&state.auth, &target.path_and_query) {
        target.to_mut().path_and_query = cleaned;
    }
    match state.proxy.forward(request, &target, client).await {
        Ok(response) => Ok(response),
        Err(error @ (ProxyError::Unreachable { .. } | ProxyError::Timeout { .. })) => {
            Err(ForwardError::Upstream(error))
        }
        Err(error) => Err(ForwardError::Other(error)),
    }
}

/// Forwards and turns a failure into lectern's error page (502, 504, 508).
async fn forward_or_error(state: &AppState, request: Request, target: &Target) -> Response {
    let html = wants_html(request.headers());
    match forward(state, request, target).await {
        Ok(response) => response,
        Err(error) => error.into_response(html),
    }
}

/// `path?query` without the `token` parameters whose value is one of lectern's secrets; `None` when there
/// are none.
fn without_secret_tokens(auth: &crate::auth::Auth, path_and_query: &str) -> Option<String> {
    let (path, query) = path_and_query.split_once('?')?;
    let secret = |pair: &str| {
        matches!(
            oauth2::url::form_urlencoded::parse(pair.as_bytes()).next(),
            Some((name, value)) if name == "token" && !value.is_empty() && auth.is_secret_token(&value)
        )
    };
    if !query.split('&').any(secret) {
        return None;
    }
    let kept: Vec<&str> = query.split('&').filter(|pair| !secret(pair)).collect();
    Some(if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    })
}
