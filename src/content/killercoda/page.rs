//! Rendering one scenario page: CommonMark with the format's markers turned into lectern actions, then the
//! shared Markdown path (`markdown::render_events`: headings, links, images, highlighting).
//!
//! - `` `cmd`{{exec}} `` — a marker right after a code span — becomes an inline action.
//! - A marker on the closing fence line (```` ```{{exec}} ````) makes the block an action. CommonMark does
//!   not allow text after a closing fence, so the markers of such lines are first blanked with spaces (same
//!   length: offsets and lines stay valid) and the text is parsed; a blanked line that closed a block of the
//!   same fence (character, at least the opener's length) gives the block its marker, any other (inside a
//!   longer fence, an indented block, an HTML block) gets its text back, so examples stay as written.
//! - `<pre class="file" data-filename data-target data-marker>` HTML blocks become editor or copy actions.
//! - URL placeholders become `/port/<port>` (browser) or `http://localhost:<port>` (commands).

use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};
use regex::Regex;
use serde_json::{Value, json};

use super::markers::{self, Marker, editor_path};
use super::placeholders::{self, Context};
use crate::content::html::{Rendered, escape};
use crate::content::links::Resolver;
use crate::content::mapped::LineIndex;
use crate::content::{Diagnostic, Mapped, action, markdown};

/// What a page adds besides its Markdown.
#[derive(Debug, Clone, Default)]
pub struct Extras<'a> {
    /// `uieditorpath` of the scenario (editor file names are relative to it).
    pub editor_dir: Option<&'a str>,
    /// The background script (examiner test name) run hidden when the page opens.
    pub background: Option<&'a str>,
    /// The verify script (examiner test name): the page's Check.
    pub verify: Option<&'a str>,
    /// A notice shown at the top of the page (the multi-machine warning on the first page).
    pub notice: Option<String>,
}

/// How long a background script may run, seconds (the examiner's longest).
const BACKGROUND_TIMEOUT_SECS: u32 = 3600;
/// How long a verify script may run, seconds.
const VERIFY_TIMEOUT_SECS: u32 = 60;

/// The actions a page's scripts add: `(type, args)` of the hidden background block and of the Check.
pub fn script_actions(extras: &Extras<'_>) -> (Option<Value>, Option<Value>) {
    let background = extras.background.map(|name| {
        json!({"name": name, "title": "Prepare this step", "autostart": true, "hidden": true,
               "timeout": BACKGROUND_TIMEOUT_SECS})
    });
    let verify = extras.verify.map(|name| {
        json!({"name": name, "prefix": "Check", "title": "Is this step done?", "timeout": VERIFY_TIMEOUT_SECS})
    });
    (background, verify)
}

/// A marker found on a closing-fence candidate line.
#[derive(Debug, Clone)]
struct FenceMarker {
    /// Byte range of the line (without its newline).
    line: Range<usize>,
    /// Byte range of the `{{…}}`.
    marker: Range<usize>,
    /// The fence: character and length.
    fence: (u8, usize),
    /// The parsed marker.
    parsed: Marker,
}

static FENCE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t>]*(`{3,}|~{3,})[ \t]*(\{\{([^{}\n]*)\}\})[ \t]*\r?$").expect("valid regex")
});

/// Blanks the markers of lines that may close a fence; returns the text and the markers.
fn blank_fence_markers(text: &str) -> (String, Vec<FenceMarker>) {
    let mut blanked = text.to_string();
    let mut found = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches('\n');
        if let Some(caps) = FENCE_MARKER.captures(content)
            && let (Some(fence), Some(whole), Some(inner)) = (caps.get(1), caps.get(2), caps.get(3))
            && let Some(parsed) = markers::parse(inner.as_str())
        {
            let marker = start + whole.start()..start + whole.end();
            blanked.replace_range(marker.clone(), &" ".repeat(marker.len()));
            found.push(FenceMarker {
                line: start..start + content.len(),
                marker,
                fence: (fence.as_str().as_bytes()[0], fence.len()),
                parsed,
            });
        }
        start += line.len();
    }
    (blanked, found)
}

/// A `{{…}}` marker starting at `at` on its line: its byte length and parse.
fn marker_at(text: &str, at: usize) -> Option<(usize, Marker)> {
    let rest = text.get(at..)?.strip_prefix("{{")?;
    let line = rest.split('\n').next()?;
    let close = line.find("}}")?;
    let parsed = markers::parse(&line[..close])?;
    Some((close + 4, parsed))
}

/// The fenced block's opening fence at `start`: character and length.
fn opening_fence(text: &str, start: usize) -> Option<(u8, usize)> {
    let bytes = text.as_bytes().get(start..)?;
    let first = *bytes.first()?;
    if first != b'`' && first != b'~' {
        return None;
    }
    Some((first, bytes.iter().take_while(|b| **b == first).count()))
}

