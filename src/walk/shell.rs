//! A learner's terminal for `lectern test`: bash on a real PTY in the scratch home, with a mark after each
//! command so the run knows when it ended and how (its exit status), its output captured (and recorded as
//! asciicast with `--keep`).
//!
//! A command is written to a file and run by one typed line that sources it and then prints an OSC mark
//! with a per-command token and `$?` (`. FILE; printf … ESC ] 7717 ; lectern ; TOKEN ; STATUS BEL`). Bash
//! reads that whole line before running any of it, so the mark is part of the shell's parsed command, not
//! input typed after it: a command that reads stdin (`read`, a prompt) waits for real input and cannot
//! swallow its own end mark, and a multi-line command ends with one mark carrying its last status.
//! Unlike a PROMPT_COMMAND/PS1 hook, a step that re-reads `~/.bashrc` or sets its own prompt cannot remove
//! it. Echo is off, so only the shell's printf can produce a mark. Ctrl-C abandons the rest of the line,
//! mark included: [`Shell::interrupt`] types a fresh mark line then.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

use crate::terminal::record::Recorder;
use crate::terminal::{ExitStatus, Size};

/// Output kept per shell; older output is dropped (tails are what reports show).
const KEEP_BYTES: usize = 1 << 20;
/// How long a fresh shell has to print its first mark.
const START_WAIT: Duration = Duration::from_secs(30);

/// Output of the shell so far.
#[derive(Default)]
struct Captured {
    /// Bytes kept (the last [`KEEP_BYTES`] or so).
    data: Vec<u8>,
    /// Offset of `data[0]` in the whole stream.
    base: usize,
    /// The PTY closed (the shell exited).
    closed: bool,
}

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// It finished with this exit status.
    Status(i32),
    /// It did not finish in time (still running).
    TimedOut,
    /// The shell exited.
    ShellExited,
}

/// One learner terminal.
pub struct Shell {
    name: String,
    /// The file each command is written to and sourced from.
    command_file: std::path::PathBuf,
    writer: pty_process::OwnedWritePty,
    child: tokio::process::Child,
    captured: Arc<Mutex<Captured>>,
    changed: Arc<Notify>,
    recorder: Arc<Mutex<Option<Recorder>>>,
    next_token: u64,
    /// A command left running (timed out, or started in the background): its token and output start.
    pub running: Option<(u64, usize)>,
}

