//! Hugo workshops against Hugo itself (see `oracle.rs`).

use std::path::{Path, PathBuf};

use lectern::content::gotemplate::unescape;
use lectern::content::{Format, Variables, load_workshop};

use super::{
    Compared, Difference, check_all_used, check_page, is_action, lectern_side, parsed, run_engine, variables,
    visible_text,
};
use crate::support::{corpus_dir, fixture, repo_root};

/// Accepted differences, each with its reason.
const DIFFERENCES: &[Difference] = &[Difference {
    workshop: "fidelity-hugo",
    page: "04-links",
    lectern: "Gist spf13/7896402",
    engine: "",
    reason: "Hugo's `gist` embeds a script from gist.github.com, which shows nothing until it runs; lectern \
             loads no third-party script and shows a link to the gist instead",
}];

/// Renders `workshop` (a workshop root) with Hugo and returns the output folder.
fn hugo(workshop: &Path, vars: &Variables) -> tempfile::TempDir {
    let site = tempfile::tempdir().expect("tempdir");
    let source = workshop.join("workshop");
    for folder in ["content", "static", "layouts"] {
        if source.join(folder).is_dir() {
            copy_dir(&source.join(folder), &site.path().join(folder));
        }
    }
    let config = serde_json::json!({
        "baseURL": "/workshop/content/",
        "disableKinds": ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"],
        "themesDir": repo_root().join("tests/oracle").to_string_lossy(),
        "theme": "hugo-theme",
        "markup": {"highlight": {"codeFences": false}},
        "params": vars,
    });
    std::fs::write(site.path().join("config.json"), config.to_string()).expect("config");
    run_engine("hugo", &["--quiet", "--destination", "public"], site.path(), None);
    site
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

/// The content of a Hugo page (inside `<main>`): its text without action blocks, and its actions.
fn hugo_side(html: &str) -> (String, Vec<(String, String)>) {
    let main = html
        .split_once("<main>")
        .and_then(|(_, rest)| rest.rsplit_once("</main>"))
        .map_or(html, |(main, _)| main);
    let mut text = String::new();
    let mut actions = Vec::new();
    let mut rest = main;
    while let Some(start) = rest.find("<pre") {
        let Some(end) = rest[start..].find("</pre>").map(|i| start + i + 6) else {
            break;
        };
        let block = &rest[start..end];
        let language = block
            .split("class=\"language-")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or("");
        text.push_str(&rest[..start]);
        if is_action(language) {
            let body = block
                .split_once("<code")
                .and_then(|(_, code)| code.split_once('>'))
                .and_then(|(_, code)| code.rsplit_once("</code>"))
                .map_or("", |(code, _)| code);
            actions.push(parsed(language, &unescape(body)));
            text.push(' ');
        } else {
            text.push_str(block);
        }
        rest = &rest[end..];
    }
    text.push_str(rest);
    (visible_text(&text), actions)
}

/// Compares every page of the Hugo workshop at `dir` rendered with `vars`.
fn compare(
    name: &str,
    dir: &Path,
    vars: &Variables,
    failures: &mut Vec<String>,
    used: &mut Vec<usize>,
) -> usize {
    let (workshop, _) = load_workshop(dir, vars);
    assert_eq!(workshop.format, Format::Hugo, "{name}");
    let site = hugo(dir, &workshop.variables);
    for page in &workshop.pages {
        let output = site
            .path()
            .join("public")
            .join(page.key.to_lowercase())
            .join("index.html");
        let html =
            std::fs::read_to_string(&output).unwrap_or_else(|_| panic!("hugo made no {}", output.display()));
        let (engine_text, engine_actions) = hugo_side(&html);
        let (lectern_text, lectern_actions) = lectern_side(page);
        let compared = Compared {
            workshop: name.to_string(),
            page: page.key.clone(),
            engine_text,
            engine_actions,
            lectern_text,
            lectern_actions,
        };
        used.extend(check_page(&compared, DIFFERENCES, failures));
    }
    workshop.pages.len()
}

fn hugo_corpus() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(corpus_dir())
        .expect("corpus")
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
        .filter(|(_, p)| {
            p.join("workshop/content").is_dir()
                && !p.join("workshop/workshop.yaml").exists()
                && !p.join("workshop/modules.yaml").exists()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn hugo_workshops_render_as_hugo_renders_them() {
    let (mut failures, mut used, mut pages) = (Vec::new(), Vec::new(), 0);
    let corpus = hugo_corpus();
    assert!(corpus.len() >= 8, "{corpus:?}");
    for (name, dir) in &corpus {
        pages += compare(name, dir, &variables(&[]), &mut failures, &mut used);
    }
    // The conditional shortcodes take each branch: no variable, `cloud` set, the `advanced` pathway.
    for (name, extra) in [
        ("fidelity-hugo", vec![]),
        ("fidelity-hugo", vec![("cloud", "aws")]),
        ("fidelity-hugo", vec![("pathway_name", "advanced")]),
    ] {
        pages += compare(name, &fixture(name), &variables(&extra), &mut failures, &mut used);
    }
    check_all_used(DIFFERENCES, &used, &mut failures);
    assert!(
        failures.is_empty(),
        "{} of {pages} pages differ from Hugo:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
