//! Target `content`: one page rendered from bytes through lectern's real pipeline
//! (`lectern::content::render_source`: templating, Markdown or AsciiDoc, clickable actions).
//!
//! Input: a first line naming the pipeline, then the page source.
//! - `hugo` — Hugo Markdown (front matter, shortcodes);
//! - `classic` — classic Markdown (Liquid, `%var%`);
//! - `adoc` — classic AsciiDoc;
//! - anything else — an action body: the first line is a fence's info string (e.g.
//!   `terminal:execute`), the rest its body, wrapped in a fenced block of a Hugo page.
//!
//! Invariants: no panic; one parsed action per action reference; in action mode, the input never
//! reaches the HTML unescaped (no `<fuzz` tag of the input survives).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use lectern::content::layout::PageKind;

/// Folder the fuzzed page lives in, with files for `{% include %}` and `include::`.
fn content_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = crate::app::scratch();
        let write = |name: &str, text: &str| {
            std::fs::write(dir.path().join(name), text).expect("include file");
        };
        write(
            "snippet.md",
            "Included **{{ session_name }}** %session_namespace%\n",
        );
        write("partial.liquid", "{% if x %}x{% endif %}\n");
        write(
            "part.adoc",
            "== Included\n\n[source,bash,role=execute]\n----\necho hi\n----\n",
        );
        dir
    })
    .path()
}

fn vars() -> &'static BTreeMap<String, String> {
    static VARS: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    VARS.get_or_init(|| {
        BTreeMap::from([
            ("session_name".to_string(), "fuzz-s1".to_string()),
            ("ingress_domain".to_string(), "example.test".to_string()),
            ("x".to_string(), "<b>x</b>".to_string()),
        ])
    })
}

/// Warms the syntax set and the include folder before afl forks.
pub fn prepare() {
    run(b"hugo\n```bash\necho\n```\n");
    run(b"adoc\n[source,yaml]\n----\na: 1\n----\n");
}

/// Renders one page; panics when an invariant breaks.
pub fn run(data: &[u8]) {
    let (mode, rest) = crate::first_line(data);
    let text = String::from_utf8_lossy(rest);
    let dir = content_dir();
    let (page, _diagnostics) = match mode {
        b"hugo" => lectern::content::render_source(PageKind::HugoMarkdown, "page.md", &text, dir, vars()),
        b"classic" => {
            lectern::content::render_source(PageKind::ClassicMarkdown, "page.md", &text, dir, vars())
        }
        b"adoc" => {
            lectern::content::render_source(PageKind::ClassicAsciidoc, "page.adoc", &text, dir, vars())
        }
        _ => {
            let info = String::from_utf8_lossy(mode);
            // A fence longer than any backtick run inside, so the body cannot close it.
            let longest = longest_run(&text, '`').max(longest_run(&info, '`'));
            let fence = "`".repeat(longest.max(2) + 1);
            let info = info.replace('`', "");
            let page = format!("{fence}{info}\n{text}\n{fence}\n");
            let (page, diagnostics) =
                lectern::content::render_source(PageKind::HugoMarkdown, "page.md", &page, dir, vars());
            let lower = page.html.to_ascii_lowercase();
            assert!(
                !lower.contains("<fuzz"),
                "action body reached the HTML unescaped: {:?}",
                page.html
            );
            (page, diagnostics)
        }
    };
    assert_eq!(
        page.actions.len(),
        page.clickable.len(),
        "actions and their references"
    );
}

fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for ch in text.chars() {
        if ch == c {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}
