//! Examiner tests, transport-free: finds the workshop's `examiner/tests/<name>` program (or a Killercoda
//! scenario's named script) and runs it with the request's `args`, the JSON `form` on stdin and a timeout,
//! judged like the original (`{"success", "message"}`). `POST /examiner/test/{name}`
//! (`web/services/examiner.rs`), `lectern test` (`walk.rs`, also for pages' check/solve scripts) and
//! `lectern check` (`check.rs`, tests that do not exist) all use it.
//!
//! Fixes of the original (W24): exactly one result per run; on timeout the whole process group gets SIGTERM,
//! then SIGKILL after a grace period, so shells and their children die too; output goes to the log (bounded)
//! and, whole, to `~/.local/share/workshop/examiner-scripts.log` (the original's file) instead of a per-run
//! file stream.
//!
//! A Killercoda scenario's `verify` and `background` scripts are tests too, named by their path in the
//! scenario (`step2/verify.sh`), and run with `bash` (the format does not ask for an executable bit or a
//! `#!` line); no other file of the scenario can be run.

use std::path::{Path as FsPath, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Timeout when the request gives none (or 0), seconds — the original's default.
const DEFAULT_TIMEOUT_SECS: f64 = 15.0;
/// Longest timeout accepted, seconds.
const MAX_TIMEOUT_SECS: f64 = 3600.0;
/// Time between SIGTERM and SIGKILL of a timed-out test, milliseconds.
const KILL_GRACE_MS: u64 = 2000;
/// Output lines logged per stream and run.
const MAX_LOGGED_LINES: usize = 200;
/// Tests running at once; more wait their turn (a retrying page cannot fork-bomb the session).
const MAX_CONCURRENT_TESTS: usize = 8;

static RUNNING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_CONCURRENT_TESTS);

/// The examiner test folders of a workshop that exist: `workshop/examiner/tests`, `examiner/tests`.
pub fn test_dirs(root: &FsPath) -> Vec<PathBuf> {
    [
        root.join("workshop").join("examiner").join("tests"),
        root.join("examiner").join("tests"),
    ]
    .into_iter()
    .filter(|dir| dir.is_dir())
    .collect()
}

/// How to run a test: a request's body, parsed.
#[derive(Debug)]
pub struct TestRequest {
    args: Vec<String>,
    timeout: Duration,
    form: Value,
    /// `HOME` for the test (`lectern test`'s scratch home), else lectern's own.
    home: Option<PathBuf>,
}

/// Parses a request body (`{"args": [..], "timeout": s, "form": {..}}`, all optional); the error is the
/// original's message.
pub fn parse_request(body: &[u8]) -> Result<TestRequest, String> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|error| format!("Invalid request: {error}"))?
    };
    let invalid_args = || "Invalid arguments: must be an array of strings".to_string();
    let args = match value.get("args") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(text) if !text.contains('\0') => Ok(text.clone()),
                _ => Err(invalid_args()),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(invalid_args()),
    };
    let seconds = value
        .get("timeout")
        .and_then(Value::as_f64)
        .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
        .unwrap_or(DEFAULT_TIMEOUT_SECS)
        .min(MAX_TIMEOUT_SECS);
    let form = value
        .get("form")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    Ok(TestRequest {
        args,
        timeout: Duration::from_secs_f64(seconds),
        form,
        home: None,
    })
}

/// What to run for a test: the program, and the script it interprets (if any).
#[derive(Debug)]
pub struct Program {
    command: PathBuf,
    /// The scenario script `command` (bash) runs.
    pub script: Option<PathBuf>,
}

fn plausible_name(name: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._/:@+-".contains(c);
    !name.is_empty() && name.chars().all(allowed)
}

/// The executable `name` inside one of the test folders (real path checked, so symlinks cannot escape).
pub fn find_test(root: &FsPath, name: &str) -> Option<PathBuf> {
    if !plausible_name(name) {
        return None;
    }
    test_dirs(root).into_iter().find_map(|dir| {
        let real = crate::jail::Jail::new(&dir).ok()?.resolve_file(name).ok()?;
        is_executable(&real).then_some(real)
    })
}

/// The examiner test `name` as a program run directly.
pub fn find_program(root: &FsPath, name: &str) -> Option<Program> {
    find_test(root, name).map(|command| Program {
        command,
        script: None,
    })
}

/// A scenario's `verify` or `background` script `name`, run with `bash` (inside the scenario folder).
pub fn scenario_script(workshop: &crate::content::Workshop, name: &str) -> Option<Program> {
    let scenario = workshop.scenario.as_ref()?;
    if !plausible_name(name) || !scenario.is_examiner_script(name) {
        return None;
    }
    let real = crate::jail::Jail::new(&scenario.root)
        .ok()?
        .resolve_file(name)
        .ok()?;
    Some(Program {
        command: PathBuf::from("bash"),
        script: Some(real),
    })
}

#[cfg(unix)]
fn is_executable(path: &FsPath) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &FsPath) -> bool {
    path.is_file()
}

/// Runs `program` (an examiner test, or a page's check script) as `POST /examiner/test/{name}` would run
/// it with `body`, in `home` as `HOME` and working folder, for `lectern test`: `(success, message,
/// output)`, the output being the last lines it wrote.
pub async fn run_headless(
    name: &str,
    program: &FsPath,
    home: &FsPath,
    body: &Value,
) -> (bool, String, String) {
    let mut request = match parse_request(body.to_string().as_bytes()) {
        Ok(request) => request,
        Err(message) => return (false, message, String::new()),
    };
    request.home = Some(home.to_path_buf());
    let program = Program {
        command: program.to_path_buf(),
        script: None,
    };
    execute(name, &program, home, &request).await
}

