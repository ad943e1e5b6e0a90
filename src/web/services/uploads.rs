//! `POST /upload/files` (field `files`, many, plus optional `directory`) and `POST /upload/file` (field `file`
//! plus `path`): multipart uploads into `UPLOADS_DIR`, limited by `LECTERN_UPLOAD_LIMIT`.
//!
//! Fixes of the original (W25): names are refused, not trusted, when they contain `/`, `\`, NUL, control
//! characters or are `.`/`..`; the target folder's real path must lie inside the uploads folder (a real
//! ancestor check, not a string prefix); the request size is capped; files are written to a temporary file in
//! the uploads folder and renamed into place only when the whole request succeeded, so a failed or too-large
//! upload leaves nothing behind.

use std::path::{Path as FsPath, PathBuf};

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, header};
use tokio::io::AsyncWriteExt;

use super::{AppError, AppState, enabled, home_dir, safe_relative};

/// Longest accepted file name, bytes.
const MAX_NAME_BYTES: usize = 255;

/// A file received into a temporary file, waiting to be renamed into place.
struct Received {
    temp: tempfile::NamedTempFile,
    name: String,
}

/// What one multipart request carried.
#[derive(Default)]
struct Form {
    files: Vec<Received>,
    directory: Option<String>,
    path: Option<String>,
}

/// `UPLOADS_DIR`, else the demo's `uploads/`, else `$HOME/uploads`; created when missing.
fn uploads_dir(state: &AppState) -> Result<PathBuf, AppError> {
    let dir = match &state.config.services.uploads_dir {
        Some(dir) => dir.clone(),
        None if state.content.is_demo() => state.content.root().join("uploads"),
        None => home_dir()
            .ok_or_else(|| AppError::Unavailable("no UPLOADS_DIR and no HOME to put uploads in".to_string()))?
            .join("uploads"),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|error| AppError::Internal(anyhow::anyhow!("cannot create {}: {error}", dir.display())))?;
    dir.canonicalize()
        .map_err(|error| AppError::Internal(anyhow::anyhow!("cannot resolve {}: {error}", dir.display())))
}

/// `POST /upload/files`.
pub async fn upload_files(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<&'static str, AppError> {
    let root = prepare(&state, &headers)?;
    let form = receive(&state, &root, multipart, "files").await?;
    let directory = match form.directory.as_deref().map(str::trim) {
        None | Some("") => PathBuf::new(),
        Some(directory) => relative_path(directory).ok_or_else(|| {
            AppError::BadRequest(format!("directory {directory:?} must be a relative path"))
        })?,
    };
    if form.files.is_empty() {
        return Err(AppError::BadRequest("no files in field \"files\"".to_string()));
    }
    let target = target_dir(&root, &directory)?;
    for file in form.files {
        persist(file.temp, &target.join(&file.name))?;
    }
    Ok("OK")
}

/// `POST /upload/file`.
pub async fn upload_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<&'static str, AppError> {
    let root = prepare(&state, &headers)?;
    let mut form = receive(&state, &root, multipart, "file").await?;
    let path = form.path.as_deref().map(str::trim).unwrap_or_default();
    let relative = relative_path(path)
        .ok_or_else(|| AppError::BadRequest(format!("path {path:?} must be a relative file path")))?;
    let name = relative
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    check_name(&name)?;
    let file = match form.files.len() {
        1 => form.files.remove(0),
        0 => return Err(AppError::BadRequest("no file in field \"file\"".to_string())),
        _ => return Err(AppError::BadRequest("field \"file\" takes one file".to_string())),
    };
    let parent = relative.parent().unwrap_or(FsPath::new(""));
    let target = target_dir(&root, parent)?;
    persist(file.temp, &target.join(name))?;
    Ok("OK")
}

/// Checks the switch and the declared size; returns the uploads folder.
fn prepare(state: &AppState, headers: &HeaderMap) -> Result<PathBuf, AppError> {
    if !enabled(state).uploads {
        return Err(AppError::NotFound("uploads are not enabled".to_string()));
    }
    let limit = state.config.services.upload_limit_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    uploads_dir(state)
}

fn too_large(limit: u64) -> AppError {
    AppError::TooLarge(format!("uploads are limited to {limit} bytes per request"))
}

