//! `GET /metrics`: the OpenMetrics text of `crate::metrics`. Behind the login like every protected
//! route; Prometheus authenticates with `SERVICES_PASSWORD` as a bearer token (docs/configuration.md).

use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use http::header;

use super::AppState;

/// The metrics route (behind login).
pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let text = crate::metrics::encode(state.terminals.counts());
    (
        [
            (header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
}
