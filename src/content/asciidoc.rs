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
//! The parser is guarded with `catch_unwind` and a memory budget for its arena: odd input that makes it
//! panic or grow without end gives a page showing the source as plain text plus an error diagnostic,
//! never a crashed or hung server.
//!
//! Files: `delimiters` (long delimiter lines), `include` (jailed `include::`), `roles` (which blocks are
//! actions), `walker` (document order, plain text), `tests`.

mod delimiters;
mod include;
mod roles;
mod walker;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use asciidork_ast::Document;
use asciidork_core::{JobAttr, JobSettings, ReadAttr, SafeMode};
use asciidork_dr_html_backend::{AsciidoctorHtml, Backend};
use asciidork_parser::prelude::{Bump, Parser, SourceFile};

use crate::content::html::escape;
use crate::content::{Diagnostic, Variables};
use crate::jail::Jail;

use delimiters::normalize_delimiters;
use include::JailResolver;
use walker::{Walker, plain_text};

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
/// (the page's folder for the page itself), and nothing outside the jail (the workshop's content
/// folder, symlinks resolved) is read — Asciidoctor's `server` safe mode jails includes the same way.
#[derive(Debug, Clone)]
pub struct IncludeJail {
    /// The page's folder.
    pub base_dir: PathBuf,
    /// The folder includes must stay inside.
    pub jail: Jail,
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

/// The parser's arena budget, bytes: 8 MiB plus 1 KiB per source byte (the page's and, once known,
/// its includes'). The parser uses about 256 arena bytes per source byte (measured: 17 MiB for 64 KiB,
/// 65 MiB for 256 KiB, 256 MiB for 1 MiB), so a page and its includes fit four times over. asciidork
/// 0.38 loops forever on some malformed tables (`|===` / `|===` / `|1|2` / `|===`: rows of no cells
/// pushed without end, found by the `content` fuzz target — 7 GB in a minute); past the budget its
/// next allocation panics, which [`render`] catches like any parser panic. The budget is what such a
/// page costs on every render: with the earlier 128 MiB base, ~0.2 s and 128 MiB for a 300-byte page.
fn arena_limit_bytes(source_bytes: usize) -> usize {
    (8 << 20) + source_bytes.saturating_mul(1024)
}

/// Arena bytes the parser uses per source byte (measured, see [`arena_limit_bytes`]).
const ARENA_PER_SOURCE_BYTE: usize = 256;

/// Parse attempts for a page whose includes turn out larger than its first budget assumed.
const BUDGET_ATTEMPTS: usize = 4;

/// The placeholder put in the HTML instead of action block `index`.
pub fn placeholder(index: usize) -> String {
    format!("<!--lectern-action:{index}-->")
}

/// Render an AsciiDoc page. Never fails and never panics: problems become diagnostics. Without a
/// jail, `include::` lines are reported and left out.
pub fn render(source: &str, file: &Path, vars: &Variables, jail: Option<&IncludeJail>) -> AdocPage {
    // Included bytes are known only once the parser has read them: a page that outgrows its budget
    // after reading includes the budget did not count, enough to use a quarter of it, is parsed
    // again with them counted.
    let mut included_bytes = 0;
    let mut attempt = 1;
    loop {
        let read_bytes = Arc::new(AtomicUsize::new(0));
        let limit = arena_limit_bytes(source.len().saturating_add(included_bytes));
        let (page, over_budget) = render_within(source, file, vars, jail, limit, &read_bytes);
        let read_bytes = read_bytes.load(Ordering::Relaxed);
        let uncounted = read_bytes.saturating_sub(included_bytes);
        if !over_budget
            || uncounted.saturating_mul(ARENA_PER_SOURCE_BYTE) < limit / 4
            || attempt == BUDGET_ATTEMPTS
        {
            return page;
        }
        included_bytes = read_bytes;
        attempt += 1;
    }
}

/// [`render`] with an arena budget of `limit` bytes; also whether the parser outgrew it.
fn render_within(
    source: &str,
    file: &Path,
    vars: &Variables,
    jail: Option<&IncludeJail>,
    limit: usize,
    read_bytes: &Arc<AtomicUsize>,
) -> (AdocPage, bool) {
    let bump = Bump::new();
    bump.set_allocation_limit(Some(limit));
    match catch_unwind(AssertUnwindSafe(|| {
        render_guarded(&bump, source, file, vars, jail, read_bytes)
    })) {
        Ok(page) => (page, false),
        Err(payload) => {
            let mut reason = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown reason".to_string());
            // A failed arena allocation past half the budget: the budget stopped it (growth doubles).
            let over_budget = bump.allocated_bytes() >= limit / 2;
            if over_budget {
                reason = format!("it needed more than its {} MiB of memory", limit >> 20);
            }
            let page = AdocPage {
                title: None,
                html: source_as_text(source),
                actions: Vec::new(),
                diagnostics: vec![Diagnostic::error(
                    file,
                    0,
                    format!("the asciidoc parser failed on this page ({reason}); it is shown as plain text"),
                )],
                included: Vec::new(),
            };
            (page, over_budget)
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

fn render_guarded(
    bump: &Bump,
    source: &str,
    file: &Path,
    vars: &Variables,
    jail: Option<&IncludeJail>,
    read_bytes: &Arc<AtomicUsize>,
) -> AdocPage {
    let name = file.to_string_lossy();
    let path = asciidork_parser::prelude::Path::new(name.as_ref());
    let normalized = normalize_delimiters(source);
    let mut parser = Parser::from_str(&normalized, SourceFile::Path(path), bump);
    parser.apply_job_settings(job_settings(vars));
    let read = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    if let Some(jail) = jail {
        parser.set_resolver(Box::new(JailResolver {
            base_dir: jail.base_dir.to_string_lossy().into_owned(),
            jail: jail.jail.clone(),
            read: read.clone(),
            read_bytes: read_bytes.clone(),
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

    let mut document = std::mem::replace(&mut result.document, Document::new(bump));
    let title = document.title().map(|t| {
        let mut text = String::new();
        plain_text(&t.main, &mut text);
        text.trim().to_string()
    });

    let mut walker = Walker {
        bump,
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

#[cfg(test)]
mod tests;
