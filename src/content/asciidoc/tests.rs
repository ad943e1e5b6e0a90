//! Unit tests of AsciiDoc rendering: legacy and namespaced action roles, lookalikes, attributes from
//! session variables, placeholders, long delimiters, jailed includes, odd input, the corpus sample.

use super::*;
use std::path::PathBuf;

use crate::content::Severity;

/// Fails naming the page's error diagnostics, if it has any.
fn assert_no_errors(p: &AdocPage) {
    let errors: Vec<_> = p
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

fn page(source: &str) -> AdocPage {
    render(source, Path::new("content/page.adoc"), &Variables::new(), None)
}

fn page_with(source: &str, vars: &[(&str, &str)]) -> AdocPage {
    let vars: Variables = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    render(source, Path::new("content/page.adoc"), &vars, None)
}

fn kinds(page: &AdocPage) -> Vec<&str> {
    page.actions.iter().map(|a| a.kind.as_str()).collect()
}

#[test]
fn every_legacy_role_becomes_an_action() {
    let roles = [
        "execute",
        "execute-1",
        "execute-2",
        "execute-3",
        "execute-all",
        "copy",
        "copy-and-edit",
    ];
    let mut src = String::new();
    for role in roles {
        src.push_str(&format!("[source,bash,role={role}]\n----\necho {role}\n----\n\n"));
    }
    let p = page(&src);
    assert_eq!(kinds(&p), roles.to_vec(), "{p:#?}");
    for (i, (action, role)) in p.actions.iter().zip(roles).enumerate() {
        assert_eq!(action.body, format!("echo {role}"));
        assert_eq!(action.line, 1 + 5 * i as u32);
        assert!(p.html.contains(&placeholder(i)), "{}", p.html);
    }
    assert!(!p.html.contains("listingblock"), "{}", p.html);
    assert!(!p.html.contains("echo"), "bodies leave the html: {}", p.html);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
}

#[test]
fn namespaced_roles_are_actions_with_yaml_bodies() {
    let src = "\
[source,yaml,role=terminal:execute]
----
command: kubectl get pods
session: 2
----

[source,role=dashboard:open-url]
----
url: https://example.com
----

[source,role=section:begin]
----
----
";
    let p = page(src);
    assert_eq!(
        kinds(&p),
        ["terminal:execute", "dashboard:open-url", "section:begin"]
    );
    assert_eq!(p.actions[0].body, "command: kubectl get pods\nsession: 2");
    assert_eq!(p.actions[1].body, "url: https://example.com");
    assert_eq!(p.actions[2].body, "");
    assert_eq!(p.actions.iter().map(|a| a.line).collect::<Vec<_>>(), [1, 7, 12]);
}

#[test]
fn other_code_forms_count_like_educates() {
    // `[,bash]` on `----`, a source paragraph, a ``` fence with a role, and a `....` source block.
    let src = "\
[,bash,role=execute]
----
one
----

[source,bash,role=execute-2]
two

[role=copy]
```bash
three
```

[source,role=execute-all]
....
four
....
";
    let p = page(src);
    assert_eq!(
        kinds(&p),
        ["execute", "execute-2", "copy", "execute-all"],
        "{}",
        p.html
    );
    let bodies: Vec<&str> = p.actions.iter().map(|a| a.body.as_str()).collect();
    assert_eq!(bodies, ["one", "two", "three", "four"]);
}

#[test]
fn plain_listing_with_action_role_is_inert_and_warned() {
    let src = "[role=execute]\n----\nls\n----\n";
    let p = page(src);
    assert!(p.actions.is_empty());
    assert!(p.html.contains("listingblock execute"), "{}", p.html);
    assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);
    assert_eq!(p.diagnostics[0].line, 1);
    assert!(p.diagnostics[0].message.contains("source"));
}

#[test]
fn lookalike_roles_are_not_actions_but_are_warned() {
    let src = "[source,role=terminal:exec]\n----\nls\n----\n\n[source,role=execute-4]\n----\nls\n----\n\n[source,role=highlight]\n----\nls\n----\n";
    let p = page(src);
    assert!(p.actions.is_empty());
    let lines: Vec<u32> = p.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, [1, 6], "{:?}", p.diagnostics);
    assert!(p.diagnostics[0].message.contains("terminal:exec"));
}

