//! The editor's wire types, the one definition both sides use: the request of every operation (with the
//! original's field names, `isRegex` included), the reply, the failure, and [`OPS`], the table from action
//! type to endpoint. The dashboard's `frontend/src/actions/editor.generated.ts` is generated from these
//! types (ts-rs) by a unit test, which fails when the committed file differs.
//!
//! Values are read leniently, as the original's JavaScript did: a number may come as a string (`line: "3"`),
//! a terminal `session` as a number (`session: 1`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::EditorError;
pub use super::endpoints::{OPS, OpKind, OpSpec, op_for_endpoint};
pub use super::lenient::{Flag, Int, Name};
pub use super::reply::{Failure, FailureKind, Position, Range, Reply};

/// `open-file`: show a file, the cursor at `line` (1-based, default 1).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct OpenFile {
    /// The file (`~/…`, `$HOME/…`, relative to the home folder, or absolute).
    pub file: String,
    /// 1-based line.
    #[cfg_attr(test, ts(optional))]
    pub line: Option<Int>,
}

/// `create-file`: create or replace a file (the text is newline-terminated).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CreateFile {
    /// The file.
    pub file: String,
    /// Its whole content.
    #[cfg_attr(test, ts(optional))]
    pub text: Option<String>,
}

/// `create-directory`: `mkdir -p`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CreateDirectory {
    /// The folder.
    pub directory: String,
}

/// A file and lines of text: `append-to-file`, `prepend-to-file`, `insert-before-selection`,
/// `append-after-selection`, `replace-text-selection` (there `text` replaces the selection as is).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FileText {
    /// The file.
    pub file: String,
    /// The text.
    #[cfg_attr(test, ts(optional))]
    pub text: Option<String>,
}

/// Just a file: `delete-text-selection`, `close-file`, `delete-file`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FileOnly {
    /// The file.
    pub file: String,
}

/// `insert-before-line`, `append-after-line` (and its deprecated alias `insert-after-line`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AtLine {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: Int,
    /// Lines to insert.
    #[cfg_attr(test, ts(optional))]
    pub text: Option<String>,
}

/// `insert-after-match`, `insert-before-match`: at the first line containing `match` (trimmed).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AtMatch {
    /// The file.
    pub file: String,
    /// Text a line must contain.
    #[serde(rename = "match")]
    pub pattern: String,
    /// Lines to insert.
    #[cfg_attr(test, ts(optional))]
    pub text: Option<String>,
}

/// Where and how `select-matching-text` and `replace-matching-text` search: the fields both share, written
/// once and flattened into each request (the wire form keeps the original's flat field names).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MatchScope {
    /// First line searched (0-based as the original; negative counts from the end).
    #[cfg_attr(test, ts(optional))]
    pub start: Option<Int>,
    /// Line where the search stops (excluded; negative counts from the end).
    #[cfg_attr(test, ts(optional))]
    pub stop: Option<Int>,
    /// The text to find is a regular expression.
    #[cfg_attr(test, ts(optional))]
    pub is_regex: Option<Flag>,
    /// Capture group to select or replace (regular expressions).
    #[cfg_attr(test, ts(optional))]
    pub group: Option<Int>,
}

/// `select-matching-text`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SelectMatchingText {
    /// The file.
    pub file: String,
    /// Text (or pattern) to find; may span lines.
    pub text: String,
    /// Where and how to search.
    #[serde(flatten)]
    #[cfg_attr(test, ts(flatten))]
    pub scope: MatchScope,
    /// Whole lines before the match to select too (-1: all).
    #[cfg_attr(test, ts(optional))]
    pub before: Option<Int>,
    /// Whole lines after the match to select too (-1: all).
    #[cfg_attr(test, ts(optional))]
    pub after: Option<Int>,
}

