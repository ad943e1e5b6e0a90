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

#[test]
fn for_loops_with_filters_and_forloop() {
    assert_eq!(
        run("{% for i in (1..3) %}{{ i }}{% unless forloop.last %},{% endunless %}{% endfor %}").0,
        "1,2,3"
    );
    let src = "{% assign langs = 'go,java,rust' | split: ',' %}{% for l in langs reversed limit: 2 %}{{ forloop.index }}={{ l | upcase }} {% endfor %}";
    // As Liquid: offset and limit first, then reversed.
    assert_eq!(run(src).0, "1=JAVA 2=GO ");
    assert_eq!(
        run("{% for x in nothing %}x{% else %}none{% endfor %}").1.len(),
        1,
        "undefined list is reported"
    );
    assert_eq!(
        run("{% assign e = '' | split: ',' %}{% for x in e %}x{% else %}none{% endfor %}").0,
        "none"
    );
    assert_eq!(run("{% for i in (1..5) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}").0, "13");
    assert_eq!(run("{{ 'b,a,b' | split: ',' | uniq | sort | join: '-' }} {{ 'x y z' | split: ' ' | size }} {{ 7 | plus: 3 | times: 2 }}").0, "a-b 3 20");
    assert_eq!(
        run("{% capture who %}{{ name | downcase }}!{% endcapture %}{{ who }}").0,
        "ann!"
    );
    assert_eq!(
        run("{% for i in (1..3) %}{% cycle 'a', 'b' %}{% endfor %}").0,
        "aba"
    );
    assert_eq!(
        run("{{ 'hello world' | truncate: 8 }} {{ name | slice: 0, 2 }}").0,
        "hello... An"
    );
}

#[test]
fn loop_bodies_keep_their_source_lines() {
    let vars = Variables::new();
    let none = |_: &str| None;
    let (out, issues) = render(
        "a\n{% for i in (1..2) %}\nline {{ i }} {{ nope }}\n{% endfor %}\nend",
        &vars,
        &none,
        1,
    );
    assert_eq!(out.text, "a\n\nline 1 \n\nline 2 \n\nend");
    assert!(issues.iter().all(|i| i.line == 3), "{issues:?}");
    assert_eq!(out.line_of(out.text.lines().count() - 1), 5);
}
