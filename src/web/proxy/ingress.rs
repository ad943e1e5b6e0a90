//! Session ingresses (by host `<name>-<session>.<domain>` or path `/ingress/{name}/…`): a request finds its
//! rule (public rules before login, session rules after), its path normalised, and goes to the rule's upstream.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::Uri;
use http::header::{HeaderName, HeaderValue};

use super::{Builtin, forward_or_error, measured, wants_html};
use crate::metrics::Route;
use crate::proxy::routes::{self, IngressRule};
use crate::proxy::{HostHeader, Target};
use crate::web::{AppError, AppState};

/// Serves one ingress: public rules first, then (after login) session rules; first path match wins. Rules
/// see, and the upstream receives, the path with its dot segments resolved (`routes::normalize_path`), so
/// `/public/../private/` is `/private/` for both.
pub(super) async fn ingress(state: &AppState, name: &str, request: Request, strip: usize) -> Response {
    let rules = ingress_rules(state);
    let raw = request.uri().path().get(strip..).unwrap_or("/");
    let path = match routes::normalize_path(raw) {
        Ok(path) => path,
        Err(reason) => return AppError::BadRequest(format!("{raw:?}: {reason}")).into_response(),
    };
    let candidates = |public: bool| {
        rules
            .iter()
            .find(|rule| rule.public == public && rule.name == name && rule.matches_path(&path))
            .cloned()
    };
    let path_and_query = match request.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path.clone(),
    };
    if let Some(rule) = candidates(true) {
        // Lectern's own credentials (the learner's Basic login, its tokens) are not the public
        // application's: only the app's own `Authorization` passes.
        let mut request = request;
        state.auth.strip_own_authorization(request.headers_mut());
        return measured(
            Route::Ingress,
            forward_ingress(state, &rule, request, path_and_query, false),
        )
        .await;
    }
    if let Err(stop) = crate::web::gate::check(&state.auth, &request) {
        return stop.into_response();
    }
    match candidates(false) {
        Some(rule) => {
            measured(
                Route::Ingress,
                forward_ingress(state, &rule, request, path_and_query, true),
            )
            .await
        }
        None => AppError::NotFound(format!("no ingress {name:?} for {path}")).into_response(),
    }
}

/// Built-in `editor`/`console` host rules (when enabled) and the definition's `session.ingresses`.
pub(super) fn ingress_rules(state: &AppState) -> Vec<IngressRule> {
    let mut rules = Vec::new();
    for which in Builtin::ALL {
        if let Some(authority) = which.enabled(state).and_then(|b| b.upstream.authority()) {
            rules.push(IngressRule::builtin(
                which.name(),
                authority.host(),
                authority.port_u16().unwrap_or(80),
            ));
        }
    }
    let workshop = state.content.current();
    let definition = &workshop.definition;
    let vars = &state.config.session.vars;
    rules.extend(
        definition
            .ingresses
            .iter()
            .filter_map(|def| IngressRule::from_def(def, vars)),
    );
    rules
}

/// Forwards `request` to an ingress rule's upstream (also the instructions proxy, `web/content/elsewhere.rs`).
pub(in crate::web) async fn forward_ingress(
    state: &AppState,
    rule: &IngressRule,
    request: Request,
    path_and_query: String,
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
        path_and_query,
        host_header: if rule.change_origin {
            HostHeader::Upstream
        } else {
            HostHeader::Keep
        },
        extra_headers,
        strip_authorization,
    };
    forward_or_error(state, request, &target).await
}
