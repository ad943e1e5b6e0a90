//! `lectern test DIR`: runs a workshop as a learner would, without a browser (docs/authoring.md). Pages in
//! order; each clickable action as its click would: terminal commands in real PTYs (`walk/shell.rs`) waited
//! for and judged by their exit status, interrupts, examiner tests with their retries, editor file
//! operations on disk (`editor`), downloads checked; UI-only actions are skipped. A page's optional
//! `check` script runs after its actions (`solve` instead of them with `--solve`). Reports as text, JSON
//! and JUnit XML (`walk/report.rs`).

pub mod report;
pub mod shell;
mod terminal;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cli::{TestArgs, TestFormat};
use crate::config::SessionConfig;
use crate::content::action::Family;
use crate::content::{Action, Page, Severity, load_workshop};
use crate::editor::request::{OPS, OpKind, Request};
use crate::examiner;
use report::{Case, Outcome, PageReport, Report};
use shell::{Shell, tail};
use terminal::continued_later;

/// How long a command that a later step of its page interrupts or feeds is given before it counts as
/// started; how long typed input has to end the command waiting for it.
const BACKGROUND_WAIT: Duration = Duration::from_secs(3);
/// Lines of output kept in a failure.
const TAIL_LINES: usize = 20;
/// Most attempts of an examiner test that retries "forever" (the learner would be on the page).
const MAX_RETRIES: u64 = 60;
/// Longest pause between two attempts of an examiner test.
const MAX_DELAY: f64 = 10.0;

/// Runs `lectern test` and returns the process exit code: 0 all passed, 1 a failure, 2 usage.
pub async fn run(args: &TestArgs) -> u8 {
    let session = match SessionConfig::from_args(&args.session) {
        Ok(session) => session,
        Err(error) => {
            eprintln!("error: {error}");
            return 2;
        }
    };
    if let Err(message) = crate::check::workshop_dir(&args.dir) {
        eprintln!("error: {message}");
        return 2;
    }
    // Absolute: scripts run with the home as their working folder.
    let root = std::fs::canonicalize(&args.dir).unwrap_or_else(|_| args.dir.clone());
    let mut scratch = None;
    let home = match &args.home {
        Some(home) => home.clone(),
        None => match tempfile::Builder::new().prefix("lectern-test-").tempdir() {
            Ok(dir) => scratch.insert(dir).path().to_path_buf(),
            Err(error) => {
                eprintln!("error: cannot make a scratch home: {error}");
                return 2;
            }
        },
    };
    if let Err(error) = prepare_home(&root, &home) {
        eprintln!("error: {}: {error}", home.display());
        return 2;
    }
    let mut vars = session.vars.clone();
    vars.entry("home_directory".into())
        .or_insert_with(|| home.display().to_string());
    let started = Instant::now();
    let (workshop, diagnostics) = load_workshop(&root, &vars);
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    for diagnostic in &errors {
        eprintln!("{diagnostic}");
    }
    let record_dir = args.keep.then(|| home.join(".lectern-test-recordings"));
    let mut walker = Walker {
        root: root.clone(),
        home: home.clone(),
        timeout: Duration::from_secs(args.timeout.max(1)),
        record_dir,
        shells: BTreeMap::new(),
        editor: crate::editor::Editor::new(crate::editor::Settings {
            workspace: crate::editor::Workspace {
                home: home.clone(),
                root: None,
            },
            connect_wait: Duration::from_millis(1),
            answer_wait: Duration::from_millis(1),
        }),
    };
    let mut pages = Vec::new();
    if !errors.is_empty() {
        pages.push(PageReport {
            key: "(workshop)".into(),
            title: "lectern check".into(),
            source: ".".into(),
            cases: errors
                .iter()
                .map(|d| Case {
                    action: "check".into(),
                    line: d.line,
                    title: d.file.display().to_string(),
                    outcome: Outcome::Failed {
                        message: d.message.clone(),
                        output: d.to_string(),
                    },
                    seconds: 0.0,
                })
                .collect(),
        });
    }
    for page in workshop.pages.iter().filter(|page| selected(page, &args.pages)) {
        if !args.quiet && args.format == TestFormat::Text {
            eprintln!("page {} — {}", page.key, page.title);
        }
        pages.push(walker.page(page, args.solve).await);
    }
    walker.stop().await;
    let report = Report {
        workshop: workshop.title.clone(),
        pages,
        seconds: started.elapsed().as_secs_f64(),
    };
    match args.format {
        TestFormat::Text => print!("{}", report.text()),
        TestFormat::Json => println!("{}", serde_json::to_string(&report).unwrap_or_default()),
    }
    if let Some(path) = &args.junit
        && let Err(error) = std::fs::write(path, report.junit())
    {
        eprintln!("error: cannot write {}: {error}", path.display());
        return 2;
    }
    if args.keep {
        eprintln!(
            "kept: the home {} and the terminals' recordings in its .lectern-test-recordings/",
            home.display()
        );
        if let Some(dir) = scratch.take() {
            let _ = dir.keep();
        }
    }
    if report.counts().failed > 0 { 1 } else { 0 }
}