/// Reads every field; files (field `file_field`) go to temporary files in `root`.
async fn receive(
    state: &AppState,
    root: &FsPath,
    mut multipart: Multipart,
    file_field: &str,
) -> Result<Form, AppError> {
    let limit = state.config.services.upload_limit_bytes;
    let mut total: u64 = 0;
    let mut form = Form::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(e, limit))?
    {
        let field_name = field.name().unwrap_or_default().to_string();
        if field_name == file_field {
            let name = field.file_name().unwrap_or_default().to_string();
            if file_field == "files" {
                check_name(&name)?;
            }
            let temp = receive_file(field, root, limit, &mut total).await?;
            form.files.push(Received { temp, name });
        } else if field_name == "directory" || field_name == "path" {
            let text = field.text().await.map_err(|e| multipart_error(e, limit))?;
            total += text.len() as u64;
            if field_name == "directory" {
                form.directory = Some(text);
            } else {
                form.path = Some(text);
            }
        } else {
            // Unknown fields are drained (and counted) but ignored.
            let mut field = field;
            while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, limit))? {
                total += chunk.len() as u64;
                if total > limit {
                    return Err(too_large(limit));
                }
            }
        }
        if total > limit {
            return Err(too_large(limit));
        }
    }
    Ok(form)
}

async fn receive_file(
    mut field: Field<'_>,
    root: &FsPath,
    limit: u64,
    total: &mut u64,
) -> Result<tempfile::NamedTempFile, AppError> {
    let temp = tempfile::Builder::new()
        .prefix(".lectern-upload-")
        .tempfile_in(root)
        .map_err(|error| AppError::Internal(anyhow::anyhow!("cannot create a temporary file: {error}")))?;
    let handle = temp
        .as_file()
        .try_clone()
        .map_err(|error| AppError::Internal(anyhow::anyhow!("cannot open the temporary file: {error}")))?;
    let mut out = tokio::fs::File::from_std(handle);
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, limit))? {
        *total += chunk.len() as u64;
        if *total > limit {
            return Err(too_large(limit));
        }
        out.write_all(&chunk)
            .await
            .map_err(|error| AppError::Internal(anyhow::anyhow!("cannot write the upload: {error}")))?;
    }
    out.flush()
        .await
        .map_err(|error| AppError::Internal(anyhow::anyhow!("cannot write the upload: {error}")))?;
    Ok(temp)
}

fn multipart_error(error: MultipartError, limit: u64) -> AppError {
    if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        too_large(limit)
    } else {
        AppError::BadRequest(format!("malformed upload: {}", error.body_text()))
    }
}

/// A client-supplied relative path: absolute paths are refused, like `..` (see `safe_relative`).
fn relative_path(text: &str) -> Option<PathBuf> {
    if text.starts_with('/') {
        return None;
    }
    safe_relative(text)
}

/// Refuses names that are empty, `.`/`..`, too long, or contain separators, NUL or control characters.
fn check_name(name: &str) -> Result<(), AppError> {
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.len() > MAX_NAME_BYTES
        || name.chars().any(|c| c == '/' || c == '\\' || c.is_control());
    if bad {
        return Err(AppError::BadRequest(format!("file name {name:?} is not allowed")));
    }
    Ok(())
}

/// `root/relative`, created, whose real path must stay inside `root` (no symlink escape).
fn target_dir(root: &FsPath, relative: &FsPath) -> Result<PathBuf, AppError> {
    let dir = root.join(relative);
    std::fs::create_dir_all(&dir).map_err(|error| {
        AppError::BadRequest(format!("cannot create folder {}: {error}", relative.display()))
    })?;
    let real = dir.canonicalize().map_err(|error| {
        AppError::BadRequest(format!("cannot resolve folder {}: {error}", relative.display()))
    })?;
    if !real.starts_with(root) {
        return Err(AppError::BadRequest(format!(
            "folder {} leads outside the uploads folder",
            relative.display()
        )));
    }
    Ok(real)
}

fn persist(temp: tempfile::NamedTempFile, target: &FsPath) -> Result<(), AppError> {
    if target.is_dir() {
        return Err(AppError::Conflict(format!("{} is a folder", target.display())));
    }
    // Temporary files are created 0600; an upload is an ordinary file for the learner's tools.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = temp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    temp.persist(target).map_err(|error| {
        AppError::Internal(anyhow::anyhow!(
            "cannot save {}: {}",
            target.display(),
            error.error
        ))
    })?;
    Ok(())
}
