//! AsciiDoc pages (asciidork): attributes from session variables, roles turned into clickable actions.
//!
//! A page is parsed with `asciidork-parser` (safe mode `server`, non-strict so problems become
//! diagnostics) and converted with the Asciidoctor-compatible HTML backend in embedded mode (no
//! `<html>` shell, no document title heading — the title is returned separately).
//!
//! Session variables become read-only document attributes (lower-cased, as Asciidoctor does for
//! attribute names), so `{session_namespace}` resolves wherever attribute substitution applies. A
//! reference to an undefined attribute is left as written and reported as a warning.
//!
//! Action blocks follow Educates' AsciiDoc rule: a block that renders a `<code>` element (a listing
//! with the `source` style or a language, e.g. `[source,bash,role=execute-1]`, `[,bash]`, a ```` ``` ````
//! fence) whose role is an action name. Each one is recorded as an [`AdocAction`] (kind = the role,
//! line = the line the role is written on, body = the block's text after the block's own
//! substitutions) and replaced in the HTML by the placeholder comment `<!--lectern-action:N-->`,
//! N being the index into [`AdocPage::actions`]. The content module turns placeholders into the
//! clickable markup. A plain `----` listing with an action role renders no `<code>` in Educates, so
//! it stays an ordinary (inert) listing and gets a warning.
//!
//! The parser is guarded with `catch_unwind`: odd input that makes it panic gives a page showing the
//! source as plain text plus an error diagnostic, never a crashed server.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use asciidork_ast::{
    AttrData, Block, BlockContent, BlockContext, CellContent, ChunkMeta, CurlyKind, DocContent, Document,
    IndexTermType, Inline, InlineNode, InlineNodes, ListItemTypeMeta, MacroNode, QuoteKind, Row,
    SpecialCharKind, SymbolKind,
};
use asciidork_core::{JobAttr, JobSettings, ReadAttr, SafeMode};
use asciidork_dr_html_backend::{AsciidoctorHtml, Backend};
use asciidork_parser::includes::{IncludeBuffer, IncludeResolver, IncludeTarget, ResolveError};
use asciidork_parser::prelude::{Bump, ParseResult, Parser, SourceFile};
use bumpalo::collections::{String as BumpString, Vec as BumpVec};

use crate::content::html::escape;
use crate::content::{Diagnostic, Variables, action};

/// A rendered AsciiDoc page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdocPage {
    /// The document title (`= Title`), as plain text, if the page has one.
    pub title: Option<String>,
    /// The HTML fragment (no `<html>` shell); action blocks are `<!--lectern-action:N-->` comments.
    pub html: String,
    /// Action blocks in document order; placeholder N refers to `actions[N]`.
    pub actions: Vec<AdocAction>,
    /// Problems found while parsing or rendering (file and line set).
    pub diagnostics: Vec<Diagnostic>,
    /// Files read through `include::` (absolute, canonical).
    pub included: Vec<PathBuf>,
}

/// Where `include::` may read from: relative targets resolve against the including file's folder
/// (the page's folder for the page itself), and nothing outside `root` (the workshop's content
/// folder) is read — Asciidoctor's `server` safe mode jails includes the same way.
#[derive(Debug, Clone)]
pub struct IncludeJail {
    /// The page's folder.
    pub base_dir: PathBuf,
    /// The folder includes must stay inside.
    pub root: PathBuf,
}

/// Reads include targets for the parser, inside an [`IncludeJail`]; records what it read.
#[derive(Clone)]
struct JailResolver {
    base_dir: String,
    root: PathBuf,
    read: std::sync::Arc<std::sync::Mutex<Vec<PathBuf>>>,
}

impl IncludeResolver for JailResolver {
    fn resolve(
        &mut self,
        target: IncludeTarget,
        buffer: &mut dyn IncludeBuffer,
        _: SafeMode,
    ) -> Result<usize, ResolveError> {
        let IncludeTarget::FilePath(path) = target else {
            return Err(ResolveError::UriReadNotSupported);
        };
        let path = std::fs::canonicalize(&path).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => ResolveError::NotFound,
            _ => ResolveError::Io(error.to_string()),
        })?;
        if !path.starts_with(&self.root) {
            return Err(ResolveError::RestrictedPath);
        }
        let bytes = std::fs::read(&path)?;
        // The same delimiter normalisation as the page itself gets.
        let text = String::from_utf8_lossy(&bytes);
        let text = normalize_delimiters(&text);
        buffer.initialize(text.len());
        buffer.as_bytes_mut().copy_from_slice(text.as_bytes());
        self.read.lock().unwrap_or_else(|p| p.into_inner()).push(path);
        Ok(text.len())
    }

    fn get_base_dir(&self) -> Option<String> {
        Some(self.base_dir.clone())
    }

    fn clone_box(&self) -> Box<dyn IncludeResolver> {
        Box::new(self.clone())
    }
}