/// HTML entities of text inside `<pre>`: the five named ones and numeric references.
fn unescape_html(text: &str) -> String {
    static ENTITY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot|apos|nbsp);").expect("valid regex")
    });
    ENTITY
        .replace_all(text, |caps: &regex::Captures<'_>| {
            let entity = &caps[1];
            let c = match entity {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(String::from).unwrap_or_else(|| caps[0].to_string())
        })
        .into_owned()
}

/// A `<pre class="file" …>…</pre>` block: the action it stands for, and what followed `</pre>`.
fn file_block(html: &str, editor_dir: Option<&str>) -> Option<((&'static str, Value), String, Vec<String>)> {
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
                    (c[1].to_ascii_lowercase(), unescape_html(value))
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
    let text = unescape_html(inner);
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

/// Renders a scenario page. `text` is the page file, `file` its path for diagnostics.
pub fn render(text: &str, resolver: &Resolver<'_>, extras: &Extras<'_>) -> Rendered {
    let file = resolver.file();
    let source = Mapped::identity(text, 1);
    let index = LineIndex::new(text);
    let line_at = |offset: usize| source.line_of(index.line(offset));
    let (blanked, fence_markers) = blank_fence_markers(text);
    let mut out = Rendered::default();
    let mut head = String::new();
    if let Some(notice) = &extras.notice {
        head.push_str(&format!(
            "<div class=\"lectern-notice\" role=\"note\"><p>{}</p></div>\n",
            escape(notice)
        ));
    }
    let (background, verify) = script_actions(extras);
    if let Some(args) = background {
        head.push_str(&block(&mut out, "examiner:execute-test", &args, 0, file).unwrap_or_default());
    }
    let mut used_fence_markers = vec![false; fence_markers.len()];
    let mut events: Vec<(Event<'_>, Range<usize>)> = Vec::new();
    let mut skip: Option<Range<usize>> = None;
    let mut parser = Parser::new_ext(&blanked, markdown::options()).into_offset_iter();
    while let Some((event, range)) = parser.next() {
        // Text of a blanked line that closed nothing: the example keeps its marker.
        let event = restore(event, &range, text, &blanked, &fence_markers);
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let start = range.clone();
                let mut inner = Vec::new();
                let mut code = String::new();
                for (event, range) in parser.by_ref() {
                    let event = restore(event, &range, text, &blanked, &fence_markers);
                    if let Event::End(TagEnd::CodeBlock) = event {
                        break;
                    }
                    if let Event::Text(t) = &event {
                        code.push_str(t);
                    }
                    inner.push((event, range));
                }
                let line = line_at(start.start);
                // A marker on the opening line: an authoring slip the format renders as a plain block.
                if let Some(i) = fence_markers.iter().position(|m| m.line.contains(&start.start)) {
                    used_fence_markers[i] = true;
                    out.diagnostics.push(Diagnostic::warning(
                        file,
                        line,
                        format!(
                            "marker `{{{{{}}}}}` on an opening fence does nothing; write it after the closing fence",
                            fence_markers[i].parsed.inner
                        ),
                    ));
                }
                let closing = opening_fence(&blanked, start.start).and_then(|(c, len)| {
                    let last = start.end.checked_sub(1)?;
                    fence_markers.iter().position(|m| {
                        m.line.contains(&last)
                            && m.line.start > start.start
                            && m.fence.0 == c
                            && m.fence.1 >= len
                    })
                });
                let marker = closing.map(|i| {
                    used_fence_markers[i] = true;
                    &fence_markers[i].parsed
                });
                let code = code.strip_suffix('\n').unwrap_or(&code).to_string();
                match marker.and_then(|m| marked_action(m, &code, extras, file, line, &mut out)) {
                    Some(html) => events.push((Event::Html(html.into()), start)),
                    None => {
                        events.push((Event::Start(Tag::CodeBlock(kind)), start.clone()));
                        events.extend(inner);
                        events.push((Event::End(TagEnd::CodeBlock), start));
                    }
                }
            }
            Event::Code(code) => {
                let at = range.end;
                match marker_at(text, at) {
                    Some((length, marker)) => {
                        skip = Some(at..at + length);
                        let line = line_at(range.start);
                        match inline_action(&marker, &code, extras, file, line, &mut out) {
                            Some(html) => events.push((Event::InlineHtml(html.into()), range)),
                            None => events.push((Event::Code(code), range)),
                        }
                    }
                    None => events.push((Event::Code(code), range)),
                }
            }
            Event::Text(t) => {
                // Drop the marker after a code span from the text that follows it.
                let t = match skip.take() {
                    Some(cut)
                        if cut.start <= range.start && range.start < cut.end && t.len() == range.len() =>
                    {
                        if range.end > cut.end {
                            CowStr::from(t[cut.end - range.start..].to_string())
                        } else {
                            skip = (range.end < cut.end).then_some(range.end..cut.end);
                            CowStr::from(String::new())
                        }
                    }
                    other => {
                        skip = other;
                        t
                    }
                };
                if !t.is_empty() {
                    events.push((Event::Text(t), range));
                }
            }
            Event::Start(Tag::HtmlBlock) => {
                let start = range.clone();
                let mut inner = Vec::new();
                let mut html = String::new();
                for (event, range) in parser.by_ref() {
                    let event = restore(event, &range, text, &blanked, &fence_markers);
                    if let Event::End(TagEnd::HtmlBlock) = event {
                        break;
                    }
                    if let Event::Html(h) = &event {
                        html.push_str(h);
                    }
                    inner.push((event, range));
                }
                let line = line_at(start.start);
                match file_block(&html, extras.editor_dir) {
                    Some(((word, args), rest, warnings)) => {
                        for warning in warnings {
                            out.diagnostics.push(Diagnostic::warning(file, line, warning));
                        }
                        let markup = block(&mut out, word, &args, line, file).unwrap_or_default();
                        events.push((Event::Html(format!("{markup}{rest}").into()), start));
                    }
                    None => {
                        events.push((Event::Start(Tag::HtmlBlock), start.clone()));
                        events.extend(inner);
                        events.push((Event::End(TagEnd::HtmlBlock), start));
                    }
                }
            }
            other => events.push((other, range)),
        }
    }
    // Spelling warnings of fence markers that act (one inside an example is no marker at all).
    for (marker, used) in fence_markers.iter().zip(&used_fence_markers) {
        if *used {
            for warning in &marker.parsed.warnings {
                out.diagnostics.push(Diagnostic::warning(
                    file,
                    line_at(marker.line.start),
                    warning.clone(),
                ));
            }
        }
    }
    let events = placeholders_in(events, file, &line_at, &mut out.diagnostics);
    let mut out = markdown::render_events(
        &source,
        events.into_iter(),
        resolver,
        out,
        markdown::Flavor::default(),
        false,
    );
    if let Some(args) = verify {
        let check = block(&mut out, "examiner:execute-test", &args, 0, file).unwrap_or_default();
        out.html.push_str(&check);
    }
    out.html = head + &out.html;
    out
}

/// A page event with the text of blanked markers put back when the event shows that line's text.
fn restore<'e>(
    event: Event<'e>,
    range: &Range<usize>,
    text: &str,
    blanked: &'e str,
    markers: &[FenceMarker],
) -> Event<'e> {
    let touches = |r: &Range<usize>| {
        markers
            .iter()
            .any(|m| m.marker.start < r.end && r.start < m.marker.end)
    };
    if !touches(range) {
        return event;
    }
    let original = || CowStr::from(text[range.clone()].to_string());
    match event {
        Event::Text(t) if *t == blanked[range.clone()] => Event::Text(original()),
        Event::Html(t) if *t == blanked[range.clone()] => Event::Html(original()),
        Event::InlineHtml(t) if *t == blanked[range.clone()] => Event::InlineHtml(original()),
        other => other,
    }
}

