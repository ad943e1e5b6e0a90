//! Security headers on every response lectern makes itself (not on proxied ones, which keep their
//! upstream's): `frame-ancestors` (who may frame the dashboard), `nosniff`, a same-origin referrer policy.
//! Added by the outermost middleware (`web/proxy.rs` `front`).

use axum::response::Response;
use http::header::{self, HeaderValue};

use crate::auth::Auth;
use crate::proxy::Proxied;

/// Adds the headers to `response` unless it came from an upstream; a page's own CSP is kept.
pub fn security_headers(auth: &Auth, mut response: Response) -> Response {
    if response.extensions().get::<Proxied>().is_some() {
        return response;
    }
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, auth.frame_policy().clone());
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}