/// One action block found on an AsciiDoc page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdocAction {
    /// The action name, i.e. the block's role: `execute-1`, `copy`, `terminal:execute`, …
    pub kind: String,
    /// 1-based line of the role in the source (the block's attribute line).
    pub line: u32,
    /// The block's text as Educates' handler would read it: listing text after the block's own
    /// substitutions (special characters decoded; attributes only when the block's `subs` asks).
    pub body: String,
}

/// Whether `name` is an action the Educates engine registers.
fn is_action_name(name: &str) -> bool {
    action::lookup(name).is_some()
}

/// Whether `name` looks like an action role but is not one (`terminal:exec`, `execute-4`, `Execute`).
fn looks_like_action(name: &str) -> bool {
    if is_action_name(name) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    is_action_name(&lower)
        || lower
            .split_once(':')
            .is_some_and(|(prefix, _)| action::PREFIXES.contains(&prefix))
        || lower
            .strip_prefix("execute-")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The placeholder put in the HTML instead of action block `index`.
pub fn placeholder(index: usize) -> String {
    format!("<!--lectern-action:{index}-->")
}

/// Render an AsciiDoc page. Never fails and never panics: problems become diagnostics. Without a
/// jail, `include::` lines are reported and left out.
pub fn render(source: &str, file: &Path, vars: &Variables, jail: Option<&IncludeJail>) -> AdocPage {
    match catch_unwind(AssertUnwindSafe(|| render_guarded(source, file, vars, jail))) {
        Ok(page) => page,
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown reason".to_string());
            AdocPage {
                title: None,
                html: source_as_text(source),
                actions: Vec::new(),
                diagnostics: vec![Diagnostic::error(
                    file,
                    0,
                    format!("the asciidoc parser failed on this page ({reason}); it is shown as plain text"),
                )],
                included: Vec::new(),
            }
        }
    }
}

/// The page source shown verbatim, used when the document could not be parsed.
fn source_as_text(source: &str) -> String {
    format!(
        "<div class=\"listingblock\"><div class=\"content\"><pre>{}</pre></div></div>",
        escape(source)
    )
}

/// Whether `name` is usable as an AsciiDoc attribute name.
fn valid_attr_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphanumeric() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The delimiter kind of a line made of one repeated character, if it can open a delimited block:
/// `(char, length, verbatim)`. Verbatim blocks (listing, literal, passthrough, comment) hold no
/// nested blocks.
fn delimiter_line(line: &str) -> Option<(u8, usize, bool)> {
    let line = line.trim_end();
    let first = *line.as_bytes().first()?;
    if line.len() < 4 || !line.bytes().all(|b| b == first) {
        return None;
    }
    match first {
        b'-' | b'.' | b'+' | b'/' => Some((first, line.len(), true)),
        b'*' | b'_' => Some((first, line.len(), false)),
        _ => None,
    }
}

/// Asciidoctor accepts delimiter lines of any length from four (`------------` … `------------`),
/// the closing line matching the opening one; asciidork knows only the four-character forms (and
/// variable `====`). Rewrite longer pairs to four characters when that keeps the structure (no
/// four-character line of the same kind inside), leaving everything else — and the line count —
/// unchanged.
fn normalize_delimiters(source: &str) -> std::borrow::Cow<'_, str> {
    let has_long = source
        .lines()
        .any(|l| delimiter_line(l).is_some_and(|(_, len, _)| len > 4));
    if !has_long {
        return std::borrow::Cow::Borrowed(source);
    }
    let mut lines: Vec<String> = source.split('\n').map(str::to_string).collect();
    let mut i = 0;
    let mut in_fence = false;
    while i < lines.len() {
        let current = lines[i].trim_end().to_string();
        if current == "```" || (current.starts_with("```") && !in_fence) {
            in_fence = !in_fence;
            i += 1;
            continue;
        }
        if in_fence {
            i += 1;
            continue;
        }
        let Some((ch, len, verbatim)) = delimiter_line(&current) else {
            i += 1;
            continue;
        };
        let closer = (i + 1..lines.len()).find(|&j| lines[j].trim_end() == current);
        let Some(closer) = closer else {
            i += 1;
            continue;
        };
        if len > 4 {
            let short = String::from_utf8(vec![ch; 4]).unwrap_or_default();
            let clash = lines[i + 1..closer].iter().any(|l| l.trim_end() == short);
            if !clash {
                lines[i] = short.clone();
                lines[closer] = short;
            }
        }
        // Verbatim content is left alone; compound blocks may hold more delimited blocks.
        i = if verbatim { closer + 1 } else { i + 1 };
    }
    std::borrow::Cow::Owned(lines.join("\n"))
}

