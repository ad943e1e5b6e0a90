//! The answers of the editor endpoints (a reply, or a failure a learner understands) and the VS Code
//! positions they speak in; generated into the dashboard's and the extension's TypeScript.

use serde::{Deserialize, Serialize};

/// A position in a file as VS Code counts it: 0-based line, 0-based character in UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Position {
    /// 0-based line.
    pub line: u32,
    /// 0-based UTF-16 offset in the line.
    pub character: u32,
}

/// A selection (`start` ≤ `end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Range {
    /// Where it starts.
    pub start: Position,
    /// Where it ends.
    pub end: Position,
}

/// The answer to a successful operation (200, JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Reply {
    /// The file acted on, as the learner knows it (`~/exercises/x.txt`), if any.
    #[cfg_attr(test, ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The selection (or cursor) left in it.
    #[cfg_attr(test, ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<Range>,
    /// Whether the running editor was reached (`false`: it shows the change when it next opens).
    pub shown: bool,
}

/// Why an operation failed, for the dashboard to word it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename_all = "kebab-case"))]
pub enum FailureKind {
    /// A field is missing or wrong.
    BadRequest,
    /// The path is outside the editor's workspace.
    Outside,
    /// The file or folder does not exist.
    NotFound,
    /// The text, pattern or path matched nothing.
    NoMatch,
    /// The file is not text or not valid YAML.
    NotEditable,
    /// The editor is not enabled, or not running.
    EditorUnavailable,
    /// The editor failed to carry it out.
    EditorFailed,
    /// A file-system error.
    Io,
}

/// The answer to a failed operation (4xx/5xx, JSON): a message a learner understands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Failure {
    /// What went wrong and, where it helps, what to do.
    pub error: String,
    /// Its kind.
    pub kind: FailureKind,
}
