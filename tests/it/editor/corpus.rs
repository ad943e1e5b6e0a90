//! Every `editor:*` block of the corpus, run in page order over HTTP as the dashboard posts it, against a
//! scratch home per workshop (with a fake extension connected for the UI operations). Files a workshop
//! expects the learner to have already (a cloned project) are created first with content the block needs.

use std::path::Path;

use lectern::content::action::Family;
use lectern::content::{Variables, load_workshop};
use lectern::editor::request::OPS;
use serde_json::{Value, json};

use super::{FakeExtension, SECRET, post, session_config};
use crate::support::{TestServer, corpus_dir};

/// The body the dashboard posts for an action's arguments (frontend/src/actions/editor.ts).
fn request(action: &str, args: &Value) -> (String, Value) {
    let op = OPS.iter().find(|op| op.action == action).unwrap();
    if action == "editor:execute-command" {
        let command = args["command"].as_str().unwrap_or_default();
        return (
            format!("/code-server/command/{command}"),
            args.get("args").cloned().unwrap_or(json!([])),
        );
    }
    if action == "editor:insert-value-into-yaml" {
        let body = json!({"file": args["file"], "yamlPath": args.get("path").cloned().unwrap_or(json!("")), "paste": args["value"]});
        return (format!("/code-server/editor/{}", op.endpoint), body);
    }
    (format!("/code-server/editor/{}", op.endpoint), args.clone())
}

/// Content for a file the learner would already have, so that the block finds what it looks for.
fn seed_for(args: &Value) -> String {
    let text = |key: &str| args.get(key).and_then(Value::as_str).map(str::to_string);
    let literal = args.get("isRegex").and_then(Value::as_bool) != Some(true);
    let mut lines: Vec<String> = (1..=20).map(|i| format!("line {i}")).collect();
    if let Some(found) = text("match").or_else(|| text("text")).filter(|_| literal) {
        lines.insert(0, found);
    }
    lines.join("\n") + "\n"
}

/// The literal text a selecting or replacing block expects the learner's file to hold.
fn learner_text(action: &str, args: &Value) -> Option<String> {
    if args.get("isRegex").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let key = match action {
        "editor:select-matching-text" => "text",
        "editor:replace-matching-text" => "match",
        _ => return None,
    };
    args.get(key).and_then(Value::as_str).map(str::to_string)
}

fn home_path(home: &Path, file: &str) -> std::path::PathBuf {
    let rel = file.trim_start_matches("~/").trim_start_matches("$HOME/");
    home.join(rel)
}

#[tokio::test]
async fn every_editor_block_of_the_corpus_runs_in_page_order() {
    let corpus = corpus_dir();
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        eprintln!("SKIPPED: no corpus at {}", corpus.display());
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let (mut ran, mut seeded, mut learner_edits, mut failures) = (0, 0, 0, Vec::new());
    let mut by_kind = std::collections::BTreeMap::<&str, usize>::new();
    for name in names {
        let (workshop, _) = load_workshop(&corpus.join(&name), &Variables::new());
        let blocks: Vec<_> = workshop
            .pages
            .iter()
            .flat_map(|page| {
                page.clickable
                    .iter()
                    .map(move |action| (page.key.clone(), action))
            })
            .filter(|(_, action)| action.spec.family == Family::Editor)
            .collect();
        if blocks.is_empty() {
            continue;
        }
        let dir = crate::proxy::workshop("applications:\n  editor:\n    enabled: true\n");
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join("exercises")).unwrap();
        let server = TestServer::start(session_config(dir.path(), home.path())).await;
        let _extension = FakeExtension::connect(&server, SECRET, FakeExtension::ok).await;
        for (page, action) in blocks {
            let args = &action.args;
            let needs_file = !matches!(
                action.spec.name,
                "editor:create-file"
                    | "editor:create-directory"
                    | "editor:append-lines-to-file"
                    | "editor:prepend-lines-to-file"
            );
            if let Some(file) = args
                .get("file")
                .or_else(|| args.get("src"))
                .and_then(Value::as_str)
            {
                let path = home_path(home.path(), file);
                if needs_file && !path.exists() && action.spec.name != "editor:close-file" {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, seed_for(args)).unwrap();
                    seeded += 1;
                } else if let Some(wanted) = learner_text(action.spec.name, args)
                    && let Ok(text) = std::fs::read_to_string(&path)
                    && !text.contains(&wanted)
                {
                    // The course has the learner type code between blocks; stand in for that.
                    std::fs::write(&path, format!("{text}{wanted}\n")).unwrap();
                    learner_edits += 1;
                }
            }
            let (path, body) = request(action.spec.name, args);
            let (status, reply) = post(&server, &path, body).await;
            ran += 1;
            *by_kind.entry(action.spec.name).or_default() += 1;
            if status != 200 {
                failures.push(format!(
                    "{name} {page}:{} {} → {status} {reply}",
                    action.line, action.spec.name
                ));
            }
        }
        server.stop().await;
    }
    println!(
        "corpus editor blocks: {ran} run, {} failed; {seeded} files created first, {learner_edits} learner edits \
         stood in for; by type {by_kind:?}",
        failures.len()
    );
    assert!(ran >= 250, "only {ran} editor blocks found");
    assert!(
        failures.is_empty(),
        "{} of {ran} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
