//! Placeholders for the HTML that `{{< >}}` shortcodes produce: like Hugo, the output is kept out of
//! the Markdown pass (a token stands in its place) and put back into the rendered HTML, without the
//! `<p>` Markdown wraps around a token alone on its line. Where the page needs text instead (code
//! blocks, action bodies, link targets, heading ids) a token stands for its output's text content,
//! which is what a browser shows of the original's raw insertion.

use crate::content::gotemplate::{strip_tags, unescape};

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';
/// Nested outputs are resolved at most this deep (an output cannot contain itself, but be safe).
const MAX_DEPTH: usize = 32;

/// The outputs tokens stand for.
#[derive(Debug, Clone, Default)]
pub struct Placeholders {
    html: Vec<String>,
}

impl Placeholders {
    /// Stores `html` and returns the token that stands for it.
    pub fn add(&mut self, html: String) -> String {
        self.html.push(html);
        format!("{OPEN}{}{CLOSE}", self.html.len() - 1)
    }

    /// Whether there are no placeholders at all.
    pub fn is_empty(&self) -> bool {
        self.html.is_empty()
    }

    /// Rendered HTML with every token replaced by its output.
    pub fn resolve_html(&self, html: &str) -> String {
        self.resolve(html, 0, true)
    }

    /// Text with every token replaced by its output's text content.
    pub fn resolve_text(&self, text: &str) -> String {
        if self.is_empty() || !text.contains(OPEN) {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some((before, index, after)) = next_token(rest) {
            out.push_str(before);
            if let Some(html) = self.html.get(index) {
                out.push_str(&unescape(&strip_tags(&self.resolve(html, 1, false))));
            }
            rest = after;
        }
        out.push_str(rest);
        out
    }

    fn resolve(&self, html: &str, depth: usize, unwrap: bool) -> String {
        if self.is_empty() || !html.contains(OPEN) || depth > MAX_DEPTH {
            return html.to_string();
        }
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some((before, index, after)) = next_token(rest) {
            let output = self.html.get(index).map(|h| self.resolve(h, depth + 1, unwrap));
            let output = output.unwrap_or_default();
            // `<p>TOKEN</p>`: the token was alone in its paragraph; drop the wrapper.
            let wrapped = unwrap && before.ends_with("<p>") && after.starts_with("</p>");
            if wrapped {
                out.push_str(&before[..before.len() - 3]);
                out.push_str(&output);
                rest = &after[4..];
            } else {
                out.push_str(before);
                out.push_str(&output);
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }
}

/// The first token in `text`: the text before it, its index and the text after it.
fn next_token(text: &str) -> Option<(&str, usize, &str)> {
    let start = text.find(OPEN)?;
    let digits_start = start + OPEN.len_utf8();
    let len = text[digits_start..].find(CLOSE)?;
    let index = text[digits_start..digits_start + len].parse().ok()?;
    Some((
        &text[..start],
        index,
        &text[digits_start + len + CLOSE.len_utf8()..],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_resolve_to_html_or_text() {
        let mut p = Placeholders::default();
        let inner = p.add("<b>x &amp; y</b>".into());
        let outer = p.add(format!("<div>{inner}</div>"));
        let html = format!("<p>{outer}</p>\n<p>a {inner} b</p>");
        assert_eq!(
            p.resolve_html(&html),
            "<div><b>x &amp; y</b></div>\n<p>a <b>x &amp; y</b> b</p>"
        );
        assert_eq!(p.resolve_text(&format!("cmd {inner}")), "cmd x & y");
    }
}
