//! Instructions routes: `/workshop/content/...` pages and their files, and the page JSON API (site area).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;

use super::{AppError, AppState};

/// Content routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/workshop/content/{*key}", get(page))
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
