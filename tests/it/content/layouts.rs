//! Workshop layouts built in temporary folders: Hugo bundles, front matter (YAML and TOML), weights,
//! drafts, headless bundles, pathways, data variables, classic modules, and the accepted folder shapes.

use std::path::Path;

use lectern::content::definition::WorkshopProxy;
use lectern::content::{InstructionsSource, Severity, Variables, load_workshop};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn keys(root: &Path, vars: &Variables) -> Vec<String> {
    load_workshop(root, vars)
        .0
        .pages
        .iter()
        .map(|p| p.key.clone())
        .collect()
}

#[test]
fn hugo_bundles_drafts_headless_and_index_pages() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "workshop/content/_index.md", "---\ntitle: Home\n---\n");
    write(
        root,
        "workshop/content/01-intro.md",
        "---\ntitle: Intro\n---\nHi\n",
    );
    write(
        root,
        "workshop/content/02-bundle/index.md",
        "+++\ntitle = \"Bundle\"\n+++\n![p](pic.png)\n",
    );
    write(root, "workshop/content/02-bundle/pic.png", "png");
    write(
        root,
        "workshop/content/02-bundle/notes.md",
        "a resource, not a page",
    );
    write(root, "workshop/content/03-draft.md", "---\ndraft: true\n---\n");
    write(
        root,
        "workshop/content/04-headless/index.md",
        "---\nheadless: true\n---\n",
    );
    write(
        root,
        "workshop/content/05-section/_index.md",
        "---\ntitle: Section\n---\n",
    );
    write(root, "workshop/content/05-section/step-a.md", "no front matter\n");
    let (workshop, diagnostics) = load_workshop(root, &Variables::new());
    let got: Vec<(&str, &str)> = workshop
        .pages
        .iter()
        .map(|p| (p.key.as_str(), p.title.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("01-intro", "Intro"),
            ("02-bundle", "Bundle"),
            ("05-section/step-a", "Step A")
        ]
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    // The bundle's image resolves inside the bundle folder.
    let bundle = workshop.page("02-bundle").expect("bundle");
    assert!(
        bundle
            .html
            .contains("src=\"/workshop/content/02-bundle/pic.png\""),
        "{}",
        bundle.html
    );
    assert_eq!(bundle.source, Path::new("workshop/content/02-bundle/index.md"));
}

#[test]
fn weights_order_pages_and_unweighted_go_last() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "workshop/content/a.md", "---\ntitle: A\n---\n");
    write(root, "workshop/content/b.md", "---\ntitle: B\nweight: 2\n---\n");
    write(root, "workshop/content/c.md", "---\ntitle: C\nweight: 1\n---\n");
    assert_eq!(keys(root, &Variables::new()), ["c", "b", "a"]);
}

#[test]
fn pathways_select_steps_titles_and_params() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(
        root,
        "workshop/config.yaml",
        "pathways:\n  default: java\n  paths:\n    java:\n      title: Java path\n      steps: [setup, java-only]\n      params:\n      - name: language\n        value: java\n    go:\n      title: Go path\n      steps: [setup]\n  modules:\n    setup:\n      title: Getting set up\nparams:\n- name: greeting\n  value: hello\n",
    );
    write(
        root,
        "workshop/content/setup.md",
        "{{< param greeting >}} {{< param language >}} {{< pathway java >}}J{{< /pathway >}}{{< pathway go >}}G{{< /pathway >}}\n",
    );
    write(root, "workshop/content/java-only.md", "---\ntitle: Java\n---\n");
    write(root, "workshop/content/unlisted.md", "x\n");
    let (workshop, diagnostics) = load_workshop(root, &Variables::new());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(workshop.title, "Java path");
    let got: Vec<(&str, &str)> = workshop
        .pages
        .iter()
        .map(|p| (p.key.as_str(), p.title.as_str()))
        .collect();
    assert_eq!(got, vec![("setup", "Getting set up"), ("java-only", "Java")]);
    assert!(
        workshop.pages[0].html.contains("hello java J"),
        "{}",
        workshop.pages[0].html
    );
    let mut vars = Variables::new();
    vars.insert("pathway_name".into(), "go".into());
    let (workshop, _) = load_workshop(root, &vars);
    assert_eq!(workshop.title, "Go path");
    assert_eq!(workshop.pages.len(), 1);
    assert!(
        workshop.pages[0].html.contains("hello  G"),
        "{}",
        workshop.pages[0].html
    );
}

