//! `GET /terminal/{name}/screen`: the terminal's screen as the server's model has it, as text (one line
//! per row) or JSON (`?format=json` or `Accept: application/json`: size, cursor, title, lines). For
//! `lectern test` waiting for prompts, screen readers and tools; it never starts a terminal.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::terminal_name;
use crate::terminal::TerminalHub;
use crate::terminal::screen::ScreenText;
use crate::web::AppError;

/// Query string of the screen and output routes.
#[derive(Debug, Deserialize)]
pub struct FormatQuery {
    /// `json` or `text`.
    format: Option<String>,
}

/// The JSON form of a screen.
#[derive(Debug, Serialize)]
struct ScreenJson {
    terminal: String,
    cols: u16,
    rows: u16,
    cursor: CursorJson,
    title: String,
    alternate: bool,
    seq: u64,
    skipped: bool,
    lines: Vec<String>,
}

#[derive(Debug, Serialize)]
struct CursorJson {
    col: usize,
    row: usize,
    visible: bool,
}

/// Whether the client asked for JSON.
fn wants_json(query: &FormatQuery, headers: &HeaderMap) -> Result<bool, AppError> {
    match query.format.as_deref() {
        Some("json") => Ok(true),
        Some("text") => Ok(false),
        Some(other) => Err(AppError::BadRequest(format!(
            "invalid format {other:?}: use text or json"
        ))),
        None => Ok(headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("application/json"))),
    }
}

/// The terminal's screen now.
pub async fn screen(
    State(hub): State<TerminalHub>,
    Path(name): Path<String>,
    Query(query): Query<FormatQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let name = terminal_name(&hub, &name)?;
    let json = wants_json(&query, &headers)?;
    let terminal = hub
        .get(&name)
        .ok_or_else(|| AppError::NotFound(format!("no terminal named {name}")))?;
    // Feeding the model what it lacks is CPU work: not on a request thread.
    let text: ScreenText = tokio::task::spawn_blocking(move || terminal.with_screen(|screen| screen.text()))
        .await
        .map_err(|error| AppError::Internal(anyhow::Error::new(error)))?;
    if json {
        return Ok(Json(ScreenJson {
            terminal: name.to_string(),
            cols: text.size.cols,
            rows: text.size.rows,
            cursor: CursorJson {
                col: text.cursor.0,
                row: text.cursor.1,
                visible: text.cursor.2,
            },
            title: text.title,
            alternate: text.alternate,
            seq: text.seq,
            skipped: text.skipped,
            lines: text.lines,
        })
        .into_response());
    }
    let mut body = text.lines.join("\n");
    body.push('\n');
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response())
}
