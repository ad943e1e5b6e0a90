//! HTTP input API for clickable actions: `POST /terminal/api/{name}/{paste,execute,interrupt,clear}`.
//! Each call starts the terminal if needed and answers 204 once the input is queued for the PTY. A staff
//! user's input goes to their own terminal, or is refused while they only watch the learner's
//! (`auth/staff.rs`).

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use bytes::Bytes;
use serde::Deserialize;

use super::{staff_terminal, terminal_name};
use crate::auth::Principal;
use crate::terminal::{TerminalError, TerminalHub, TerminalName};
use crate::web::AppError;

/// Clears screen and scrollback in xterm-compatible terminals (home, erase display, erase saved).
pub const CLEAR_SEQUENCE: &[u8] = b"\x1b[H\x1b[2J\x1b[3J";
/// Ctrl-C.
const INTERRUPT: &[u8] = b"\x03";

/// `POST /terminal/api/{name}/paste` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasteBody {
    /// Text to paste (newlines become carriage returns, as when pasting into xterm).
    pub text: String,
}

/// `POST /terminal/api/{name}/execute` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecuteBody {
    /// Command line to run; `<ctrl-c>` / `<ctrl+c>` sends an interrupt instead.
    pub command: String,
    /// Clear the screen first.
    #[serde(default)]
    pub clear: bool,
}

fn to_app_error(error: TerminalError) -> AppError {
    match error {
        TerminalError::BadName(_) | TerminalError::BadSize { .. } => AppError::BadRequest(error.to_string()),
        TerminalError::Disabled => AppError::NotFound(error.to_string()),
        TerminalError::Exited(_) | TerminalError::Running(_) => AppError::Conflict(error.to_string()),
        TerminalError::TooMany(_) | TerminalError::Busy(_) | TerminalError::ShuttingDown => {
            AppError::Unavailable(error.to_string())
        }
        TerminalError::Spawn { .. } => AppError::Internal(anyhow::Error::new(error)),
    }
}

async fn write(hub: &TerminalHub, name: &str, clear: bool, data: Vec<u8>) -> Result<StatusCode, AppError> {
    let name = terminal_name(hub, name)?;
    let terminal = hub.get_or_start(&name).map_err(to_app_error)?;
    if !terminal.running() {
        return Err(to_app_error(TerminalError::Exited(name.to_string())));
    }
    if clear {
        terminal.inject_output(CLEAR_SEQUENCE);
    }
    if !data.is_empty() {
        terminal
            .input(None, Bytes::from(data))
            .await
            .map_err(to_app_error)?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The JSON body, or a 400 naming what is wrong with it.
fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, AppError> {
    body.map(|Json(body)| body)
        .map_err(|rejection| AppError::BadRequest(format!("invalid request body: {}", rejection.body_text())))
}

/// Newlines become `\r`, as xterm's paste does.
pub(crate) fn as_typed(text: &str) -> Vec<u8> {
    text.replace("\r\n", "\r").replace('\n', "\r").into_bytes()
}

/// The terminal the request's user types into: `{name}` from the path, a staff user's own unless they
/// chose the learner's (`auth/staff.rs`); refused while they only watch the learner's.
pub struct InputTarget(String);

impl<S: Send + Sync> FromRequestParts<S> for InputTarget {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path(name) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| AppError::BadRequest(rejection.body_text()))?;
        match staff_terminal(parts.extensions.get::<Principal>(), &parts.headers, &name) {
            (_, true) => Err(AppError::Forbidden(
                "you are watching the learner's terminals read-only (/staff/terminals?use=join to type)"
                    .to_string(),
            )),
            (name, false) => Ok(Self(name)),
        }
    }
}

/// Pastes text (bracketed when the program enabled bracketed paste).
pub async fn paste(
    State(hub): State<TerminalHub>,
    InputTarget(name): InputTarget,
    paste: Result<Json<PasteBody>, JsonRejection>,
) -> Result<StatusCode, AppError> {
    let body = json_body(paste)?;
    let mut data = as_typed(&body.text);
    let bracketed = TerminalName::parse(&name)
        .ok()
        .and_then(|name| hub.get(&name))
        .is_some_and(|terminal| terminal.bracketed_paste());
    if bracketed {
        let mut wrapped = b"\x1b[200~".to_vec();
        wrapped.append(&mut data);
        wrapped.extend_from_slice(b"\x1b[201~");
        data = wrapped;
    }
    write(&hub, &name, false, data).await
}

/// Types a command and Enter (optionally clearing first); `<ctrl-c>` interrupts instead.
pub async fn execute(
    State(hub): State<TerminalHub>,
    InputTarget(name): InputTarget,
    execute: Result<Json<ExecuteBody>, JsonRejection>,
) -> Result<StatusCode, AppError> {
    let body = json_body(execute)?;
    let command = body.command.trim();
    if command.eq_ignore_ascii_case("<ctrl-c>") || command.eq_ignore_ascii_case("<ctrl+c>") {
        return write(&hub, &name, body.clear, INTERRUPT.to_vec()).await;
    }
    let mut data = as_typed(&body.command);
    data.push(b'\r');
    write(&hub, &name, body.clear, data).await
}

/// Sends Ctrl-C.
pub async fn interrupt(
    State(hub): State<TerminalHub>,
    InputTarget(name): InputTarget,
) -> Result<StatusCode, AppError> {
    write(&hub, &name, false, INTERRUPT.to_vec()).await
}

/// Clears screen and scrollback for every viewer (an escape sequence added to the output stream).
pub async fn clear(
    State(hub): State<TerminalHub>,
    InputTarget(name): InputTarget,
) -> Result<StatusCode, AppError> {
    write(&hub, &name, true, Vec::new()).await
}