impl Shell {
    /// Starts bash for terminal `name` in `home` (its own `.bashrc` is read first), recording to
    /// `record_dir` when given.
    pub async fn start(name: &str, home: &Path, record_dir: Option<&Path>) -> std::io::Result<Self> {
        let to_io = |error: pty_process::Error| std::io::Error::other(error.to_string());
        crate::terminal::signals::default_for_children();
        let (pty, pts) = pty_process::open().map_err(to_io)?;
        let size = Size::new(120, 40).map_err(|e| std::io::Error::other(e.to_string()))?;
        pty.resize(pty_process::Size::new(40, 120)).map_err(to_io)?;
        let rc = home.join(format!(".lectern-test-{name}.rc"));
        std::fs::write(
            &rc,
            "[ -f ~/.bashrc ] && . ~/.bashrc\nPS1=''\nPS2=''\nunset PROMPT_COMMAND\nstty -echo\n",
        )?;
        let mut command = pty_process::Command::new("bash")
            .arg("--rcfile")
            .arg(&rc)
            .arg("--noediting")
            .arg("-i")
            .env("HOME", home)
            .env("TERM", "xterm-256color")
            .env("TERMINAL_SESSION_ID", name)
            .current_dir(home)
            .kill_on_drop(true);
        for secret in crate::config::SECRET_ENV {
            command = command.env_remove(secret);
        }
        let child = command.spawn(pts).map_err(to_io)?;
        let (mut reader, writer) = pty.into_split();
        let captured = Arc::new(Mutex::new(Captured::default()));
        let changed = Arc::new(Notify::new());
        let recorder = Arc::new(Mutex::new(
            record_dir.and_then(|dir| Recorder::create(dir, name, size)),
        ));
        {
            let (captured, changed, recorder) = (captured.clone(), changed.clone(), recorder.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    let n = match reader.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if let Some(recorder) = lock(&recorder).as_mut() {
                        recorder.output(&buf[..n]);
                    }
                    let mut out = lock(&captured);
                    out.data.extend_from_slice(&buf[..n]);
                    if out.data.len() > 2 * KEEP_BYTES {
                        let drop = out.data.len() - KEEP_BYTES;
                        out.data.drain(..drop);
                        out.base += drop;
                    }
                    drop(out);
                    changed.notify_one();
                }
                lock(&captured).closed = true;
                changed.notify_one();
            });
        }
        let mut shell = Self {
            name: name.to_string(),
            command_file: home.join(format!(".lectern-test-{name}.command")),
            writer,
            child,
            captured,
            changed,
            recorder,
            next_token: 0,
            running: None,
        };
        let (token, start) = shell.send_mark("").await?;
        match shell.wait(token, start, START_WAIT).await.0 {
            Ended::Status(_) => Ok(shell),
            other => Err(std::io::Error::other(format!(
                "terminal {name}: bash did not start ({other:?})"
            ))),
        }
    }

    /// The terminal's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn end(&self) -> usize {
        let out = lock(&self.captured);
        out.base + out.data.len()
    }

    /// Types `before` (a command list, or nothing) and the mark on one line; returns the mark's token and
    /// where output after it starts.
    async fn send_mark(&mut self, before: &str) -> std::io::Result<(u64, usize)> {
        self.next_token += 1;
        let token = self.next_token;
        let start = self.end();
        let line = format!("{before}printf '\\033]7717;lectern;{token};%s\\007' \"$?\"\n");
        self.writer.write_all(line.as_bytes()).await?;
        Ok((token, start))
    }

    /// Types `input` as the learner's keyboard would.
    pub async fn type_text(&mut self, input: &str) -> std::io::Result<()> {
        self.writer.write_all(input.as_bytes()).await
    }

    /// Runs `command` and waits up to `timeout` for it to end; returns how, and its output.
    pub async fn run(&mut self, command: &str, timeout: Duration) -> (Ended, String) {
        if let Some(recorder) = lock(&self.recorder).as_mut() {
            recorder.output(format!("$ {}\r\n", command.replace('\n', "\r\n")).as_bytes());
        }
        let mut text = command.trim_end_matches('\n').to_string();
        text.push('\n');
        if let Err(error) = std::fs::write(&self.command_file, text) {
            return (
                Ended::ShellExited,
                format!("{}: {error}", self.command_file.display()),
            );
        }
        let source = format!(". {}; ", quote(&self.command_file.to_string_lossy()));
        let (token, start) = match self.send_mark(&source).await {
            Ok(mark) => mark,
            Err(error) => return (Ended::ShellExited, error.to_string()),
        };
        let (ended, output) = self.wait(token, start, timeout).await;
        if ended == Ended::TimedOut {
            self.running = Some((token, start));
        }
        (ended, output)
    }

    /// Sends Ctrl-C; when a command was left running, waits (up to `timeout`) for it to end.
    pub async fn interrupt(&mut self, timeout: Duration) -> (Ended, String) {
        if self.writer.write_all(b"\x03").await.is_err() {
            return (Ended::ShellExited, String::new());
        }
        // Ctrl-C abandons the rest of the command's line, its mark with it: type a new one, after an empty
        // line — bash's `read` interrupted by Ctrl-C still takes a byte of the next line, the empty one.
        let Some((old, start)) = self.running.take() else {
            return (Ended::Status(130), String::new());
        };
        let (token, _) = match self.send_mark("\n").await {
            Ok(mark) => mark,
            Err(error) => return (Ended::ShellExited, error.to_string()),
        };
        let result = self.wait(token, start, timeout).await;
        if result.0 == Ended::TimedOut {
            self.running = Some((old, start));
        }
        result
    }

    /// When a command was left running (waiting for input a step types), waits up to `timeout` for it to
    /// end: `None` while it still runs.
    pub async fn settle(&mut self, timeout: Duration) -> Option<(Ended, String)> {
        let (token, start) = self.running?;
        let result = self.wait(token, start, timeout).await;
        if result.0 == Ended::TimedOut {
            return None;
        }
        self.running = None;
        Some(result)
    }

    /// Waits for the mark `token` in the output after `start`.
    async fn wait(&self, token: u64, start: usize, timeout: Duration) -> (Ended, String) {
        let needle = format!("\x1b]7717;lectern;{token};");
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            {
                let out = lock(&self.captured);
                let from = start.saturating_sub(out.base).min(out.data.len());
                let data = &out.data[from..];
                if let Some(at) = find(data, needle.as_bytes()) {
                    let rest = &data[at + needle.len()..];
                    if let Some(bell) = rest.iter().position(|&b| b == 0x07) {
                        let status = std::str::from_utf8(&rest[..bell])
                            .ok()
                            .and_then(|s| s.trim().parse().ok())
                            .unwrap_or(-1);
                        return (Ended::Status(status), clean(&data[..at]));
                    }
                }
                if out.closed {
                    return (Ended::ShellExited, clean(data));
                }
            }
            if tokio::time::timeout_at(deadline, self.changed.notified())
                .await
                .is_err()
            {
                let out = lock(&self.captured);
                let from = start.saturating_sub(out.base).min(out.data.len());
                return (Ended::TimedOut, clean(&out.data[from..]));
            }
        }
    }

    /// Ends the shell (its whole process group) and closes the recording.
    pub async fn stop(mut self) {
        let _ = std::fs::remove_file(&self.command_file);
        if let Some(pid) = self.child.id() {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pid as i32),
                nix::sys::signal::Signal::SIGHUP,
            );
        }
        let status = match tokio::time::timeout(Duration::from_secs(2), self.child.wait()).await {
            Ok(Ok(status)) => status,
            _ => {
                let _ = self.child.kill().await;
                match self.child.wait().await {
                    Ok(status) => status,
                    Err(_) => return,
                }
            }
        };
        if let Some(recorder) = lock(&self.recorder).as_mut() {
            use std::os::unix::process::ExitStatusExt;
            recorder.finish(ExitStatus {
                code: status.code(),
                signal: status.signal(),
            });
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `text` as one single-quoted shell word.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Terminal output as plain text: escape sequences and carriage returns removed.
pub fn clean(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => match chars.next() {
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    while let Some(c) = chars.next() {
                        if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\r' | '\x07' => {}
            c => out.push(c),
        }
    }
    out
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.trim_end().lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_drops_escapes() {
        assert_eq!(clean(b"a\x1b[1;31mb\x1b[0m\r\nc\x1b]0;title\x07d"), "ab\ncd");
    }

    #[test]
    fn quote_makes_one_shell_word() {
        assert_eq!(quote("/tmp/it's here"), "'/tmp/it'\\''s here'");
    }

    /// A command that reads the terminal waits for real input: it cannot read its own end mark (before,
    /// `read` took the typed mark line as its input and the step timed out).
    #[tokio::test]
    async fn a_command_reading_stdin_waits_for_input_and_keeps_its_mark() {
        let home = tempfile::tempdir().expect("home");
        let mut shell = Shell::start("t", home.path(), None).await.expect("bash");
        let (ended, _) = shell
            .run(
                "read -p 'name? ' NAME\necho \"hi $NAME\"",
                Duration::from_millis(300),
            )
            .await;
        assert_eq!(ended, Ended::TimedOut);
        shell.type_text("World\n").await.expect("type");
        let (ended, output) = shell.settle(Duration::from_secs(30)).await.expect("ended");
        assert_eq!(ended, Ended::Status(0), "{output}");
        assert!(output.contains("hi World"), "{output}");
        let (ended, output) = shell.run("false", Duration::from_secs(30)).await;
        assert_eq!(ended, Ended::Status(1), "{output}");
        shell.stop().await;
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail("1\n2\n3\n", 2), "2\n3");
    }
}
