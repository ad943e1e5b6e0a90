//! Workshop services: `GET /files/{path}` downloads, `POST /upload/file(s)` uploads,
//! `POST /examiner/test/{name}` examiner runs and `POST /message/broadcast` relays to open dashboards; plus
//! `serve_file`, which `/workshop/content/` shares. Every path a client names goes through `crate::jail`.
//!
//! Each service is switched like the original: `ENABLE_FILES`, `ENABLE_UPLOADS`, `ENABLE_EXAMINER` (else the
//! workshop definition's `applications.*.enabled`); a switched-off service answers 404 as if absent.

pub mod examiner;
mod file_api;
pub mod git;
mod uploads;
pub mod webdav;

use std::path::{Path as FsPath, PathBuf};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::{AppError, AppState};
use crate::config::home_dir;
use crate::events::Event;
use crate::jail::{DotFiles, Jail};

/// Workshop service routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/files/{*path}", get(download))
        .route(
            "/upload/files",
            post(uploads::upload_files).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/upload/file",
            post(uploads::upload_file).layer(DefaultBodyLimit::disable()),
        )
        .route("/examiner/test/{*name}", post(examiner::run_test))
        .route("/message/broadcast", post(broadcast))
        .merge(file_api::routes())
}

/// Routes that check their own credentials (or lectern's login): `/webdav/`, `/git/`.
pub fn own_login_routes() -> Router<AppState> {
    webdav::routes().merge(git::routes())
}

/// Which services are on, after flags and the workshop definition (also for `/api/dashboard` features).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enabled {
    /// `/files/`.
    pub files: bool,
    /// `/upload/`.
    pub uploads: bool,
    /// `/examiner/`.
    pub examiner: bool,
    /// `/webdav/`.
    pub webdav: bool,
    /// Git over HTTP.
    pub git: bool,
}

/// The services in force for the current workshop.
pub fn enabled(state: &AppState) -> Enabled {
    let workshop = state.content.current();
    let apps = &workshop.definition.applications;
    let services = &state.config.services;
    Enabled {
        files: services.files_enabled(apps.files),
        uploads: services.uploads_enabled(apps.uploads),
        examiner: services.examiner_enabled(
            apps.examiner,
            !crate::examiner::test_dirs(&workshop.root).is_empty(),
        ),
        webdav: services.webdav_enabled(apps.webdav),
        git: services.git_enabled(apps.git),
    }
}

/// `FILES_DIR`, else the demo's `exercises/`, else `$HOME`.
fn files_dir(state: &AppState) -> Option<PathBuf> {
    if let Some(dir) = &state.config.services.files_dir {
        return Some(dir.clone());
    }
    if state.content.is_demo() {
        return Some(state.content.root().join("exercises"));
    }
    home_dir()
}

/// Serves `file` for `request` (content type, ranges, conditional GET, HEAD).
pub async fn serve_file(file: PathBuf, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let request = Request::from_parts(parts, Body::empty());
    let response = match ServeFile::new(file).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let mut response = response.map(Body::new).into_response();
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

async fn download(State(state): State<AppState>, Path(path): Path<String>, request: Request) -> Response {
    let not_found = || AppError::NotFound(format!("/files/{path}")).into_response();
    if !enabled(&state).files {
        return not_found();
    }
    // Dot-files and dot-folders are never served (issue 11, finding 6): `$HOME/.kube`, `.ssh`, `.local`
    // (where the cookie key lives by default) are the session's credentials, not workshop files.
    let file = files_dir(&state)
        .and_then(|dir| Jail::new(dir).ok())
        .and_then(|jail| jail.dot_files(DotFiles::Hidden).resolve_file(&path).ok());
    let Some(file) = file.filter(|file| !is_cookie_key(&state, file)) else {
        return not_found();
    };
    let mut response = serve_file(file, request).await;
    // What the learner (or anything in the session) put in the folder is not trusted content: an uploaded
    // `.html` or `.svg` must not run script on the dashboard's origin (issue 11, finding 4).
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(UNTRUSTED_FILE_POLICY),
    );
    response
}

/// The policy of files served from the learner's folders: a unique origin, no script, nothing loaded.
pub const UNTRUSTED_FILE_POLICY: &str =
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

/// True when `file` is the cookie-signing key file (wherever the operator put it).
fn is_cookie_key(state: &AppState, file: &FsPath) -> bool {
    match &state.auth.config().cookie_key {
        crate::config::CookieKeySource::File(key) => key.canonicalize().is_ok_and(|key| key == file),
        crate::config::CookieKeySource::Secret(_) => false,
    }
}

async fn broadcast(State(state): State<AppState>, body: Bytes) -> Result<&'static str, AppError> {
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|error| AppError::BadRequest(format!("message is not JSON: {error}")))?;
    if !value.is_object() {
        return Err(AppError::BadRequest(
            "message must be a JSON object {\"action\": .., \"data\": ..}".to_string(),
        ));
    }
    state.events.publish(Event::Message {
        json: value.to_string(),
    });
    Ok("OK")
}
