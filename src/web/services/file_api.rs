//! The Files tab's API over the files folder (`FILES_DIR`), on when `/files/` is (`ENABLE_FILES`, else
//! the workshop's `applications.files.enabled`): `GET /api/files?path=DIR` lists a folder,
//! `POST /api/files/folder` (`NewFolder`) makes one, `DELETE /api/files?path=P` removes a file or a
//! folder with its contents, `POST /api/files/upload?path=DIR` (multipart field `files`, many) uploads.
//! Downloads are `/files/{path}`. The JSON types are `web::shared`'s, which the dashboard shares.
//!
//! Same rules as `/files/`, through the same jail: names starting with `.` are neither listed nor accepted,
//! nor is anything whose real path leaves the folder or passes through a dot-folder; symlinks leading out
//! are left out of listings, and removing a symlink removes the link, never what it points to. Uploads
//! stream into temporary files in the target folder and are renamed into place once the request is whole
//! (`LECTERN_UPLOAD_LIMIT` per request).

use std::path::{Path as FsPath, PathBuf};
use std::time::UNIX_EPOCH;

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{AppError, AppState, enabled, files_dir, is_cookie_key, uploads};
use crate::jail::{DotFiles, Jail, JailError};
use crate::web::shared::{FileEntry, FileKind, FileListing, NewFolder};

/// Most entries one listing returns (a folder with more is cut there, in name order).
const MAX_ENTRIES: usize = 10_000;

/// The API routes (behind login).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/files", get(list).delete(remove))
        .route("/api/files/folder", post(new_folder))
        .route(
            "/api/files/upload",
            post(upload).layer(DefaultBodyLimit::disable()),
        )
}

#[derive(Debug, Deserialize)]
struct PathQuery {
    #[serde(default)]
    path: String,
}

/// The files folder as a jail that hides dot-files, when the Files tab is on.
fn files_jail(state: &AppState) -> Result<Jail, AppError> {
    if !enabled(state).files {
        return Err(AppError::NotFound(
            "the files folder is not enabled (ENABLE_FILES)".to_string(),
        ));
    }
    let dir =
        files_dir(state).ok_or_else(|| AppError::Unavailable("no FILES_DIR and no HOME".to_string()))?;
    Jail::new(&dir)
        .map(|jail| jail.dot_files(DotFiles::Hidden))
        .map_err(|error| {
            AppError::Unavailable(format!(
                "the files folder {} cannot be used: {error}",
                dir.display()
            ))
        })
}

/// A folder of the request (`""` or `/` is the files folder itself), resolved inside.
fn folder(jail: &Jail, path: &str) -> Result<PathBuf, AppError> {
    let trimmed = path.trim_matches('/');
    let real = if trimmed.is_empty() {
        jail.root().to_path_buf()
    } else {
        jail.resolve(trimmed).map_err(|error| refusal(path, error))?
    };
    if !real.is_dir() {
        return Err(AppError::BadRequest(format!("{path:?} is not a folder")));
    }
    Ok(real)
}

/// The jail's refusal as an answer naming the path.
fn refusal(path: &str, error: JailError) -> AppError {
    match error {
        JailError::NotFound(_) => AppError::NotFound(format!("{path:?} does not exist")),
        JailError::Io { source, .. } => AppError::Internal(anyhow::anyhow!("{path:?}: {source}")),
        JailError::NotAFolder(_) => AppError::BadRequest(format!("{path:?}: a part of it is not a folder")),
        other => AppError::BadRequest(format!("{path:?} is not allowed here: {other}")),
    }
}

async fn list(
    State(state): State<AppState>,
    Query(query): Query<PathQuery>,
) -> Result<Json<FileListing>, AppError> {
    let jail = files_jail(&state)?;
    let dir = folder(&jail, &query.path)?;
    let path = query.path.trim_matches('/').to_string();
    let cookie_key = state.clone();
    let entries = tokio::task::spawn_blocking(move || {
        read_folder(&jail, &dir, |file| is_cookie_key(&cookie_key, file))
    })
    .await
    .map_err(|error| AppError::Internal(anyhow::anyhow!("listing failed: {error}")))?
    .map_err(|error| AppError::Internal(anyhow::anyhow!("cannot list {path:?}: {error}")))?;
    Ok(Json(FileListing { path, entries }))
}

