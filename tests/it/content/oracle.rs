//! Differential tests against the real engines the original uses: every Hugo and AsciiDoc workshop of
//! the corpus and the fixtures `tests/fixtures/fidelity-*` are rendered by Hugo (`hugo`, Debian's
//! 0.111, with the minimal theme in `tests/oracle/hugo/`: it emits each action block as a code block
//! with its language class, like the original's theme) or Asciidoctor (`asciidoctor`, safe mode
//! `server`, as the classic renderer runs it) and by lectern. Per page, the visible text (tags
//! stripped, entities decoded, whitespace collapsed; action blocks left out) and the ordered list of
//! actions (type and parsed body) must be equal once the differences listed in each file's
//! `DIFFERENCES` — each with the reason it is acceptable — are applied. A listed difference that no
//! longer occurs fails too, so the list stays true.
//!
//! `bash tests/run.sh` installs both engines (tests/apt-packages.txt).

mod asciidoc;
mod hugo;

use lectern::content::action::{CATALOGUE, lookup, parse};
use lectern::content::gotemplate::unescape;
use lectern::content::{Page, Variables};

/// A difference between lectern and the real engine that is accepted, with why.
pub struct Difference {
    /// Corpus or fixture workshop folder name.
    pub workshop: &'static str,
    /// Page key.
    pub page: &'static str,
    /// Text lectern shows (after normalisation) …
    pub lectern: &'static str,
    /// … where the engine shows this instead.
    pub engine: &'static str,
    /// Why this is acceptable.
    pub reason: &'static str,
}

/// One page as the engine and lectern render it.
pub struct Compared {
    pub workshop: String,
    pub page: String,
    pub engine_text: String,
    pub engine_actions: Vec<(String, String)>,
    pub lectern_text: String,
    pub lectern_actions: Vec<(String, String)>,
}

/// Elements a browser shows as separate blocks: their tags become spaces, other tags vanish.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "blockquote",
    "br",
    "hr",
    "figure",
    "figcaption",
    "details",
    "summary",
    "dl",
    "dt",
    "dd",
    "section",
    "iframe",
    "img",
    "sup",
    "main",
    "caption",
    "colgroup",
    "col",
];

/// The text a reader sees: script/style/comments dropped, block tags as spaces, entities decoded,
/// whitespace collapsed.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(close) = rest.find('>') else {
            out.push_str(rest);
            rest = "";
            break;
        };
        let tag = &rest[1..close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        rest = &rest[close + 1..];
        if (name == "script" || name == "style") && !tag.starts_with('/') {
            let end = format!("</{name}");
            rest = rest.find(&end).map_or("", |at| {
                let after = &rest[at..];
                after.find('>').map_or("", |gt| &after[gt + 1..])
            });
            continue;
        }
        if BLOCK_TAGS.contains(&name.as_str()) {
            out.push(' ');
        }
    }
    out.push_str(rest);
    collapse(&unescape(&out))
}

