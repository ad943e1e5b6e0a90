//! Clickable actions: a fenced block (Markdown) or a role (AsciiDoc) naming an action type becomes a
//! typed [`Action`] and its HTML markup. `catalogue` says what every type is, `parse` reads a body,
//! `markup` writes the block; [`render_block`] is the one path both page formats take.

mod catalogue;
mod markup;
mod parse;
pub mod suggest;

use std::path::Path;

use serde_json::Value;

pub use catalogue::{
    ActionSpec, BodyKind, CATALOGUE, COMMON_FIELDS, Classified, Family, PREFIXES, TextOf, classify, lookup,
};
pub use markup::error_markup;
pub use parse::{display_body, parse, parse_yaml, title};

use super::Diagnostic;

/// A parsed clickable action.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Its spec (type name, family, glyph, …).
    pub spec: &'static ActionSpec,
    /// 1-based source line of the block.
    pub line: u32,
    /// The arguments: the YAML body as JSON (non-finite numbers as strings), or `{"text": body}`.
    pub args: Value,
    /// Title as the original shows it, `"<prefix>: <subject>"`.
    pub title: String,
    /// Display body (plain text).
    pub body: String,
    /// `autostart: true`.
    pub autostart: bool,
    /// `hidden: true` (and always for `section:end`).
    pub hidden: bool,
    /// `cascade: true`.
    pub cascade: bool,
}

/// Why a body could not become an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionError {
    /// Line offset inside the body (0 = the fence line) when known.
    pub body_line: u32,
    /// 1-based column inside the body line, 0 when unknown.
    pub column: u32,
    /// Message.
    pub message: String,
}

/// The markup for a block whose info word (Markdown) or role (AsciiDoc) is `word`, written at `line`
/// of `file`: a known action is parsed and appended to `actions`, a broken or unknown one becomes the
/// error box; problems go to `diagnostics`. `None` when `word` is no built-in action (a language, or
/// a foreign `other:name`), which each page format shows its own way. `markup` writes a parsed action
/// (`Action::markup` for blocks; Killercoda's inline `` `ls`{{exec}} `` uses `Action::inline_markup`).
pub fn render_block(
    word: &str,
    body: &str,
    line: u32,
    file: &Path,
    actions: &mut Vec<Action>,
    diagnostics: &mut Vec<Diagnostic>,
    markup: impl FnOnce(&Action, usize) -> String,
) -> Option<String> {
    match classify(word) {
        Classified::Action(spec) => {
            let (parsed, warnings) = parse(spec, body, line);
            for (body_line, warning) in warnings {
                diagnostics.push(Diagnostic::warning(file, line + body_line, warning));
            }
            Some(match parsed {
                Ok(action) => {
                    let html = markup(&action, actions.len());
                    actions.push(action);
                    html
                }
                Err(error) => {
                    let at = line + error.body_line;
                    let mut diagnostic = Diagnostic::error(file, at, format!("`{word}`: {}", error.message));
                    diagnostic.column = error.column;
                    diagnostics.push(diagnostic);
                    error_markup(word, at, &error.message, body)
                }
            })
        }
        Classified::UnknownAction => {
            let names = CATALOGUE.iter().map(|spec| spec.name);
            let message = match suggest::closest(word, names) {
                Some(known) => format!("unknown action type `{word}`: did you mean `{known}`?"),
                None => format!("unknown action type `{word}`"),
            };
            diagnostics.push(Diagnostic::error(file, line, message.clone()));
            Some(error_markup(word, line, &message, body))
        }
        Classified::Code => {
            // `execute-5`: the legacy blocks stop at terminal 3; this one would be a plain listing.
            if let Some(number) = word.strip_prefix("execute-")
                && !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit())
            {
                diagnostics.push(Diagnostic::warning(
                    file,
                    line,
                    format!(
                        "`{word}` is no action (legacy blocks go up to `execute-3`), so the block is a plain \
                         listing: write a `terminal:execute` block with `session: \"{number}\"`"
                    ),
                ));
            }
            None
        }
        Classified::ForeignAction => None,
    }
}

#[cfg(test)]
mod tests;
