//! Katacoda's file blocks: `<pre class="file" data-filename="f" data-target="replace|append|prepend|insert|clipboard"
//! data-marker="…">` HTML blocks become editor actions on `f` (or a copy); without a file name the block is
//! a snippet to copy.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::markers::editor_path;
use super::placeholders::{self, Context};
use crate::content::gotemplate::unescape;

/// A `<pre class="file" …>…</pre>` block: the action it stands for, and what followed `</pre>`.
pub(super) fn file_block(
    html: &str,
    editor_dir: Option<&str>,
) -> Option<((&'static str, Value), String, Vec<String>)> {
    static OPEN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?is)^\s*<pre(\s[^>]*)?>").expect("valid regex"));
    static ATTR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?is)([a-z][a-z0-9_-]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"#)
            .expect("valid regex")
    });
    let open = OPEN.captures(html)?;
    let attributes: Vec<(String, String)> = open
        .get(1)
        .map(|a| {
            ATTR.captures_iter(a.as_str())
                .map(|c| {
                    let value = c.get(2).or(c.get(3)).or(c.get(4)).map_or("", |m| m.as_str());
                    (c[1].to_ascii_lowercase(), unescape(value))
                })
                .collect()
        })
        .unwrap_or_default();
    let attr = |name: &str| {
        attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_string())
    };
    if !attr("class").is_some_and(|class| class.split_whitespace().any(|c| c == "file")) {
        return None;
    }
    let after_open = &html[open.get(0)?.end()..];
    let (inner, rest) = match after_open.to_ascii_lowercase().find("</pre>") {
        Some(end) => (&after_open[..end], after_open[end + 6..].to_string()),
        None => (after_open, String::new()),
    };
    // HTML drops the newline right after `<pre>`.
    let inner = inner
        .strip_prefix("\r\n")
        .or_else(|| inner.strip_prefix('\n'))
        .unwrap_or(inner);
    let text = placeholders::substitute(&unescape(inner), Context::Machine).0;
    let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
    let mut warnings = Vec::new();
    let target = attr("data-target").map(|t| t.to_ascii_lowercase());
    let file = attr("data-filename").filter(|f| !f.is_empty());
    let action = match (file, target.as_deref()) {
        (_, Some("clipboard")) | (None, _) => ("workshop:copy", json!({"text": text})),
        (Some(file), target) => {
            let file = editor_path(&file, editor_dir);
            match target {
                Some("replace") => ("editor:create-file", json!({"file": file, "text": text})),
                Some("prepend") => (
                    "editor:prepend-lines-to-file",
                    json!({"file": file, "text": text}),
                ),
                Some("insert") => match attr("data-marker").filter(|m| !m.is_empty()) {
                    Some(marker) => (
                        "editor:replace-matching-text",
                        json!({"file": file, "match": marker, "replacement": text}),
                    ),
                    None => {
                        warnings.push(
                            "`data-target=\"insert\"` needs a `data-marker`; the text is appended".into(),
                        );
                        ("editor:append-lines-to-file", json!({"file": file, "text": text}))
                    }
                },
                None | Some("append") => ("editor:append-lines-to-file", json!({"file": file, "text": text})),
                Some(other) => {
                    warnings.push(format!(
                        "unknown `data-target=\"{other}\"` (replace, append, prepend, insert or clipboard); the text is appended"
                    ));
                    ("editor:append-lines-to-file", json!({"file": file, "text": text}))
                }
            }
        }
    };
    Some((action, rest, warnings))
}