/// The visible entries of `dir`: no dot-names, nothing leading outside, no secret file; folders first.
fn read_folder(
    jail: &Jail,
    dir: &FsPath,
    secret: impl Fn(&FsPath) -> bool,
) -> std::io::Result<Vec<FileEntry>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir)?.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let Ok(real) = jail.contain(&entry.path()) else {
            continue;
        };
        if secret(&real) {
            continue;
        }
        let Ok(meta) = std::fs::metadata(&real) else {
            continue;
        };
        let kind = if meta.is_dir() {
            FileKind::Folder
        } else if meta.is_file() {
            FileKind::File
        } else {
            continue;
        };
        let modified = meta
            .modified()
            .ok()
            .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
            .map(|since| since.as_secs());
        entries.push(FileEntry {
            name,
            kind,
            size: if kind == FileKind::File { meta.len() } else { 0 },
            modified,
        });
    }
    entries.sort_by(|a, b| {
        (a.kind != FileKind::Folder, a.name.to_lowercase(), &a.name).cmp(&(
            b.kind != FileKind::Folder,
            b.name.to_lowercase(),
            &b.name,
        ))
    });
    entries.truncate(MAX_ENTRIES);
    Ok(entries)
}

async fn new_folder(
    State(state): State<AppState>,
    Json(body): Json<NewFolder>,
) -> Result<StatusCode, AppError> {
    let jail = files_jail(&state)?;
    let path = body.path.trim_matches('/');
    let target = jail.resolve_new(path).map_err(|error| refusal(path, error))?;
    match std::fs::create_dir(&target) {
        Ok(()) => Ok(StatusCode::CREATED),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(AppError::Conflict(format!("{path:?} already exists")))
        }
        Err(error) => Err(AppError::Internal(anyhow::anyhow!(
            "cannot create {path:?}: {error}"
        ))),
    }
}

async fn remove(
    State(state): State<AppState>,
    Query(query): Query<PathQuery>,
) -> Result<StatusCode, AppError> {
    let jail = files_jail(&state)?;
    let path = query.path.trim_matches('/');
    let entry = jail.resolve_entry(path).map_err(|error| refusal(path, error))?;
    if entry
        .canonicalize()
        .is_ok_and(|real| is_cookie_key(&state, &real))
    {
        return Err(AppError::Forbidden(format!("{path:?} is lectern's own")));
    }
    let meta = std::fs::symlink_metadata(&entry)
        .map_err(|error| AppError::Internal(anyhow::anyhow!("{path:?}: {error}")))?;
    let removed = tokio::task::spawn_blocking(move || {
        if meta.is_dir() {
            std::fs::remove_dir_all(&entry)
        } else {
            std::fs::remove_file(&entry)
        }
    })
    .await
    .map_err(|error| AppError::Internal(anyhow::anyhow!("removing failed: {error}")))?;
    removed.map_err(|error| AppError::Internal(anyhow::anyhow!("cannot remove {path:?}: {error}")))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn upload(
    State(state): State<AppState>,
    Query(query): Query<PathQuery>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<StatusCode, AppError> {
    let jail = files_jail(&state)?;
    uploads::check_declared_size(&state, &headers)?;
    let dir = folder(&jail, &query.path)?;
    let files = uploads::receive_files(&state, &dir, multipart).await?;
    if files.is_empty() {
        return Err(AppError::BadRequest("no files in field \"files\"".to_string()));
    }
    for (_, name) in &files {
        uploads::check_name(name)?;
        if name.starts_with('.') {
            return Err(AppError::BadRequest(format!(
                "{name:?}: names starting with . are hidden in the files folder"
            )));
        }
    }
    for (temp, name) in files {
        uploads::persist(temp, &dir.join(name))?;
    }
    Ok(StatusCode::CREATED)
}
