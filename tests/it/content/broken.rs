//! `lectern check` on tests/fixtures/broken, through the real binary: every mistake is reported at
//! its file and line, in text and JSON, and the exit code says errors were found.

use std::process::Command;

use crate::support::fixture;

fn check(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .arg("check")
        .args(args)
        .env_remove("LECTERN_VARS")
        .output()
        .expect("run lectern");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const PAGE: &str = "workshop/content/01-broken.md";

#[test]
fn text_output_names_file_and_line_of_each_mistake() {
    let dir = fixture("broken");
    let (code, stdout, stderr) = check(&[dir.to_str().expect("path")]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let expect = [
        format!("{PAGE}:7:1: error: unknown action type `terminal:exec`"),
        format!("{PAGE}:12:10: error: `terminal:execute`: invalid YAML"),
        format!("{PAGE}:15:1: warning: image not found: missing.png"),
        format!("{PAGE}:17:0: warning: undefined variable `no_such_variable`"),
        format!("{PAGE}:19:10: warning: broken link: 02-nope.md"),
    ];
    // Each diagnostic line is followed by its code frame (`17 | source`, `   | ^`).
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|line| !line.contains(" | ") && !line.ends_with(" |"))
        .collect();
    assert!(
        stdout.contains("\n7 | ```terminal:exec\n  | ^\n"),
        "the code frame points at the mistake: {stdout}"
    );
    assert_eq!(lines.len(), expect.len(), "{stdout}");
    for (line, want) in lines.iter().zip(&expect) {
        assert!(
            line.starts_with(want.as_str()),
            "{line:?} should start with {want:?}"
        );
    }
}

#[test]
fn json_output_follows_the_documented_shape() {
    let dir = fixture("broken");
    let (code, stdout, _) = check(&[dir.to_str().expect("path"), "--format", "json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(json["workshop"]["title"], "Broken on purpose");
    assert_eq!(json["workshop"]["format"], "hugo");
    let pages = json["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0]["path"], PAGE);
    assert_eq!(pages[0]["title"], "Broken page");
    assert_eq!(
        pages[0]["actions"],
        serde_json::json!([{"type": "terminal:execute", "line": 21}])
    );
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    let summary: Vec<(String, String, u64)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap_or("").to_string(),
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let want: Vec<(String, String, u64)> = [
        ("error", 7),
        ("error", 12),
        ("warning", 15),
        ("warning", 17),
        ("warning", 19),
    ]
    .into_iter()
    .map(|(s, l)| (s.to_string(), PAGE.to_string(), l))
    .collect();
    assert_eq!(summary, want);
}

#[test]
fn a_defined_variable_silences_the_warning() {
    let dir = fixture("broken");
    let (_, stdout, _) = check(&[dir.to_str().expect("path"), "--var", "no_such_variable=ns"]);
    assert!(!stdout.contains("undefined variable"), "{stdout}");
}

#[test]
fn clean_workshop_exits_zero_and_missing_dir_exits_two() {
    let (code, stdout, _) = check(&[fixture("minimal").to_str().expect("path")]);
    assert_eq!(code, 0, "{stdout}");
    let (code, _, stderr) = check(&["/no/such/workshop/dir"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, _) = check(&[fixture("minimal").to_str().expect("path"), "--var", "novalue"]);
    assert_eq!(code, 2);
}

#[test]
fn a_helm_templated_definition_is_one_warning_and_pages_still_render() {
    let dir = fixture("helm-templated");
    let (code, stdout, stderr) = check(&[dir.to_str().expect("path"), "--format", "json"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["severity"], "warning");
    assert_eq!(diagnostics[0]["file"], "resources/workshop.yaml");
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Helm")),
        "{diagnostics:?}"
    );
    let pages = json["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0]["actions"].as_array().map(Vec::len), Some(1));
    // What stays plain in the template is still read.
    assert_eq!(json["workshop"]["title"], "Helm-templated workshop", "{json}");
}