/// Job settings: embedded, server safe mode, non-strict, HTML backend attributes, session variables.
fn job_settings(vars: &Variables) -> JobSettings {
    let mut settings = JobSettings::embedded();
    settings.safe_mode = SafeMode::Server;
    settings.strict = false;
    <AsciidoctorHtml as Backend>::set_job_attrs(&mut settings.job_attrs);
    settings
        .job_attrs
        .insert_unchecked("attribute-missing", JobAttr::readonly("warn"));
    for (name, value) in vars {
        if !valid_attr_name(name) {
            continue;
        }
        // Like attributes passed through Asciidoctor's API: the session value wins over a
        // definition in the page. Names are case-insensitive in AsciiDoc (stored lower-case).
        let key = name.to_ascii_lowercase();
        // A name the parser reserves (e.g. `doctype`) is simply not injected.
        let _ = settings.job_attrs.insert(key, JobAttr::readonly(value.as_str()));
    }
    settings
}

fn render_guarded(source: &str, file: &Path, vars: &Variables, jail: Option<&IncludeJail>) -> AdocPage {
    let bump = Bump::new();
    let name = file.to_string_lossy();
    let path = asciidork_parser::prelude::Path::new(name.as_ref());
    let normalized = normalize_delimiters(source);
    let mut parser = Parser::from_str(&normalized, SourceFile::Path(path), &bump);
    parser.apply_job_settings(job_settings(vars));
    let read = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    if let Some(jail) = jail
        && let Ok(root) = std::fs::canonicalize(&jail.root)
    {
        parser.set_resolver(Box::new(JailResolver {
            base_dir: jail.base_dir.to_string_lossy().into_owned(),
            root,
            read: read.clone(),
        }));
    }
    let included = || std::mem::take(&mut *read.lock().unwrap_or_else(|p| p.into_inner()));

    let mut diagnostics = Vec::new();
    let mut result = match parser.parse() {
        Ok(result) => result,
        Err(errors) => {
            diagnostics.extend(errors.iter().map(|d| convert_diagnostic(d, file, true)));
            if diagnostics.is_empty() {
                diagnostics.push(Diagnostic::error(
                    file,
                    0,
                    "the asciidoc parser gave up on this page; it is shown as plain text",
                ));
            }
            return AdocPage {
                title: None,
                html: source_as_text(source),
                actions: Vec::new(),
                diagnostics,
                included: included(),
            };
        }
    };
    diagnostics.extend(result.warnings.iter().map(|d| convert_diagnostic(d, file, false)));

    let mut document = std::mem::replace(&mut result.document, Document::new(&bump));
    let title = document.title().map(|t| {
        let mut text = String::new();
        plain_text(&t.main, &mut text);
        text.trim().to_string()
    });

    let mut walker = Walker {
        bump: &bump,
        result: &result,
        file,
        source_language: document.meta.str("source-language").is_some(),
        actions: Vec::new(),
        diagnostics: &mut diagnostics,
    };
    walker.doc_content(&mut document.content);
    let actions = walker.actions;

    let html = match asciidork_dr_html_backend::convert(document) {
        Ok(html) => html,
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                file,
                0,
                format!("the asciidoc page could not be converted to html: {err}"),
            ));
            source_as_text(source)
        }
    };

    AdocPage {
        title: title.filter(|t| !t.is_empty()),
        html,
        actions,
        diagnostics,
        included: included(),
    }
}

/// An asciidork diagnostic as ours: lower-case message, no final period, clearer wording.
fn convert_diagnostic(d: &asciidork_parser::Diagnostic, file: &Path, fatal: bool) -> Diagnostic {
    let message = if d.message.starts_with("Skipping reference to missing attribute") {
        let start = (d.underline_start as usize).min(d.line.len());
        let end = (start + d.underline_width as usize).min(d.line.len());
        let reference = d.line.get(start..end).unwrap_or("");
        if reference.is_empty() {
            "reference to an undefined attribute, left as written".to_string()
        } else {
            format!("undefined attribute {reference}, left as written")
        }
    } else if d
        .message
        .starts_with("No resolver supplied for include directive")
    {
        "include directives are not followed here; the line is left out".to_string()
    } else if d.message.contains("Include path outside docdir restricted") {
        "include target is outside the workshop's content folder; the line is left out".to_string()
    } else {
        let mut m = d.message.trim().trim_end_matches('.').to_string();
        if let Some(first) = m.get(..1) {
            let lower = first.to_lowercase();
            m.replace_range(..1, &lower);
        }
        m
    };
    let mut out = if fatal {
        Diagnostic::error(file, d.line_num, message)
    } else {
        Diagnostic::warning(file, d.line_num, message)
    };
    out.column = d.underline_start + 1;
    out
}

/// Walks the document in render order, replacing action blocks by placeholder passthroughs.
struct Walker<'a, 'arena> {
    bump: &'arena Bump,
    result: &'a ParseResult<'arena>,
    file: &'a Path,
    /// A document-wide `:source-language:` makes every listing render `<code>`.
    source_language: bool,
    actions: Vec<AdocAction>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'arena> Walker<'_, 'arena> {
    fn line_of(&self, loc: asciidork_ast::SourceLocation) -> u32 {
        self.result.line_number_with_offset(loc).0
    }