/// Runs the program in `cwd`, at most [`MAX_CONCURRENT_TESTS`] at once; `(success, message, output tail)`
/// with the original's messages.
pub async fn execute(
    name: &str,
    program: &Program,
    cwd: &FsPath,
    request: &TestRequest,
) -> (bool, String, String) {
    // Never closed, so acquiring only waits.
    let _permit = RUNNING.acquire().await.ok();
    let mut command = tokio::process::Command::new(&program.command);
    command
        .args(&program.script)
        .args(&request.args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for secret in crate::config::SECRET_ENV {
        command.env_remove(secret);
    }
    if let Some(home) = &request.home {
        command.env("HOME", home);
    }
    #[cfg(unix)]
    command.process_group(0);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            tracing::warn!(test = name, %error, "examiner test failed to start");
            return (false, "Test failed to execute".to_string(), error.to_string());
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        let form = request.form.to_string();
        // A test that ignores stdin may exit first: a broken pipe is not an error.
        let _ = stdin.write_all(form.as_bytes()).await;
    }
    let file = log_file(request.home.as_deref()).await;
    let readers = [
        child
            .stdout
            .take()
            .map(|out| tokio::spawn(log_lines(name.to_string(), "stdout", out, file.clone()))),
        child
            .stderr
            .take()
            .map(|err| tokio::spawn(log_lines(name.to_string(), "stderr", err, file.clone()))),
    ];
    let outcome = tokio::time::timeout(request.timeout, child.wait()).await.ok();
    let result = match outcome {
        Some(Ok(status)) if status.success() => (true, "Test successfully completed".to_string()),
        Some(Ok(status)) if status.code().is_some() => (false, "Test failed to complete".to_string()),
        Some(Ok(_)) => (false, "Process killed or crashed".to_string()),
        Some(Err(error)) => {
            tracing::warn!(test = name, %error, "waiting for the examiner test failed");
            (false, "Test failed to execute".to_string())
        }
        None => {
            stop_group(&mut child).await;
            tracing::warn!(test = name, timeout = ?request.timeout, "examiner test timed out");
            (
                false,
                format!("Test timed out after {} seconds", request.timeout.as_secs_f64()),
            )
        }
    };
    // Children that kept the pipes open were in the group and are gone; do not wait long regardless.
    let mut output = Vec::new();
    for reader in readers.into_iter().flatten() {
        if let Ok(Ok(lines)) = tokio::time::timeout(Duration::from_secs(1), reader).await {
            output.extend(lines);
        }
    }
    tracing::info!(test = name, success = result.0, message = %result.1, "examiner test finished");
    (result.0, result.1, output.join("\n"))
}

/// SIGTERM to the process group, SIGKILL after the grace period, then reap.
async fn stop_group(child: &mut tokio::process::Child) {
    #[cfg(unix)]
    if let Some(pid) = child.id().and_then(|pid| i32::try_from(pid).ok()) {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        let group = Pid::from_raw(pid);
        let _ = killpg(group, Signal::SIGTERM);
        if tokio::time::timeout(Duration::from_millis(KILL_GRACE_MS), child.wait())
            .await
            .is_ok()
        {
            // The leader is gone; make sure nothing it started survives.
            let _ = killpg(group, Signal::SIGKILL);
            return;
        }
        let _ = killpg(group, Signal::SIGKILL);
    }
    let _ = child.kill().await;
}

/// The whole output of every run, as the original keeps it: `~/.local/share/workshop/examiner-scripts.log`.
type LogFile = Option<std::sync::Arc<tokio::sync::Mutex<tokio::fs::File>>>;

/// In `home` when given (`lectern test`'s scratch home), else in lectern's own.
async fn log_file(home: Option<&FsPath>) -> LogFile {
    let dir = home
        .map(FsPath::to_path_buf)
        .or_else(crate::config::home_dir)?
        .join(".local")
        .join("share")
        .join("workshop");
    tokio::fs::create_dir_all(&dir).await.ok()?;
    let file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("examiner-scripts.log"))
        .await
        .ok()?;
    Some(std::sync::Arc::new(tokio::sync::Mutex::new(file)))
}

async fn log_lines(
    name: String,
    stream: &'static str,
    output: impl tokio::io::AsyncRead + Unpin,
    file: LogFile,
) -> Vec<String> {
    // Bytes, not `lines()`: invalid UTF-8 must not stop the draining (a full pipe would block the test).
    let mut reader = BufReader::new(output);
    let mut line = Vec::new();
    let mut logged = 0;
    let mut kept = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                if let Some(file) = &file {
                    let mut record = format!("[{name} {stream}] ").into_bytes();
                    record.extend_from_slice(&line);
                    if !record.ends_with(b"\n") {
                        record.push(b'\n');
                    }
                    let _ = file.lock().await.write_all(&record).await;
                }
                if logged < MAX_LOGGED_LINES {
                    let text = String::from_utf8_lossy(&line);
                    tracing::info!(test = %name, stream, "{}", text.trim_end());
                    kept.push(text.trim_end().to_string());
                    logged += 1;
                }
            }
        }
    }
    kept
}
