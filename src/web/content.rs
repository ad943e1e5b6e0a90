//! Instructions routes: `/`, `/dashboard/`, `/workshop/content/...`, page JSON and the event stream.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use super::{AppError, AppState};

/// Content routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/dashboard/") }))
        .route("/dashboard/", get(dashboard))
        .route("/workshop/content/{*key}", get(page))
}

async fn dashboard() -> Response {
    match crate::assets::get("dashboard/index.html") {
        Some(bytes) => Html(bytes.into_owned()).into_response(),
        None => AppError::NotFound("dashboard".to_string()).into_response(),
    }
}

async fn page(State(state): State<AppState>, Path(key): Path<String>) -> Result<Html<String>, AppError> {
    let workshop = state.content.current();
    let page = workshop
        .pages
        .iter()
        .find(|p| p.key == key)
        .ok_or_else(|| AppError::NotFound(key.clone()))?;
    Ok(Html(page.html.clone()))
}