#[test]
fn classic_modules_variables_and_conditionals() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(
        root,
        "workshop/workshop.yaml",
        "name: Classic\nmodules:\n  activate: [intro, missing, exercises/one]\nvars:\n  LANGUAGE: go\n",
    );
    write(
        root,
        "workshop/modules.yaml",
        "modules:\n  intro:\n    name: Introduction\n    exit_sign: Start\n  exercises/one:\n    name: One\nconfig:\n  vars:\n  - name: LANGUAGE\n    value: java\n  - name: PORT\n    value: '8080'\n",
    );
    write(
        root,
        "workshop/content/intro.md",
        "{% if LANGUAGE == 'go' %}Go{% else %}Java{% endif %} on %PORT% {{ session_namespace }}\n",
    );
    write(
        root,
        "workshop/content/exercises/one.md",
        "[back](../intro.md) ![i](img.png)\n",
    );
    write(root, "workshop/content/exercises/img.png", "png");
    let mut vars = Variables::new();
    vars.insert("session_namespace".into(), "ns1".into());
    let (workshop, diagnostics) = load_workshop(root, &vars);
    assert_eq!(workshop.format.as_str(), "classic");
    assert_eq!(workshop.title, "Classic");
    let keys: Vec<&str> = workshop.pages.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["intro", "exercises/one"]);
    assert!(
        workshop.pages[0].html.contains("Go on 8080 ns1"),
        "{}",
        workshop.pages[0].html
    );
    assert_eq!(workshop.pages[0].exit_sign.as_deref(), Some("Start"));
    let one = &workshop.pages[1].html;
    assert!(one.contains("href=\"/workshop/content/intro\""), "{one}");
    assert!(
        one.contains("src=\"/workshop/content/exercises/img.png\""),
        "{one}"
    );
    // `missing` has no modules.yaml entry: skipped with a warning, not an error.
    assert!(
        diagnostics.iter().all(|d| d.severity == Severity::Warning),
        "{diagnostics:?}"
    );
    assert!(diagnostics.iter().any(|d| d.message.contains("`missing`")));
}

#[test]
fn accepted_folder_shapes_give_the_same_pages() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "workshop/content/01-a.md", "# A\n");
    write(root, "workshop/content/02-b.md", "# B\n");
    write(root, "resources/workshop.yaml", "spec:\n  title: Shapes\n");
    let from_root = load_workshop(root, &Variables::new()).0;
    let from_workshop = load_workshop(&root.join("workshop"), &Variables::new()).0;
    let from_content = load_workshop(&root.join("workshop/content"), &Variables::new()).0;
    for workshop in [&from_root, &from_workshop, &from_content] {
        let keys: Vec<&str> = workshop.pages.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["01-a", "02-b"]);
    }
    assert_eq!(from_root.title, "Shapes");
    assert_eq!(
        from_workshop.title, "Shapes",
        "definition read from the parent of workshop/"
    );
    assert_eq!(from_root.pages[0].source, Path::new("workshop/content/01-a.md"));
    assert_eq!(from_content.pages[0].source, Path::new("01-a.md"));
    assert_eq!(from_root.pages[0].headings[0].id, "a");
}

#[test]
fn empty_folder_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().expect("tmp");
    let (workshop, diagnostics) = load_workshop(dir.path(), &Variables::new());
    assert!(workshop.pages.is_empty());
    assert!(diagnostics.iter().any(|d| d.severity == Severity::Error));
}

