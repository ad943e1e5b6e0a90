//! Hugo shortcodes in a page: the workshop's own templates (`layouts/shortcodes/`, run by
//! `content::gotemplate`), the Educates theme's and Hugo's built-ins (`builtin`), both call forms,
//! self-closing and paired, nested. Expanded everywhere, code blocks included (that is how variables
//! reach action bodies), with lines kept mapped.
//!
//! As in Hugo, `{{% %}}` output is Markdown and is rendered with the page, while `{{< >}}` output is
//! HTML kept out of the Markdown pass behind a placeholder (`placeholder`). A `{{< >}}` call standing
//! on lines of its own whose template markdownifies its content has that content rendered with the
//! page instead (so action blocks inside a note are actions, with their own lines). A call that
//! cannot run (unknown name, unsupported template feature) is a warning naming the template's
//! file:line, and shows its inner text — never the tags. Files: `tree` (tags → calls), `builtin`,
//! `custom` (templates and their context), `placeholder`.

mod builtin;
mod custom;
mod placeholder;
mod tree;

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

pub use custom::{PageInfo, Shortcodes};
pub use placeholder::Placeholders;

use super::gotemplate::{Host, Value};
use super::liquid::Issue;
use super::{Mapped, Variables};
use custom::Context;
use tree::{Call, Piece};

/// What a page's shortcodes run with.
pub struct Setup<'a> {
    /// Session and data variables (`.Site.Params`).
    pub vars: &'a Variables,
    /// The workshop's templates.
    pub custom: &'a Shortcodes,
    /// The page (`.Page`).
    pub page: Rc<PageInfo>,
    /// The page file, for `.Position`.
    pub file: &'a Path,
    /// Markdown → HTML for `markdownify` (a single paragraph loses its `<p>`), with the placeholders
    /// made so far.
    pub markdownify: &'a dyn Fn(&str, &Placeholders) -> String,
}

/// The result of expanding a page.
pub struct Expanded {
    /// The Markdown to render, with placeholder tokens.
    pub text: Mapped,
    /// Problems, at page lines.
    pub issues: Vec<Issue>,
    /// What the tokens stand for.
    pub placeholders: Placeholders,
}

/// What a shortcode produces.
pub enum Output {
    /// Markdown, rendered with the page in either call form.
    Markdown(String),
    /// HTML pieces and the Markdown they wrap.
    Parts(Vec<Part>),
}

/// A piece of a shortcode's HTML output.
pub enum Part {
    /// HTML.
    Html(String),
    /// Markdown that the template markdownified.
    Markdown(String),
    /// The call's own content, markdownified.
    Inner,
}

/// Expands the shortcodes in `source` (front matter removed; `first_line` is its first line).
pub fn expand(source: &str, first_line: u32, setup: &Setup<'_>) -> Expanded {
    let never_paired = |name: &str| builtin::never_paired(name) && !setup.custom.contains(name);
    let pieces = tree::parse(source, &never_paired);
    let mut expander = Expander {
        setup,
        src: source,
        placeholders: Placeholders::default(),
        issues: Vec::new(),
        ordinal: 0,
    };
    let text = expander.region(&pieces, 0, first_line, None);
    Expanded {
        text,
        issues: expander.issues,
        placeholders: expander.placeholders,
    }
}

/// Stands in for `markdownify` while a template runs: returns a marker; the expander decides later
/// whether the Markdown is rendered with the page or on its own.
struct Markers {
    stash: RefCell<Vec<String>>,
}

const MARK_OPEN: char = '\u{E002}';
const MARK_CLOSE: char = '\u{E003}';

impl Host for Markers {
    fn markdownify(&self, text: &str) -> String {
        let mut stash = self.stash.borrow_mut();
        stash.push(text.to_string());
        format!("{MARK_OPEN}{}{MARK_CLOSE}", stash.len() - 1)
    }
    fn url(&self, path: &str) -> String {
        format!("/workshop/content/{}", path.trim_start_matches('/'))
    }
}

struct Expander<'s> {
    setup: &'s Setup<'s>,
    src: &'s str,
    placeholders: Placeholders,
    issues: Vec<Issue>,
    ordinal: usize,
}

