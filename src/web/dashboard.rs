//! Dashboard shell `/dashboard/`, `/api/dashboard` config and the embedded bundle under `/static/`.

mod api;

use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use super::{AppError, AppState};

/// Protected dashboard routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/dashboard/") }))
        .route("/dashboard/", get(dashboard))
        .route("/api/dashboard", get(api::dashboard_json))
}

/// Public routes: the embedded frontend bundle (no secrets in it; the login page needs its CSS).
pub fn public_routes() -> Router<AppState> {
    Router::new().route("/static/{*path}", get(static_file))
}

async fn dashboard() -> Response {
    match crate::assets::get("dashboard/index.html") {
        Some(bytes) => ([(header::CACHE_CONTROL, "no-cache")], Html(bytes.into_owned())).into_response(),
        None => AppError::NotFound("dashboard".to_string()).into_response(),
    }
}

async fn static_file(Path(path): Path<String>) -> Response {
    if path.split('/').any(|part| part == ".." || part.is_empty()) {
        return AppError::NotFound(path).into_response();
    }
    match crate::assets::get(&format!("dashboard/{path}")) {
        Some(bytes) => {
            let mime = mime_for(&path);
            (
                [(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "no-cache")],
                bytes.into_owned(),
            )
                .into_response()
        }
        None => AppError::NotFound(path).into_response(),
    }
}

/// Content type by file extension for the files Vite emits.
fn mime_for(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "json" | "map" => "application/json",
        _ => "application/octet-stream",
    }
}
