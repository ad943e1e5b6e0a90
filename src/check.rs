//! `lectern check`: load and render every page without serving, print diagnostics, return the exit code.

use std::path::Path;

use crate::cli::{CheckArgs, CheckFormat, SessionArgs};
use crate::config::SessionConfig;
use crate::content::{Diagnostic, Severity, Workshop, code_frame, load_workshop};

/// Loads the workshop in `dir` with the session variables of `session` (the commands that read a workshop
/// without serving it); `Err(2)` after saying what is wrong with the arguments.
pub fn load(dir: &Path, session: &SessionArgs) -> Result<(Workshop, Vec<Diagnostic>), u8> {
    let session = SessionConfig::from_args(session).map_err(|error| {
        eprintln!("error: {error}");
        2
    })?;
    if let Err(message) = workshop_dir(dir) {
        eprintln!("error: {message}");
        return Err(2);
    }
    Ok(load_workshop(dir, &session.vars))
}

/// Runs the check and returns the process exit code: 0 clean, 1 errors, 2 usage or unreadable input.
pub fn run(args: &CheckArgs) -> u8 {
    let started = std::time::Instant::now();
    let (workshop, mut diagnostics) = match load(&args.dir, &args.session) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    diagnostics.extend(crate::content::lint::workshop(&workshop));
    diagnostics.extend(missing_examiner_tests(&workshop));
    let elapsed = started.elapsed();
    match args.format {
        CheckFormat::Text => {
            for diagnostic in &diagnostics {
                println!("{diagnostic}");
                print!("{}", code_frame(&workshop.root, diagnostic));
            }
            let errors = diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            eprintln!(
                "{}: {} pages, {} errors, {} warnings, rendered in {:.1} ms",
                workshop.title,
                workshop.pages.len(),
                errors,
                diagnostics.len() - errors,
                elapsed.as_secs_f64() * 1000.0
            );
        }
        CheckFormat::Json => {
            let pages: Vec<_> = workshop
                .pages
                .iter()
                .map(|page| {
                    let mut entry = serde_json::json!({
                        "path": page.source.to_string_lossy(),
                        "title": page.title,
                        "actions": page.actions.iter().zip(&page.clickable).map(|(a, parsed)| {
                            let mut action = serde_json::json!({"type": a.action_type, "line": a.line});
                            // The terminal a terminal action types into, when not terminal 1.
                            if let Some(session) = parsed.args.get("session").filter(|s| s.is_string()) {
                                action["session"] = session.clone();
                            }
                            action
                        }).collect::<Vec<_>>(),
                    });
                    if page.options.require_checks {
                        entry["require_checks"] = true.into();
                    }
                    if let Some(script) = &page.options.foreground {
                        entry["foreground"] = script.to_string_lossy().into();
                    }
                    entry
                })
                .collect();
            let diags: Vec<_> = diagnostics
                .iter()
                .map(|d| serde_json::json!({"severity": d.severity.as_str(), "file": d.file.to_string_lossy(), "line": d.line, "message": d.message}))
                .collect();
            let mut about = serde_json::json!({"title": workshop.title, "format": workshop.format.as_str()});
            if let Some(scenario) = &workshop.scenario {
                about["scenario"] = serde_json::json!({
                    "backend": scenario.backend,
                    "machines": scenario.hosts,
                    "layout": scenario.screen.layout,
                    "assets": scenario.assets.len(),
                });
            }
            let out = serde_json::json!({
                "workshop": about,
                "pages": pages,
                "diagnostics": diags,
            });
            println!("{out}");
        }
    }
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        1
    } else {
        0
    }
}

/// Whether `dir` holds a workshop lectern can load (`serve`, `check` and `test` refuse anything else with
/// this message, which says what was expected): a `workshop/` or `content/` folder, a workshop definition,
/// a Killercoda `index.json`, or instruction pages (`.md`, `.adoc`) at the top or one folder down.
pub fn workshop_dir(dir: &std::path::Path) -> Result<(), String> {
    let shown = dir.display();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if !dir.exists() => return Err(format!("{shown}: no such folder ({error})")),
        Err(error) if !dir.is_dir() => return Err(format!("{shown}: not a folder ({error})")),
        Err(error) => return Err(format!("{shown}: cannot read the folder ({error})")),
    };
    let markers = [
        "workshop",
        "content",
        "resources/workshop.yaml",
        "workshop.yaml",
        "modules.yaml",
        "config.yaml",
        "index.json",
    ];
    if markers.iter().any(|marker| dir.join(marker).exists()) {
        return Ok(());
    }
    // A project's own documents do not make it a workshop.
    let not_pages = [
        "readme",
        "changelog",
        "contributing",
        "license",
        "code_of_conduct",
        "security",
    ];
    let is_page = |path: &std::path::Path| {
        path.extension()
            .is_some_and(|ext| ext == "md" || ext == "adoc" || ext == "asciidoc")
            && path
                .file_stem()
                .is_some_and(|stem| !not_pages.contains(&stem.to_string_lossy().to_lowercase().as_str()))
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name();
        let hidden = name.to_string_lossy().starts_with('.') || name == "node_modules";
        if path.is_file() && is_page(&path) {
            return Ok(());
        }
        if path.is_dir()
            && !hidden
            && std::fs::read_dir(&path)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .any(|inner| is_page(&inner.path()))
        {
            return Ok(());
        }
    }
    Err(format!(
        "{shown}: not a workshop: expected workshop/content/ with the instruction pages (and \
         resources/workshop.yaml), a classic workshop.yaml or modules.yaml, or a folder of .md/.adoc pages"
    ))
}

/// `examiner:execute-test` blocks naming a test the workshop does not have (or that is not executable), a
/// warning (corpus copies ship without some tests; `lectern test` fails such a step):
/// the learner's click would only say "Unexpected HTTP error".
fn missing_examiner_tests(workshop: &crate::content::Workshop) -> Vec<crate::content::Diagnostic> {
    let mut found = Vec::new();
    for page in &workshop.pages {
        for action in &page.clickable {
            if action.spec.name != "examiner:execute-test" {
                continue;
            }
            let Some(name) = action.args.get("name").and_then(serde_json::Value::as_str) else {
                continue;
            };
            if crate::examiner::find_test(&workshop.root, name).is_some() {
                continue;
            }
            let path = format!("workshop/examiner/tests/{name}");
            let why = if workshop.root.join(&path).is_file() {
                format!("examiner test `{name}` is not executable: chmod +x {path}")
            } else {
                format!("examiner test `{name}` does not exist: expected an executable {path}")
            };
            found.push(crate::content::Diagnostic::warning(
                &page.source,
                action.line,
                why,
            ));
        }
    }
    found
}
