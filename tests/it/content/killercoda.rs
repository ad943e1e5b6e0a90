//! Every scenario of the Killercoda corpus (`shared/corpus-killercoda`) against its EXPECTED.json:
//! pages, and each marker kind as the action it stands for (exec/execute forms as terminal actions in
//! the right terminal, copy forms as copies, `{{open}}` and file blocks as editor actions or copies),
//! with no errors; then `lectern import` of each gives a workshop with the same pages and actions.

use std::collections::BTreeMap;
use std::path::PathBuf;

use lectern::content::{Page, Severity, Variables, load_workshop};
use serde_json::Value;

use crate::support::corpus_dir;

fn corpus() -> PathBuf {
    if let Ok(dir) = std::env::var("LECTERN_KILLERCODA_CORPUS") {
        return PathBuf::from(dir);
    }
    corpus_dir().with_file_name("corpus-killercoda")
}

/// What a marker of EXPECTED.json becomes: action kind and, for terminal actions, the terminal.
fn expected_kind(marker: &str) -> Option<String> {
    if let Some(file) = marker.strip_prefix("pre.file") {
        return Some(
            if file.contains("data-target=clipboard") || !file.contains("data-filename") {
                "copy".into()
            } else {
                "editor".into()
            },
        );
    }
    let words: Vec<String> = marker.split_whitespace().map(str::to_ascii_lowercase).collect();
    match words.first().map(String::as_str) {
        None => None,
        Some("exec" | "execute") => {
            let terminal = words[1..]
                .iter()
                .find_map(|w| {
                    w.strip_prefix("host")
                        .or_else(|| w.strip_prefix('t'))
                        .filter(|n| n.parse::<u32>().is_ok())
                })
                .unwrap_or("1");
            Some(format!("terminal {terminal}"))
        }
        Some("copy") => Some("copy".into()),
        Some("open") => Some("editor".into()),
        Some(other) => panic!("marker `{other}` not known to this test"),
    }
}

/// The same kinds from the actions of rendered pages (the scripts' examiner blocks left out).
fn actual_kinds(pages: &[Page]) -> BTreeMap<String, u64> {
    let mut kinds = BTreeMap::new();
    for action in pages.iter().flat_map(|p| &p.clickable) {
        let name = action.spec.name;
        let kind = if name.starts_with("terminal:") {
            let session = action.args.get("session").and_then(Value::as_str).unwrap_or("1");
            format!("terminal {session}")
        } else if name == "workshop:copy" {
            "copy".into()
        } else if name.starts_with("editor:") {
            "editor".into()
        } else if name == "examiner:execute-test" {
            continue;
        } else {
            name.to_string()
        };
        *kinds.entry(kind).or_default() += 1;
    }
    kinds
}

#[test]
fn every_scenario_has_its_pages_and_markers_and_imports_the_same() {
    let text = std::fs::read_to_string(corpus().join("EXPECTED.json")).expect("EXPECTED.json");
    let expected: serde_json::Map<String, Value> = serde_json::from_str(&text).expect("json");
    assert!(expected.len() >= 11);
    let out = tempfile::tempdir().expect("tempdir");
    let mut failures = Vec::new();
    for (name, want) in &expected {
        let dir = corpus().join(name);
        let (workshop, diagnostics) = load_workshop(&dir, &Variables::new());
        let errors: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(ToString::to_string)
            .collect();
        if !errors.is_empty() {
            failures.push(format!("{name}: errors {errors:#?}"));
        }
        if workshop.pages.len() as u64 != want["pages"].as_u64().expect("pages") {
            failures.push(format!(
                "{name}: {} pages, expected {}",
                workshop.pages.len(),
                want["pages"]
            ));
        }
        let mut want_kinds: BTreeMap<String, u64> = BTreeMap::new();
        for (marker, count) in want["markers"].as_object().expect("markers") {
            if let Some(kind) = expected_kind(marker) {
                *want_kinds.entry(kind).or_default() += count.as_u64().expect("count");
            }
        }
        let got = actual_kinds(&workshop.pages);
        if got != want_kinds {
            failures.push(format!("{name}: actions {got:?}, expected {want_kinds:?}"));
        }
        // Verify scripts are the pages' checks, background scripts hidden examiner blocks.
        let checks = workshop.pages.iter().filter(|p| p.options.require_checks).count() as u64;
        if checks != want["verify_scripts"].as_u64().expect("verify") {
            failures.push(format!(
                "{name}: {checks} gated pages, expected {}",
                want["verify_scripts"]
            ));
        }
        // The import shows the same pages and actions, and checks clean.
        let target = out.path().join(name);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_lectern"))
            .arg("import")
            .arg(&dir)
            .arg("--out")
            .arg(&target)
            .output()
            .expect("run lectern import");
        if !status.status.success() {
            failures.push(format!(
                "{name}: import failed: {}",
                String::from_utf8_lossy(&status.stderr)
            ));
            continue;
        }
        let (imported, import_diagnostics) = load_workshop(&target, &Variables::new());
        let import_errors: Vec<String> = import_diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(ToString::to_string)
            .collect();
        if !import_errors.is_empty() {
            failures.push(format!("{name}: imported workshop has errors {import_errors:#?}"));
        }
        let titles = |pages: &[Page]| pages.iter().map(|p| p.title.clone()).collect::<Vec<_>>();
        if titles(&imported.pages) != titles(&workshop.pages) {
            failures.push(format!(
                "{name}: imported pages {:?}, scenario pages {:?}",
                titles(&imported.pages),
                titles(&workshop.pages)
            ));
        }
        let types = |pages: &[Page]| {
            let mut all: BTreeMap<(String, String), u64> = BTreeMap::new();
            for action in pages.iter().flat_map(|p| &p.clickable) {
                *all.entry((action.spec.name.to_string(), action.args.to_string()))
                    .or_default() += 1;
            }
            all
        };
        if types(&imported.pages) != types(&workshop.pages) {
            failures.push(format!("{name}: imported actions differ from the scenario's"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
