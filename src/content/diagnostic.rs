//! Diagnostics: a workshop mistake with file, line and message — never an error that stops rendering.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth fixing, the page still works.
    Warning,
    /// Something on the page does not work.
    Error,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A problem found in a workshop, located in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// The file, relative to the workshop root where possible.
    pub file: PathBuf,
    /// 1-based line, 0 when not tied to a line.
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
    /// Lowercase message without a final period.
    pub message: String,
}

impl Diagnostic {
    /// An error at `file:line`.
    pub fn error(file: &Path, line: u32, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line,
            column: 0,
            message: message.into(),
        }
    }

    /// A warning at `file:line`.
    pub fn warning(file: &Path, line: u32, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            file: file.to_path_buf(),
            line,
            column: 0,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: severity: message`, as compilers write it; a problem of a whole file (line 0)
    /// is `file: severity: message`, never `file:0:0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ": {}: {}", self.severity.as_str(), self.message)
    }
}

/// The source line of `diagnostic` under its text form with a caret at its column, like a compiler's code
/// frame (empty when the file cannot be read or the diagnostic has no line). `root` is what its file is
/// relative to.
pub fn code_frame(root: &Path, diagnostic: &Diagnostic) -> String {
    if diagnostic.line == 0 {
        return String::new();
    }
    let path = if diagnostic.file.is_absolute() {
        diagnostic.file.clone()
    } else {
        root.join(&diagnostic.file)
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return String::new();
    };
    let Some(source) = text.lines().nth(diagnostic.line as usize - 1) else {
        return String::new();
    };
    let number = diagnostic.line.to_string();
    let gutter = " ".repeat(number.len());
    let mut frame = format!("{gutter} |\n{number} | {}\n", source.trim_end());
    if diagnostic.column > 0 {
        let indent: String = source
            .chars()
            .take(diagnostic.column as usize - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        frame.push_str(&format!("{gutter} | {indent}^\n"));
    }
    frame
}
