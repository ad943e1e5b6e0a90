//! URL placeholders of scenarios: Killercoda `{{TRAFFIC_HOST1_3000}}` and Katacoda
//! `https://[[HOST_SUBDOMAIN]]-3000-[[KATACODA_HOST]].environments.katacoda.com/…` name a port on the
//! scenario's machine. In lectern that port is the any-port route `/port/3000/` of the dashboard's origin
//! for the browser, and `http://localhost:3000` for a command typed into a terminal.

use std::sync::LazyLock;

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use regex::{Captures, Regex};

use super::convert::Replacement;
use crate::content::Diagnostic;

/// Where the text with the placeholder is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A link, image or dashboard URL, or page text: the browser's view.
    Browser,
    /// A command or code: the machine's own view.
    Machine,
}

static TRAFFIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{\s*TRAFFIC_HOST(\d+)_(\d+)\s*\}\}").expect("valid regex"));
static KATACODA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:https?://)?\[\[HOST(\d*)_SUBDOMAIN\]\]-(\d+)-\[\[KATACODA_HOST\]\](?:\.environments\.katacoda\.com)?",
    )
    .expect("valid regex")
});
static HOST_IP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[\[HOST(\d*)_IP\]\]").expect("valid regex"));
static SELECTOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{\s*TRAFFIC_SELECTOR\s*\}\}").expect("valid regex"));
static OTHER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[\[[A-Z][A-Z0-9_]*\]\]|\{\{\s*TRAFFIC_[A-Z0-9_]*\s*\}\}").expect("valid regex")
});

/// Whether `text` may hold a placeholder (a cheap test before [`substitute`]).
pub fn any(text: &str) -> bool {
    text.contains("[[") || text.contains("TRAFFIC_")
}

fn port_url(port: &str, context: Context) -> String {
    match context {
        Context::Browser => format!("/port/{port}"),
        Context::Machine => format!("http://localhost:{port}"),
    }
}

/// Replaces every placeholder of `text` for `context`; the second value lists the placeholders that
/// have no meaning in lectern (left as written).
pub fn substitute(text: &str, context: Context) -> (String, Vec<String>) {
    substitute_ports(text, context, &|port| port_url(port, context))
}

/// [`substitute`] with the URL of a port given by `port_url` (`lectern import` writes Educates ingress
/// URLs).
pub fn substitute_ports(
    text: &str,
    context: Context,
    port_url: &dyn Fn(&str) -> String,
) -> (String, Vec<String>) {
    if !any(text) {
        return (text.to_string(), Vec::new());
    }
    let port = |caps: &Captures<'_>| port_url(&caps[2]);
    let text = TRAFFIC.replace_all(text, port);
    let text = KATACODA.replace_all(&text, port);
    let text = HOST_IP.replace_all(&text, "127.0.0.1");
    let text = SELECTOR.replace_all(
        &text,
        match context {
            Context::Browser => "/port/",
            Context::Machine => "http://localhost",
        },
    );
    let unknown = OTHER.find_iter(&text).map(|m| m.as_str().to_string()).collect();
    (text.into_owned(), unknown)
}

/// A dashboard or link URL with its placeholders mapped for the browser.
pub fn url(href: &str) -> String {
    let (mapped, _) = substitute(href.trim(), Context::Browser);
    // `/port/9090` alone: the route answers with a redirect to `/port/9090/`; say it directly.
    if mapped.starts_with("/port/") && mapped[6..].bytes().all(|b| b.is_ascii_digit()) {
        format!("{mapped}/")
    } else {
        mapped
    }
}

/// Maps URL placeholders: in code to the machine's view, elsewhere to the browser's. Adjacent text
/// events are joined first (the parser splits `[[HOST_SUBDOMAIN]]` at its brackets).
pub(super) fn in_events<'e>(
    events: Vec<(Event<'e>, Range<usize>)>,
    file: &Path,
    line_at: &dyn Fn(usize) -> u32,
    diagnostics: &mut Vec<Diagnostic>,
    record: &mut dyn FnMut(Range<usize>, Replacement),
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
    let mut map = |text: &str, context: Context, range: &Range<usize>| -> Option<String> {
        if !any(text) {
            return None;
        }
        let (mapped, left) = substitute(text, context);
        unknown.extend(left.into_iter().map(|p| (line_at(range.start), p)));
        if mapped != text {
            record(range.clone(), Replacement::Placeholders(context));
        }
        (mapped != text).then_some(mapped)
    };
    let mut in_code = false;
    let mut out = Vec::with_capacity(joined.len());
    for (event, range) in joined {
        let at = &range;
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
mod tests {
    use super::*;

    #[test]
    fn killercoda_and_katacoda_urls() {
        let browser = |t: &str| substitute(t, Context::Browser).0;
        assert_eq!(browser("{{TRAFFIC_HOST1_3000}}/capture"), "/port/3000/capture");
        assert_eq!(
            browser("https://[[HOST_SUBDOMAIN]]-9090-[[KATACODA_HOST]].environments.katacoda.com/graph"),
            "/port/9090/graph"
        );
        assert_eq!(
            substitute("curl {{TRAFFIC_HOST1_80}}/x", Context::Machine).0,
            "curl http://localhost:80/x"
        );
        assert_eq!(browser("ping [[HOST2_IP]]"), "ping 127.0.0.1");
        let (text, unknown) = substitute("[[KATACODA_DOMAIN]] and [link]", Context::Browser);
        assert_eq!(text, "[[KATACODA_DOMAIN]] and [link]");
        assert_eq!(unknown, vec!["[[KATACODA_DOMAIN]]".to_string()]);
        assert_eq!(url("{{TRAFFIC_HOST1_31234}}"), "/port/31234/");
        assert_eq!(url("https://example.com/"), "https://example.com/");
    }
}