/// A fresh home as a session's: the workshop's `exercises/` folder copied in, as the original's setup does.
fn prepare_home(root: &Path, home: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(home)?;
    let exercises = [root.join("exercises"), root.join("workshop").join("exercises")]
        .into_iter()
        .find(|dir| dir.is_dir());
    if let Some(source) = exercises {
        let target = home.join("exercises");
        if !target.exists() {
            copy_tree(&source, &target)?;
        }
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// `--pages`: a page is run when a listed word is its key, its step number, or part of its key.
fn selected(page: &Page, wanted: &[String]) -> bool {
    wanted.is_empty()
        || wanted.iter().any(|want| {
            let want = want.trim();
            page.key == want || page.step.to_string() == want || (!want.is_empty() && page.key.contains(want))
        })
}

struct Walker {
    root: PathBuf,
    home: PathBuf,
    timeout: Duration,
    record_dir: Option<PathBuf>,
    shells: BTreeMap<String, Shell>,
    editor: crate::editor::Editor,
}

fn text_arg<'a>(args: &'a Value, key: &str) -> Option<&'a str> {
    args.get(key).and_then(Value::as_str)
}

fn failed(message: impl Into<String>, output: &str) -> Outcome {
    Outcome::Failed {
        message: message.into(),
        output: tail(output, TAIL_LINES),
    }
}

fn skipped(reason: impl Into<String>) -> Outcome {
    Outcome::Skipped {
        reason: reason.into(),
    }
}

impl Walker {
    async fn page(&mut self, page: &Page, solve: bool) -> PageReport {
        let scripts = self
            .root
            .join("workshop")
            .join("examiner")
            .join("pages")
            .join(&page.key);
        let mut cases = Vec::new();
        let solver = scripts.join("solve");
        if solve && solver.is_file() {
            cases.push(self.script("solve", &solver).await);
        } else {
            for (index, action) in page.clickable.iter().enumerate() {
                let background = continued_later(&page.clickable[index + 1..], action);
                let started = Instant::now();
                let outcome = self.action(action, background).await;
                cases.push(Case {
                    action: action.spec.name.to_string(),
                    line: action.line,
                    title: action.title.clone(),
                    outcome,
                    seconds: started.elapsed().as_secs_f64(),
                });
            }
        }
        let check = scripts.join("check");
        if check.is_file() {
            cases.push(self.script("check", &check).await);
        }
        PageReport {
            key: page.key.clone(),
            title: page.title.clone(),
            source: page.source.display().to_string(),
            cases,
        }
    }

    async fn script(&mut self, name: &str, program: &Path) -> Case {
        let started = Instant::now();
        let body = json!({"timeout": self.timeout.as_secs_f64()});
        let (success, message, output) = examiner::run_headless(name, program, &self.home, &body).await;
        Case {
            action: name.to_string(),
            line: 0,
            title: program
                .strip_prefix(&self.root)
                .unwrap_or(program)
                .display()
                .to_string(),
            outcome: if success {
                Outcome::Passed
            } else {
                failed(message, &output)
            },
            seconds: started.elapsed().as_secs_f64(),
        }
    }

