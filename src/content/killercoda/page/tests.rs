//! Scenario page rendering: markers, fences, file blocks, placeholders, scripts.

use std::collections::HashSet;
use std::path::Path;

use serde_json::{Value, json};

use super::{Extras, render};
use crate::content::html::Rendered;
use crate::content::links::Resolver;

fn page_with(text: &str, extras: &Extras<'_>) -> Rendered {
    let keys = HashSet::from(["step1".to_string()]);
    let dir = std::env::temp_dir();
    let resolver = Resolver {
        file: Path::new("step1.md"),
        key: "step1",
        dir: "",
        keys: &keys,
        content_dir: &dir,
        static_dirs: &[],
    };
    render(text, &resolver, extras)
}

fn page(text: &str) -> Rendered {
    page_with(text, &Extras::default())
}

/// `(type, args)` of every action.
fn actions(rendered: &Rendered) -> Vec<(&'static str, Value)> {
    rendered
        .actions
        .iter()
        .map(|a| (a.spec.name, a.args.clone()))
        .collect()
}

fn warnings(rendered: &Rendered) -> Vec<String> {
    rendered
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.line, d.message))
        .collect()
}

#[test]
fn inline_and_fenced_markers_become_actions() {
    let r = page(
        "Run `ls -l`{{exec}} now.\n\n```\necho one\necho two\n```{{execute T2}}\n\nCopy `x=1`{{copy}}.\n",
    );
    assert_eq!(
        actions(&r),
        vec![
            ("terminal:execute", json!({"command": "ls -l"})),
            (
                "terminal:execute",
                json!({"command": "echo one\necho two", "session": "2"})
            ),
            ("workshop:copy", json!({"text": "x=1"})),
        ]
    );
    assert_eq!(r.actions[0].line, 1);
    assert_eq!(r.actions[1].line, 3);
    assert!(
        r.html
            .contains("<p>Run <code class=\"lectern-action lectern-action-inline\""),
        "{}",
        r.html
    );
    assert!(r.html.contains(">ls -l</code> now.</p>"), "{}", r.html);
    assert!(!r.html.contains("{{"), "{}", r.html);
    assert!(r.diagnostics.is_empty(), "{:?}", warnings(&r));
}

#[test]
fn plain_marker_keeps_the_code_and_drops_the_marker() {
    let r = page("A `/`{{}} path.\n\n```\nout\n```{{}}\n");
    assert!(r.actions.is_empty());
    assert!(r.html.contains("<code>/</code> path."), "{}", r.html);
    assert!(r.html.contains("out"));
    assert!(!r.html.contains("{{"), "{}", r.html);
}

#[test]
fn markers_inside_examples_stay_text() {
    let text = "````markdown\n```\nls\n```{{exec}}\n````\n\n    indented `x`{{exec}}\n    ```{{exec}}\n\n<pre>\n```{{exec}}\n</pre>\n\n~~~\n```{{exec}}\n~~~\n";
    let r = page(text);
    assert!(r.actions.is_empty(), "{:?}", actions(&r));
    assert_eq!(r.html.matches("```{{exec}}").count(), 4, "{}", r.html);
    assert!(r.html.contains("indented `x`{{exec}}"), "{}", r.html);
    assert!(r.diagnostics.is_empty(), "{:?}", warnings(&r));
}

#[test]
fn fences_in_lists_and_quotes_take_their_markers() {
    let r = page(
        "1. First\n   ```\n   kubectl get pods\n   ```{{exec}}\n2. Then\n\n> ```\n> date\n> ```{{copy}}\n",
    );
    assert_eq!(
        actions(&r),
        vec![
            ("terminal:execute", json!({"command": "kubectl get pods"})),
            ("workshop:copy", json!({"text": "date"})),
        ]
    );
    assert!(r.html.contains("<li>First"), "{}", r.html);
}

#[test]
fn a_marker_on_an_opening_fence_is_a_plain_block_with_a_warning() {
    let r = page("```{{exec}}\nls\n```\n");
    assert!(r.actions.is_empty());
    assert!(r.html.contains("ls"));
    let w = warnings(&r);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with("1: marker `{{exec}}` on an opening fence"),
        "{w:?}"
    );
}

#[test]
fn a_broken_closing_fence_shifts_later_fences_like_commonmark() {
    // The line `]```` does not close the block, so the first `{{execute}}` fence closes it, and the
    // second opens a block of its own (which does nothing), as the format's counter reads them.
    let r = page("```\na [\n]```\n\ntext\n```{{execute}}\none\n```{{execute}}\n");
    assert_eq!(r.actions.len(), 1, "{:?}", actions(&r));
    assert_eq!(r.actions[0].args["command"], "a [\n]```\n\ntext");
    assert_eq!(warnings(&r).len(), 1, "{:?}", warnings(&r));
}

