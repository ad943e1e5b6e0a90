//! `GET /terminal/{name}/output`: everything the terminal printed since it started (as much as its
//! bounded log keeps, see `terminal/output.rs`), raw bytes, as a download. `X-Lectern-Output-Start` is
//! the seq of the first byte (0 unless the bound dropped older output); `X-Lectern-Output-Incomplete`
//! says why output is missing, when it is.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::io::AsyncReadExt;

use super::terminal_name;
use crate::terminal::TerminalHub;
use crate::web::AppError;

/// The terminal's full output.
pub async fn output(State(hub): State<TerminalHub>, Path(name): Path<String>) -> Result<Response, AppError> {
    let name = terminal_name(&hub, &name)?;
    let terminal = hub
        .get(&name)
        .ok_or_else(|| AppError::NotFound(format!("no terminal named {name}")))?;
    let log = terminal
        .output()
        .ok_or_else(|| AppError::NotFound(format!("the output of terminal {name} is not kept")))?;
    let (start, segments) = log.segments();
    let length: u64 = segments.iter().map(|(_, len)| len).sum();
    let mut files = Vec::new();
    for (path, len) in segments {
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|error| AppError::Internal(anyhow::Error::new(error)))?;
        files.push(file.take(len));
    }
    let body = futures_util::stream::iter(files).flat_map(tokio_util::io::ReaderStream::new);
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_string()),
            (header::CONTENT_LENGTH, length.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"terminal-{name}-output.txt\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(body),
    )
        .into_response();
    let headers = response.headers_mut();
    if let Ok(value) = start.to_string().parse() {
        headers.insert("x-lectern-output-start", value);
    }
    if let Some(reason) = log.failed()
        && let Ok(value) = reason.parse()
    {
        headers.insert("x-lectern-output-incomplete", value);
    }
    Ok(response)
}
