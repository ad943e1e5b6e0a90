//! `--help` is grouped by topic and shows examples (issue 16): what an author or operator reads first.

use std::process::Command;

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(args)
        .arg("--help")
        .output()
        .expect("run lectern");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn help_is_grouped_by_topic_with_examples() {
    let top = help(&[]);
    assert!(
        top.contains("Examples:") && top.contains("lectern test ./my-workshop"),
        "{top}"
    );
    let serve = help(&["serve"]);
    for heading in [
        "Authentication:",
        "Terminals:",
        "Dashboard layout:",
        "Session variables:",
        "Examples:",
    ] {
        assert!(serve.contains(heading), "no {heading} in:\n{serve}");
    }
    let check = help(&["check"]);
    assert!(
        check.contains("Session variables:") && check.contains("Examples:"),
        "{check}"
    );
    let test = help(&["test"]);
    assert!(test.contains("--junit") && test.contains("Examples:"), "{test}");
}