/// The body an action block is parsed from: its arguments as JSON (which is YAML).
fn body_of(args: &Value) -> String {
    serde_json::to_string(args).unwrap_or_else(|_| "{}".into())
}

fn block(out: &mut Rendered, word: &str, args: &Value, line: u32, file: &Path) -> Option<String> {
    action::render_block(
        word,
        &body_of(args),
        line,
        file,
        &mut out.actions,
        &mut out.diagnostics,
    )
}

/// Placeholders in a command are seen from the machine.
fn machine_text(text: &str) -> String {
    placeholders::substitute(text, Context::Machine).0
}

/// The markup of a code block with `marker`; `None` keeps the block as code.
fn marked_action(
    marker: &Marker,
    code: &str,
    extras: &Extras<'_>,
    file: &Path,
    line: u32,
    out: &mut Rendered,
) -> Option<String> {
    let (word, args) = marker.action(&machine_text(code), extras.editor_dir)?;
    block(out, word, &args, line, file)
}

/// The markup of a code span with `marker`; `None` keeps the span as code.
fn inline_action(
    marker: &Marker,
    code: &str,
    extras: &Extras<'_>,
    file: &Path,
    line: u32,
    out: &mut Rendered,
) -> Option<String> {
    for warning in &marker.warnings {
        out.diagnostics
            .push(Diagnostic::warning(file, line, warning.clone()));
    }
    let (word, args) = marker.action(&machine_text(code), extras.editor_dir)?;
    action::render_inline(
        word,
        &body_of(&args),
        code,
        line,
        file,
        &mut out.actions,
        &mut out.diagnostics,
    )
}