/// `replace-matching-text`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReplaceMatchingText {
    /// The file.
    pub file: String,
    /// Text (or pattern) to find.
    #[serde(rename = "match")]
    pub pattern: String,
    /// Text put in its place.
    pub replacement: String,
    /// Where and how to search.
    #[serde(flatten)]
    #[cfg_attr(test, ts(flatten))]
    pub scope: MatchScope,
    /// How many matches (default 1; -1: all).
    #[cfg_attr(test, ts(optional))]
    pub count: Option<Int>,
}

/// `select-lines-in-range`, `delete-lines`: lines `start`..=`stop` (1-based; `stop` defaults to `start`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LineRange {
    /// The file.
    pub file: String,
    /// First line (1-based).
    pub start: Int,
    /// Last line (1-based, included).
    #[cfg_attr(test, ts(optional))]
    pub stop: Option<Int>,
}

/// `replace-lines`: lines `start`..=`stop` become `text`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReplaceLines {
    /// The file.
    pub file: String,
    /// First line (1-based).
    pub start: Int,
    /// Last line (1-based, included; default `start`).
    #[cfg_attr(test, ts(optional))]
    pub stop: Option<Int>,
    /// The new lines.
    #[cfg_attr(test, ts(optional))]
    pub text: Option<String>,
}

/// `delete-matching-lines`: the first line matching, with `before`/`after` lines around it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DeleteMatchingLines {
    /// The file.
    pub file: String,
    /// Text (or pattern) a line must contain.
    #[serde(rename = "match")]
    pub pattern: String,
    /// `match` is a regular expression.
    #[cfg_attr(test, ts(optional))]
    pub is_regex: Option<Flag>,
    /// Lines before to delete too (-1: all).
    #[cfg_attr(test, ts(optional))]
    pub before: Option<Int>,
    /// Lines after to delete too (-1: all).
    #[cfg_attr(test, ts(optional))]
    pub after: Option<Int>,
}

/// `copy-file`, `rename-file` (both overwrite `dest`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CopyFile {
    /// The file to copy or move.
    pub src: String,
    /// Where to.
    pub dest: String,
    /// Show `dest` in the editor afterwards (default yes).
    #[cfg_attr(test, ts(optional))]
    pub open: Option<Flag>,
}

/// `set-yaml-value`, `add-yaml-item`, `replace-yaml-item`, `merge-yaml-values`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct YamlValue {
    /// The YAML file.
    pub file: String,
    /// Path: `a.b[0][name=x]["k.with.dots"]`.
    pub path: String,
    /// The value (any YAML value; a mapping for `merge-yaml-values`).
    #[serde(default)]
    #[cfg_attr(test, ts(type = "unknown"))]
    pub value: Value,
}

/// `insert-yaml-item`: `value` goes into the sequence at `path`, at `index` (default 0).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct YamlInsert {
    /// The YAML file.
    pub file: String,
    /// Path of a sequence.
    pub path: String,
    /// Position (0-based; past the end appends).
    #[cfg_attr(test, ts(optional))]
    pub index: Option<Int>,
    /// The item.
    #[serde(default)]
    #[cfg_attr(test, ts(type = "unknown"))]
    pub value: Value,
}

/// `delete-yaml-value`, `select-yaml-path` (an empty path is the whole document).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct YamlPath {
    /// The YAML file.
    pub file: String,
    /// Path.
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub path: Option<String>,
}

/// `paste` (deprecated `editor:insert-value-into-yaml`): add `paste` to the mapping or sequence at `yamlPath`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Paste {
    /// The YAML file.
    pub file: String,
    /// Path of a mapping or sequence.
    #[serde(default)]
    pub yaml_path: String,
    /// The value: YAML text, or any value (dumped as YAML).
    #[serde(default)]
    #[cfg_attr(test, ts(type = "unknown"))]
    pub paste: Value,
}

