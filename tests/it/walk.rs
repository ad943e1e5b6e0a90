//! `lectern test` (src/walk.rs) against the binary: a workshop that passes (terminal commands in real PTYs,
//! a command a later step interrupts, examiner retries, editor file operations, a download, a page's check
//! script) and one that fails on a failing command, a failing examiner test and a command that hangs —
//! each failure named with page and line, in the text, the JSON and the JUnit XML.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Validates a JUnit report against docs/junit.xsd, the JUnit XML format CI servers read (xmllint).
fn assert_valid_junit(report: &Path) {
    let schema = crate::support::repo_root().join("docs/junit.xsd");
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&schema)
        .arg(report)
        .output()
        .expect("xmllint (tests/apt-packages.txt: libxml2-utils)");
    assert!(
        out.status.success(),
        "the JUnit report is not valid against docs/junit.xsd:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(report).unwrap_or_default()
    );
}

/// `tests/fixtures/walk-<name>` (each a workshop of its own: every fixture folder is one).
fn fixture(name: &str) -> PathBuf {
    crate::support::fixture(&format!("walk-{name}"))
}

fn lectern_test(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .arg("test")
        .arg(dir)
        .args(extra)
        .env_remove("RUST_LOG")
        .env_remove("LOG_LEVEL")
        .output()
        .expect("run lectern test");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_workshop_that_works_passes_with_junit() {
    let scratch = tempfile::tempdir().expect("scratch folder");
    let junit = scratch.path().join("junit.xml");
    let (code, out, err) = lectern_test(
        &fixture("pass"),
        &["--junit", junit.to_str().expect("utf-8 path"), "--quiet"],
    );
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("0 failed"), "{out}");
    assert!(!err.contains("INFO"), "no info log lines under the report: {err}");
    assert!(
        out.contains("skip") && out.contains("dashboard:open-dashboard"),
        "{out}"
    );
    assert!(
        out.contains("02-edit") && out.contains("check"),
        "the page's check script ran: {out}"
    );
    assert_valid_junit(&junit);
    let xml = std::fs::read_to_string(&junit).expect("the JUnit file");
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("failures=\"0\""), "{xml}");
    assert!(xml.matches("<testcase ").count() >= 10, "{xml}");
    assert!(xml.matches("<skipped ").count() >= 2, "{xml}");
}

#[test]
fn failures_name_the_page_the_line_and_the_output() {
    let scratch = tempfile::tempdir().expect("scratch folder");
    let junit = scratch.path().join("junit.xml");
    let (code, out, err) = lectern_test(
        &fixture("fail"),
        &[
            "--junit",
            junit.to_str().expect("utf-8 path"),
            "--timeout",
            "2",
            "--quiet",
        ],
    );
    assert_eq!(code, 1, "stdout:\n{out}\nstderr:\n{err}");
    // The failing command: page, file:line, status and its output.
    assert!(out.contains("FAIL page 01-command"), "{out}");
    assert!(
        out.contains("workshop/content/01-command.md:5 terminal:execute"),
        "{out}"
    );
    assert!(out.contains("exited with status 2"), "{out}");
    assert!(out.contains("| before-the-failure"), "{out}");
    // The examiner test, after its retry, with what it wrote.
    assert!(
        out.contains("examiner test never-passes failed after 2 attempts"),
        "{out}"
    );
    assert!(out.contains("not yet: the file is missing"), "{out}");
    // The hanging command times out; the next command still runs.
    assert!(out.contains("did not finish within 2 s"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("03-hang.md:9") && l.trim_start().starts_with("ok")),
        "{out}"
    );
    assert_valid_junit(&junit);
    let xml = std::fs::read_to_string(&junit).expect("the JUnit file");
    assert_eq!(xml.matches("<failure ").count(), 3, "{xml}");
    let (_, json, _) = lectern_test(
        &fixture("fail"),
        &["--format", "json", "--timeout", "2", "--quiet", "--pages", "01"],
    );
    let report: serde_json::Value = serde_json::from_str(json.trim()).expect("JSON report");
    assert_eq!(report["pages"].as_array().map_or(0, Vec::len), 1, "{report}");
    assert_eq!(report["pages"][0]["cases"][0]["result"], "failed", "{report}");
}

#[test]
fn a_folder_that_is_not_a_workshop_is_refused() {
    let dir = tempfile::tempdir().expect("scratch folder");
    std::fs::create_dir_all(dir.path().join("node_modules/x")).expect("folder");
    std::fs::write(dir.path().join("node_modules/x/README.md"), "# x\n").expect("write");
    std::fs::write(dir.path().join("README.md"), "# project\n").expect("write");
    for sub in ["test", "check", "serve"] {
        let out = Command::new(env!("CARGO_BIN_EXE_lectern"))
            .arg(sub)
            .arg(dir.path())
            .output()
            .expect("write");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{sub}: {err}");
        assert!(
            err.contains("not a workshop: expected workshop/content/"),
            "{sub}: {err}"
        );
    }
    let missing = dir.path().join("missing");
    let out = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .arg("serve")
        .arg(&missing)
        .output()
        .expect("write");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such folder"));
}

/// Started with SIGINT and SIGQUIT ignored — as a non-interactive shell starts a background job
/// (`lectern … &` in a script) — the steps that interrupt a command still pass: the shells lectern starts get
/// the default signals back (src/terminal/signals.rs). They failed with "did not stop on Ctrl-C" before.
#[test]
fn ctrl_c_works_when_lectern_was_started_with_sigint_ignored() {
    let out = Command::new("sh")
        .arg("-c")
        .arg("trap '' INT QUIT; exec \"$0\" test \"$1\" --quiet")
        .arg(env!("CARGO_BIN_EXE_lectern"))
        .arg(fixture("pass"))
        .env_remove("RUST_LOG")
        .env_remove("LOG_LEVEL")
        .output()
        .expect("run lectern test with SIGINT ignored");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("0 failed"), "{stdout}");
}