/// Whitespace runs (non-breaking spaces included) as one space, trimmed.
pub fn collapse(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes every element starting with `open_tag` (e.g. `<div class="lectern-action"`), nesting of the
/// same element name counted; returns the rest.
pub fn remove_elements(html: &str, open_tag: &str) -> String {
    let name: String = open_tag[1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let (open, close) = (format!("<{name}"), format!("</{name}>"));
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(open_tag) {
        out.push_str(&rest[..start]);
        let mut depth = 0usize;
        let mut at = start;
        loop {
            let next_open = rest[at + 1..].find(&open).map(|i| at + 1 + i);
            let next_close = rest[at..].find(&close).map(|i| at + i);
            match (next_open, next_close) {
                (Some(o), Some(c)) if o < c => {
                    depth += 1;
                    at = o;
                }
                (_, Some(c)) if depth > 0 => {
                    depth -= 1;
                    at = c + close.len();
                }
                (_, Some(c)) => {
                    rest = &rest[c + close.len()..];
                    break;
                }
                _ => {
                    rest = "";
                    break;
                }
            }
        }
        out.push(' ');
    }
    out.push_str(rest);
    out
}

/// An action's type and arguments as lectern's parser reads `body` (`error` when it cannot).
pub fn parsed(action_type: &str, body: &str) -> (String, String) {
    let Some(spec) = lookup(action_type) else {
        return (action_type.to_string(), "error: unknown type".into());
    };
    match parse(spec, body, 1).0 {
        Ok(action) => (action_type.to_string(), action.args.to_string()),
        Err(_) => (action_type.to_string(), "error".into()),
    }
}

/// Whether a code language or role names an action.
pub fn is_action(word: &str) -> bool {
    CATALOGUE.iter().any(|spec| spec.name == word)
}

/// The page as lectern shows it: its text without action blocks, and its actions.
pub fn lectern_side(page: &Page) -> (String, Vec<(String, String)>) {
    let mut actions: Vec<(String, String)> = page
        .clickable
        .iter()
        .map(|a| (a.spec.name.to_string(), a.args.to_string()))
        .collect();
    // Broken blocks are error boxes in lectern; the engine shows them as code the original's
    // script fails on. Both count as an action that cannot run, in page order.
    let errors = page.html.matches("<div class=\"lectern-action-error\"").count();
    let html = remove_elements(&page.html, "<div class=\"lectern-action\"");
    let html = remove_elements(&html, "<div class=\"lectern-action-error\"");
    if errors > 0 {
        let mut ordered = Vec::new();
        let mut clickable = actions.into_iter();
        for found in page
            .html
            .match_indices("<div class=\"lectern-action")
            .map(|(i, _)| &page.html[i..])
        {
            if found.starts_with("<div class=\"lectern-action-error\"") {
                let kind = found
                    .split("data-action-type=\"")
                    .nth(1)
                    .and_then(|s| s.split('"').next())
                    .unwrap_or("");
                ordered.push((unescape(kind), "error".to_string()));
            } else if found.starts_with("<div class=\"lectern-action\"") {
                ordered.extend(clickable.next());
            }
        }
        actions = ordered;
    }
    (visible_text(&html), actions)
}

/// Applies the listed differences of one page and asserts what remains is equal. Returns the indexes
/// of the differences used.
pub fn check_page(compared: &Compared, differences: &[Difference], failures: &mut Vec<String>) -> Vec<usize> {
    let mut used = Vec::new();
    let mut lectern_text = compared.lectern_text.clone();
    for (index, difference) in differences.iter().enumerate() {
        if difference.workshop == compared.workshop
            && difference.page == compared.page
            && lectern_text.contains(difference.lectern)
        {
            lectern_text = lectern_text.replacen(difference.lectern, difference.engine, 1);
            used.push(index);
        }
    }
    let lectern_text = collapse(&lectern_text);
    if lectern_text != compared.engine_text {
        failures.push(format!(
            "{}/{}: visible text differs\n{}",
            compared.workshop,
            compared.page,
            first_difference(&lectern_text, &compared.engine_text)
        ));
    }
    if compared.lectern_actions != compared.engine_actions {
        failures.push(format!(
            "{}/{}: actions differ\n  lectern: {:?}\n  engine:  {:?}",
            compared.workshop, compared.page, compared.lectern_actions, compared.engine_actions
        ));
    }
    used
}

/// Where two texts first differ, with some context of each.
fn first_difference(lectern: &str, engine: &str) -> String {
    let at = lectern
        .char_indices()
        .zip(engine.chars())
        .find(|((_, a), b)| a != b)
        .map(|((i, _), _)| i)
        .unwrap_or(lectern.len().min(engine.len()));
    let boundary = |text: &str, mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let window = |text: &str| {
        let (start, end) = (boundary(text, at.saturating_sub(80)), boundary(text, at + 120));
        text[start..end].to_string()
    };
    format!(
        "  lectern: …{}…\n  engine:  …{}…",
        window(lectern),
        window(engine)
    )
}

/// Fails when a listed difference was never needed.
pub fn check_all_used(differences: &[Difference], used: &[usize], failures: &mut Vec<String>) {
    for (index, difference) in differences.iter().enumerate() {
        if !used.contains(&index) {
            failures.push(format!(
                "listed difference no longer occurs ({}/{}: {:?} → {:?}, listed because {})",
                difference.workshop,
                difference.page,
                difference.lectern,
                difference.engine,
                difference.reason
            ));
        }
    }
}

/// The variables both sides render with (lectern's defaults plus these).
pub fn variables(extra: &[(&str, &str)]) -> Variables {
    [
        ("session_name", "lab-w01-s001"),
        ("session_namespace", "lab-w01-s001"),
        ("ingress_domain", "example.test"),
        ("workshop_namespace", "lab-w01"),
        ("registry_host", "registry.example.test"),
    ]
    .iter()
    .chain(extra)
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Runs `program` with `args`, failing the test with a clear message when it is not installed.
pub fn run_engine(program: &str, args: &[&str], cwd: &std::path::Path, stdin: Option<&str>) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{program} is needed for the differential tests ({e}); `bash tests/run.sh` installs it (tests/apt-packages.txt)")
        });
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    let output = child.wait_with_output().expect("engine output");
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