/// The editor terminal operations (`terminal-open`, `-close`, `-send`, `-interrupt`, `-clear`).
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Terminal {
    /// VS Code terminal name (default `educates`).
    #[cfg_attr(test, ts(optional))]
    pub session: Option<Name>,
    /// Text to send (`terminal-send`).
    #[cfg_attr(test, ts(optional))]
    pub text: Option<String>,
    /// Add a newline (`terminal-send`; default yes).
    #[cfg_attr(test, ts(optional))]
    pub endl: Option<Flag>,
}

/// A request: one operation and its fields.
#[derive(Debug, Clone)]
pub enum Request {
    /// `open-file`.
    OpenFile(OpenFile),
    /// `create-file`.
    CreateFile(CreateFile),
    /// `create-directory`.
    CreateDirectory(CreateDirectory),
    /// `append-to-file`.
    AppendToFile(FileText),
    /// `prepend-to-file`.
    PrependToFile(FileText),
    /// `insert-before-line`.
    InsertBeforeLine(AtLine),
    /// `append-after-line`, `insert-after-line`.
    AppendAfterLine(AtLine),
    /// `insert-after-match`.
    InsertAfterMatch(AtMatch),
    /// `insert-before-match`.
    InsertBeforeMatch(AtMatch),
    /// `select-matching-text`.
    SelectMatchingText(SelectMatchingText),
    /// `replace-text-selection`.
    ReplaceTextSelection(FileText),
    /// `delete-text-selection`.
    DeleteTextSelection(FileOnly),
    /// `insert-before-selection`.
    InsertBeforeSelection(FileText),
    /// `append-after-selection`.
    AppendAfterSelection(FileText),
    /// `replace-matching-text`.
    ReplaceMatchingText(ReplaceMatchingText),
    /// `select-lines-in-range`.
    SelectLines(LineRange),
    /// `delete-lines`.
    DeleteLines(LineRange),
    /// `delete-matching-lines`.
    DeleteMatchingLines(DeleteMatchingLines),
    /// `replace-lines`.
    ReplaceLines(ReplaceLines),
    /// `copy-file`.
    CopyFile(CopyFile),
    /// `rename-file`.
    RenameFile(CopyFile),
    /// `close-file`.
    CloseFile(FileOnly),
    /// `delete-file`.
    DeleteFile(FileOnly),
    /// `paste`.
    Paste(Paste),
    /// `set-yaml-value`.
    SetYamlValue(YamlValue),
    /// `add-yaml-item`.
    AddYamlItem(YamlValue),
    /// `insert-yaml-item`.
    InsertYamlItem(YamlInsert),
    /// `replace-yaml-item`.
    ReplaceYamlItem(YamlValue),
    /// `delete-yaml-value`.
    DeleteYamlValue(YamlPath),
    /// `merge-yaml-values`.
    MergeYamlValues(YamlValue),
    /// `select-yaml-path`.
    SelectYamlPath(YamlPath),
    /// `terminal-open`.
    TerminalOpen(Terminal),
    /// `terminal-close`.
    TerminalClose(Terminal),
    /// `terminal-send`.
    TerminalSend(Terminal),
    /// `terminal-interrupt`.
    TerminalInterrupt(Terminal),
    /// `terminal-clear`.
    TerminalClear(Terminal),
    /// `POST /command/<id>`: run a VS Code command with these arguments.
    Command {
        /// The VS Code command id.
        command: String,
        /// Its arguments.
        args: Vec<Value>,
    },
}

