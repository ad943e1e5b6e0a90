//! Unit tests of the shortcode expander: call forms, built-ins, workshop templates, placeholders.

use std::path::Path;

use super::*;

fn vars() -> Variables {
    [("session_name", "s1"), ("pathway_name", "java")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Stand-in for the page's Markdown renderer.
fn md(text: &str, placeholders: &Placeholders) -> String {
    format!("<md>{}</md>", placeholders.resolve_html(text.trim()))
}

fn run_with(src: &str, vars: &Variables, custom: &Shortcodes) -> (String, Expanded) {
    let page = PageInfo::new(&serde_json::json!({"level": "advanced"}), "Page", "p", vars);
    let setup = Setup {
        vars,
        custom,
        page,
        file: Path::new("workshop/content/p.md"),
        markdownify: &md,
    };
    let expanded = expand(src, 1, &setup);
    (expanded.placeholders.resolve_html(&expanded.text.text), expanded)
}

fn run(src: &str) -> (String, Expanded) {
    run_with(src, &vars(), &Shortcodes::default())
}

/// A workshop folder with the given shortcode templates.
fn workshop(templates: &[(&str, &str)]) -> (tempfile::TempDir, Shortcodes) {
    let dir = tempfile::tempdir().expect("tempdir");
    let shortcodes = dir.path().join("workshop/layouts/shortcodes");
    std::fs::create_dir_all(&shortcodes).expect("mkdir");
    for (name, text) in templates {
        std::fs::write(shortcodes.join(name), text).expect("write");
    }
    let (loaded, diagnostics) = Shortcodes::load(dir.path(), Some(&dir.path().join("workshop")));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    (dir, loaded)
}

#[test]
fn params_escapes_and_go_templates() {
    let (text, expanded) =
        run("a {{< param session_name >}} {{% param session_name %}} {{</* param x */>}} {{range .x}}");
    assert_eq!(text, "a s1 s1 {{< param x >}} {{range .x}}");
    assert!(expanded.issues.is_empty());
}

#[test]
fn undefined_param_is_reported_at_its_line() {
    let (_, expanded) = run("x\n\n{{< param nope >}}");
    assert_eq!(expanded.issues[0].line, 3);
}

#[test]
fn block_admonitions_render_their_content_with_the_page() {
    let (_, expanded) = run("{{< note title=\"Tip\" >}}\n*x*\n{{< /note >}}\nafter");
    let text = &expanded.text.text;
    // HTML behind tokens on their own lines, the content as Markdown between blank lines.
    assert!(text.contains("\n\n\n*x*\n\n\n"), "{text:?}");
    let html = expanded
        .placeholders
        .resolve_html(&format!("<p>{}</p>", text.lines().next().unwrap_or("")));
    assert_eq!(
        html,
        "<div class=\"admonition note\">\n<p class=\"admonition-title\">Tip</p>"
    );
    assert_eq!(expanded.text.line_of(3), 2, "the content keeps its source line");
    assert_eq!(expanded.text.line_of(text.lines().count() - 1), 4);
}

#[test]
fn markdown_form_puts_html_into_the_markdown() {
    let (_, expanded) = run("{{% note %}}\nx\n{{% /note %}}");
    assert!(expanded.placeholders.is_empty());
    assert!(
        expanded.text.text.starts_with("<div class=\"admonition note\">"),
        "{}",
        expanded.text.text
    );
    assert!(expanded.text.text.contains("<md>x</md>"));
}

#[test]
fn builtin_ref_highlight_and_figure() {
    let (text, expanded) = run(
        "[x]({{< ref \"02-next.md#top\" >}}) [y]({{< relref \"/b/index.md\" >}})\n{{< highlight go >}}\nfunc(){}\n{{< /highlight >}}\n{{< figure src=\"a b.png\" alt=\"A\" >}}",
    );
    assert!(expanded.issues.is_empty(), "{:?}", expanded.issues);
    assert!(
        text.starts_with(
            "[x](/workshop/content/02-next#top) [y](/workshop/content/b)\n```go\nfunc(){}\n```\n<figure>"
        ),
        "{text}"
    );
    assert!(text.contains("![A](a%20b.png)"), "{text}");
}

#[test]
fn pathway_blocks_are_kept_or_dropped() {
    let (text, _) = run("{{< pathway java >}}J{{< /pathway >}}{{< pathway go >}}G{{< /pathway >}}.");
    assert_eq!(text, "<md>J</md>.");
}

#[test]
fn conditional_custom_shortcode_follows_the_variable() {
    let template =
        "{{ if .Site.Params.cloud }}<b>on {{ .Site.Params.cloud }}</b>{{ else }}{{ .Inner }}{{ end }}";
    let (_dir, custom) = workshop(&[("oncloud.html", template)]);
    let src = "A {{< oncloud >}}locally{{< /oncloud >}} B";
    let (unset, expanded) = run_with(src, &vars(), &custom);
    assert_eq!(unset, "A locally B");
    assert!(expanded.issues.is_empty());
    let mut with_cloud = vars();
    with_cloud.insert("cloud".into(), "aws".into());
    assert_eq!(run_with(src, &with_cloud, &custom).0, "A <b>on aws</b> B");
}

#[test]
fn custom_shortcodes_nest_and_see_their_context() {
    let (_dir, custom) = workshop(&[
        (
            "box.html",
            "<div class=\"{{ .Get \"kind\" | default \"plain\" }}\">{{ .Inner | markdownify }}</div>",
        ),
        (
            "who.html",
            "{{ with .Parent }}{{ .Get \"kind\" }}{{ end }}/{{ .Page.Params.level }}/{{ .Get 0 | upper }}",
        ),
        ("say.md", "**{{ .Get 0 }}** <{{ .Get 0 }}>"),
    ]);
    let (text, expanded) = run_with(
        "x {{< box kind=\"tip\" >}}hi {{< who \"a\" >}}{{< /box >}} {{% say yo %}} {{< say raw >}}",
        &vars(),
        &custom,
    );
    assert!(expanded.issues.is_empty(), "{:?}", expanded.issues);
    // `{{% %}}` output is Markdown; `{{< >}}` output is inserted as is (a `.md` template escapes nothing).
    assert_eq!(
        text,
        "x <div class=\"tip\"><md>hi tip/advanced/A</md></div> **yo** <yo> **raw** <raw>"
    );
}

#[test]
fn unsupported_template_feature_shows_the_inner_text_and_names_the_line() {
    let (_dir, custom) = workshop(&[("fancy.html", "<div>\n{{ partial \"x\" . }}\n</div>")]);
    let (text, expanded) = run_with("{{< fancy >}}\nplain words\n{{< /fancy >}}", &vars(), &custom);
    assert!(text.contains("plain words") && !text.contains("{{"), "{text}");
    let message = &expanded.issues[0].message;
    assert!(
        message.contains("workshop/layouts/shortcodes/fancy.html:2"),
        "{message}"
    );
    assert!(message.contains("partial"), "{message}");
}

#[test]
fn unknown_shortcodes_show_their_content_never_their_tags() {
    let (text, expanded) = run("a {{< mystery x=1 >}}inside{{< /mystery >}} b {{< lonely >}} c");
    assert_eq!(text, "a <md>inside</md> b  c");
    assert_eq!(expanded.issues.len(), 2);
    assert!(expanded.issues[0].message.contains("unknown shortcode `mystery`"));
}

#[test]
fn workshop_template_overrides_a_builtin() {
    let (_dir, custom) = workshop(&[("note.html", "[{{ .Inner }}]")]);
    let (text, _) = run_with("{{< note >}}n{{< /note >}}", &vars(), &custom);
    assert_eq!(text, "[n]");
}

#[test]
fn embeds_are_private_lazy_links_or_frames() {
    let (text, _) = run(
        "{{< youtube id=\"w7Ft2ymGmfc\" start=\"30\" >}}\n{{< vimeo 146022717 >}}\n{{< x user=\"gohugoio\" id=\"1\" >}}\n{{< gist spf13 7896402 >}}\n{{< details summary=\"More\" open=true >}}hidden{{< /details >}}",
    );
    assert!(
        text.contains("src=\"https://www.youtube-nocookie.com/embed/w7Ft2ymGmfc?start=30\""),
        "{text}"
    );
    assert!(text.contains("loading=\"lazy\""));
    assert!(text.contains("https://player.vimeo.com/video/146022717?dnt=1"));
    assert!(text.contains("href=\"https://x.com/gohugoio/status/1\""));
    assert!(text.contains("href=\"https://gist.github.com/spf13/7896402\""));
    assert!(text.contains("<details open>\n<summary>More</summary>"), "{text}");
    assert!(!text.contains("<script"));
}

#[test]
fn qr_codes_are_inline_svg() {
    let (text, expanded) = run(
        "{{< qr text=\"https://example.com/\" alt=\"Example\" class=\"qr\" title=\"Scan\" />}}\n\n{{< qr level=\"high\" scale=\"2\" >}}inner text{{< /qr >}}\n\n{{< qr />}}",
    );
    assert_eq!(text.matches("<svg role=\"img\"").count(), 2, "{text}");
    assert!(text.contains("aria-label=\"Example\" class=\"qr\""), "{text}");
    assert!(text.contains("<title>Scan</title>"), "{text}");
    assert!(text.contains("aria-label=\"inner text\""), "{text}");
    assert!(!text.contains("<?xml") && !text.contains("data:"), "{text}");
    assert_eq!(expanded.issues.len(), 1, "{:?}", expanded.issues);
    assert!(
        expanded.issues[0].message.contains("no text"),
        "{:?}",
        expanded.issues
    );
}

#[test]
fn an_escaped_shortcode_whose_comment_closes_at_once_renders() {
    // `{{</*/>}}`: the `*` of the opening `/*` is not the start of its `*/` (a slice backwards, found by afl).
    for src in [
        "a {{</*/>}} b",
        "a {{%/*/%}} b",
        "{{</*",
        "{{</**/>}}",
        "x {{</*/ >}} y",
    ] {
        let (html, _) = run(src);
        assert!(!html.is_empty() || src.is_empty(), "{src}");
    }
    let (html, _) = run("a {{</**/>}} b");
    assert!(html.contains("{{<>}}"), "{html}");
}
