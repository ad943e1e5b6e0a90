//! Tidy checks on the source tree: every Rust file opens with a `//!` line saying what it owns; the
//! transport-free cores import no HTTP types; a production file over 500 lines says why; the dashboard's
//! action table is generated from the Rust catalogue and every glyph it may show is drawn; its API types are
//! generated from `src/web/shared.rs`.

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

/// The modules that stay transport-free (STYLE.md: only `web` knows HTTP).
const CORES: &[&str] = &[
    "src/content.rs",
    "src/content",
    "src/terminal.rs",
    "src/terminal",
    "src/events.rs",
    "src/assets.rs",
];

/// Rust source lines with their 1-based numbers, comments dropped (a doc comment may name `axum`).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line))
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
}

#[test]
fn cores_import_no_axum_or_http_types() {
    let mut files = Vec::new();
    for core in CORES {
        let path = repo_root().join(core);
        if path.is_dir() {
            rust_files(&path, &mut files);
        } else {
            files.push(path);
        }
    }
    assert!(files.len() > 10, "the cores were found: {files:?}");
    let forbidden = ["axum", "http::", "hyper", "tower", "reqwest"];
    let mut offenders = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for (number, line) in code_lines(&text) {
            if forbidden.iter().any(|word| line.contains(word)) {
                offenders.push(format!("{}:{number}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "HTTP types in a transport-free core: {offenders:#?}"
    );
}

/// STYLE.md: files stay under ~400 lines; a production file over 500 says why in its `//!` header
/// (a sentence naming its length: "long" or "lines"). Test files (`tests.rs`, `tests/`) are exempt.
#[test]
fn big_files_say_why_they_are_big() {
    let mut files = Vec::new();
    rust_files(&repo_root().join("src"), &mut files);
    let offenders: Vec<_> = files
        .iter()
        .filter(|file| !file.ends_with("tests.rs") && !file.components().any(|c| c.as_os_str() == "tests"))
        .filter_map(|file| {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let lines = text.lines().count();
            let header: String = text
                .lines()
                .take_while(|line| line.starts_with("//!"))
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            let says_why = header
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| word == "long" || word == "lines");
            (lines > 500 && !says_why).then(|| format!("{} ({lines} lines)", file.display()))
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "over 500 lines with no reason in the //! header (split it, or say why it is long): {offenders:?}"
    );
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

/// Rust and TypeScript agree on the JSON they exchange (`/session/event`, the Files tab's API, …): the TS
/// types are the ones `ts-rs` writes from `src/web/shared.rs`. A stale file is rewritten and the test fails.
#[test]
fn dashboard_api_types_are_generated_from_the_rust_ones() {
    let path = repo_root().join("frontend/src/api.generated.ts");
    let want = lectern::web::shared::typescript();
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        std::fs::write(&path, &want).expect("write the generated API types");
        panic!("{} was stale and has been regenerated: commit it", path.display());
    }
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