#[test]
fn odd_input_never_panics() {
    let nasty = [
        "{{",
        "{%",
        "{{<",
        "{{% param",
        "{{< note >}}",
        "{{< /note >}}",
        "{% if %}",
        "{% endif %}",
        "{% raw %}",
        "```terminal:execute\n",
        "```\n",
        "~~~execute\n",
        "---\n",
        "+++\n",
        "%",
        "%x%",
        "é",
        "%é",
        "[x](%é)",
        "![](../../..)",
        "# ",
        "{{ x | }}",
        "{{ 'a }}",
        "{% case %}{% when %}",
        "\u{feff}",
        "\r\n",
        "<div>",
        "[^1]",
        "| a |\n|---|",
        "{% include %}",
        "{{</* x",
    ];
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "workshop/workshop.yaml", "modules:\n  activate: [a, b]\n");
    let mut seed: u64 = 7;
    for round in 0..200 {
        let mut text = String::new();
        for _ in 0..12 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push_str(nasty[(seed >> 33) as usize % nasty.len()]);
            if seed & 1 == 0 {
                text.push('\n');
            }
        }
        write(root, "workshop/content/a.md", &text);
        write(root, "workshop/content/b.adoc", &text);
        let hugo = root.join("hugo");
        write(&hugo, "workshop/content/p.md", &text);
        let _ = load_workshop(root, &Variables::new());
        let _ = load_workshop(&hugo, &Variables::new());
        let _ = round;
    }
}

#[test]
fn includes_foreign_actions_and_action_errors_render_visibly() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "workshop/workshop.yaml", "modules:\n  activate: [page]\n");
    write(root, "workshop/content/snippet.md", "included {{ who }}\n");
    write(
        root,
        "workshop/content/page.md",
        "{% assign who = 'text' %}{% include 'snippet.md' %}\n\n```mycorp:deploy\nx: 1\n```\n\n```section:begin\ntitle: [oops\n```\n",
    );
    let (workshop, diagnostics) = load_workshop(root, &Variables::new());
    let page = &workshop.pages[0];
    assert!(page.html.contains("included text"), "{}", page.html);
    assert!(
        page.html
            .contains("<pre class=\"hl-code\"><code class=\"language-mycorp:deploy\">")
            || page.html.contains("language-mycorp:deploy"),
        "{}",
        page.html
    );
    // A script registering the action with `args: "yaml"` gets the body parsed as built-in bodies are.
    assert!(
        page.html.contains("data-action-yaml=\"{&quot;x&quot;:1}\""),
        "{}",
        page.html
    );
    assert!(page.html.contains("class=\"lectern-action-error\" role=\"alert\" data-action-type=\"section:begin\" data-action-line=\"8\""), "{}", page.html);
    let summary: Vec<(Severity, u32)> = diagnostics.iter().map(|d| (d.severity, d.line)).collect();
    assert_eq!(
        summary,
        vec![(Severity::Warning, 3), (Severity::Error, 8)],
        "{diagnostics:?}"
    );
}

#[test]
fn includes_stay_inside_the_content_folder() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "secret.md", "SECRET");
    write(root, "workshop/workshop.yaml", "modules:\n  activate: [page]\n");
    write(
        root,
        "workshop/content/page.md",
        "{% include '../../secret.md' %}\n",
    );
    let (workshop, diagnostics) = load_workshop(root, &Variables::new());
    assert!(!workshop.pages[0].html.contains("SECRET"));
    assert!(
        diagnostics.iter().any(|d| d.message.contains("not found")),
        "{diagnostics:?}"
    );
}