#[test]
fn session_variables_are_attributes() {
    let src = "\
Namespace: {session_namespace}, domain {ingress_domain}.

[source,bash,role=execute]
----
kubectl get pods -n {session_namespace}
----

[source,bash,role=execute,subs=\"attributes+\"]
----
kubectl get pods -n {session_namespace} && echo '<ok>'
----
";
    let p = page_with(
        src,
        &[("session_namespace", "lab-x"), ("ingress_domain", "example.test")],
    );
    assert!(
        p.html.contains("Namespace: lab-x, domain example.test."),
        "{}",
        p.html
    );
    // Listings substitute attributes only when the block asks for it, like Asciidoctor.
    assert_eq!(p.actions[0].body, "kubectl get pods -n {session_namespace}");
    assert_eq!(p.actions[1].body, "kubectl get pods -n lab-x && echo '<ok>'");
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
}

#[test]
fn attribute_names_are_case_insensitive_and_session_values_win() {
    let src = ":GUID: from-page\n\nguid={GUID} ns={SESSION_NAMESPACE}\n";
    let p = page_with(src, &[("GUID", "abc"), ("session_namespace", "lab-x")]);
    assert!(p.html.contains("guid=abc ns=lab-x"), "{}", p.html);
    let p = page(src);
    assert!(p.html.contains("guid=from-page"), "{}", p.html);
}

#[test]
fn undefined_attribute_is_left_as_written_and_warned() {
    let src = "First line.\n\nSee {no_such_thing} here.\n";
    let p = page(src);
    assert!(p.html.contains("{no_such_thing}"), "{}", p.html);
    assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);
    let d = &p.diagnostics[0];
    assert_eq!(d.severity, crate::content::Severity::Warning);
    assert_eq!(d.line, 3);
    assert_eq!(d.column, 5);
    assert_eq!(d.file, PathBuf::from("content/page.adoc"));
    assert!(d.message.contains("{no_such_thing}"), "{}", d.message);
}

#[test]
fn placeholders_follow_document_order_through_nesting() {
    let src = "\
= Nested

== Section one

. Step one
+
[source,bash,role=execute-1]
----
first
----

. Step two
+
====
[source,bash,role=execute-2]
----
second
----
====

== Section two

[cols=\"1a\"]
|===
|
[source,bash,role=copy]
----
third
----
|===

[source,bash,role=execute]
----
fourth
----
";
    let p = page(src);
    assert_eq!(
        kinds(&p),
        ["execute-1", "execute-2", "copy", "execute"],
        "{}",
        p.html
    );
    let lines: Vec<u32> = p.actions.iter().map(|a| a.line).collect();
    assert_eq!(lines, [7, 15, 26, 32]);
    let bodies: Vec<&str> = p.actions.iter().map(|a| a.body.as_str()).collect();
    assert_eq!(bodies, ["first", "second", "third", "fourth"]);
    let positions: Vec<usize> = (0..4)
        .map(|i| p.html.find(&placeholder(i)).expect("placeholder present"))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{}", p.html);
    assert_eq!(p.html.matches("<!--lectern-action:").count(), 4);
}

#[test]
fn title_comes_from_the_document_title() {
    let p = page("= Getting *Started*\n:toc!:\n\nHello.\n");
    assert_eq!(p.title.as_deref(), Some("Getting Started"));
    assert!(!p.html.contains("<h1>"), "embedded: no title heading: {}", p.html);
    assert!(!p.html.contains("<html"), "{}", p.html);
    assert!(p.html.contains("<p>Hello.</p>"), "{}", p.html);
    assert_eq!(page("Hello.\n").title, None);
    // Markdown-style level-0 heading, and a title after comments and attribute entries.
    assert_eq!(
        page("# Markdown Title\n\nBody\n").title.as_deref(),
        Some("Markdown Title")
    );
    assert_eq!(
        page("// comment\n= Late Title\n:ver: 2\n\nBody\n")
            .title
            .as_deref(),
        Some("Late Title")
    );
}

#[test]
fn long_delimiters_work_like_asciidoctor() {
    let src = "\
[source,bash,role=execute]
----------
ls -l
----------

[source,role=copy]
------
----
inner four dashes stay text
----
------

......
literal ------------
......
";
    let p = page(src);
    assert_eq!(kinds(&p), ["execute", "copy"], "{}", p.html);
    assert_eq!(p.actions[0].body, "ls -l");
    assert_eq!(p.actions[1].line, 6);
    assert!(p.html.contains("literalblock"), "{}", p.html);
    assert!(p.html.contains("literal ------------"), "{}", p.html);
    assert_eq!(
        normalize_delimiters("a\n------\nb\n------\n"),
        "a\n----\nb\n----\n"
    );
}

#[test]
fn document_source_language_makes_plain_listings_code() {
    let p = page(":source-language: bash\n\n[role=execute]\n----\nls\n----\n");
    assert_eq!(kinds(&p), ["execute"], "{}", p.html);
    assert_eq!(p.actions[0].line, 3);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
}

#[test]
fn include_directive_is_reported_not_followed() {
    let p = page("Before.\n\ninclude::other.adoc[]\n\nAfter.\n");
    assert!(p.html.contains("After."), "{}", p.html);
    let d = p
        .diagnostics
        .iter()
        .find(|d| d.message.contains("include"))
        .expect("an include diagnostic");
    assert_eq!(d.line, 3, "{d}");
    assert!(d.message.contains("not followed"), "{d}");
    assert!(!p.html.contains("include::"), "{}", p.html);
}

#[test]
fn includes_are_read_inside_the_jail_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("parts")).expect("mkdir");
    std::fs::write(
        content.join("parts/steps.adoc"),
        "// tag::run[]\nSay {greeting}.\n\n[source,bash,role=execute]\n----\necho hello\n----\n\
         // end::run[]\nNot included.\n",
    )
    .expect("write");
    std::fs::write(
        content.join("parts/nested.adoc"),
        "include::steps.adoc[tag=run]\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("secret.adoc"), "SECRET\n").expect("write");
    let jail = IncludeJail {
        base_dir: content.clone(),
        jail: crate::jail::Jail::new(&content).expect("jail"),
    };
    let source = "= Page\n\ninclude::parts/nested.adoc[]\n\ninclude::../secret.adoc[]\n\n\
                  include::parts/missing.adoc[]\n\nEnd.\n";
    let vars: Variables = [("greeting".to_string(), "hi".to_string())].into_iter().collect();
    let p = render(source, Path::new("content/page.adoc"), &vars, Some(&jail));
    assert_eq!(kinds(&p), ["execute"], "{}", p.html);
    assert_eq!(p.actions[0].body, "echo hello");
    assert!(p.html.contains("Say hi."), "{}", p.html);
    assert!(!p.html.contains("Not included"), "{}", p.html);
    assert!(!p.html.contains("SECRET"), "{}", p.html);
    assert!(p.html.contains("End."), "{}", p.html);
    let messages: Vec<&str> = p.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("outside the workshop's content folder")),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("not found")), "{messages:?}");
    let canonical = |p: &str| std::fs::canonicalize(content.join(p)).expect("canonical");
    assert_eq!(
        p.included,
        [canonical("parts/nested.adoc"), canonical("parts/steps.adoc")]
    );
}

