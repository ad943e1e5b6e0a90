//! Proxied routes (owned by the proxy area): `/editor/` (code-server), `/console/`, the any-port route
//! `/port/{port}/…` (services on localhost), and the workshop's session ingresses — by host
//! `<name>-<session>.<domain>` (matched before any path routing, as the original) and by path
//! `/ingress/{name}/…`. Ingresses with `authentication: none` are served before the login check.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::any;
use http::header::{self, HeaderName, HeaderValue};
use http::{HeaderMap, Uri};

use super::{AppError, AppState};
use crate::config::BuiltinUpstream;
use crate::proxy::routes::{self, IngressRule};
use crate::proxy::{ClientInfo, HostHeader, ProxyError, Target};

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

/// Outermost middleware: dispatches ingresses ([`ingress_dispatch`]), then adds lectern's security
/// headers to what lectern answered itself. One layer for both: every layer costs a clone per request.
pub async fn front(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let response = ingress_dispatch(&state, request, next).await;
    crate::auth::security_headers(&state.auth, response)
}

/// Requests for an ingress host (or `/ingress/{name}/…`) go to that ingress; the login flow's own
/// paths stay with lectern on every host.
async fn ingress_dispatch(state: &AppState, request: Request, next: Next) -> Response {
    let vars = &state.config.session.vars;
    let session = vars
        .get("session_name")
        .map_or(routes::DEFAULT_SESSION_NAME, String::as_str);
    let domain = vars
        .get("ingress_domain")
        .map_or(routes::DEFAULT_INGRESS_DOMAIN, String::as_str);
    let label = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|host| routes::ingress_label(host, session, domain))
        .map(str::to_ascii_lowercase);
    if let Some(label) = label {
        if crate::auth::LOGIN_PATHS.contains(&request.uri().path()) {
            return next.run(request).await;
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
    next.run(request).await
}

/// Serves one ingress: public rules first, then (after login) session rules; first path match wins.
async fn ingress(state: &AppState, name: &str, request: Request, strip: usize) -> Response {
    let rules = ingress_rules(state);
    let path = request.uri().path().get(strip..).unwrap_or("/");
    let path = if path.is_empty() { "/" } else { path };
    let candidates = |public: bool| {
        rules
            .iter()
            .find(|rule| rule.public == public && rule.name == name && rule.matches_path(path))
            .cloned()
    };
    if let Some(rule) = candidates(true) {
        return forward_ingress(state, &rule, request, strip, false).await;
    }
    if let Err(denied) = state.auth.authenticate(&request) {
        return denied.into_response();
    }
    match candidates(false) {
        Some(rule) => forward_ingress(state, &rule, request, strip, true).await,
        None => AppError::NotFound(format!("no ingress {name:?} for {path}")).into_response(),
    }
}

/// Built-in `editor`/`console` host rules (when enabled) and the definition's `session.ingresses`.
fn ingress_rules(state: &AppState) -> Vec<IngressRule> {
    let workshop = state.content.current();
    let definition = &workshop.definition;
    let mut rules = Vec::new();
    let builtins = [
        (
            "editor",
            &state.config.proxy.editor,
            definition.applications.editor,
        ),
        (
            "console",
            &state.config.proxy.console,
            definition.applications.console,
        ),
    ];
    for (name, builtin, from_definition) in builtins {
        if builtin.enabled.or(from_definition).unwrap_or(false)
            && let Some(authority) = builtin.upstream.authority()
        {
            rules.push(IngressRule::builtin(
                name,
                authority.host(),
                authority.port_u16().unwrap_or(80),
            ));
        }
    }
    let vars = &state.config.session.vars;
    rules.extend(
        definition
            .ingresses
            .iter()
            .filter_map(|def| IngressRule::from_def(def, vars)),
    );
    rules
}

async fn forward_ingress(
    state: &AppState,
    rule: &IngressRule,
    request: Request,
    strip: usize,
    strip_authorization: bool,
) -> Response {
    let host = if rule.host.contains(':') && !rule.host.starts_with('[') {
        format!("[{}]", rule.host)
    } else {
        rule.host.clone()
    };
    let upstream = match format!("{}://{host}:{}", rule.protocol, rule.port).parse::<Uri>() {
        Ok(uri) => uri,
        Err(error) => {
            return AppError::BadGateway {
                message: format!("ingress {:?} has a bad upstream: {error}", rule.name),
                html: wants_html(request.headers()),
            }
            .into_response();
        }
    };
    let mut extra_headers = Vec::with_capacity(rule.headers.len());
    for (name, value) in &rule.headers {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => extra_headers.push((name, value)),
            _ => tracing::warn!(ingress = %rule.name, header = %name, "skipping an invalid ingress header"),
        }
    }
    let target = Target {
        upstream,
        path_and_query: remainder(request.uri(), strip),
        host_header: if rule.change_origin {
            HostHeader::Upstream
        } else {
            HostHeader::Keep
        },
        extra_headers,
        strip_authorization,
    };
    forward(state, request, &target).await
}

async fn editor(State(state): State<AppState>, request: Request) -> Response {
    let from_definition = state.content.current().definition.applications.editor;
    builtin(
        &state,
        &state.config.proxy.editor,
        from_definition,
        "/editor",
        request,
    )
    .await
}

async fn console(State(state): State<AppState>, request: Request) -> Response {
    let from_definition = state.content.current().definition.applications.console;
    builtin(
        &state,
        &state.config.proxy.console,
        from_definition,
        "/console",
        request,
    )
    .await
}

async fn builtin(
    state: &AppState,
    builtin: &BuiltinUpstream,
    from_definition: Option<bool>,
    prefix: &str,
    request: Request,
) -> Response {
    if !builtin.enabled.or(from_definition).unwrap_or(false) {
        return AppError::NotFound(format!("{prefix}/ is not enabled")).into_response();
    }
    let target = Target {
        upstream: builtin.upstream.clone(),
        path_and_query: remainder(request.uri(), prefix.len()),
        host_header: HostHeader::Keep,
        extra_headers: Vec::new(),
        strip_authorization: true,
    };
    forward(state, request, &target).await
}

async fn port_redirect(Path(port): Path<String>) -> Response {
    Redirect::to(&format!("/port/{}/", port.trim_matches('/'))).into_response()
}

async fn port(
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
    let target = Target {
        upstream: crate::config::proxy_local_upstream(port),
        path_and_query: remainder(request.uri(), prefix.len()),
        host_header: HostHeader::Keep,
        extra_headers: Vec::new(),
        strip_authorization: true,
    };
    forward(&state, request, &target).await
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

async fn forward(state: &AppState, request: Request, target: &Target) -> Response {
    let html = wants_html(request.headers());
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
    match state.proxy.forward(request, target, client).await {
        Ok(response) => response,
        Err(ProxyError::Timeout { upstream, seconds }) => AppError::GatewayTimeout {
            message: format!("{upstream} did not answer within {seconds} s"),
            html,
        }
        .into_response(),
        Err(error) => AppError::BadGateway {
            message: error.to_string(),
            html,
        }
        .into_response(),
    }
}
