//! Snapshot tests (insta) of representative rendered pages from each format, with fixed variables.

use lectern::content::{Variables, Workshop, load_workshop};

use crate::support::corpus_dir;

fn vars() -> Variables {
    [
        ("session_name", "lab-w01-s001"),
        ("session_namespace", "lab-w01-s001"),
        ("ingress_domain", "example.test"),
        ("workshop_namespace", "lab-w01"),
        ("training_portal", "portal"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn workshop(name: &str) -> Workshop {
    load_workshop(&corpus_dir().join(name), &vars()).0
}

fn snapshot(workshop_name: &str, key: &str) -> String {
    let workshop = workshop(workshop_name);
    let page = workshop
        .page(key)
        .unwrap_or_else(|| panic!("{workshop_name}/{key}"));
    format!(
        "title: {}\nstep: {}\nprev: {:?}\nnext: {:?}\nactions: {:?}\n---\n{}",
        page.title,
        page.step,
        page.prev,
        page.next,
        page.actions
            .iter()
            .map(|a| format!("{}@{}", a.action_type, a.line))
            .collect::<Vec<_>>(),
        page.html
    )
}

#[test]
fn hugo_terminal_actions_with_examples() {
    insta::assert_snapshot!(snapshot(
        "educates__educates-training-platform__lab-terminal-actions",
        "01-terminal-execute"
    ));
}

#[test]
fn hugo_admonitions_and_escaped_shortcodes() {
    insta::assert_snapshot!(snapshot(
        "educates__educates-training-platform__lab-markdown-basics",
        "08-admonitions"
    ));
}

#[test]
fn hugo_tables() {
    insta::assert_snapshot!(snapshot(
        "educates__educates-training-platform__lab-markdown-basics",
        "07-tables"
    ));
}

#[test]
fn hugo_files_actions_with_params_in_bodies() {
    insta::assert_snapshot!(snapshot(
        "educates__educates-training-platform__lab-files-actions",
        "02-download-custom-name"
    ));
}

#[test]
fn classic_markdown_liquid_and_legacy_actions() {
    insta::assert_snapshot!(snapshot(
        "sdubois-tapdemo__lab-markdown-sample",
        "exercises/01-sample-content"
    ));
}

#[test]
fn classic_markdown_actions_in_ordered_lists() {
    insta::assert_snapshot!(snapshot(
        "spring-academy__course-spring-brasb-build-a-rest-api__04-test-first",
        "01-write-your-first-test"
    ));
}

#[test]
fn asciidoc_roles_and_percent_variables() {
    insta::assert_snapshot!(snapshot(
        "jkupferer__lab-asciidoc-sample",
        "exercises/01-sample-content"
    ));
}

#[test]
fn classic_raw_blocks_keep_go_templates() {
    insta::assert_snapshot!(snapshot(
        "eduk8s-labs__lab-k8s-fundamentals",
        "exercises/15-setting-up-database"
    ));
}
