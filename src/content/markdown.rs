//! Markdown pages: pulldown-cmark (CommonMark + tables, task lists, footnotes, strikethrough, heading
//! ids) with fenced action blocks turned into action markup, ordinary code highlighted, and relative
//! image/link URLs resolved against the page (missing targets are diagnostics).

use std::collections::HashMap;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::html::Rendered;
use super::links::Resolver;
use super::mapped::{LineIndex, Mapped};
use super::{Diagnostic, action, highlight};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Heading id the way Hugo's default (GitHub-style) generator makes it.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            slug.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            slug.push('-');
        }
    }
    slug
}

/// A heading being collected: level, inner events, classes, attributes, explicit id.
type OpenHeading<'a> = (
    HeadingLevel,
    Vec<Event<'a>>,
    Vec<CowStr<'a>>,
    Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    Option<CowStr<'a>>,
);

struct CodeState {
    info: Option<String>,
    text: String,
    start: usize,
}

/// Renders Markdown `source` (already templated; `mapped` maps its lines to the file).
pub fn render<'a>(source: &'a Mapped, resolver: &Resolver<'_>) -> Rendered {
    let text = &source.text;
    let index = LineIndex::new(text);
    let line_at = |offset: usize| source.line_of(index.line(offset));
    // Columns of diagnostics raised at `offset` on its own line (positions are kept by templating
    // except after a substitution earlier on the same line).
    let set_column = |diagnostics: &mut [Diagnostic], from: usize, offset: usize| {
        let line = line_at(offset);
        let column = index.column(text, offset);
        for diagnostic in &mut diagnostics[from..] {
            if diagnostic.line == line && diagnostic.column == 0 {
                diagnostic.column = column;
            }
        }
    };
    // A link or image URL at `offset`, resolved against the page (problems get their column).
    let resolve_url = |image: bool, url: CowStr<'a>, offset: usize, diagnostics: &mut Vec<Diagnostic>| {
        let (from, line) = (diagnostics.len(), line_at(offset));
        let resolved = if image {
            resolver.image(&url, line, diagnostics)
        } else {
            resolver.link(&url, line, diagnostics)
        };
        set_column(diagnostics, from, offset);
        resolved.map(CowStr::from).unwrap_or(url)
    };
    let mut out = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut code: Option<CodeState> = None;
    let mut heading: Option<OpenHeading<'_>> = None;
    let mut ids: HashMap<String, usize> = HashMap::new();

    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        if let Some(state) = code.as_mut() {
            match event {
                Event::Text(t) => state.text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let Some(state) = code.take() else { continue };
                    let (from, start) = (out.diagnostics.len(), state.start);
                    let html = code_block(state, &line_at, &mut out, resolver);
                    set_column(&mut out.diagnostics, from, start);
                    events.push(Event::Html(html.into()));
                }
                _ => {}
            }
            continue;
        }
        if let Some((_, buffered, _, _, _)) = heading.as_mut() {
            if let Event::End(TagEnd::Heading(_)) = event {
                let Some((level, inner, classes, attrs, id)) = heading.take() else {
                    continue;
                };
                let plain: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let id = match id {
                    Some(id) => id.to_string(),
                    None => {
                        let base = slugify(&plain);
                        let count = ids.entry(base.clone()).or_insert(0);
                        let id = if *count == 0 {
                            base.clone()
                        } else {
                            format!("{base}-{count}")
                        };
                        *count += 1;
                        id
                    }
                };
                out.headings.push((level as u8, id.clone(), plain));
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(id.into()),
                    classes,
                    attrs,
                }));
                events.extend(inner);
                events.push(Event::End(TagEnd::Heading(level)));
            } else {
                buffered.push(event);
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => Some(info.to_string()),
                    CodeBlockKind::Indented => None,
                };
                code = Some(CodeState {
                    info,
                    text: String::new(),
                    start: range.start,
                });
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some((level, Vec::new(), classes, attrs, id));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = resolve_url(true, dest_url, range.start, &mut out.diagnostics);
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = resolve_url(false, dest_url, range.start, &mut out.diagnostics);
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            other => events.push(other),
        }
    }
    if let Some(state) = code.take() {
        let html = code_block(state, &line_at, &mut out, resolver);
        events.push(Event::Html(html.into()));
    }
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out
}

fn code_block(
    state: CodeState,
    line_at: &dyn Fn(usize) -> u32,
    out: &mut Rendered,
    resolver: &Resolver<'_>,
) -> String {
    let line = line_at(state.start);
    let word = state
        .info
        .as_deref()
        .and_then(|info| info.split_whitespace().next())
        .map(|w| w.split('{').next().unwrap_or(w).to_string())
        .filter(|w| !w.is_empty());
    let Some(word) = word else {
        return highlight::code_block(None, &state.text);
    };
    let file = resolver.file();
    if let Some(html) = action::render_block(
        &word,
        &state.text,
        line,
        file,
        &mut out.actions,
        &mut out.diagnostics,
    ) {
        return html;
    }
    if action::classify(&word) == action::Classified::ForeignAction {
        out.diagnostics.push(Diagnostic::warning(
            file,
            line,
            format!(
                "`{word}` is not a built-in action type; shown as code unless a workshop script registers it"
            ),
        ));
    }
    highlight::code_block(Some(&word), &state.text)
}