    fn doc_content(&mut self, content: &mut DocContent<'arena>) {
        match content {
            DocContent::Blocks(blocks) => self.blocks(blocks),
            DocContent::Sections(sectioned) => {
                if let Some(preamble) = sectioned.preamble.as_mut() {
                    self.blocks(preamble);
                }
                for section in sectioned.sections.iter_mut() {
                    self.blocks(&mut section.blocks);
                }
            }
            DocContent::Parts(book) => {
                if let Some(preamble) = book.preamble.as_mut() {
                    self.blocks(preamble);
                }
                for section in book.opening_special_sects.iter_mut() {
                    self.blocks(&mut section.blocks);
                }
                for part in book.parts.iter_mut() {
                    if let Some(intro) = part.intro.as_mut() {
                        self.blocks(intro);
                    }
                    for section in part.sections.iter_mut() {
                        self.blocks(&mut section.blocks);
                    }
                }
                for section in book.closing_special_sects.iter_mut() {
                    self.blocks(&mut section.blocks);
                }
            }
        }
    }

    fn blocks(&mut self, blocks: &mut BumpVec<'arena, Block<'arena>>) {
        for block in blocks.iter_mut() {
            self.block(block);
        }
    }

    fn row(&mut self, row: &mut Row<'arena>) {
        for cell in row.cells.iter_mut() {
            if let CellContent::AsciiDoc(doc) = &mut cell.content {
                self.doc_content(&mut doc.content);
            }
        }
    }

    fn block(&mut self, block: &mut Block<'arena>) {
        if self.try_action(block) {
            return;
        }
        match &mut block.content {
            BlockContent::Compound(children) => self.blocks(children),
            BlockContent::Section(section) => self.blocks(&mut section.blocks),
            BlockContent::List { items, .. } => {
                for item in items.iter_mut() {
                    if let ListItemTypeMeta::DescList {
                        description: Some(description),
                        ..
                    } = &mut item.type_meta
                    {
                        self.block(description);
                    }
                    self.blocks(&mut item.blocks);
                }
            }
            BlockContent::Table(table) => {
                if let Some(row) = table.header_row.as_mut() {
                    self.row(row);
                }
                for row in table.rows.iter_mut() {
                    self.row(row);
                }
                if let Some(row) = table.footer_row.as_mut() {
                    self.row(row);
                }
            }
            BlockContent::Simple(_)
            | BlockContent::Empty(_)
            | BlockContent::DocumentAttribute(..)
            | BlockContent::QuotedParagraph { .. } => {}
        }
    }

    /// If `block` is an action block, record it and replace it by its placeholder. Returns whether
    /// the block was consumed (an action, or an inert/unknown action role already reported).
    fn try_action(&mut self, block: &mut Block<'arena>) -> bool {
        let attrs = &block.meta.attrs;
        let mut action = None;
        let mut lookalike = None;
        for role in attrs.roles() {
            if is_action_name(&role.src) {
                action = Some((role.src.to_string(), role.loc));
                break;
            }
            if lookalike.is_none() && looks_like_action(&role.src) {
                lookalike = Some((role.src.to_string(), role.loc));
            }
        }
        let codeish = matches!(
            block.context,
            BlockContext::Listing | BlockContext::Literal | BlockContext::Paragraph
        );
        let Some((kind, role_loc)) = action else {
            if let Some((name, loc)) = lookalike.filter(|_| codeish) {
                let line = self.line_of(loc);
                self.diagnostics.push(Diagnostic::warning(
                    self.file,
                    line,
                    format!("role `{name}` is not an educates action name; the block is a plain listing"),
                ));
            }
            return false;
        };
        let line = self.line_of(role_loc);
        let renders_code =
            block.context == BlockContext::Listing && (attrs.is_source() || self.source_language);
        if !renders_code {
            if codeish {
                self.diagnostics.push(Diagnostic::warning(
                    self.file,
                    line,
                    format!(
                        "role `{kind}` is on a block without the `source` style, so it is not clickable; write [source,role={kind}]"
                    ),
                ));
            }
            return false;
        }

        let mut body = String::new();
        if let BlockContent::Simple(nodes) = &block.content {
            plain_text(nodes, &mut body);
        }
        if body.ends_with('\n') {
            body.pop();
        }
        let index = self.actions.len();
        self.actions.push(AdocAction { kind, line, body });

        let start = block.meta.start_loc;
        let mut nodes = InlineNodes::new(self.bump);
        nodes.push(InlineNode::new(
            Inline::Text(BumpString::from_str_in(&placeholder(index), self.bump)),
            start,
        ));
        *block = Block {
            meta: ChunkMeta::empty(start, self.bump),
            content: BlockContent::Simple(nodes),
            context: BlockContext::Passthrough,
            loc: block.loc.clone(),
        };
        true
    }
}