impl Request {
    /// Reads the body of `POST /code-server/editor/<endpoint>`. A wrong or missing field is a
    /// [`EditorError::BadRequest`] naming it.
    pub fn parse(endpoint: &str, body: Value) -> Result<Self, EditorError> {
        fn read<T: serde::de::DeserializeOwned>(endpoint: &str, body: Value) -> Result<T, EditorError> {
            let body = if body.is_null() {
                Value::Object(Default::default())
            } else {
                body
            };
            serde_json::from_value(body).map_err(|error| {
                EditorError::BadRequest(format!("editor:{endpoint}: {}", friendly(&error.to_string())))
            })
        }
        use Request as R;
        Ok(match endpoint {
            "open-file" => R::OpenFile(read(endpoint, body)?),
            "create-file" => R::CreateFile(read(endpoint, body)?),
            "create-directory" => R::CreateDirectory(read(endpoint, body)?),
            "append-to-file" => R::AppendToFile(read(endpoint, body)?),
            "prepend-to-file" => R::PrependToFile(read(endpoint, body)?),
            "insert-before-line" => R::InsertBeforeLine(read(endpoint, body)?),
            "append-after-line" | "insert-after-line" => R::AppendAfterLine(read(endpoint, body)?),
            "insert-after-match" => R::InsertAfterMatch(read(endpoint, body)?),
            "insert-before-match" => R::InsertBeforeMatch(read(endpoint, body)?),
            "select-matching-text" => R::SelectMatchingText(read(endpoint, body)?),
            "replace-text-selection" => R::ReplaceTextSelection(read(endpoint, body)?),
            "delete-text-selection" => R::DeleteTextSelection(read(endpoint, body)?),
            "insert-before-selection" => R::InsertBeforeSelection(read(endpoint, body)?),
            "append-after-selection" => R::AppendAfterSelection(read(endpoint, body)?),
            "replace-matching-text" => R::ReplaceMatchingText(read(endpoint, body)?),
            "select-lines-in-range" => R::SelectLines(read(endpoint, body)?),
            "delete-lines" => R::DeleteLines(read(endpoint, body)?),
            "delete-matching-lines" => R::DeleteMatchingLines(read(endpoint, body)?),
            "replace-lines" => R::ReplaceLines(read(endpoint, body)?),
            "copy-file" => R::CopyFile(read(endpoint, body)?),
            "rename-file" => R::RenameFile(read(endpoint, body)?),
            "close-file" => R::CloseFile(read(endpoint, body)?),
            "delete-file" => R::DeleteFile(read(endpoint, body)?),
            "paste" => R::Paste(read(endpoint, body)?),
            "set-yaml-value" => R::SetYamlValue(read(endpoint, body)?),
            "add-yaml-item" => R::AddYamlItem(read(endpoint, body)?),
            "insert-yaml-item" => R::InsertYamlItem(read(endpoint, body)?),
            "replace-yaml-item" => R::ReplaceYamlItem(read(endpoint, body)?),
            "delete-yaml-value" => R::DeleteYamlValue(read(endpoint, body)?),
            "merge-yaml-values" => R::MergeYamlValues(read(endpoint, body)?),
            "select-yaml-path" => R::SelectYamlPath(read(endpoint, body)?),
            "terminal-open" => R::TerminalOpen(read(endpoint, body)?),
            "terminal-close" => R::TerminalClose(read(endpoint, body)?),
            "terminal-send" => R::TerminalSend(read(endpoint, body)?),
            "terminal-interrupt" => R::TerminalInterrupt(read(endpoint, body)?),
            "terminal-clear" => R::TerminalClear(read(endpoint, body)?),
            other => return Err(EditorError::UnknownOperation(other.to_string())),
        })
    }

    /// `POST /code-server/command/<id>` with a JSON list of arguments (anything else: no arguments).
    pub fn command(command: &str, body: Value) -> Result<Self, EditorError> {
        if command.trim().is_empty() {
            return Err(EditorError::BadRequest(
                "editor:execute-command: no command given".into(),
            ));
        }
        let args = match body {
            Value::Array(items) => items,
            _ => Vec::new(),
        };
        Ok(Request::Command {
            command: command.to_string(),
            args,
        })
    }
}

/// serde's "missing field `file`" as "the `file` field is missing".
fn friendly(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("missing field `")
        && let Some(name) = rest.split('`').next()
    {
        return format!("the `{name}` field is missing");
    }
    message.to_string()
}
