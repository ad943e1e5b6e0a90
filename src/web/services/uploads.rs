//! `POST /upload/files` (field `files`, many, plus optional `directory`) and `POST /upload/file` (field `file`
//! plus `path`): multipart uploads into `UPLOADS_DIR`, limited by `LECTERN_UPLOAD_LIMIT`.
//!
//! Fixes of the original (W25) and of issue 11: names are refused, not trusted, when they contain `/`, `\`,
//! NUL, control characters or are `.`/`..`; target folders are created through `crate::jail`, one name at a
//! time, so a symlink cannot make them appear outside the uploads folder; the request size is capped
//! (`LECTERN_UPLOAD_LIMIT`), text fields are read with a small bound instead of buffered whole, and the
//! uploads folder as a whole has a quota (`LECTERN_UPLOAD_QUOTA`); files are written to a temporary file in
//! the uploads folder and renamed into place only when the whole request succeeded, so a failed or too-large
//! upload leaves nothing behind.

use std::path::{Path as FsPath, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, header};
use tokio::io::AsyncWriteExt;

use super::{AppError, AppState, enabled, home_dir};
use crate::jail::{Jail, JailError};

/// Longest accepted file name, bytes.
const MAX_NAME_BYTES: usize = 255;
/// Longest accepted text field (`directory`, `path`), bytes: a path, so Linux's `PATH_MAX`.
const MAX_FIELD_BYTES: usize = 4096;
/// The quota's measurement of the uploads folder stops after this many entries (and counts it as full).
const MAX_QUOTA_ENTRIES: usize = 100_000;

/// Bytes being received right now by all uploads together (the quota counts them before they land).
static IN_FLIGHT: AtomicU64 = AtomicU64::new(0);

/// A file received into a temporary file, waiting to be renamed into place.
struct Received {
    temp: tempfile::NamedTempFile,
    name: String,
}

/// What one multipart request carried.
struct Form {
    files: Vec<Received>,
    directory: Option<String>,
    path: Option<String>,
    /// Holds this request's share of the quota until the files are in place.
    budget: Budget,
}

/// One request's bytes against the request limit and (for the uploads folder) its quota.
struct Budget {
    limit: u64,
    /// The folder's quota; `None` for a folder without one (the Files tab's files folder).
    quota: Option<u64>,
    /// Size of the uploads folder when the request started.
    used: u64,
    /// Bytes of this request so far (every field).
    total: u64,
    /// File bytes of this request counted in [`IN_FLIGHT`].
    reserved: u64,
}

impl Budget {
    /// Counts `n` more bytes of the request.
    fn count(&mut self, n: usize) -> Result<(), AppError> {
        self.total += n as u64;
        if self.total > self.limit {
            return Err(too_large(self.limit));
        }
        Ok(())
    }

    /// Counts `n` more bytes of a file, which will land in the uploads folder.
    fn count_file(&mut self, n: usize) -> Result<(), AppError> {
        self.count(n)?;
        let Some(quota) = self.quota else {
            return Ok(());
        };
        self.reserved += n as u64;
        let in_flight = IN_FLIGHT.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if self.used.saturating_add(in_flight) > quota {
            return Err(AppError::TooLarge(format!(
                "the uploads folder is full: it may hold {quota} bytes (LECTERN_UPLOAD_QUOTA)"
            )));
        }
        Ok(())
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(self.reserved, Ordering::Relaxed);
    }
}

/// `UPLOADS_DIR`, else the demo's `uploads/`, else `$HOME/uploads`; created when missing.
fn uploads_dir(state: &AppState) -> Result<Jail, AppError> {
    let dir = match &state.config.services.uploads_dir {
        Some(dir) => dir.clone(),
        None if state.content.is_demo() => state.content.root().join("uploads"),
        None => home_dir()
            .ok_or_else(|| AppError::Unavailable("no UPLOADS_DIR and no HOME to put uploads in".to_string()))?
            .join("uploads"),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|error| AppError::Internal(anyhow::anyhow!("cannot create {}: {error}", dir.display())))?;
    Jail::new(&dir)
        .map_err(|error| AppError::Internal(anyhow::anyhow!("cannot resolve {}: {error}", dir.display())))
}