/// Append the text a browser would show for `nodes` (no markup, entities decoded).
fn plain_text(nodes: &InlineNodes<'_>, out: &mut String) {
    for node in nodes.iter() {
        match &node.content {
            Inline::Text(text) => out.push_str(text),
            Inline::SpecialChar(kind) => out.push(match kind {
                SpecialCharKind::Ampersand => '&',
                SpecialCharKind::LessThan => '<',
                SpecialCharKind::GreaterThan => '>',
            }),
            Inline::Newline | Inline::LineBreak => out.push('\n'),
            Inline::MultiCharWhitespace(ws) => out.push_str(ws),
            Inline::CurlyQuote(kind) => out.push(match kind {
                CurlyKind::LeftDouble => '\u{201c}',
                CurlyKind::RightDouble => '\u{201d}',
                CurlyKind::LeftSingle => '\u{2018}',
                CurlyKind::RightSingle | CurlyKind::LegacyImplicitApostrophe => '\u{2019}',
            }),
            Inline::Symbol(kind) => out.push_str(match kind {
                SymbolKind::Copyright => "\u{a9}",
                SymbolKind::Registered => "\u{ae}",
                SymbolKind::Trademark => "\u{2122}",
                SymbolKind::EmDash | SymbolKind::TripleDash => "\u{2014}",
                SymbolKind::Ellipsis => "\u{2026}",
                SymbolKind::SingleRightArrow => "\u{2192}",
                SymbolKind::DoubleRightArrow => "\u{21d2}",
                SymbolKind::SingleLeftArrow => "\u{2190}",
                SymbolKind::DoubleLeftArrow => "\u{21d0}",
            }),
            Inline::SpacedDashes(..) => out.push_str(" \u{2014} "),
            Inline::Quote(kind, children) => {
                let (open, close) = match kind {
                    QuoteKind::Double => ('\u{201c}', '\u{201d}'),
                    QuoteKind::Single => ('\u{2018}', '\u{2019}'),
                };
                out.push(open);
                plain_text(children, out);
                out.push(close);
            }
            Inline::Span(_, _, children) | Inline::InlinePassthru(children) => plain_text(children, out),
            Inline::IndexTerm(term) => {
                if let IndexTermType::Visible { term } = &term.term_type {
                    plain_text(term, out);
                }
            }
            Inline::Macro(mac) => match mac {
                MacroNode::Link { target, attrs, .. } => {
                    match attrs.as_ref().and_then(|a| a.positional_at(0)) {
                        Some(text) if !text.is_empty() => plain_text(text, out),
                        _ => out.push_str(&target.src),
                    }
                }
                MacroNode::Mailto {
                    address, linktext, ..
                } => match linktext {
                    Some(text) => plain_text(text, out),
                    None => out.push_str(&address.src),
                },
                MacroNode::Xref { target, linktext, .. } => match linktext {
                    Some(text) => plain_text(text, out),
                    None => out.push_str(&target.src),
                },
                MacroNode::Button(text) => out.push_str(&text.src),
                MacroNode::Keyboard { keys, .. } => {
                    let keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
                    out.push_str(&keys.join("+"));
                }
                MacroNode::Menu(items) => {
                    let items: Vec<&str> = items.iter().map(|i| i.src.as_str()).collect();
                    out.push_str(&items.join(" > "));
                }
                MacroNode::Footnote { .. }
                | MacroNode::InlineImage { .. }
                | MacroNode::Icon { .. }
                | MacroNode::Plugin(_) => {}
            },
            Inline::CalloutNum(_)
            | Inline::CalloutTuck(_)
            | Inline::InlineAnchor(_)
            | Inline::BiblioAnchor(_)
            | Inline::LineComment(_)
            | Inline::Discarded => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn page(source: &str) -> AdocPage {
        render(source, Path::new("content/page.adoc"), &Variables::new(), None)
    }

    fn page_with(source: &str, vars: &[(&str, &str)]) -> AdocPage {
        let vars: Variables = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        render(source, Path::new("content/page.adoc"), &vars, None)
    }

    fn kinds(page: &AdocPage) -> Vec<&str> {
        page.actions.iter().map(|a| a.kind.as_str()).collect()
    }

    #[test]
    fn every_legacy_role_becomes_an_action() {
        let roles = [
            "execute",
            "execute-1",
            "execute-2",
            "execute-3",
            "execute-all",
            "copy",
            "copy-and-edit",
        ];
        let mut src = String::new();
        for role in roles {
            src.push_str(&format!("[source,bash,role={role}]\n----\necho {role}\n----\n\n"));
        }
        let p = page(&src);
        assert_eq!(kinds(&p), roles.to_vec(), "{p:#?}");
        for (i, (action, role)) in p.actions.iter().zip(roles).enumerate() {
            assert_eq!(action.body, format!("echo {role}"));
            assert_eq!(action.line, 1 + 5 * i as u32);
            assert!(p.html.contains(&placeholder(i)), "{}", p.html);
        }
        assert!(!p.html.contains("listingblock"), "{}", p.html);
        assert!(!p.html.contains("echo"), "bodies leave the html: {}", p.html);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    }

    #[test]
    fn namespaced_roles_are_actions_with_yaml_bodies() {
        let src = "\
[source,yaml,role=terminal:execute]
----
command: kubectl get pods
session: 2
----

[source,role=dashboard:open-url]
----
url: https://example.com
----

[source,role=section:begin]
----
----
";
        let p = page(src);
        assert_eq!(
            kinds(&p),
            ["terminal:execute", "dashboard:open-url", "section:begin"]
        );
        assert_eq!(p.actions[0].body, "command: kubectl get pods\nsession: 2");
        assert_eq!(p.actions[1].body, "url: https://example.com");
        assert_eq!(p.actions[2].body, "");
        assert_eq!(p.actions.iter().map(|a| a.line).collect::<Vec<_>>(), [1, 7, 12]);
    }

    #[test]
    fn other_code_forms_count_like_educates() {
        // `[,bash]` on `----`, a source paragraph, a ``` fence with a role, and a `....` source block.
        let src = "\
[,bash,role=execute]
----
one
----

[source,bash,role=execute-2]
two

[role=copy]
```bash
three
```

[source,role=execute-all]
....
four
....
";
        let p = page(src);
        assert_eq!(
            kinds(&p),
            ["execute", "execute-2", "copy", "execute-all"],
            "{}",
            p.html
        );
        let bodies: Vec<&str> = p.actions.iter().map(|a| a.body.as_str()).collect();
        assert_eq!(bodies, ["one", "two", "three", "four"]);
    }

    #[test]
    fn plain_listing_with_action_role_is_inert_and_warned() {
        let src = "[role=execute]\n----\nls\n----\n";
        let p = page(src);
        assert!(p.actions.is_empty());
        assert!(p.html.contains("listingblock execute"), "{}", p.html);
        assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);
        assert_eq!(p.diagnostics[0].line, 1);
        assert!(p.diagnostics[0].message.contains("source"));
    }

    #[test]
    fn lookalike_roles_are_not_actions_but_are_warned() {
        let src = "[source,role=terminal:exec]\n----\nls\n----\n\n[source,role=execute-4]\n----\nls\n----\n\n[source,role=highlight]\n----\nls\n----\n";
        let p = page(src);
        assert!(p.actions.is_empty());
        let lines: Vec<u32> = p.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, [1, 6], "{:?}", p.diagnostics);
        assert!(p.diagnostics[0].message.contains("terminal:exec"));
    }

    #[test]
    fn session_variables_are_attributes() {
        let src = "\
Namespace: {session_namespace}, domain {ingress_domain}.

[source,bash,role=execute]
----
kubectl get pods -n {session_namespace}
----

[source,bash,role=execute,subs=\"attributes+\"]
----
kubectl get pods -n {session_namespace} && echo '<ok>'
----
";
        let p = page_with(
            src,
            &[("session_namespace", "lab-x"), ("ingress_domain", "example.test")],
        );
        assert!(
            p.html.contains("Namespace: lab-x, domain example.test."),
            "{}",
            p.html
        );
        // Listings substitute attributes only when the block asks for it, like Asciidoctor.
        assert_eq!(p.actions[0].body, "kubectl get pods -n {session_namespace}");
        assert_eq!(p.actions[1].body, "kubectl get pods -n lab-x && echo '<ok>'");
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    }

    #[test]
    fn attribute_names_are_case_insensitive_and_session_values_win() {
        let src = ":GUID: from-page\n\nguid={GUID} ns={SESSION_NAMESPACE}\n";
        let p = page_with(src, &[("GUID", "abc"), ("session_namespace", "lab-x")]);
        assert!(p.html.contains("guid=abc ns=lab-x"), "{}", p.html);
        let p = page(src);
        assert!(p.html.contains("guid=from-page"), "{}", p.html);
    }

    #[test]
    fn undefined_attribute_is_left_as_written_and_warned() {
        let src = "First line.\n\nSee {no_such_thing} here.\n";
        let p = page(src);
        assert!(p.html.contains("{no_such_thing}"), "{}", p.html);
        assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);
        let d = &p.diagnostics[0];
        assert_eq!(d.severity, crate::content::Severity::Warning);
        assert_eq!(d.line, 3);
        assert_eq!(d.column, 5);
        assert_eq!(d.file, PathBuf::from("content/page.adoc"));
        assert!(d.message.contains("{no_such_thing}"), "{}", d.message);
    }

    #[test]
    fn placeholders_follow_document_order_through_nesting() {
        let src = "\
= Nested

== Section one

. Step one
+
[source,bash,role=execute-1]
----
first
----

. Step two
+
====
[source,bash,role=execute-2]
----
second
----
====

== Section two

[cols=\"1a\"]
|===
|
[source,bash,role=copy]
----
third
----
|===

[source,bash,role=execute]
----
fourth
----
";
        let p = page(src);
        assert_eq!(
            kinds(&p),
            ["execute-1", "execute-2", "copy", "execute"],
            "{}",
            p.html
        );
        let lines: Vec<u32> = p.actions.iter().map(|a| a.line).collect();
        assert_eq!(lines, [7, 15, 26, 32]);
        let bodies: Vec<&str> = p.actions.iter().map(|a| a.body.as_str()).collect();
        assert_eq!(bodies, ["first", "second", "third", "fourth"]);
        let positions: Vec<usize> = (0..4)
            .map(|i| p.html.find(&placeholder(i)).expect("placeholder present"))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{}", p.html);
        assert_eq!(p.html.matches("<!--lectern-action:").count(), 4);
    }

    #[test]
    fn title_comes_from_the_document_title() {
        let p = page("= Getting *Started*\n:toc!:\n\nHello.\n");
        assert_eq!(p.title.as_deref(), Some("Getting Started"));
        assert!(!p.html.contains("<h1>"), "embedded: no title heading: {}", p.html);
        assert!(!p.html.contains("<html"), "{}", p.html);
        assert!(p.html.contains("<p>Hello.</p>"), "{}", p.html);
        assert_eq!(page("Hello.\n").title, None);
        // Markdown-style level-0 heading, and a title after comments and attribute entries.
        assert_eq!(
            page("# Markdown Title\n\nBody\n").title.as_deref(),
            Some("Markdown Title")
        );
        assert_eq!(
            page("// comment\n= Late Title\n:ver: 2\n\nBody\n")
                .title
                .as_deref(),
            Some("Late Title")
        );
    }

    #[test]
    fn long_delimiters_work_like_asciidoctor() {
        let src = "\
[source,bash,role=execute]
----------
ls -l
----------

[source,role=copy]
------
----
inner four dashes stay text
----
------

......
literal ------------
......
";
        let p = page(src);
        assert_eq!(kinds(&p), ["execute", "copy"], "{}", p.html);
        assert_eq!(p.actions[0].body, "ls -l");
        assert_eq!(p.actions[1].line, 6);
        assert!(p.html.contains("literalblock"), "{}", p.html);
        assert!(p.html.contains("literal ------------"), "{}", p.html);
        assert_eq!(
            normalize_delimiters("a\n------\nb\n------\n"),
            "a\n----\nb\n----\n"
        );
    }

    #[test]
    fn document_source_language_makes_plain_listings_code() {
        let p = page(":source-language: bash\n\n[role=execute]\n----\nls\n----\n");
        assert_eq!(kinds(&p), ["execute"], "{}", p.html);
        assert_eq!(p.actions[0].line, 3);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    }

    #[test]
    fn include_directive_is_reported_not_followed() {
        let p = page("Before.\n\ninclude::other.adoc[]\n\nAfter.\n");
        assert!(p.html.contains("After."), "{}", p.html);
        let d = p
            .diagnostics
            .iter()
            .find(|d| d.message.contains("include"))
            .expect("an include diagnostic");
        assert_eq!(d.line, 3, "{d}");
        assert!(d.message.contains("not followed"), "{d}");
        assert!(!p.html.contains("include::"), "{}", p.html);
    }

    #[test]
    fn includes_are_read_inside_the_jail_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("parts")).expect("mkdir");
        std::fs::write(
            content.join("parts/steps.adoc"),
            "// tag::run[]\nSay {greeting}.\n\n[source,bash,role=execute]\n----\necho hello\n----\n\
             // end::run[]\nNot included.\n",
        )
        .expect("write");
        std::fs::write(
            content.join("parts/nested.adoc"),
            "include::steps.adoc[tag=run]\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("secret.adoc"), "SECRET\n").expect("write");
        let jail = IncludeJail {
            base_dir: content.clone(),
            root: content.clone(),
        };
        let source = "= Page\n\ninclude::parts/nested.adoc[]\n\ninclude::../secret.adoc[]\n\n\
                      include::parts/missing.adoc[]\n\nEnd.\n";
        let vars: Variables = [("greeting".to_string(), "hi".to_string())].into_iter().collect();
        let p = render(source, Path::new("content/page.adoc"), &vars, Some(&jail));
        assert_eq!(kinds(&p), ["execute"], "{}", p.html);
        assert_eq!(p.actions[0].body, "echo hello");
        assert!(p.html.contains("Say hi."), "{}", p.html);
        assert!(!p.html.contains("Not included"), "{}", p.html);
        assert!(!p.html.contains("SECRET"), "{}", p.html);
        assert!(p.html.contains("End."), "{}", p.html);
        let messages: Vec<&str> = p.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("outside the workshop's content folder")),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("not found")), "{messages:?}");
        let canonical = |p: &str| std::fs::canonicalize(content.join(p)).expect("canonical");
        assert_eq!(
            p.included,
            [canonical("parts/nested.adoc"), canonical("parts/steps.adoc")]
        );
    }

    #[test]
    fn ctrl_c_body_is_decoded_text() {
        let p = page("[source,bash,role=execute]\n----\n<ctrl-c>\n----\n");
        assert_eq!(p.actions[0].body, "<ctrl-c>");
    }

    #[test]
    fn odd_input_never_panics() {
        let inputs = [
            "",
            "\n\n\n",
            "[source,role=execute]",
            "[source,role=execute]\n----\nunclosed",
            "----\n----\n----",
            "|===\n|a|b\n|c",
            "[cols=\"1a\"]\n|===\n|\n[source,role=copy]\n----\nx\n|===",
            "include::missing.adoc[]\n",
            "= \n",
            "[[[\n]]]\n{{{}}}\n",
            "* a\n** b\n*** c\n**** d\n***** e\n****** f\n",
            ":attr: {attr}\n{attr}\n",
            "ifdef::x[]\nopen\n",
            "[source,role=execute]\n--\nopen block\n--\n",
            "footnote:[a footnote:[nested]]\nkbd:[Ctrl+C] btn:[OK] menu:File[Save]\n",
            "\u{0}\u{1}\u{feff}= Title\n\u{200b}",
            "====\n====\n====\n====\n",
            "[#id.role%opt,source,role=execute]\n----\nx\n----\n",
        ];
        for input in inputs {
            let p = page(input);
            assert!(!p.html.contains("<html"), "{input:?} gave a document shell");
        }
        let deep = "====\n".repeat(200) + "x\n" + &"====\n".repeat(200);
        let _ = page(&deep);
        let list = (1..60)
            .map(|n| format!("{} item\n", "*".repeat(n)))
            .collect::<String>();
        let _ = page(&list);
    }

    fn corpus_dir() -> Option<PathBuf> {
        if let Ok(dir) = std::env::var("LECTERN_CORPUS") {
            return Some(PathBuf::from(dir));
        }
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        [
            manifest.join("../shared/corpus"),
            manifest.join("../../shared/corpus"),
        ]
        .into_iter()
        .find(|p| p.join("EXPECTED.json").is_file())
    }

    #[test]
    fn corpus_asciidoc_sample_action_counts_match_expected() {
        let Some(corpus) = corpus_dir() else {
            eprintln!("corpus not found (set LECTERN_CORPUS); skipping");
            return;
        };
        let workshop = "jkupferer__lab-asciidoc-sample";
        let root = corpus.join(workshop);
        if !root.is_dir() {
            eprintln!("{} missing; skipping", root.display());
            return;
        }
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(corpus.join("EXPECTED.json")).expect("test data"))
                .expect("test data");
        let per_page = expected["workshops"][workshop]["per_page"]
            .as_object()
            .expect("per_page for the asciidoc sample");
        assert_eq!(per_page.len(), 4);
        let mut total = 0;
        for (key, entry) in per_page {
            let rel = entry["file"].as_str().expect("test data");
            let source = std::fs::read_to_string(root.join(rel)).expect("test data");
            let p = render(&source, Path::new(rel), &Variables::new(), None);
            let mut counts = std::collections::BTreeMap::<String, u64>::new();
            for action in &p.actions {
                *counts.entry(action.kind.clone()).or_default() += 1;
            }
            let want: std::collections::BTreeMap<String, u64> = entry["actions"]
                .as_object()
                .expect("test data")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_u64().expect("test data")))
                .collect();
            assert_eq!(counts, want, "page {key}");
            assert_eq!(
                p.actions.len() as u64,
                entry["total"].as_u64().expect("test data")
            );
            for (i, action) in p.actions.iter().enumerate() {
                assert!(p.html.contains(&placeholder(i)), "page {key}");
                let line = source.lines().nth(action.line as usize - 1).expect("test data");
                assert!(
                    line.contains(&format!("role={}", action.kind)),
                    "page {key}: line {} is {line:?}",
                    action.line
                );
            }
            assert!(
                p.diagnostics
                    .iter()
                    .all(|d| d.severity == crate::content::Severity::Warning),
                "page {key}: {:?}",
                p.diagnostics
            );
            total += p.actions.len();
        }
        assert_eq!(total, 8);
    }

    #[test]
    fn corpus_asciidoc_details() {
        let Some(corpus) = corpus_dir() else {
            eprintln!("corpus not found (set LECTERN_CORPUS); skipping");
            return;
        };
        let content = corpus.join("jkupferer__lab-asciidoc-sample/workshop/content");
        let Ok(overview) = std::fs::read_to_string(content.join("workshop-overview.adoc")) else {
            eprintln!("asciidoc sample missing; skipping");
            return;
        };
        let p = render(
            &overview,
            Path::new("workshop/content/workshop-overview.adoc"),
            &Variables::new(),
            None,
        );
        // `:GUID: %GUID%` read back with `{GUID}` in a `[subs="attributes"]` listing.
        assert!(
            p.html
                .contains("<pre>GUID: %GUID%\nrandom_string: %random_string%</pre>"),
            "{}",
            p.html
        );
        let setup = std::fs::read_to_string(content.join("setup-environment.adoc")).expect("test data");
        let p = render(&setup, Path::new("setup.adoc"), &Variables::new(), None);
        assert!(
            p.html.contains(r#"<span class="fas fa-play-circle"></span>"#),
            "passthrough: {}",
            p.html
        );
        assert_eq!(p.actions[0].body, "date");
        assert_eq!(p.actions[0].line, 5);
    }
}