#[test]
fn odd_spellings_work_and_say_so() {
    let r = page(
        "`a`{{ exec }} `b`{{Execute T3}}\n\n```\nc\n```{{execute HOST2 }}\n\n`d`{{execute interupt T2}}\n",
    );
    assert_eq!(
        actions(&r),
        vec![
            ("terminal:execute", json!({"command": "a"})),
            ("terminal:execute", json!({"command": "b", "session": "3"})),
            ("terminal:execute", json!({"command": "c", "session": "2"})),
            (
                "terminal:execute",
                json!({"command": "d", "interrupt": true, "session": "2"})
            ),
        ]
    );
    assert_eq!(r.diagnostics.len(), 4, "{:?}", warnings(&r));
}

#[test]
fn file_blocks_become_editor_actions_or_copies() {
    let text = "<pre class=\"file\" data-filename=\"app.yaml\" data-target=\"replace\">\na: &lt;1&gt;\n\nb: 2\n</pre>\n\n\
<pre class=\"file\" data-filename=\"app.yaml\">\nc: 3\n</pre>\n\n\
<pre class=\"file\" data-filename=\"~/app.yaml\" data-target=\"prepend\">\n# top\n</pre>\n\n\
<pre class=\"file\" data-filename=\"app.yaml\" data-target=\"insert\" data-marker=\"#TODO\">\nd: 4\n</pre>\n\n\
<pre class=\"file\" data-target=\"clipboard\">\nclip\n</pre>\n\n<pre class=\"file\">\nshown\n</pre>\n\n<pre>\nplain\n</pre>\n";
    let r = page_with(
        text,
        &Extras {
            editor_dir: Some("/root/app"),
            ..Extras::default()
        },
    );
    assert_eq!(
        actions(&r),
        vec![
            (
                "editor:create-file",
                json!({"file": "app/app.yaml", "text": "a: <1>\n\nb: 2"})
            ),
            (
                "editor:append-lines-to-file",
                json!({"file": "app/app.yaml", "text": "c: 3"})
            ),
            (
                "editor:prepend-lines-to-file",
                json!({"file": "app.yaml", "text": "# top"})
            ),
            (
                "editor:replace-matching-text",
                json!({"file": "app/app.yaml", "match": "#TODO", "replacement": "d: 4"})
            ),
            ("workshop:copy", json!({"text": "clip"})),
            ("workshop:copy", json!({"text": "shown"})),
        ]
    );
    assert!(r.html.contains("<pre>\nplain\n</pre>"), "{}", r.html);
    assert_eq!(r.actions[1].line, 7);
}

#[test]
fn open_marks_a_file_for_the_editor() {
    let r = page_with(
        "See `envoy.yaml`{{open}}.\n",
        &Extras {
            editor_dir: Some("/root/envoy"),
            ..Extras::default()
        },
    );
    assert_eq!(
        actions(&r),
        vec![("editor:open-file", json!({"file": "envoy/envoy.yaml"}))]
    );
}

#[test]
fn placeholders_point_at_the_port_route_or_localhost() {
    let r = page(
        "[app]({{TRAFFIC_HOST1_3000}}/x) and https://[[HOST_SUBDOMAIN]]-9090-[[KATACODA_HOST]].environments.katacoda.com/graph\n\n\
`curl {{TRAFFIC_HOST1_3000}}`{{exec}}\n\n<a href=\"{{TRAFFIC_HOST1_80}}\">x</a>\n",
    );
    assert!(r.html.contains("href=\"/port/3000/x\""), "{}", r.html);
    assert!(r.html.contains("and /port/9090/graph"), "{}", r.html);
    assert!(r.html.contains("href=\"/port/80\""), "{}", r.html);
    assert_eq!(
        actions(&r),
        vec![(
            "terminal:execute",
            json!({"command": "curl http://localhost:3000"})
        )]
    );
}

#[test]
fn scripts_add_a_hidden_background_and_a_check() {
    let extras = Extras {
        background: Some("step1/background.sh"),
        verify: Some("step1/verify.sh"),
        notice: Some("two machines".into()),
        ..Extras::default()
    };
    let r = page_with("Do `x`{{exec}}.\n", &extras);
    let types: Vec<&str> = r.actions.iter().map(|a| a.spec.name).collect();
    assert_eq!(
        types,
        [
            "examiner:execute-test",
            "terminal:execute",
            "examiner:execute-test"
        ]
    );
    assert!(r.actions[0].hidden && r.actions[0].autostart);
    assert_eq!(r.actions[2].args["name"], "step1/verify.sh");
    assert_eq!(r.actions[2].title, "Check: Is this step done?");
    let notice = r.html.find("lectern-notice").expect("notice");
    let first = r.html.find("data-action-index=\"0\"").expect("background");
    let last = r.html.find("data-action-index=\"2\"").expect("check");
    assert!(notice < first && first < last, "{}", r.html);
}
