//! Markdown pages: pulldown-cmark (CommonMark + tables, task lists, footnotes, strikethrough, heading
//! ids) with fenced action blocks turned into action markup, ordinary code highlighted, and relative
//! image/link URLs resolved against the page (missing targets are diagnostics).

use std::collections::HashMap;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::html::Rendered;
use super::links::Resolver;
use super::mapped::{LineIndex, Mapped};
use super::shortcodes::Placeholders;
use super::{Diagnostic, action, highlight};

/// How Goldmark, Hugo's renderer with the original's settings, shows raw HTML in a page.
const OMITTED: &str = "<!-- raw HTML omitted -->";

/// The differences between the two Markdown flavours lectern renders.
#[derive(Default, Clone, Copy)]
pub struct Flavor<'p> {
    /// Hugo pages: what `{{< >}}` shortcode tokens stand for.
    pub placeholders: Option<&'p Placeholders>,
    /// Hugo pages: raw HTML is omitted, as Goldmark does without `unsafe` (the original never sets it),
    /// and punctuation is typographic (Goldmark's typographer, on in Hugo: “quotes”, – and …).
    pub omit_raw_html: bool,
}

/// The pulldown-cmark extensions every page is parsed with.
pub fn options() -> Options {
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

/// Renders Markdown `source` (already templated; `mapped` maps its lines to the file) as the classic
/// renderer does: raw HTML kept.
pub fn render(source: &Mapped, resolver: &Resolver<'_>) -> Rendered {
    render_with(source, resolver, Flavor::default())
}

/// Renders Markdown `source` in `flavor`.
pub fn render_with(source: &Mapped, resolver: &Resolver<'_>, flavor: Flavor<'_>) -> Rendered {
    let options = if flavor.omit_raw_html {
        options() | Options::ENABLE_SMART_PUNCTUATION
    } else {
        options()
    };
    let events = Parser::new_ext(&source.text, options).into_offset_iter();
    render_events(source, events, resolver, Rendered::default(), flavor, true)
}

/// Renders parsed `events` of a text with the same lines and offsets as `source.text` (a dialect such as
/// Killercoda's may parse a rewritten copy and replace events). `out` may already hold actions; with
/// `fenced_actions` false, code blocks named by an action type stay code (dialects with their own
/// action syntax).
pub fn render_events<'e>(
    source: &Mapped,
    parsed: impl Iterator<Item = (Event<'e>, std::ops::Range<usize>)>,
    resolver: &Resolver<'_>,
    mut out: Rendered,
    flavor: Flavor<'_>,
    fenced_actions: bool,
) -> Rendered {
    let text = &source.text;
    let resolve_text = |text: &str| match flavor.placeholders {
        Some(placeholders) => placeholders.resolve_text(text),
        None => text.to_string(),
    };
    // End of the last raw HTML line omitted (an HTML block comes as one event per line).
    let mut omitted_end: Option<usize> = None;
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
    let resolve_url = |image: bool, url: CowStr<'e>, offset: usize, diagnostics: &mut Vec<Diagnostic>| {
        let (from, line) = (diagnostics.len(), line_at(offset));
        let url: CowStr<'e> = match flavor.placeholders {
            Some(_) if url.contains('\u{E000}') => resolve_text(&url).into(),
            _ => url,
        };
        let resolved = if image {
            resolver.image(&url, line, diagnostics)
        } else {
            resolver.link(&url, line, diagnostics)
        };
        set_column(diagnostics, from, offset);
        resolved.map(CowStr::from).unwrap_or(url)
    };
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut code: Option<CodeState> = None;
    let mut heading: Option<OpenHeading<'e>> = None;
    let mut ids: HashMap<String, usize> = HashMap::new();

    for (event, range) in parsed {
        if let Some(state) = code.as_mut() {
            match event {
                Event::Text(t) => state.text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let Some(mut state) = code.take() else { continue };
                    state.text = resolve_text(&state.text);
                    let (from, start) = (out.diagnostics.len(), state.start);
                    let html = code_block(state, &line_at, &mut out, resolver, fenced_actions);
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
                let plain = resolve_text(&plain);
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
                buffered.push(omit_inline_html(event, flavor));
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
            Event::Html(_) if flavor.omit_raw_html => {
                if omitted_end != Some(range.start) {
                    events.push(Event::Html(OMITTED.into()));
                }
                omitted_end = Some(range.end);
            }
            other => events.push(omit_inline_html(other, flavor)),
        }
    }
    if let Some(mut state) = code.take() {
        state.text = resolve_text(&state.text);
        let html = code_block(state, &line_at, &mut out, resolver, fenced_actions);
        events.push(Event::Html(html.into()));
    }
    if flavor.omit_raw_html
        && let Some(first) = first_omitted(text)
    {
        out.diagnostics.push(Diagnostic::warning(
            resolver.file(),
            line_at(first),
            "raw HTML is not shown: Hugo, which renders this workshop in the original, omits it; use a \
             shortcode (or Markdown) instead",
        ));
    }
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    if let Some(placeholders) = flavor.placeholders {
        out.html = placeholders.resolve_html(&out.html);
    }
    out
}

/// Inline raw HTML from the page becomes Goldmark's "omitted" comment in the Hugo flavour.
fn omit_inline_html<'e>(event: Event<'e>, flavor: Flavor<'_>) -> Event<'e> {
    match event {
        Event::InlineHtml(_) if flavor.omit_raw_html => Event::InlineHtml(OMITTED.into()),
        Event::Html(_) if flavor.omit_raw_html => Event::Html(OMITTED.into()),
        other => other,
    }
}

/// Where the first raw HTML of `text` is, when it has any (a quick second parse, only for the
/// warning).
fn first_omitted(text: &str) -> Option<usize> {
    Parser::new_ext(text, options())
        .into_offset_iter()
        .find(|(event, _)| matches!(event, Event::Html(_) | Event::InlineHtml(_)))
        .map(|(_, range)| range.start)
}

fn code_block(
    state: CodeState,
    line_at: &dyn Fn(usize) -> u32,
    out: &mut Rendered,
    resolver: &Resolver<'_>,
    fenced_actions: bool,
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
    if !fenced_actions {
        return highlight::code_block(Some(&word), &state.text);
    }
    let file = resolver.file();
    if let Some(html) = action::render_block(
        &word,
        &state.text,
        line,
        file,
        &mut out.actions,
        &mut out.diagnostics,
        action::Action::markup,
    ) {
        return html;
    }
    let html = highlight::code_block(Some(&word), &state.text);
    if action::classify(&word) != action::Classified::ForeignAction {
        return html;
    }
    out.diagnostics.push(Diagnostic::warning(
        file,
        line,
        format!(
            "`{word}` is not a built-in action type; shown as code unless a workshop script registers it"
        ),
    ));
    // A custom action registered with `args: "yaml"` reads this (parsed like the built-ins' bodies).
    match action::parse_yaml(&state.text) {
        Ok(value) if value.is_object() => html.replacen(
            "<pre",
            &format!(
                "<pre data-action-yaml=\"{}\"",
                super::html::escape(&value.to_string())
            ),
            1,
        ),
        _ => html,
    }
}