/// `POST /upload/files`. Answers `OK`, or with `Accept: application/json` the absolute paths written
/// (`{"files": [...]}`: the dashboard types them into the terminal a file was dropped on).
pub async fn upload_files(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("application/json"));
    let jail = prepare(&state, &headers)?;
    let quota = Some(state.config.services.upload_quota_bytes);
    let form = receive(&state, jail.root(), quota, multipart, "files").await?;
    if form.files.is_empty() {
        return Err(AppError::BadRequest("no files in field \"files\"".to_string()));
    }
    let target = match form.directory.as_deref().map(str::trim) {
        None | Some("") => jail.root().to_path_buf(),
        Some(directory) => target_dir(&jail, directory, "directory")?,
    };
    let mut written = Vec::with_capacity(form.files.len());
    for file in form.files {
        let path = target.join(&file.name);
        persist(file.temp, &path)?;
        written.push(path.to_string_lossy().into_owned());
    }
    if wants_json {
        return Ok(axum::Json(serde_json::json!({ "files": written })).into_response());
    }
    Ok("OK".into_response())
}

/// `POST /upload/file`.
pub async fn upload_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<&'static str, AppError> {
    let jail = prepare(&state, &headers)?;
    let quota = Some(state.config.services.upload_quota_bytes);
    let mut form = receive(&state, jail.root(), quota, multipart, "file").await?;
    let path = form.path.as_deref().map(str::trim).unwrap_or_default();
    let relative = jail
        .relative(path)
        .map_err(|_| AppError::BadRequest(format!("path {path:?} must be a relative file path")))?;
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
    let target = match relative
        .parent()
        .and_then(FsPath::to_str)
        .filter(|p| !p.is_empty())
    {
        Some(parent) => target_dir(&jail, parent, "path")?,
        None => jail.root().to_path_buf(),
    };
    persist(file.temp, &target.join(name))?;
    Ok("OK")
}

/// Checks the switch and the declared size; returns the uploads folder.
fn prepare(state: &AppState, headers: &HeaderMap) -> Result<Jail, AppError> {
    if !enabled(state).uploads {
        return Err(AppError::NotFound("uploads are not enabled".to_string()));
    }
    check_declared_size(state, headers)?;
    uploads_dir(state)
}

/// A request whose `Content-Length` is over `LECTERN_UPLOAD_LIMIT` is refused before it is read.
pub(super) fn check_declared_size(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let limit = state.config.services.upload_limit_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    Ok(())
}

/// The files of a multipart field `files`, received into temporary files in `temp_dir` (no quota: the
/// Files tab's uploads into the files folder) and ready to be [`persist`]ed; names checked.
pub(super) async fn receive_files(
    state: &AppState,
    temp_dir: &FsPath,
    multipart: Multipart,
) -> Result<Vec<(tempfile::NamedTempFile, String)>, AppError> {
    let form = receive(state, temp_dir, None, multipart, "files").await?;
    Ok(form
        .files
        .into_iter()
        .map(|file| (file.temp, file.name))
        .collect())
}

fn too_large(limit: u64) -> AppError {
    AppError::TooLarge(format!("uploads are limited to {limit} bytes per request"))
}

/// Reads every field; files (field `file_field`) go to temporary files in `temp_dir`, counted against
/// `quota` for the size of that folder when there is one.
async fn receive(
    state: &AppState,
    temp_dir: &FsPath,
    quota: Option<u64>,
    mut multipart: Multipart,
    file_field: &str,
) -> Result<Form, AppError> {
    let limit = state.config.services.upload_limit_bytes;
    let used = match quota {
        Some(_) => {
            let root = temp_dir.to_path_buf();
            tokio::task::spawn_blocking(move || folder_size(&root))
                .await
                .unwrap_or(u64::MAX)
        }
        None => 0,
    };
    let mut form = Form {
        files: Vec::new(),
        directory: None,
        path: None,
        budget: Budget {
            limit,
            quota,
            used,
            total: 0,
            reserved: 0,
        },
    };
    let budget = &mut form.budget;
    while let Some(mut field) = multipart
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
            let temp = receive_file(field, temp_dir, budget).await?;
            form.files.push(Received { temp, name });
        } else if field_name == "directory" || field_name == "path" {
            let text = read_text(field, &field_name, budget).await?;
            if field_name == "directory" {
                form.directory = Some(text);
            } else {
                form.path = Some(text);
            }
        } else {
            // Unknown fields are drained (and counted) but ignored.
            while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, limit))? {
                budget.count(chunk.len())?;
            }
        }
    }
    Ok(form)
}

