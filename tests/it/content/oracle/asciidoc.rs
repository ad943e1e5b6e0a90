//! AsciiDoc workshops against Asciidoctor (see `oracle.rs`). Both sides get the same text: the page
//! after lectern's Liquid and `%x%` passes (the classic renderer's steps before Asciidoctor), so this
//! compares the AsciiDoc renderers alone.

use lectern::content::gotemplate::{strip_tags, unescape};
use lectern::content::{Format, liquid, load_workshop, vars as session_vars};

use super::{
    Compared, Difference, check_all_used, check_page, is_action, lectern_side, parsed, run_engine, variables,
    visible_text,
};
use crate::support::corpus_dir;

/// Accepted differences, each with its reason.
const DIFFERENCES: &[Difference] = &[];

/// An Asciidoctor page: its text without action listings, and its actions.
fn asciidoctor_side(html: &str) -> (String, Vec<(String, String)>) {
    let mut text = String::new();
    let mut actions = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<div class=\"listingblock") {
        let classes = rest[start + 24..].split('"').next().unwrap_or("");
        let role = classes.split_whitespace().find(|c| is_action(c));
        text.push_str(&rest[..start]);
        let Some(role) = role else {
            text.push_str(&rest[start..start + 24]);
            rest = &rest[start + 24..];
            continue;
        };
        let Some(pre) = rest[start..].find("<pre").map(|i| start + i) else {
            break;
        };
        let Some(end) = rest[pre..].find("</pre>").map(|i| pre + i + 6) else {
            break;
        };
        let body = rest[pre..end].split_once('>').map_or("", |(_, b)| b);
        let body = body.strip_suffix("</pre>").unwrap_or(body);
        actions.push(parsed(role, &unescape(&strip_tags(body))));
        // The listing's closing `</div></div>`.
        let close = rest[end..].find("</div>\n</div>").map_or(end, |i| end + i + 13);
        text.push(' ');
        rest = &rest[close..];
    }
    text.push_str(rest);
    (visible_text(&text), actions)
}

#[test]
fn asciidoc_workshops_render_as_asciidoctor_renders_them() {
    let (mut failures, mut used, mut pages) = (Vec::new(), Vec::new(), 0);
    let mut names: Vec<_> = std::fs::read_dir(corpus_dir())
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    let vars = variables(&[]);
    for dir in names {
        let (workshop, _) = load_workshop(&dir, &vars);
        if workshop.format != Format::Asciidoc {
            continue;
        }
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        for page in &workshop.pages {
            let path = workshop.root.join(&page.source);
            let source = std::fs::read_to_string(&path).expect("page");
            let include = |_: &str| None;
            let (templated, _) = liquid::render(&source, &workshop.variables, &include, 1);
            let text = session_vars::percent(&templated.text, &workshop.variables).text;
            let folder = path.parent().expect("folder");
            let html = run_engine(
                "asciidoctor",
                &["-S", "server", "-s", "-o", "-", "-"],
                folder,
                Some(&text),
            );
            let (engine_text, engine_actions) = asciidoctor_side(&html);
            let (lectern_text, lectern_actions) = lectern_side(page);
            let compared = Compared {
                workshop: name.clone(),
                page: page.key.clone(),
                engine_text,
                engine_actions,
                lectern_text,
                lectern_actions,
            };
            used.extend(check_page(&compared, DIFFERENCES, &mut failures));
            pages += 1;
        }
    }
    assert!(pages >= 4, "the corpus has AsciiDoc pages");
    check_all_used(DIFFERENCES, &used, &mut failures);
    assert!(
        failures.is_empty(),
        "{} of {pages} pages differ from Asciidoctor:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
