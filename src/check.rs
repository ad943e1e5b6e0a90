//! `lectern check`: load and render every page without serving, print diagnostics, return the exit code.

use std::path::Path;

use crate::cli::{CheckArgs, CheckFormat, SessionArgs};
use crate::config::SessionConfig;
use crate::content::{Diagnostic, Severity, Workshop, load_workshop};

/// Loads the workshop in `dir` with the session variables of `session` (the commands that read a workshop
/// without serving it); `Err(2)` after saying what is wrong with the arguments.
pub fn load(dir: &Path, session: &SessionArgs) -> Result<(Workshop, Vec<Diagnostic>), u8> {
    let session = SessionConfig::from_args(session).map_err(|error| {
        eprintln!("error: {error}");
        2
    })?;
    if !dir.is_dir() {
        eprintln!("error: {}: not a readable directory", dir.display());
        return Err(2);
    }
    Ok(load_workshop(dir, &session.vars))
}

/// Runs the check and returns the process exit code: 0 clean, 1 errors, 2 usage or unreadable input.
pub fn run(args: &CheckArgs) -> u8 {
    let started = std::time::Instant::now();
    let (workshop, diagnostics) = match load(&args.dir, &args.session) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let elapsed = started.elapsed();
    match args.format {
        CheckFormat::Text => {
            for diagnostic in &diagnostics {
                println!("{diagnostic}");
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
