//! Syntax highlighting of ordinary code blocks with syntect, as CSS classes (`hl-…`) so themes can
//! restyle them; the syntax set is loaded once, lazily. [`css`] gives a matching light stylesheet.

use std::sync::LazyLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::html::escape;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Blocks larger than this are not highlighted (keeps rendering time bounded).
const MAX_HIGHLIGHT: usize = 64 * 1024;

fn find(lang: &str) -> Option<&'static SyntaxReference> {
    let set = &*SYNTAXES;
    let lang = lang.to_ascii_lowercase();
    let alias = match lang.as_str() {
        "shell" | "console" | "sh" | "zsh" | "terminal" | "shell-session" => "bash",
        "yml" => "yaml",
        "js" | "javascript" | "node" => "js",
        "ts" | "typescript" => "js",
        "py" => "python",
        "golang" => "go",
        "dockerfile" => "Dockerfile",
        "text" | "plain" | "plaintext" | "txt" | "none" | "markdown" | "md" => return None,
        other => other,
    };
    set.find_syntax_by_token(alias)
        .or_else(|| set.find_syntax_by_name(alias))
}

/// `<pre><code class="language-X">…</code></pre>` with highlighting when the language is known.
pub fn code_block(lang: Option<&str>, code: &str) -> String {
    let class = lang
        .map(|l| format!(" class=\"language-{}\"", escape(l)))
        .unwrap_or_default();
    let syntax = lang.filter(|_| code.len() <= MAX_HIGHLIGHT).and_then(find);
    let Some(syntax) = syntax else {
        return format!("<pre><code{class}>{}</code></pre>\n", escape(code));
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, STYLE);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return format!("<pre><code{class}>{}</code></pre>\n", escape(code));
        }
    }
    format!(
        "<pre class=\"hl-code\"><code{class}>{}</code></pre>\n",
        generator.finalize()
    )
}

/// A stylesheet for the `hl-` classes (InspiredGitHub theme).
pub fn css() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    themes
        .themes
        .get("InspiredGitHub")
        .and_then(|theme| syntect::html::css_for_theme_with_class_style(theme, STYLE).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes_unknown_is_escaped() {
        let html = code_block(Some("bash"), "echo \"hi\" <x>\n");
        assert!(html.contains("hl-"), "{html}");
        assert!(html.contains("language-bash"));
        let plain = code_block(Some("nosuchlang"), "<x>\n");
        assert_eq!(
            plain,
            "<pre><code class=\"language-nosuchlang\">&lt;x&gt;\n</code></pre>\n"
        );
    }
}