impl Expander<'_> {
    /// Expands `pieces`, which start at byte `start` on source line `line`.
    fn region(&mut self, pieces: &[Piece], start: usize, line: u32, parent: Option<Rc<Context>>) -> Mapped {
        let src = self.src;
        let mut out = Mapped::new(line);
        let mut pos = start;
        for piece in pieces {
            match piece {
                Piece::Text(a, b) => {
                    out.skip(&src[pos..*a]);
                    out.verbatim(&src[*a..*b]);
                    pos = *b;
                }
                Piece::Escaped(a, b, literal) => {
                    out.skip(&src[pos..*a]);
                    out.generated(literal);
                    out.skip(&src[*a..*b]);
                    pos = *b;
                }
                Piece::Stray(a, b, name) => {
                    out.skip(&src[pos..*a]);
                    self.issue(
                        out.source_line(),
                        format!("closing shortcode `/{name}` without an opening one"),
                    );
                    out.skip(&src[*a..*b]);
                    pos = *b;
                }
                Piece::Call(call) => {
                    out.skip(&src[pos..call.start]);
                    self.call(call, &mut out, parent.clone());
                    out.skip(&src[call.start..call.end]);
                    pos = call.end;
                }
            }
        }
        out
    }

    fn issue(&mut self, line: u32, message: String) {
        self.issues.push(Issue { line, message });
    }

    /// Writes the output of `call` to `out` (whose source position is at the call).
    fn call(&mut self, call: &Call, out: &mut Mapped, parent: Option<Rc<Context>>) {
        let line = out.source_line();
        let ordinal = self.ordinal;
        self.ordinal += 1;
        let position = format!("{}:{line}", self.setup.file.display());
        let page = self.setup.page.clone();
        let context = |inner: Option<String>| Context {
            name: call.name.clone(),
            positional: call.args.positional.clone(),
            named: call.args.named.clone(),
            inner,
            ordinal,
            position: position.clone(),
            page: page.clone(),
            parent: parent.clone(),
        };
        let inner = call.inner.as_ref().map(|(a, _, pieces)| {
            let inner_line = line + newlines(&self.src[call.start..*a]);
            let as_parent = Rc::new(context(None));
            self.region(pieces, *a, inner_line, Some(as_parent))
        });
        let inner_text = inner.as_ref().map(|m| m.text.as_str());
        let custom = self.setup.custom.get(&call.name);
        let output = match custom {
            Some(shortcode) => {
                let result = match &shortcode.template {
                    Ok(template) => {
                        let markers = Markers {
                            stash: RefCell::new(Vec::new()),
                        };
                        let dot = Value::Object(Rc::new(context(inner_text.map(str::to_string))));
                        template
                            .execute(&dot, &markers)
                            .map(|text| self.parts(&text, &markers.stash.into_inner(), inner_text))
                            .map_err(|e| (e.line, e.message))
                    }
                    Err(error) => Err((
                        error.line,
                        format!("the template does not parse: {}", error.message),
                    )),
                };
                result.unwrap_or_else(|(template_line, message)| {
                    self.issue(
                        line,
                        format!(
                            "shortcode `{}` ({}:{template_line}): {message}; its inner text is shown instead",
                            call.name,
                            shortcode.file.display()
                        ),
                    );
                    Output::Parts(vec![Part::Inner])
                })
            }
            None => {
                let mut issues = Vec::new();
                let found = builtin::render(call, inner_text, self.setup.vars, &mut |m| issues.push(m));
                for message in issues {
                    self.issue(line, message);
                }
                match found {
                    Some(output) => {
                        if call.inner.is_none()
                            && matches!(
                                call.name.as_str(),
                                "note" | "warning" | "danger" | "pathway" | "details" | "highlight"
                            )
                        {
                            self.issue(line, format!("shortcode `{}` is never closed", call.name));
                        }
                        output
                    }
                    None => {
                        self.issue(
                            line,
                            format!(
                                "unknown shortcode `{}`: no workshop/layouts/shortcodes/{}.html and not a Hugo \
                                 built-in; its inner text is shown instead",
                                call.name, call.name
                            ),
                        );
                        Output::Parts(vec![Part::Inner])
                    }
                }
            }
        };
        self.emit(call, output, inner.as_ref(), out);
    }

    /// Splits a template's output at its `markdownify` markers.
    fn parts(&self, text: &str, stash: &[String], inner: Option<&str>) -> Output {
        let mut parts = Vec::new();
        for (is_marker, piece) in split_markers(text) {
            match is_marker.and_then(|i| stash.get(i)) {
                Some(md) if Some(md.as_str()) == inner => parts.push(Part::Inner),
                Some(md) => parts.push(Part::Markdown(md.clone())),
                None if is_marker.is_none() => parts.push(Part::Html(piece.to_string())),
                None => {}
            }
        }
        Output::Parts(parts)
    }

    /// Writes `output` for `call` into `out`.
    fn emit(&mut self, call: &Call, output: Output, inner: Option<&Mapped>, out: &mut Mapped) {
        let parts = match output {
            Output::Markdown(text) => return out.generated(&text),
            Output::Parts(parts) => parts,
        };
        let inner_text = inner.map_or("", |m| m.text.as_str());
        if call.markdown {
            // `{{% %}}`: the HTML goes into the Markdown, as Hugo does (where raw HTML is then omitted).
            let mut text = String::new();
            for part in &parts {
                match part {
                    Part::Html(html) => text.push_str(html),
                    Part::Markdown(md) => text.push_str(&(self.setup.markdownify)(md, &self.placeholders)),
                    Part::Inner => text.push_str(&(self.setup.markdownify)(inner_text, &self.placeholders)),
                }
            }
            return out.generated(&text);
        }
        let Some(indent) = self.block_indent(call) else {
            // Inline: one HTML output behind one token.
            let mut html = String::new();
            for part in &parts {
                match part {
                    Part::Html(h) => html.push_str(h),
                    Part::Markdown(md) => html.push_str(&(self.setup.markdownify)(md, &self.placeholders)),
                    Part::Inner if inner_text.trim().is_empty() => {}
                    Part::Inner => html.push_str(&(self.setup.markdownify)(inner_text, &self.placeholders)),
                }
            }
            if html.is_empty() {
                return;
            }
            let token = self.placeholders.add(html);
            return out.generated(&token);
        };
        // On lines of its own: HTML behind tokens, Markdown rendered with the page between them.
        let separator = format!("\n\n{indent}");
        let mut first = true;
        for part in parts {
            let empty = match &part {
                Part::Html(h) => h.trim().is_empty(),
                Part::Markdown(m) => m.trim().is_empty(),
                Part::Inner => inner_text.trim().is_empty(),
            };
            if empty {
                continue;
            }
            if !first {
                out.generated(&separator);
            }
            first = false;
            match part {
                Part::Html(html) => {
                    let token = self.placeholders.add(html);
                    out.generated(&token);
                }
                Part::Markdown(md) => out.generated(&md),
                Part::Inner => {
                    if let Some(inner) = inner {
                        out.append(inner);
                    }
                }
            }
        }
    }

    /// The indentation of `call`'s first line when the call stands on lines of its own.
    fn block_indent(&self, call: &Call) -> Option<String> {
        let src = self.src;
        let line_start = src[..call.start].rfind('\n').map_or(0, |i| i + 1);
        let before = &src[line_start..call.start];
        let line_end = src[call.end..].find('\n').map_or(src.len(), |i| call.end + i);
        let after = &src[call.end..line_end];
        (before.trim().is_empty() && after.trim().is_empty()).then(|| before.to_string())
    }
}

/// `text` split into plain pieces `(None, piece)` and markers `(Some(index), "")`.
fn split_markers(text: &str) -> Vec<(Option<usize>, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(MARK_OPEN) {
        let digits = start + MARK_OPEN.len_utf8();
        let Some(len) = rest[digits..].find(MARK_CLOSE) else {
            break;
        };
        if start > 0 {
            out.push((None, &rest[..start]));
        }
        out.push((rest[digits..digits + len].parse().ok(), ""));
        rest = &rest[digits + len + MARK_CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push((None, rest));
    }
    out
}

fn newlines(text: &str) -> u32 {
    text.bytes().filter(|b| *b == b'\n').count() as u32
}

#[cfg(test)]
mod tests;
