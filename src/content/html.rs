//! HTML output shared by every renderer and by the web pages: the one escaping function (text and
//! attribute values alike) and [`Rendered`], what rendering a page body produces.

use super::{Action, Diagnostic};

/// Escapes `&`, `<`, `>`, `"` and `'`, so the result is safe as element text and inside a quoted
/// attribute value (either quote).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The result of rendering one page body (Markdown or AsciiDoc).
#[derive(Debug, Default)]
pub struct Rendered {
    /// HTML fragment.
    pub html: String,
    /// Clickable actions in document order.
    pub actions: Vec<Action>,
    /// Headings (level, id, text) in document order.
    pub headings: Vec<(u8, String, String)>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_both_quotes() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("plain ✓"), "plain ✓");
    }
}