/// Issue 12: a symlink inside the content folder that leads out of it is not followed by `{% include %}`
/// (which checked the spelling of the name only) nor by AsciiDoc's `include::`.
#[test]
fn includes_do_not_follow_a_symlink_out_of_the_content_folder() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "secret.md", "SECRET");
    write(
        root,
        "workshop/workshop.yaml",
        "modules:\n  activate: [page, doc]\n",
    );
    write(root, "workshop/content/inside.md", "INSIDE");
    std::os::unix::fs::symlink(root.join("secret.md"), root.join("workshop/content/leak.md"))
        .expect("symlink");
    std::os::unix::fs::symlink(root.join("secret.md"), root.join("workshop/content/leak.adoc"))
        .expect("symlink");
    std::os::unix::fs::symlink("inside.md", root.join("workshop/content/alias.md")).expect("symlink");
    write(
        root,
        "workshop/content/page.md",
        "{% include 'leak.md' %}\n\n{% include 'alias.md' %}\n",
    );
    write(
        root,
        "workshop/content/doc.adoc",
        "= Doc\n\ninclude::leak.adoc[]\n\nEnd.\n",
    );
    let (workshop, diagnostics) = load_workshop(root, &Variables::new());
    let page = workshop.page("page").expect("page");
    assert!(!page.html.contains("SECRET"), "{}", page.html);
    assert!(
        page.html.contains("INSIDE"),
        "a link that stays inside is followed: {}",
        page.html
    );
    let doc = workshop.page("doc").expect("doc");
    assert!(!doc.html.contains("SECRET"), "{}", doc.html);
    assert!(doc.html.contains("End."), "{}", doc.html);
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("included file \"leak.md\" not found")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("outside the workshop's content folder")),
        "{messages:?}"
    );
}

#[test]
fn asciidoc_includes_bring_their_actions_and_are_not_forgotten_pages() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "workshop/workshop.yaml", "modules:\n  activate: [page]\n");
    write(
        root,
        "workshop/content/page.adoc",
        "= Page\n\ninclude::partials/run.adoc[]\n",
    );
    write(
        root,
        "workshop/content/partials/run.adoc",
        "[source,bash,role=execute]\n----\nkubectl get pods\n----\n",
    );
    let (workshop, diagnostics) = load_workshop(root, &Variables::new());
    let page = &workshop.pages[0];
    let kinds: Vec<&str> = page.actions.iter().map(|a| a.action_type.as_str()).collect();
    assert_eq!(kinds, ["execute"], "{}", page.html);
    assert!(page.html.contains("kubectl get pods"), "{}", page.html);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

/// Issue 14: `workshop.url` / `.proxy` name where the instructions come from (web/content/elsewhere.rs
/// serves them; tests/it/proxy/instructions.rs); the workshop's own pages still load, with no warning.
#[test]
fn external_instructions_in_the_definition_are_read() {
    let proxy = WorkshopProxy {
        protocol: None,
        host: "localhost".into(),
        port: Some(8080),
        change_origin: None,
        path_rewrite: Vec::new(),
        headers: Vec::new(),
    };
    for (yaml, expected) in [
        (
            "url: https://docs.example.com/$(session_name)/",
            InstructionsSource::Remote("https://docs.example.com/$(session_name)/".into()),
        ),
        (
            "proxy:\n          host: localhost\n          port: 8080",
            InstructionsSource::Proxy(proxy.clone()),
        ),
        (
            "url: https://docs.example.com/\n        proxy:\n          host: localhost",
            InstructionsSource::Remote("https://docs.example.com/".into()),
        ),
    ] {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        write(
            root,
            "resources/workshop.yaml",
            &format!(
                "apiVersion: training.educates.dev/v1beta1\nkind: Workshop\nspec:\n  session:\n    \
                 applications:\n      workshop:\n        {yaml}\n"
            ),
        );
        write(
            root,
            "workshop/content/01-intro.md",
            "---\ntitle: Intro\n---\nHi\n",
        );
        let (workshop, diagnostics) = load_workshop(root, &Variables::new());
        assert_eq!(workshop.pages.len(), 1, "{diagnostics:?}");
        assert!(diagnostics.is_empty(), "{yaml}: {diagnostics:?}");
        assert_eq!(workshop.definition.applications.instructions, expected, "{yaml}");
    }
    // Enabled or laid out, but rendered here: no warning.
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "resources/workshop.yaml",
        "spec:\n  session:\n    applications:\n      workshop:\n        enabled: true\n",
    );
    write(dir.path(), "workshop/content/01-intro.md", "Hi\n");
    let (_, diagnostics) = load_workshop(dir.path(), &Variables::new());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}
