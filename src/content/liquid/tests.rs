//! Unit tests of the Liquid engine: outputs and filters, undefined variables with their line, raw
//! blocks, conditionals and case, line numbers kept across skipped branches, whitespace control.

use super::*;

fn run(src: &str) -> (String, Vec<Issue>) {
    let vars: Variables = [("name", "Ann"), ("lang", "java"), ("empty", "")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let none = |_: &str| None;
    let (out, issues) = render(src, &vars, &none, 1);
    (out.text, issues)
}

#[test]
fn outputs_and_filters() {
    assert_eq!(run("Hi {{ name }}, {{name|upcase}}!").0, "Hi Ann, ANN!");
    assert_eq!(run("{{ missing | default: 'x' }}").0, "x");
}

#[test]
fn undefined_variable_is_an_issue_with_line() {
    let (out, issues) = run("a\nb {{ nope }}\n");
    assert_eq!(out, "a\nb \n");
    assert_eq!(
        issues,
        vec![Issue {
            line: 2,
            message: "undefined variable `nope`".into()
        }]
    );
}

#[test]
fn raw_keeps_text_and_go_templates_survive() {
    let (out, _) = run("{% raw %}{{range .items}}{{.x}}{{end}}{% endraw %}");
    assert_eq!(out, "{{range .items}}{{.x}}{{end}}");
    let (out, issues) = run("x {{.metadata.name}}");
    assert_eq!(out, "x {{.metadata.name}}");
    assert_eq!(issues.len(), 1);
}

#[test]
fn conditionals() {
    let src = "{% if lang == 'java' %}J{% elsif lang == 'go' %}G{% else %}O{% endif %}";
    assert_eq!(run(src).0, "J");
    assert_eq!(run("{% unless lang == 'java' %}no{% endunless %}ok").0, "ok");
    assert_eq!(run("{% if empty %}truthy{% endif %}").0, "truthy");
    assert_eq!(
        run("{% case lang %}{% when 'go' %}G{% when 'java' %}J{% endcase %}").0,
        "J"
    );
    assert_eq!(
        run("{% if lang == 'java' and name == 'Ann' %}both{% endif %}").0,
        "both"
    );
}

#[test]
fn skipped_branches_keep_line_numbers() {
    let vars = Variables::new();
    let none = |_: &str| None;
    let (out, _) = render("a\n{% if x %}\nb\nc\n{% endif %}\nd {{ y }}", &vars, &none, 1);
    assert_eq!(out.text, "a\n\nd ");
    assert_eq!(out.line_of(2), 6);
}

#[test]
fn whitespace_control_and_assign() {
    assert_eq!(run("a  {%- assign x = 'v' -%}  {{ x }}").0, "av");
}

#[test]
fn unclosed_blocks_run_to_the_end() {
    let (out, issues) = run("a {% if name %}b\nc");
    assert_eq!(out, "a b\nc");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].message, "`{% if %}` without `{% endif %}`");
    let (out, _) = run("{% case lang %}{% when 'java' %}J\nrest");
    assert_eq!(out, "J\nrest");
}
