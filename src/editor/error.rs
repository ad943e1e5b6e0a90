//! Why an editor operation failed, worded for the learner who clicked it (the message names the file
//! and field), and its [`FailureKind`] for the web edge's status map.

use super::request::FailureKind;

/// An editor operation that could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    /// A field is missing or has the wrong type.
    #[error("{0}")]
    BadRequest(String),
    /// No such operation.
    #[error("there is no editor operation {0:?}")]
    UnknownOperation(String),
    /// The path leads outside the workspace.
    #[error("{path} is outside the editor's workspace ({root}): only files there can be changed")]
    Outside {
        /// The path as given.
        path: String,
        /// The workspace folder.
        root: String,
    },
    /// The file (or folder) does not exist.
    #[error("{0} does not exist")]
    NotFound(String),
    /// A folder is in the way of a file, or a file in the way of a folder.
    #[error("{0}")]
    WrongType(String),
    /// The text, line, pattern or YAML path matched nothing.
    #[error("{0}")]
    NoMatch(String),
    /// A regular expression that does not compile.
    #[error("invalid regular expression {pattern:?}: {reason}")]
    BadRegex {
        /// The pattern.
        pattern: String,
        /// The compiler's complaint (first line).
        reason: String,
    },
    /// A YAML path that cannot be read.
    #[error("invalid YAML path {path:?}: {reason}")]
    BadYamlPath {
        /// The path.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The file is binary, too large, or not valid YAML for a YAML operation.
    #[error("{0}")]
    NotEditable(String),
    /// The editor is not enabled, or is not running (for operations that need it).
    #[error("{0}")]
    EditorUnavailable(String),
    /// The editor reported a failure.
    #[error("the editor could not do it: {0}")]
    EditorFailed(String),
    /// A file-system error.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

impl EditorError {
    /// Its kind on the wire.
    pub fn kind(&self) -> FailureKind {
        match self {
            EditorError::BadRequest(_) | EditorError::UnknownOperation(_) | EditorError::BadRegex { .. } => {
                FailureKind::BadRequest
            }
            EditorError::BadYamlPath { .. } => FailureKind::BadRequest,
            EditorError::Outside { .. } => FailureKind::Outside,
            EditorError::NotFound(_) => FailureKind::NotFound,
            EditorError::WrongType(_) | EditorError::NotEditable(_) => FailureKind::NotEditable,
            EditorError::NoMatch(_) => FailureKind::NoMatch,
            EditorError::EditorUnavailable(_) => FailureKind::EditorUnavailable,
            EditorError::EditorFailed(_) => FailureKind::EditorFailed,
            EditorError::Io { .. } => FailureKind::Io,
        }
    }

    /// An I/O error on `path`, as a not-found error when that is what it is.
    pub fn io(path: &str, source: std::io::Error) -> Self {
        match source.kind() {
            std::io::ErrorKind::NotFound => EditorError::NotFound(path.to_string()),
            std::io::ErrorKind::IsADirectory => {
                EditorError::WrongType(format!("{path} is a folder, not a file"))
            }
            _ => EditorError::Io {
                path: path.to_string(),
                source,
            },
        }
    }
}
