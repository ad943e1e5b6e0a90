//! Renders every corpus workshop and compares pages and per-page action counts with EXPECTED.json.

use std::collections::BTreeMap;

use lectern::content::{Severity, Variables, load_workshop};

use crate::support::corpus_dir;

fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(corpus_dir().join("EXPECTED.json")).expect("EXPECTED.json");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn every_corpus_page_has_the_expected_actions() {
    let expected = expected();
    let workshops = expected["workshops"].as_object().expect("workshops");
    assert!(workshops.len() >= 20);
    let mut failures = Vec::new();
    let mut total_actions = 0;
    let mut seen_formats = std::collections::BTreeSet::new();
    for (name, want) in workshops {
        let (workshop, diagnostics) = load_workshop(&corpus_dir().join(name), &Variables::new());
        seen_formats.insert(workshop.format.as_str());
        let errors: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(ToString::to_string)
            .collect();
        if !errors.is_empty() {
            failures.push(format!("{name}: errors {errors:#?}"));
        }
        let per_page = want["per_page"].as_object().expect("per_page");
        // Compare page sets here (the object's key order is the file's); order is tested separately.
        let mut keys: Vec<&String> = per_page.keys().collect();
        keys.sort();
        let mut got_keys: Vec<&String> = workshop.pages.iter().map(|p| &p.key).collect();
        got_keys.sort();
        if keys != got_keys {
            failures.push(format!("{name}: pages {got_keys:?}, expected {keys:?}"));
            continue;
        }
        for page in &workshop.pages {
            let want_page = &per_page[&page.key];
            let mut got: BTreeMap<String, u64> = BTreeMap::new();
            for action in &page.actions {
                *got.entry(action.action_type.clone()).or_default() += 1;
            }
            let want_actions: BTreeMap<String, u64> = want_page["actions"]
                .as_object()
                .expect("actions")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                .collect();
            if got != want_actions {
                failures.push(format!(
                    "{name}/{}: actions {got:?}, expected {want_actions:?}",
                    page.key
                ));
            }
            assert_eq!(
                page.source.to_string_lossy(),
                want_page["file"].as_str().unwrap_or(""),
                "{name}/{}",
                page.key
            );
            total_actions += page.actions.len();
            // Every action is rendered as markup, and the markup count matches.
            let markup = page.html.matches("class=\"lectern-action\"").count();
            if markup != page.actions.len() {
                failures.push(format!(
                    "{name}/{}: {markup} action divs for {} actions",
                    page.key,
                    page.actions.len()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        seen_formats.len(),
        3,
        "hugo, classic and asciidoc workshops: {seen_formats:?}"
    );
    assert!(total_actions > 700, "{total_actions}");
}

#[test]
fn navigation_links_pages_in_order() {
    let dir = corpus_dir().join("eduk8s-labs__lab-k8s-fundamentals");
    let (workshop, _) = load_workshop(&dir, &Variables::new());
    assert_eq!(workshop.format.as_str(), "classic");
    let first = &workshop.pages[0];
    assert_eq!(first.key, "index");
    assert_eq!(first.title, "Workshop Overview");
    assert_eq!(first.exit_sign.as_deref(), Some("Start Workshop"));
    assert_eq!(first.prev, None);
    assert_eq!(first.next.as_deref(), Some("exercises/01-accessing-the-cluster"));
    let last = workshop.pages.last().expect("pages");
    assert_eq!(last.key, "finish");
    assert_eq!(last.prev.as_deref(), Some("exercises/16-persistent-volumes"));
    assert_eq!(last.step, 18);
}

#[test]
fn variables_reach_text_and_action_bodies() {
    let mut vars = Variables::new();
    vars.insert("session_namespace".into(), "lab-ns".into());
    vars.insert("ingress_domain".into(), "example.test".into());
    let classic = corpus_dir().join("eduk8s-labs__lab-k8s-fundamentals");
    let (workshop, _) = load_workshop(&classic, &vars);
    let page = workshop.page("exercises/13-exposing-the-service").expect("page");
    assert!(page.html.contains("blog-lab-ns.example.test"), "{}", page.html);
    let hugo = corpus_dir().join("educates__lab-k8s-fundamentals");
    let (workshop, _) = load_workshop(&hugo, &vars);
    let all: String = workshop.pages.iter().map(|p| p.html.as_str()).collect();
    assert!(all.contains("lab-ns"));
    // Go templates in Hugo pages pass through untouched.
    assert!(
        all.contains("{{range .items}}{{.metadata.name}}"),
        "go template lost"
    );
}
