//! A small Go-template engine (the subset of `text/template` and `html/template` that Hugo shortcode
//! authors use), transport-free: `{{ if }}/{{ else if }}/{{ else }}`, `{{ with }}`, `{{ range }}`
//! with `break`/`continue`, variables (`$x :=`, `$x =`, `$`), pipelines, parenthesised commands,
//! method calls on host objects (`.Get 0`), `-` whitespace trimming and comments. HTML templates
//! escape printed strings unless they are safe HTML. Anything else (`define`, `template`, an unknown
//! function) is an [`Error`] with the template line, never a panic.
//!
//! Files: `lex` (text → tokens), `parse` (tokens → tree), `eval` (tree → output), `value` (values,
//! printing, comparison), `funcs` (the function table), `printf` (Go's `Sprintf`), `tests`.

mod eval;
mod funcs;
mod lex;
mod parse;
mod printf;
mod value;

pub use funcs::{strip_tags, unescape, url_encode};
pub use value::{Object, Value};

/// What the engine asks of its host.
pub trait Host {
    /// `markdownify`: Markdown → HTML.
    fn markdownify(&self, text: &str) -> String;
    /// `relURL`/`absURL`: a path made absolute for the site.
    fn url(&self, path: &str) -> String {
        path.to_string()
    }
}

/// A template error at a line of the template (1-based; 0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Line in the template source.
    pub line: u32,
    /// What went wrong.
    pub message: String,
}

impl Error {
    pub(crate) fn new(line: u32, message: impl Into<String>) -> Self {
        Error {
            line,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    nodes: Vec<parse::Node>,
    html: bool,
}

impl Template {
    /// Parses `src`; `html` selects html/template printing (strings escaped).
    pub fn parse(src: &str, html: bool) -> Result<Template, Error> {
        Ok(Template {
            nodes: parse::parse(src)?,
            html,
        })
    }

    /// Runs the template with `dot` (also `$`).
    pub fn execute(&self, dot: &Value, host: &dyn Host) -> Result<String, Error> {
        let mut exec = eval::Exec::new(host, self.html, dot);
        exec.run(&self.nodes, dot)?;
        Ok(exec.out)
    }
}

#[cfg(test)]
mod tests;