    async fn shell(&mut self, name: &str) -> Result<&mut Shell, String> {
        if !self.shells.contains_key(name) {
            let shell = Shell::start(name, &self.home, self.record_dir.as_deref())
                .await
                .map_err(|error| format!("cannot start terminal {name}: {error}"))?;
            self.shells.insert(name.to_string(), shell);
        }
        self.shells
            .get_mut(name)
            .ok_or_else(|| format!("terminal {name} is gone"))
    }

    async fn action(&mut self, action: &Action, background: bool) -> Outcome {
        let args = &action.args;
        let name = action.spec.name;
        match action.spec.family {
            Family::Legacy | Family::Terminal => self.terminal(name, args, background).await,
            Family::Examiner => self.examiner(name, args).await,
            Family::Editor => self.editor(name, args).await,
            Family::Files => self.files(name, args),
            Family::Workshop if name.starts_with("workshop:copy") => Outcome::Passed,
            _ => skipped("UI only"),
        }
    }
    async fn examiner(&mut self, name: &str, args: &Value) -> Outcome {
        if name != "examiner:execute-test" {
            return skipped("not run headless");
        }
        let Some(test) = text_arg(args, "name") else {
            return failed("the block names no test (`name`)", "");
        };
        let Some(program) = examiner::find_test(&self.root, test) else {
            return failed(
                format!("no examiner test {test:?} (workshop/examiner/tests/{test}, executable)"),
                "",
            );
        };
        if args.get("inputs").is_some_and(|inputs| !inputs.is_null()) {
            return skipped("asks the learner for input (`inputs`)");
        }
        let retries = match args.get("retries") {
            Some(Value::Number(n)) => match n.as_i64() {
                Some(n) if n < 0 => MAX_RETRIES,
                Some(n) => (n as u64).min(MAX_RETRIES),
                None => MAX_RETRIES,
            },
            Some(Value::String(s)) if s.to_ascii_lowercase().contains("inf") => MAX_RETRIES,
            _ => 0,
        };
        let delay = args
            .get("delay")
            .and_then(Value::as_f64)
            .filter(|d| d.is_finite() && *d >= 0.0)
            .unwrap_or(1.0)
            .min(MAX_DELAY);
        let body = json!({"args": args.get("args").cloned().unwrap_or(Value::Null), "timeout": args.get("timeout").cloned().unwrap_or(Value::Null)});
        let mut attempt = 0;
        loop {
            let (success, message, output) = examiner::run_headless(test, &program, &self.home, &body).await;
            if success {
                return Outcome::Passed;
            }
            if attempt >= retries {
                let tries = if attempt > 0 {
                    format!(" after {} attempts", attempt + 1)
                } else {
                    String::new()
                };
                return failed(format!("examiner test {test} failed{tries}: {message}"), &output);
            }
            attempt += 1;
            tokio::time::sleep(Duration::from_secs_f64(delay)).await;
        }
    }

    async fn editor(&mut self, name: &str, args: &Value) -> Outcome {
        let Some(op) = OPS.iter().find(|op| op.action == name) else {
            return skipped("not run headless");
        };
        if op.kind == OpKind::Ui {
            return skipped("needs the editor (UI only)");
        }
        let request = if name == "editor:insert-value-into-yaml" {
            let body = json!({"file": args.get("file"), "yamlPath": args.get("path").cloned().unwrap_or(json!("")), "paste": args.get("value")});
            Request::parse(op.endpoint, body)
        } else {
            Request::parse(op.endpoint, args.clone())
        };
        let result = match request {
            Ok(request) => self.editor.run(request, false).await.map(|_| ()),
            Err(error) => Err(error),
        };
        match result {
            Ok(()) => Outcome::Passed,
            Err(error) => failed(error.to_string(), ""),
        }
    }

    fn files(&mut self, name: &str, args: &Value) -> Outcome {
        if name != "files:download-file" {
            return skipped("not run headless");
        }
        if let Some(path) = text_arg(args, "path") {
            let file = self.home.join(path.trim_start_matches('/'));
            if file.is_file() {
                Outcome::Passed
            } else {
                failed(
                    format!("no file {path} to download (looked for {})", file.display()),
                    "",
                )
            }
        } else {
            skipped("downloads from a URL (network)")
        }
    }

    async fn stop(&mut self) {
        for (_, shell) in std::mem::take(&mut self.shells) {
            shell.stop().await;
        }
    }
}
