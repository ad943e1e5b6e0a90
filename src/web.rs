//! The one route table and layer stack. Public routes are an explicit list; everything else is behind auth.

mod content;
mod dashboard;
mod editor;
mod error;
mod events;
pub(crate) mod gate;
mod headers;
mod health;
mod login;
mod metrics;
mod page_scripts;
mod pod_config;
mod proxy;
mod services;
mod session;
pub mod shared;
mod staff;
mod state;
mod terminal_ws;

use axum::Router;
use axum::middleware;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

pub use editor::{CHANNEL_PATH as EDITOR_CHANNEL_PATH, enabled as editor_enabled};
pub use error::AppError;
pub use page_scripts::{PageScripts, start_scenario};
pub use services::webdav::DavState;
pub use session::lifecycle::Lifecycle;
pub use session::spawn_monitor;
pub use state::{AppState, Shared};

/// Paths answered whatever the `Host` (probes use the pod's address or a service name).
pub const HEALTH_PATHS: &[&str] = &["/healthz", "/readyz"];

/// Paths reachable without logging in (the auth-matrix test walks everything else).
pub const PUBLIC_PATHS: &[&str] = &[
    "/healthz",
    "/readyz",
    "/static/",
    "/favicon.ico",
    "/oauth_handshake",
    "/oauth_callback",
    "/logout",
    "/session/poll",
    "/session/activity",
    // The editor extension's websocket: refused without its own secret (`web/editor.rs`).
    editor::CHANNEL_PATH,
];

/// Builds the application router.
pub fn router(state: AppState) -> Router {
    let protected = Router::new()
        .merge(content::routes())
        .merge(dashboard::routes())
        .merge(editor::routes())
        .merge(events::routes())
        .merge(metrics::routes())
        .merge(page_scripts::routes())
        .merge(pod_config::routes())
        .merge(services::routes())
        .merge(session::routes())
        .merge(staff::routes())
        .merge(terminal_ws::routes())
        .merge(proxy::routes())
        .fallback(proxy::fallback)
        // Inside the login check: only a logged-in learner's requests count as activity.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::note_activity,
        ))
        // `layer`, not `route_layer`: the fallback is protected too.
        .layer(middleware::from_fn_with_state(state.clone(), gate::require_login));
    Router::new()
        .merge(health::routes())
        .merge(dashboard::public_routes())
        .merge(editor::public_routes())
        .merge(login::routes())
        .merge(session::public_routes())
        // WebDAV and Git check their own credentials (or lectern's login) themselves.
        .merge(services::own_login_routes())
        .merge(protected)
        // Ingress hosts are dispatched before path routing (their own auth: none or session); lectern's
        // own responses get the security headers on the way out.
        .layer(middleware::from_fn_with_state(state.clone(), proxy::front))
        .layer(
            ServiceBuilder::new()
                // The request line is logged without secrets in the query (`?token=`, OAuth codes: W8).
                .layer(
                    TraceLayer::new_for_http().make_span_with(|request: &http::Request<_>| {
                        let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
                        tracing::debug_span!(
                            "request",
                            method = %request.method(),
                            uri = %crate::auth::redact::redacted(target),
                            version = ?request.version(),
                        )
                    }),
                )
                .layer(CatchPanicLayer::new()),
        )
        .with_state(state)
}
