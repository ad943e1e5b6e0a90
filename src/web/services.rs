//! Workshop services (site area): `GET /files/{path}` downloads, `POST /upload/file(s)` uploads,
//! `POST /examiner/test/{name}` examiner runs and `POST /message/broadcast` relays to open dashboards; plus the
//! contained-file helpers `/workshop/content/` shares.
//!
//! Each service is switched like the original: `ENABLE_FILES`, `ENABLE_UPLOADS`, `ENABLE_EXAMINER` (else the
//! workshop definition's `applications.*.enabled`); a switched-off service answers 404 as if absent.

mod examiner;
mod uploads;

use std::path::{Component, Path as FsPath, PathBuf};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::{AppError, AppState};
use crate::events::Event;

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
}

/// The services in force for the current workshop.
pub fn enabled(state: &AppState) -> Enabled {
    let workshop = state.content.current();
    let apps = &workshop.definition.applications;
    let services = &state.config.services;
    Enabled {
        files: services.files_enabled(apps.files),
        uploads: services.uploads_enabled(apps.uploads),
        examiner: services.examiner_enabled(apps.examiner, !examiner::test_dirs(&workshop.root).is_empty()),
    }
}

/// `$HOME`, when set.
fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
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

/// Splits a decoded URL path into plain segments. `None` for `..`, `.`, backslashes, NUL or nothing at all;
/// empty segments (`a//b`, a trailing `/`) are skipped.
pub fn safe_relative(path: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for segment in path.split('/') {
        if segment.is_empty() {
            continue;
        }
        if segment == "." || segment == ".." || segment.contains(['\\', '\0']) {
            return None;
        }
        out.push(segment);
    }
    let plain = out.components().all(|c| matches!(c, Component::Normal(_)));
    (plain && !out.as_os_str().is_empty()).then_some(out)
}

/// `base/relative` if it is a regular file whose real path (symlinks resolved) lies inside `jail`.
pub fn contained_file(base: &FsPath, jail: &FsPath, relative: &FsPath) -> Option<PathBuf> {
    let real = base.join(relative).canonicalize().ok()?;
    let jail = jail.canonicalize().ok()?;
    (real.starts_with(&jail) && real.is_file()).then_some(real)
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
    let Some(relative) = safe_relative(&path) else {
        return not_found();
    };
    // The original's rule: a final segment starting with `.` is hidden; dot-folders (`.kube/config`) are not.
    let hidden = relative
        .file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with('.'));
    let Some(dir) = files_dir(&state) else {
        return not_found();
    };
    match (hidden, contained_file(&dir, &dir, &relative)) {
        (false, Some(file)) => serve_file(file, request).await,
        _ => not_found(),
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

#[cfg(test)]
mod tests {
    use super::safe_relative;

    #[test]
    fn relative_paths_refuse_traversal() {
        assert_eq!(
            safe_relative("a/b.png").as_deref(),
            Some(std::path::Path::new("a/b.png"))
        );
        assert_eq!(
            safe_relative("a//b/").as_deref(),
            Some(std::path::Path::new("a/b"))
        );
        assert!(safe_relative("../etc/passwd").is_none());
        assert!(safe_relative("a/../../b").is_none());
        assert!(safe_relative("./a").is_none());
        assert!(safe_relative("a\\..\\b").is_none());
        assert!(safe_relative("a\0b").is_none());
        assert!(safe_relative("").is_none());
        assert!(safe_relative("/").is_none());
    }
}
