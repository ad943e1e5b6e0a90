//! Tidy checks on the source tree: every Rust file opens with a `//!` line saying what it owns.

use std::path::Path;

use crate::support::repo_root;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let mut files = Vec::new();
    rust_files(&repo_root().join("src"), &mut files);
    rust_files(&repo_root().join("tests"), &mut files);
    let missing: Vec<_> = files
        .iter()
        .filter(|file| {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .collect();
    assert!(missing.is_empty(), "files without a //! header: {missing:?}");
}

/// The dashboard's action table, written from the Rust catalogue (rust-analyzer's sourcegen pattern).
fn generated_catalogue_ts() -> String {
    use lectern::content::action::CATALOGUE;
    let mut out = String::from(
        "// generated from the Rust action catalogue (src/content/action/catalogue.rs) by the tidy test\n\
         // `cargo test --test it tidy::` — do not edit: change the Rust table and run the test, which rewrites this file.\n\
         \n\
         /** Behaviour knobs of one action type (the server renders titles, bodies and `data-action-glyph`). */\n\
         export interface ActionKind {\n\
         \x20 /** How the body is read: raw \"text\" (legacy types) or a \"yaml\" mapping. */\n\
         \x20 body: \"text\" | \"yaml\";\n\
         \x20 /** Default cooldown in seconds after a run ends (0 = none). */\n\
         \x20 cooldown: number;\n\
         \x20 /** Default pause before cascading to the next block, milliseconds. */\n\
         \x20 pause: number;\n\
         }\n\
         \n\
         /** Every built-in action type, in the original's registration order. */\n\
         export const CATALOGUE: Readonly<Record<string, ActionKind>> = {\n",
    );
    for spec in CATALOGUE {
        out.push_str(&format!(
            "  \"{}\": {{ body: \"{}\", cooldown: {}, pause: {} }},\n",
            spec.name,
            spec.body.as_str(),
            spec.cooldown,
            spec.pause_ms
        ));
    }
    out.push_str("};\n");
    out
}

/// Rust and TypeScript agree on the action catalogue: the TS table is the generated one. A stale file
/// is rewritten and the test fails, so the change gets committed.
#[test]
fn dashboard_action_table_is_generated_from_the_rust_catalogue() {
    let path = repo_root().join("frontend/src/actions/catalogue.generated.ts");
    let want = generated_catalogue_ts();
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        std::fs::write(&path, &want).expect("write the generated catalogue");
        panic!("{} was stale and has been regenerated: commit it", path.display());
    }
}

/// The dashboard draws every glyph the server emits (`data-action-glyph`).
#[test]
fn every_catalogue_glyph_has_a_drawing() {
    let css = std::fs::read_to_string(repo_root().join("frontend/src/styles/instructions.css"))
        .expect("instructions.css");
    let missing: Vec<_> = lectern::content::action::CATALOGUE
        .iter()
        .map(|spec| spec.glyph)
        .filter(|glyph| !css.contains(&format!("[data-action-glyph=\"{glyph}\"]")))
        .collect();
    assert!(
        missing.is_empty(),
        "glyphs without a rule in instructions.css: {missing:?}"
    );
}
