//! docs/configuration.md cannot drift from the binary: every flag and environment variable that
//! `lectern serve --help` prints is documented there, and every flag the document's tables name exists.

#![allow(clippy::unwrap_used)] // tests may unwrap (STYLE: no unwrap in server paths)

use std::collections::BTreeSet;
use std::process::Command;

use crate::support::repo_root;

/// Flags (`--bind`) and environment variables (`LECTERN_BIND`) in `lectern serve --help`.
fn from_help() -> (BTreeSet<String>, BTreeSet<String>) {
    let output = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(["serve", "--help"])
        .env_clear()
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    let mut flags = BTreeSet::new();
    let mut envs = BTreeSet::new();
    for line in help.lines() {
        let line = line.trim_start();
        let line = line.strip_prefix("-h, ").unwrap_or(line);
        if let Some(rest) = line.strip_prefix("--") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if name != "help" && name != "version" {
                flags.insert(format!("--{name}"));
            }
        }
        if let Some(rest) = line.strip_prefix("[env: ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            envs.insert(name);
        }
    }
    (flags, envs)
}

/// Backticked words of the document's table rows: `--flags` and `UPPER_CASE` names.
fn from_doc() -> (BTreeSet<String>, BTreeSet<String>) {
    let doc = std::fs::read_to_string(repo_root().join("docs/configuration.md")).unwrap();
    let mut flags = BTreeSet::new();
    let mut envs = BTreeSet::new();
    for row in doc.lines().filter(|line| line.starts_with('|')) {
        for (index, word) in row.split('`').enumerate() {
            if index % 2 == 0 {
                continue;
            }
            let word = word.split([' ', '=', '<']).next().unwrap_or("");
            if word.starts_with("--") {
                flags.insert(word.to_string());
            } else if !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            {
                envs.insert(word.to_string());
            }
        }
    }
    (flags, envs)
}

#[test]
fn configuration_doc_lists_every_flag_and_variable_of_serve() {
    let (help_flags, help_envs) = from_help();
    let (doc_flags, doc_envs) = from_doc();
    assert!(
        help_flags.len() > 40 && help_envs.len() > 40,
        "help parsed: {help_flags:?}"
    );
    let undocumented: Vec<_> = help_flags.difference(&doc_flags).collect();
    assert!(
        undocumented.is_empty(),
        "flags of `lectern serve --help` missing from docs/configuration.md's tables: {undocumented:?}"
    );
    let undocumented: Vec<_> = help_envs.difference(&doc_envs).collect();
    assert!(
        undocumented.is_empty(),
        "environment variables of `lectern serve --help` missing from docs/configuration.md's tables: \
         {undocumented:?}"
    );
    let stale: Vec<_> = doc_flags.difference(&help_flags).collect();
    assert!(
        stale.is_empty(),
        "docs/configuration.md documents flags `lectern serve` does not have: {stale:?}"
    );
}
