//! `lectern check`'s workshop-wide rules (issue 16) on tests/fixtures/check-rules, through the binary: a
//! terminal no tab shows, `execute-5`, a misspelt field, an unknown layout, dashboards without a URL or
//! with a taken tab id, a download the workshop lacks, `%var%` a learner would read raw — each a warning
//! at its file and line with a code frame — and a symlink loop reported, not followed.

use std::process::Command;

use crate::support::{corpus_dir, fixture};

fn check(dir: &std::path::Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .arg("check")
        .arg(dir)
        .env_remove("LECTERN_VARS")
        .output()
        .expect("run lectern");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

const PAGE: &str = "workshop/content/01-rules.md";
const DEFINITION: &str = "resources/workshop.yaml";

#[test]
fn each_rule_is_a_warning_at_its_line() {
    let (code, stdout) = check(&fixture("check-rules"));
    assert_eq!(code, 0, "warnings only: {stdout}");
    let expect = [
        (
            format!("{DEFINITION}:13:"),
            "`tabb` is not known: did you mean `tab`?",
        ),
        (format!("{DEFINITION}:15:"), "dashboard `Docs` has no `url`"),
        (
            format!("{DEFINITION}:18:"),
            "has the tab id `logs` of an earlier one",
        ),
        (
            format!("{PAGE}:19:"),
            "types into terminal `9`, which no tab shows: the terminal layout `split` shows 1, 2, logs",
        ),
        (format!("{PAGE}:24:"), "`execute-5` is no action"),
        (
            format!("{PAGE}:30:"),
            "unknown field `sesion`: did you mean `session`?",
        ),
        (
            format!("{PAGE}:37:"),
            "no file `exercises/missing.txt` in the workshop",
        ),
        (format!("{PAGE}:41:"), "`%grafana_url%` is shown as written"),
        (format!("{PAGE}:41:"), "`%session_namespace%` is shown as written"),
    ];
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains(": warning: "))
        .collect();
    for (at, message) in &expect {
        assert!(
            lines
                .iter()
                .any(|line| line.starts_with(at.as_str()) && line.contains(message)),
            "no warning {at} … {message} in:\n{stdout}"
        );
    }
    assert_eq!(lines.len(), expect.len(), "{stdout}");
    // The code frame under the lost terminal's warning.
    assert!(stdout.contains("\n19 | ```terminal:execute\n"), "{stdout}");
}

/// A homeroom-era classic workshop's `%console_url%`, `%project_namespace%`, … are defined (aliases of the
/// session variables), so `check` warns only about the names nothing defines.
#[test]
fn classic_workshop_variables_are_defined() {
    let (code, stdout) = check(&corpus_dir().join("jkupferer__lab-asciidoc-sample"));
    assert_eq!(code, 0, "{stdout}");
    let raw: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains("is shown as written"))
        .collect();
    for name in [
        "base_url",
        "console_url",
        "terminal_url",
        "slides_url",
        "username",
        "project_namespace",
        "cluster_subdomain",
        "image_registry",
    ] {
        assert!(
            !raw.iter().any(|line| line.contains(&format!("`%{name}%`"))),
            "{name} is undefined:\n{stdout}"
        );
    }
    assert!(
        raw.iter().any(|line| line.contains("`%random_string%`")),
        "{stdout}"
    );
}

#[test]
fn a_symlink_loop_is_reported_not_followed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("workshop/content");
    std::fs::create_dir_all(&content).expect("content folder");
    std::fs::write(content.join("01-page.md"), "---\ntitle: One\n---\n\nText.\n").expect("page");
    std::os::unix::fs::symlink(".", content.join("again")).expect("link");
    let (code, stdout) = check(dir.path());
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(
            "workshop/content/again: warning: symlink to a folder already read (`.`), not followed"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains(":0:0"), "{stdout}");
}
