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

use super::convert::{Edit, Replacement, item_content, line_end, line_start, prefixes};
use super::file_block::file_block;
use super::markers::{self, Marker};
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

/// Renders a scenario page. `text` is the page file, `file` its path for diagnostics.
pub fn render(text: &str, resolver: &Resolver<'_>, extras: &Extras<'_>) -> Rendered {
    render_inner(text, resolver, extras, None)
}

/// [`render`], and the edits that make the page an Educates page.
pub fn render_converting(text: &str, resolver: &Resolver<'_>, extras: &Extras<'_>) -> (Rendered, Vec<Edit>) {
    let mut edits = Vec::new();
    let rendered = render_inner(text, resolver, extras, Some(&mut edits));
    (rendered, edits)
}

fn render_inner(
    text: &str,
    resolver: &Resolver<'_>,
    extras: &Extras<'_>,
    mut edits: Option<&mut Vec<Edit>>,
) -> Rendered {
    let file = resolver.file();
    let source = Mapped::identity(text, 1);
    let index = LineIndex::new(text);
    let line_at = |offset: usize| source.line_of(index.line(offset));
    let (blanked, fence_markers) = blank_fence_markers(text);
    let mut record = |range: Range<usize>, with: Replacement| {
        if let Some(edits) = edits.as_deref_mut() {
            edits.push(Edit { range, with });
        }
    };
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
    // Open blocks (for placing the fenced form of an inline action after its paragraph).
    let mut open: Vec<(bool, Range<usize>)> = Vec::new();
    let mut parser = Parser::new_ext(&blanked, markdown::options()).into_offset_iter();
    while let Some((event, range)) = parser.next() {
        // Text of a blanked line that closed nothing: the example keeps its marker.
        let event = restore(event, &range, text, &blanked, &fence_markers);
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let start = range.clone();
                let (inner, code) =
                    block_events(&mut parser, TagEnd::CodeBlock, text, &blanked, &fence_markers);
                let line = line_at(start.start);
                // A marker on the opening line: an authoring slip the format renders as a plain block.
                if let Some(i) = fence_markers.iter().position(|m| m.line.contains(&start.start)) {
                    used_fence_markers[i] = true;
                    record(fence_markers[i].marker.clone(), Replacement::Text(String::new()));
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
                let code = code.strip_suffix('\n').unwrap_or(&code).to_string();
                let action = closing.and_then(|i| {
                    used_fence_markers[i] = true;
                    let marker = &fence_markers[i];
                    let action = marker.parsed.action(&machine_text(&code), extras.editor_dir);
                    if action.is_none() {
                        record(marker.marker.clone(), Replacement::Text(String::new()));
                    }
                    action.map(|action| (action, marker.line.end))
                });
                let markup = action.and_then(|((word, args), end)| {
                    let html = block(&mut out, word, &args, line, file)?;
                    let (first, rest) = prefixes(text, start.start);
                    let whole = line_start(text, start.start)..line_end(text, end);
                    record(whole, Replacement::action(word, args, first, rest));
                    Some(html)
                });
                match markup {
                    Some(html) => events.push((Event::Html(html.into()), start)),
                    None => {
                        events.push((Event::Start(Tag::CodeBlock(kind)), start.clone()));
                        events.extend(inner);
                        events.push((Event::End(TagEnd::CodeBlock), start));
                    }
                }
            }
            Event::Code(code) => {
                if placeholders::any(&code) {
                    record(range.clone(), Replacement::Placeholders(Context::Machine));
                }
                let at = range.end;
                match marker_at(text, at) {
                    Some((length, marker)) => {
                        skip = Some(at..at + length);
                        record(at..at + length, Replacement::Text(String::new()));
                        let line = line_at(range.start);
                        match inline_action(&marker, &code, extras, file, line, &mut out) {
                            Some((html, word, args)) => {
                                // The fenced form goes after the paragraph (or item, heading, table).
                                if let Some((item, leaf)) = open.last() {
                                    let body = if *item {
                                        item_content(text, leaf.start)
                                    } else {
                                        leaf.start
                                    };
                                    let (_, rest) = prefixes(text, body);
                                    let after = line_end(text, leaf.end.saturating_sub(1).max(leaf.start));
                                    record(
                                        after..after,
                                        Replacement::Action {
                                            word,
                                            args,
                                            first: rest.clone(),
                                            rest,
                                            blank: true,
                                        },
                                    );
                                }
                                events.push((Event::InlineHtml(html.into()), range));
                            }
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
                let (inner, html) =
                    block_events(&mut parser, TagEnd::HtmlBlock, text, &blanked, &fence_markers);
                let line = line_at(start.start);
                match file_block(&html, extras.editor_dir) {
                    Some(((word, args), rest, warnings)) => {
                        for warning in warnings {
                            out.diagnostics.push(Diagnostic::warning(file, line, warning));
                        }
                        let markup = block(&mut out, word, &args, line, file).unwrap_or_default();
                        let (first, prefix) = prefixes(text, start.start);
                        let whole =
                            line_start(text, start.start)..line_end(text, start.end.saturating_sub(1));
                        record(whole, Replacement::action(word, args, first, prefix));
                        events.push((Event::Html(format!("{markup}{rest}").into()), start));
                    }
                    None => {
                        events.push((Event::Start(Tag::HtmlBlock), start.clone()));
                        events.extend(inner);
                        events.push((Event::End(TagEnd::HtmlBlock), start));
                    }
                }
            }
            Event::Start(tag) => {
                match &tag {
                    Tag::Paragraph | Tag::Heading { .. } | Tag::Table(_) => open.push((false, range.clone())),
                    Tag::Item => open.push((true, range.clone())),
                    _ => {}
                }
                events.push((Event::Start(tag), range));
            }
            Event::End(tag) => {
                if matches!(
                    tag,
                    TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Table | TagEnd::Item
                ) {
                    open.pop();
                }
                events.push((Event::End(tag), range));
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
    let events = placeholders::in_events(events, file, &line_at, &mut out.diagnostics, &mut record);
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

/// The events of a block up to its `end` tag (blanked markers restored) and the text they hold (a code
/// block's `Text`, an HTML block's `Html`).
fn block_events<'e>(
    parser: &mut impl Iterator<Item = (Event<'e>, Range<usize>)>,
    end: TagEnd,
    text: &str,
    blanked: &'e str,
    markers: &[FenceMarker],
) -> (Vec<(Event<'e>, Range<usize>)>, String) {
    let mut inner = Vec::new();
    let mut content = String::new();
    for (event, range) in parser.by_ref() {
        let event = restore(event, &range, text, blanked, markers);
        if event == Event::End(end) {
            break;
        }
        if let Event::Text(t) | Event::Html(t) = &event {
            content.push_str(t);
        }
        inner.push((event, range));
    }
    (inner, content)
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
        action::Action::markup,
    )
}

/// Placeholders in a command are seen from the machine.
fn machine_text(text: &str) -> String {
    placeholders::substitute(text, Context::Machine).0
}

/// The markup of a code span with `marker`, and the action; `None` keeps the span as code.
fn inline_action(
    marker: &Marker,
    code: &str,
    extras: &Extras<'_>,
    file: &Path,
    line: u32,
    out: &mut Rendered,
) -> Option<(String, &'static str, Value)> {
    for warning in &marker.warnings {
        out.diagnostics
            .push(Diagnostic::warning(file, line, warning.clone()));
    }
    let shown = machine_text(code);
    let (word, args) = marker.action(&shown, extras.editor_dir)?;
    let html = action::render_block(
        word,
        &body_of(&args),
        line,
        file,
        &mut out.actions,
        &mut out.diagnostics,
        |action, index| action.inline_markup(index, &shown),
    )?;
    Some((html, word, args))
}

#[cfg(test)]
mod tests;
