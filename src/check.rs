//! `lectern check`: load and render every page without serving, print diagnostics, return the exit code.

use crate::cli::{CheckArgs, CheckFormat};
use crate::config::SessionConfig;
use crate::content::{Severity, load_workshop};

/// Runs the check and returns the process exit code: 0 clean, 1 errors, 2 usage or unreadable input.
pub fn run(args: &CheckArgs) -> u8 {
    let session = match SessionConfig::from_args(&args.session) {
        Ok(session) => session,
        Err(error) => {
            eprintln!("error: {error}");
            return 2;
        }
    };
    if !args.dir.is_dir() {
        eprintln!("error: {}: not a readable directory", args.dir.display());
        return 2;
    }
    let started = std::time::Instant::now();
    let (workshop, diagnostics) = load_workshop(&args.dir, &session.vars);
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
                    serde_json::json!({
                        "path": page.source.to_string_lossy(),
                        "title": page.title,
                        "actions": page.actions.iter().map(|a| serde_json::json!({"type": a.action_type, "line": a.line})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let diags: Vec<_> = diagnostics
                .iter()
                .map(|d| serde_json::json!({"severity": d.severity.as_str(), "file": d.file.to_string_lossy(), "line": d.line, "message": d.message}))
                .collect();
            let out = serde_json::json!({
                "workshop": {"title": workshop.title, "format": workshop.format.as_str()},
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