/// A text field, read in chunks and refused once it is longer than a path can be (never buffered whole:
/// issue 11, finding 7).
async fn read_text(mut field: Field<'_>, name: &str, budget: &mut Budget) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| multipart_error(e, budget.limit))?
    {
        budget.count(chunk.len())?;
        if bytes.len() + chunk.len() > MAX_FIELD_BYTES {
            return Err(AppError::TooLarge(format!(
                "field {name:?} is longer than {MAX_FIELD_BYTES} bytes"
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| AppError::BadRequest(format!("field {name:?} is not UTF-8")))
}

async fn receive_file(
    mut field: Field<'_>,
    root: &FsPath,
    budget: &mut Budget,
) -> Result<tempfile::NamedTempFile, AppError> {
    let temp = tempfile::Builder::new()
        .prefix(".lectern-upload-")
        .tempfile_in(root)
        .map_err(|error| storage_error("cannot create a temporary file", error))?;
    let handle = temp
        .as_file()
        .try_clone()
        .map_err(|error| storage_error("cannot open the temporary file", error))?;
    let mut out = tokio::fs::File::from_std(handle);
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| multipart_error(e, budget.limit))?
    {
        budget.count_file(chunk.len())?;
        out.write_all(&chunk)
            .await
            .map_err(|error| storage_error("cannot write the upload", error))?;
    }
    out.flush()
        .await
        .map_err(|error| storage_error("cannot write the upload", error))?;
    Ok(temp)
}

/// A full disk or quota is the learner's to know about (507, saying so); anything else is ours (500).
fn storage_error(what: &str, error: std::io::Error) -> AppError {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => {
            AppError::InsufficientStorage(format!("{what}: no space left on the disk ({error})"))
        }
        _ => AppError::Internal(anyhow::anyhow!("{what}: {error}")),
    }
}

/// Bytes of the regular files under `dir` (symlinks not followed); `u64::MAX` past
/// [`MAX_QUOTA_ENTRIES`] entries, so an unmeasurable folder counts as full.
fn folder_size(dir: &FsPath) -> u64 {
    let mut total = 0u64;
    let mut entries = 0usize;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(listing) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in listing.flatten() {
            entries += 1;
            if entries > MAX_QUOTA_ENTRIES {
                return u64::MAX;
            }
            let Ok(meta) = entry.metadata() else {
                continue;
            };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if meta.is_file() {
                total = total.saturating_add(meta.len());
            }
        }
    }
    total
}

fn multipart_error(error: MultipartError, limit: u64) -> AppError {
    if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        too_large(limit)
    } else {
        AppError::BadRequest(format!("malformed upload: {}", error.body_text()))
    }
}

/// Refuses names that are empty, `.`/`..`, too long, or contain separators, NUL or control characters.
pub(super) fn check_name(name: &str) -> Result<(), AppError> {
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

/// The folder `relative` inside the uploads folder, created through the jail (nothing is ever created
/// outside, even through a symlink); `field` names the form field for the error.
fn target_dir(jail: &Jail, relative: &str, field: &str) -> Result<PathBuf, AppError> {
    jail.create_dir_all(relative).map_err(|error| match error {
        JailError::Invalid { .. } | JailError::Hidden(_) => {
            AppError::BadRequest(format!("{field} {relative:?} must be a relative path"))
        }
        JailError::Outside(_) => {
            AppError::BadRequest(format!("folder {relative:?} leads outside the uploads folder"))
        }
        other => AppError::BadRequest(format!("cannot create folder {relative:?}: {other}")),
    })
}

/// Renames a received file into place (replacing a file of that name, never a folder).
pub(super) fn persist(temp: tempfile::NamedTempFile, target: &FsPath) -> Result<(), AppError> {
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
    temp.persist(target)
        .map_err(|error| storage_error(&format!("cannot save {}", target.display()), error.error))?;
    Ok(())
}
