//! Unit tests of the Go-template engine: control flow, variables, functions, escaping, trimming, errors.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::*;

struct Md;
impl Host for Md {
    fn markdownify(&self, text: &str) -> String {
        format!("<md>{text}</md>")
    }
}

/// A shortcode-like object: `.Get`, `.Inner`, `.Params`, `.IsNamedParams`, `.Site.Params`.
struct Sc {
    positional: Vec<Value>,
    named: BTreeMap<String, Value>,
}

impl Object for Sc {
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Inner" => Some(Value::Html("in *x*".into())),
            "IsNamedParams" => Some(Value::Bool(!self.named.is_empty())),
            "Params" if self.named.is_empty() => Some(Value::List(self.positional.clone())),
            "Params" => Some(Value::Map(self.named.clone())),
            "Site" => {
                let mut params = BTreeMap::new();
                params.insert("lang".to_string(), Value::from("java"));
                params.insert("empty".to_string(), Value::from(""));
                let mut site = BTreeMap::new();
                site.insert("Params".to_string(), Value::Map(params));
                Some(Value::Map(site))
            }
            _ => None,
        }
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        (name == "Get").then(|| {
            Ok(match args.first() {
                Some(Value::Int(i)) => self.positional.get(*i as usize).cloned().unwrap_or_default(),
                Some(key) => self
                    .named
                    .get(key.as_str().unwrap_or(""))
                    .cloned()
                    .unwrap_or_default(),
                None => return Err("Get needs an argument".to_string()),
            })
        })
    }
}

fn run_with(src: &str, positional: &[&str], named: &[(&str, &str)]) -> Result<String, Error> {
    let sc = Sc {
        positional: positional.iter().map(|s| Value::from(*s)).collect(),
        named: named
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(*v)))
            .collect(),
    };
    Template::parse(src, true)?.execute(&Value::Object(Rc::new(sc)), &Md)
}

fn run(src: &str) -> String {
    run_with(src, &["a", "b"], &[]).expect("template runs")
}

#[test]
fn conditions_and_else_if() {
    let src = r#"{{ if eq .Site.Params.lang "go" }}G{{ else if eq .Site.Params.lang "java" }}J{{ else }}X{{ end }}"#;
    assert_eq!(run(src), "J");
    assert_eq!(run("{{ if .Site.Params.empty }}y{{ else }}n{{ end }}"), "n");
    assert_eq!(run("{{ if .Site.Params.nope }}y{{ else }}n{{ end }}"), "n");
    assert_eq!(
        run(r#"{{ if and (ne (.Get 0) "x") (not .IsNamedParams) }}ok{{ end }}"#),
        "ok"
    );
    assert_eq!(run(r#"{{ or "" .Site.Params.lang }}|{{ and 1 0 }}"#), "java|0");
    assert_eq!(
        run("{{ if lt 1 2 }}<{{ end }}{{ if gt \"b\" \"a\" }}{{ \">\" }}{{ end }}"),
        "<&gt;"
    );
}

#[test]
fn with_range_and_variables() {
    assert_eq!(
        run("{{ with .Get 1 }}[{{ . }}]{{ end }}{{ with .Get 5 }}no{{ else }}none{{ end }}"),
        "[b]none"
    );
    assert_eq!(
        run("{{ range $i, $p := .Params }}{{ $i }}={{ $p }};{{ end }}"),
        "0=a;1=b;"
    );
    assert_eq!(
        run("{{ range .Site.Params.nope }}x{{ else }}empty{{ end }}"),
        "empty"
    );
    assert_eq!(
        run("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}"),
        "2"
    );
    assert_eq!(
        run(
            r#"{{ range (slice 1 2 3 4) }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}"#
        ),
        "13"
    );
    assert_eq!(
        run("{{ range $k, $v := dict \"b\" 2 \"a\" 1 }}{{ $k }}{{ $v }}{{ end }}"),
        "a1b2"
    );
    assert_eq!(run("{{ $.Inner }}"), "in *x*");
}

#[test]
fn named_params_and_defaults() {
    let src = r#"{{ .Get "title" | default "Note" }}:{{ .IsNamedParams }}:{{ .Params.title }}"#;
    assert_eq!(
        run_with(src, &[], &[("title", "Tip")]).expect("runs"),
        "Tip:true:Tip"
    );
    let positional = r#"{{ .Get "title" | default "Note" }}:{{ .IsNamedParams }}:{{ index .Params 0 }}"#;
    assert_eq!(run_with(positional, &["x"], &[]).expect("runs"), "Note:false:x");
}

#[test]
fn functions_and_escaping() {
    assert_eq!(
        run(r#"{{ printf "%s-%03d|%q|%.2f|%v" "x" 7 "y" 1.5 true }}"#),
        "x-007|&quot;y&quot;|1.50|true"
    );
    assert_eq!(
        run(r#"{{ upper "ab" }}{{ lower "CD" }}{{ trim "--x--" "-" }}"#),
        "ABcdx"
    );
    assert_eq!(run(r#"{{ "<b>" }}{{ "<i>" | safeHTML }}"#), "&lt;b&gt;<i>");
    assert_eq!(run(r#"{{ $.Inner | markdownify }}"#), "<md>in *x*</md>");
    assert_eq!(
        run(r#"{{ printf "%s" .Inner | markdownify }}"#),
        "<md>in *x*</md>"
    );
    assert_eq!(
        run(r#"{{ len "abc" }} {{ index (slice "p" "q") 1 }} {{ replace "aXb" "X" "-" }}"#),
        "3 q a-b"
    );
    assert_eq!(run(r#"{{ print 1 2 "s" 3 }}"#), "1 2s3");
}

#[test]
fn whitespace_trimming_and_comments() {
    assert_eq!(run("a  {{- /* note */ -}}  b"), "ab");
    assert_eq!(run("x\n{{- if true }}\n  y\n{{- end }}\nz"), "x\n  y\nz");
    assert_eq!(run("{{-3}}"), "-3");
    assert_eq!(run("{{ \"}}\" }}"), "}}");
}

#[test]
fn unsupported_features_are_errors_with_lines() {
    let err = Template::parse("a\n{{ define \"x\" }}{{ end }}", true).expect_err("define");
    assert_eq!(err.line, 2);
    let err = run_with("\n\n{{ partial \"x\" . }}", &[], &[]).expect_err("partial");
    assert_eq!(err.line, 3);
    assert!(err.message.contains("partial"), "{err}");
    assert!(Template::parse("{{ if true }}open", true).is_err());
    assert!(Template::parse("{{ end }}", true).is_err());
    assert!(run_with("{{ .Nope 1 }}", &[], &[]).is_err());
}

#[test]
fn text_templates_print_no_value() {
    let t = Template::parse("{{ .x }}|{{ \"<\" }}", false).expect("parses");
    let mut map = BTreeMap::new();
    map.insert("y".to_string(), Value::Int(1));
    assert_eq!(t.execute(&Value::Map(map), &Md).expect("runs"), "<no value>|<");
}

#[test]
fn unescape_never_cuts_a_character() {
    // Issue 11, found by the `content` fuzz target (seeds `crash-hugo-unescape-*`): the `;` search sliced
    // the string at its 12th byte, inside a multi-byte character.
    assert_eq!(funcs::unescape("&lt; tab 1a“ &gt;"), "< tab 1a“ >");
    assert_eq!(funcs::unescape("&“““““&amp;"), "&“““““&");
}
