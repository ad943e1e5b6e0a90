//! Writes the TypeScript side of the editor's wire types from the Rust ones (ts-rs), so the dashboard and
//! the VS Code extension cannot drift from the server: `frontend/src/actions/editor.generated.ts` (requests,
//! reply, failure, the action→endpoint table) and `frontend/vscode-extension/src/protocol.generated.ts`
//! (the channel's messages). A stale file is rewritten and the test fails, so the change gets committed.

use std::path::Path;

use ts_rs::{Config, TS};

use super::bridge::{FromExtension, TerminalAction, ToExtension, UiOp};
use super::request::*;

fn decl<T: TS>(cfg: &Config, doc: &str) -> String {
    format!("/** {doc} */\nexport {}\n\n", T::decl(cfg))
}

const HEADER: &str = "// generated from the Rust editor types (src/editor/request.rs, src/editor/bridge.rs) by\n\
// `cargo test --lib editor::generated` — do not edit: change the Rust types and run the test.\n\n";

fn dashboard_ts() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(HEADER);
    out.push_str(&decl::<Int>(
        &cfg,
        "A whole number (also accepted as a numeric string).",
    ));
    out.push_str(&decl::<Flag>(&cfg, "true or false (also \"true\"/\"false\")."));
    out.push_str(&decl::<Name>(&cfg, "A name (numbers are taken as their text)."));
    out.push_str(&decl::<OpenFile>(&cfg, "open-file"));
    out.push_str(&decl::<CreateFile>(&cfg, "create-file"));
    out.push_str(&decl::<CreateDirectory>(&cfg, "create-directory"));
    out.push_str(&decl::<FileText>(
        &cfg,
        "append-to-file, prepend-to-file, *-selection",
    ));
    out.push_str(&decl::<FileOnly>(
        &cfg,
        "delete-text-selection, close-file, delete-file",
    ));
    out.push_str(&decl::<AtLine>(&cfg, "insert-before-line, append-after-line"));
    out.push_str(&decl::<AtMatch>(&cfg, "insert-after-match, insert-before-match"));
    out.push_str(&decl::<SelectMatchingText>(&cfg, "select-matching-text"));
    out.push_str(&decl::<ReplaceMatchingText>(&cfg, "replace-matching-text"));
    out.push_str(&decl::<LineRange>(&cfg, "select-lines-in-range, delete-lines"));
    out.push_str(&decl::<ReplaceLines>(&cfg, "replace-lines"));
    out.push_str(&decl::<DeleteMatchingLines>(&cfg, "delete-matching-lines"));
    out.push_str(&decl::<CopyFile>(&cfg, "copy-file, rename-file"));
    out.push_str(&decl::<YamlValue>(
        &cfg,
        "set-yaml-value, add-yaml-item, replace-yaml-item, merge-yaml-values",
    ));
    out.push_str(&decl::<YamlInsert>(&cfg, "insert-yaml-item"));
    out.push_str(&decl::<YamlPath>(&cfg, "delete-yaml-value, select-yaml-path"));
    out.push_str(&decl::<Paste>(&cfg, "paste (insert-value-into-yaml)"));
    out.push_str(&decl::<Terminal>(
        &cfg,
        "terminal-open, -close, -send, -interrupt, -clear",
    ));
    out.push_str(&decl::<Position>(
        &cfg,
        "A VS Code position (0-based line, UTF-16 character).",
    ));
    out.push_str(&decl::<Range>(&cfg, "A selection."));
    out.push_str(&decl::<Reply>(&cfg, "The answer to a successful operation."));
    out.push_str(&decl::<FailureKind>(&cfg, "Why an operation failed."));
    out.push_str(&decl::<Failure>(&cfg, "The answer to a failed operation."));
    out.push_str(&decl::<OpKind>(
        &cfg,
        "What an operation needs: the disk, a computed selection, or the running editor.",
    ));
    out.push_str(
        "/** One editor:* action type: its endpoint below /code-server/editor/ (execute-command: /code-server/command/<id>),\n \
         * what it needs, and whether it runs without showing the Editor tab. */\n\
         export interface EditorOp {\n  endpoint: string;\n  kind: OpKind;\n  quiet: boolean;\n}\n\n\
         /** Every editor:* action type. */\n\
         export const EDITOR_OPS: Readonly<Record<string, EditorOp>> = {\n",
    );
    for op in OPS {
        let kind = match op.kind {
            OpKind::File => "file",
            OpKind::Select => "select",
            OpKind::Ui => "ui",
        };
        out.push_str(&format!(
            "  \"{}\": {{ endpoint: \"{}\", kind: \"{kind}\", quiet: {} }},\n",
            op.action, op.endpoint, op.quiet
        ));
    }
    out.push_str("};\n");
    out
}

fn extension_ts() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(HEADER);
    out.push_str(&decl::<Position>(
        &cfg,
        "A VS Code position (0-based line, UTF-16 character).",
    ));
    out.push_str(&decl::<Range>(&cfg, "A selection."));
    out.push_str(&decl::<TerminalAction>(&cfg, "A VS Code terminal action."));
    out.push_str(&decl::<UiOp>(&cfg, "What lectern asks of the editor."));
    out.push_str(&decl::<ToExtension>(&cfg, "A message from lectern."));
    out.push_str(&decl::<FromExtension>(&cfg, "The extension's answer."));
    out
}

fn check(path: &Path, want: &str) {
    let have = std::fs::read_to_string(path).unwrap_or_default();
    if have != want {
        std::fs::write(path, want).expect("write a generated file");
        panic!("{} was stale and has been regenerated: commit it", path.display());
    }
}

#[test]
fn typescript_types_are_generated_from_the_rust_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    check(
        &root.join("frontend/src/actions/editor.generated.ts"),
        &dashboard_ts(),
    );
    check(
        &root.join("frontend/vscode-extension/src/protocol.generated.ts"),
        &extension_ts(),
    );
}

#[test]
fn every_editor_action_of_the_catalogue_has_an_endpoint() {
    use crate::content::action::{CATALOGUE, Family};
    let actions: Vec<&str> = CATALOGUE
        .iter()
        .filter(|spec| spec.family == Family::Editor)
        .map(|spec| spec.name)
        .collect();
    let ops: Vec<&str> = OPS.iter().map(|op| op.action).collect();
    assert_eq!(actions, ops);
    for op in OPS.iter().filter(|op| op.endpoint != "command") {
        // Every endpoint is one the server reads (a wrong body is a bad request, never "unknown").
        let error = Request::parse(op.endpoint, serde_json::json!({ "nope": 1 })).err();
        assert!(
            !matches!(error, Some(crate::editor::EditorError::UnknownOperation(_))),
            "{}",
            op.endpoint
        );
    }
}