#[test]
fn ctrl_c_body_is_decoded_text() {
    let p = page("[source,bash,role=execute]\n----\n<ctrl-c>\n----\n");
    assert_eq!(p.actions[0].body, "<ctrl-c>");
}

#[test]
fn odd_input_never_panics() {
    let inputs = [
        "",
        "\n\n\n",
        "[source,role=execute]",
        "[source,role=execute]\n----\nunclosed",
        "----\n----\n----",
        "|===\n|a|b\n|c",
        "[cols=\"1a\"]\n|===\n|\n[source,role=copy]\n----\nx\n|===",
        "include::missing.adoc[]\n",
        "= \n",
        "[[[\n]]]\n{{{}}}\n",
        "* a\n** b\n*** c\n**** d\n***** e\n****** f\n",
        ":attr: {attr}\n{attr}\n",
        "ifdef::x[]\nopen\n",
        "[source,role=execute]\n--\nopen block\n--\n",
        "footnote:[a footnote:[nested]]\nkbd:[Ctrl+C] btn:[OK] menu:File[Save]\n",
        "\u{0}\u{1}\u{feff}= Title\n\u{200b}",
        "====\n====\n====\n====\n",
        "[#id.role%opt,source,role=execute]\n----\nx\n----\n",
    ];
    for input in inputs {
        let p = page(input);
        assert!(!p.html.contains("<html"), "{input:?} gave a document shell");
    }
    let deep = "====\n".repeat(200) + "x\n" + &"====\n".repeat(200);
    let _ = page(&deep);
    let list = (1..60)
        .map(|n| format!("{} item\n", "*".repeat(n)))
        .collect::<String>();
    let _ = page(&list);
}

#[test]
fn a_table_the_parser_would_loop_on_is_shown_as_text() {
    // Issue 11, found by the `content` fuzz target (seed `crash-adoc-table-without-end`): asciidork
    // 0.38 pushes rows of no cells for ever on this table (7 GB in a minute); the arena's budget stops it.
    let p = page("Before\n\n|===\n|===\n|1|2\n|===\n");
    assert!(
        p.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error && d.message.contains("MiB of memory")),
        "{:?}",
        p.diagnostics
    );
    assert!(p.html.contains("|1|2"), "{}", p.html);
}

#[test]
fn a_large_page_fits_in_the_parsers_memory_budget() {
    let section = "== Section\n\nSome *text*, `code` and a link:https://example.test[link].\n\n\
                   [source,bash,role=execute]\n----\necho hello\n----\n\n\
                   |===\n|a|b\n|c|d\n|===\n\n* item\n** nested\n\nNOTE: a note\n\n";
    // 300 KiB (a debug build renders 1 MiB slowly): about 77 MiB of arena, ten times the budget's base.
    let copies = 300 * 1024 / section.len() + 1;
    let p = page(&section.repeat(copies));
    assert_no_errors(&p);
    assert_eq!(p.actions.len(), copies);
}