/// Maps URL placeholders: in code to the machine's view, elsewhere to the browser's. Adjacent text
/// events are joined first (the parser splits `[[HOST_SUBDOMAIN]]` at its brackets).
fn placeholders_in<'e>(
    events: Vec<(Event<'e>, Range<usize>)>,
    file: &Path,
    line_at: &dyn Fn(usize) -> u32,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(Event<'e>, Range<usize>)> {
    let mut joined: Vec<(Event<'e>, Range<usize>)> = Vec::with_capacity(events.len());
    let mut in_code = false;
    for (event, range) in events {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        if let (Event::Text(next), Some((Event::Text(previous), previous_range))) =
            (&event, joined.last_mut())
            && !in_code
        {
            *previous = CowStr::from(format!("{previous}{next}"));
            previous_range.end = range.end;
            continue;
        }
        joined.push((event, range));
    }
    let mut unknown = Vec::new();
    let mut map = |text: &str, context: Context, offset: usize| -> Option<String> {
        if !placeholders::any(text) {
            return None;
        }
        let (mapped, left) = placeholders::substitute(text, context);
        unknown.extend(left.into_iter().map(|p| (line_at(offset), p)));
        (mapped != text).then_some(mapped)
    };
    let mut in_code = false;
    let mut out = Vec::with_capacity(joined.len());
    for (event, range) in joined {
        let at = range.start;
        let event = match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                Event::Start(Tag::CodeBlock(kind))
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                Event::End(TagEnd::CodeBlock)
            }
            Event::Text(t) => {
                let context = if in_code {
                    Context::Machine
                } else {
                    Context::Browser
                };
                map(&t, context, at).map_or(Event::Text(t), |m| Event::Text(m.into()))
            }
            Event::Code(t) => map(&t, Context::Machine, at).map_or(Event::Code(t), |m| Event::Code(m.into())),
            Event::Html(t) => map(&t, Context::Browser, at).map_or(Event::Html(t), |m| Event::Html(m.into())),
            Event::InlineHtml(t) => {
                map(&t, Context::Browser, at).map_or(Event::InlineHtml(t), |m| Event::InlineHtml(m.into()))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: map(&dest_url, Context::Browser, at).map_or(dest_url, CowStr::from),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: map(&dest_url, Context::Browser, at).map_or(dest_url, CowStr::from),
                title,
                id,
            }),
            other => other,
        };
        out.push((event, range));
    }
    unknown.sort();
    unknown.dedup();
    for (line, placeholder) in unknown {
        diagnostics.push(Diagnostic::warning(
            file,
            line,
            format!("placeholder `{placeholder}` has no meaning in lectern and is left as written"),
        ));
    }
    out
}

#[cfg(test)]
mod tests;
