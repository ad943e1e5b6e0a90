//! Instructions served from elsewhere, the original's `remote` and `proxy` renderers: with
//! `session.applications.workshop.url` the instructions pane shows that site (`$(…)` tokens substituted);
//! with `.proxy` lectern forwards `/workshop/content/…` (any method, websockets included) to that server —
//! typically a doc server in the pod (`hugo server`) — keeping the path unless a `pathRewrite` rule matches,
//! and answers with the upstream's page minus its `X-Frame-Options`/CSP (so the pane may show it) plus
//! lectern's own `frame-ancestors`.

use std::collections::BTreeMap;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderValue};

use crate::content::WorkshopDefinition;
use crate::content::definition::{InstructionsSource, WorkshopProxy};
use crate::proxy::routes::{self, IngressRule};
use crate::web::{AppError, AppState};

/// The page the dashboard's instructions pane shows when the instructions are not lectern's own pages:
/// the substituted `workshop.url`, or `/workshop/content/` (proxied). `None`: lectern's pages.
pub fn pane_url(definition: &WorkshopDefinition, vars: &BTreeMap<String, String>) -> Option<String> {
    match &definition.applications.instructions {
        InstructionsSource::Local => None,
        InstructionsSource::Remote(url) => Some(routes::substitute(url, vars)),
        InstructionsSource::Proxy(_) => Some("/workshop/content/".to_string()),
    }
}

/// The remote site's URL (`workshop.url`, substituted), when the instructions are there.
pub fn remote_url(state: &AppState) -> Option<String> {
    let definition = &state.content.current().definition;
    matches!(
        definition.applications.instructions,
        InstructionsSource::Remote(_)
    )
    .then(|| pane_url(definition, &state.config.session.vars))
    .flatten()
}

/// The proxied answer to a `/workshop/content/…` request when the instructions come from a doc server;
/// `Err` gives the request back for lectern's own routes.
pub async fn answer(state: &AppState, request: Request) -> Result<Response, Request> {
    let source = state
        .content
        .current()
        .definition
        .applications
        .instructions
        .clone();
    match source {
        InstructionsSource::Proxy(proxy) => Ok(forward(state, &proxy, request).await),
        _ => Err(request),
    }
}

/// Forwards `request` to the proxy's upstream, path kept (dot segments resolved) unless rewritten.
async fn forward(state: &AppState, proxy: &WorkshopProxy, request: Request) -> Response {
    let Some(rule) = IngressRule::from_def(&proxy.as_ingress(), &state.config.session.vars) else {
        return AppError::NotFound("the instructions proxy has no usable upstream".to_string())
            .into_response();
    };
    let raw = request.uri().path();
    let path = match routes::normalize_path(raw) {
        Ok(path) => rewrite(proxy, &path),
        Err(reason) => return AppError::BadRequest(format!("{raw:?}: {reason}")).into_response(),
    };
    let path_and_query = match request.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    let mut response = crate::web::proxy::forward_ingress(state, &rule, request, path_and_query, true).await;
    let headers = response.headers_mut();
    headers.remove(header::X_FRAME_OPTIONS);
    headers.remove(header::CONTENT_SECURITY_POLICY);
    headers.insert(header::CONTENT_SECURITY_POLICY, state.auth.frame_policy().clone());
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The path after the first `pathRewrite` rule whose pattern matches (http-proxy-middleware's rule: the first
/// match only); a pattern that is not a valid regular expression was reported when the definition loaded.
fn rewrite(proxy: &WorkshopProxy, path: &str) -> String {
    for rule in &proxy.path_rewrite {
        if let Ok(pattern) = regex::Regex::new(&rule.pattern)
            && pattern.is_match(path)
        {
            let rewritten = pattern.replace(path, rule.replacement.as_str()).into_owned();
            return if rewritten.starts_with('/') {
                rewritten
            } else {
                format!("/{rewritten}")
            };
        }
    }
    path.to_string()
}