#[test]
fn large_includes_fit_in_the_parsers_memory_budget() {
    // The budget's base (8 MiB) is smaller than what 64 KiB of included text needs (~17 MiB): the
    // page is parsed again with the included bytes counted, and renders whole.
    let dir = tempfile::tempdir().expect("tempdir");
    let section = "== Part\n\nSome *text*.\n\n[source,bash,role=execute]\n----\necho hi\n----\n\n\
                   |===\n|a|b\n|===\n\n* item\n\n";
    let copies = 64 * 1024 / section.len() + 1;
    std::fs::write(dir.path().join("big.adoc"), section.repeat(copies)).expect("write");
    let jail = IncludeJail {
        base_dir: dir.path().to_path_buf(),
        jail: crate::jail::Jail::new(dir.path()).expect("jail"),
    };
    let p = render(
        "= Page\n\ninclude::big.adoc[]\n\nEnd.\n",
        Path::new("page.adoc"),
        &Variables::new(),
        Some(&jail),
    );
    assert_no_errors(&p);
    assert_eq!(p.actions.len(), copies);
    assert!(p.html.contains("End."), "{}", p.html);
}

fn corpus_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("LECTERN_CORPUS") {
        return Some(PathBuf::from(dir));
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        manifest.join("../shared/corpus"),
        manifest.join("../../shared/corpus"),
    ]
    .into_iter()
    .find(|p| p.join("EXPECTED.json").is_file())
}

#[test]
fn corpus_asciidoc_sample_action_counts_match_expected() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("corpus not found (set LECTERN_CORPUS); skipping");
        return;
    };
    let workshop = "jkupferer__lab-asciidoc-sample";
    let root = corpus.join(workshop);
    if !root.is_dir() {
        eprintln!("{} missing; skipping", root.display());
        return;
    }
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(corpus.join("EXPECTED.json")).expect("test data"))
            .expect("test data");
    let per_page = expected["workshops"][workshop]["per_page"]
        .as_object()
        .expect("per_page for the asciidoc sample");
    assert_eq!(per_page.len(), 4);
    let mut total = 0;
    for (key, entry) in per_page {
        let rel = entry["file"].as_str().expect("test data");
        let source = std::fs::read_to_string(root.join(rel)).expect("test data");
        let p = render(&source, Path::new(rel), &Variables::new(), None);
        let mut counts = std::collections::BTreeMap::<String, u64>::new();
        for action in &p.actions {
            *counts.entry(action.kind.clone()).or_default() += 1;
        }
        let want: std::collections::BTreeMap<String, u64> = entry["actions"]
            .as_object()
            .expect("test data")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().expect("test data")))
            .collect();
        assert_eq!(counts, want, "page {key}");
        assert_eq!(
            p.actions.len() as u64,
            entry["total"].as_u64().expect("test data")
        );
        for (i, action) in p.actions.iter().enumerate() {
            assert!(p.html.contains(&placeholder(i)), "page {key}");
            let line = source.lines().nth(action.line as usize - 1).expect("test data");
            assert!(
                line.contains(&format!("role={}", action.kind)),
                "page {key}: line {} is {line:?}",
                action.line
            );
        }
        assert!(
            p.diagnostics
                .iter()
                .all(|d| d.severity == crate::content::Severity::Warning),
            "page {key}: {:?}",
            p.diagnostics
        );
        total += p.actions.len();
    }
    assert_eq!(total, 8);
}

#[test]
fn corpus_asciidoc_details() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("corpus not found (set LECTERN_CORPUS); skipping");
        return;
    };
    let content = corpus.join("jkupferer__lab-asciidoc-sample/workshop/content");
    let Ok(overview) = std::fs::read_to_string(content.join("workshop-overview.adoc")) else {
        eprintln!("asciidoc sample missing; skipping");
        return;
    };
    let p = render(
        &overview,
        Path::new("workshop/content/workshop-overview.adoc"),
        &Variables::new(),
        None,
    );
    // `:GUID: %GUID%` read back with `{GUID}` in a `[subs="attributes"]` listing.
    assert!(
        p.html
            .contains("<pre>GUID: %GUID%\nrandom_string: %random_string%</pre>"),
        "{}",
        p.html
    );
    let setup = std::fs::read_to_string(content.join("setup-environment.adoc")).expect("test data");
    let p = render(&setup, Path::new("setup.adoc"), &Variables::new(), None);
    assert!(
        p.html.contains(r#"<span class="fas fa-play-circle"></span>"#),
        "passthrough: {}",
        p.html
    );
    assert_eq!(p.actions[0].body, "date");
    assert_eq!(p.actions[0].line, 5);
}
