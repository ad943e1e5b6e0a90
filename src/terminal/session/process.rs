//! The process side of a terminal: spawning the shell on a PTY, the PTY reader (drains to EOF/EIO
//! before reporting exit) and the input writer.

use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, watch};

use super::{
    ExitStatus, FLOW_STALL, MAX_SESSIONS, MarkerKind, PtyCommand, PtyInput, Terminal, hangup, push_marker,
};
use crate::config::SECRET_ENV;
use crate::terminal::record::{RecordHandle, Recorder};
use crate::terminal::{Seq, TerminalError};

/// Bytes read from the PTY per read call.
const READ_BUFFER: usize = 64 * 1024;
/// Queued input commands per shell.
const INPUT_QUEUE: usize = 64;
/// After the shell exited, stop draining once the PTY was quiet this long (a background process
/// may keep the PTY open forever; normally EIO ends the drain first).
const DRAIN_IDLE: Duration = Duration::from_millis(500);
/// Linux `EIO`: what reading a PTY master returns once every slave side is closed.
const EIO: i32 = 5;

/// Everything needed to start a shell (built once from the configuration).
#[derive(Debug, Clone)]
pub struct SpawnSpec {
    /// Program and arguments.
    pub argv: Vec<String>,
    /// Append `-c <script>` when `terminal/<name>.sh` or `terminal.sh` exists in `script_dirs`.
    pub use_scripts: bool,
    /// Folders searched for `terminal/<name>.sh` and `terminal.sh`.
    pub script_dirs: Vec<PathBuf>,
    /// Working directory.
    pub home: Option<PathBuf>,
    /// Extra environment (session variables, upper-cased).
    pub env: Vec<(String, String)>,
    /// Replay ring capacity in bytes.
    pub replay_bytes: usize,
    /// Folder for asciicast recordings.
    pub record_dir: Option<PathBuf>,
    /// Folder for each terminal's full output (`output.rs`); `None`: not kept.
    pub output_dir: Option<PathBuf>,
    /// Most bytes of full output kept per terminal.
    pub output_bytes: u64,
}

impl SpawnSpec {
    /// The script to run for terminal `name`, if any.
    fn script_for(&self, name: &str) -> Option<PathBuf> {
        let candidates = [format!("terminal/{name}.sh"), "terminal.sh".to_string()];
        candidates.iter().find_map(|relative| {
            self.script_dirs
                .iter()
                .map(|dir| dir.join(relative))
                .find(|path| is_executable(path))
        })
    }
}

fn is_executable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

impl Terminal {
    /// Starts a shell on a new PTY; returns the seq its output starts at.
    pub(super) fn spawn_shell(self: &Arc<Self>, restarted: bool) -> Result<Seq, TerminalError> {
        let spec = &self.spec;
        let program = spec.argv.first().cloned().unwrap_or_else(|| "bash".to_string());
        let spawn_error = |source: std::io::Error| TerminalError::Spawn {
            program: program.clone(),
            source,
        };
        let to_io = |error: pty_process::Error| std::io::Error::other(error.to_string());
        crate::terminal::signals::default_for_children();
        let (pty, pts) = pty_process::open().map_err(|e| spawn_error(to_io(e)))?;
        let size = self.lock().pty_size;
        pty.resize(pty_process::Size::new(size.rows, size.cols))
            .map_err(|e| spawn_error(to_io(e)))?;
        let mut command = pty_process::Command::new(&program)
            .args(spec.argv.iter().skip(1))
            .env("TERM", "xterm-256color")
            .env("TERMINAL_SESSION_ID", self.name.as_str())
            .envs(spec.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .kill_on_drop(true);
        for secret in SECRET_ENV {
            command = command.env_remove(secret);
        }
        if let Some(home) = &spec.home {
            command = command.current_dir(home);
        }
        if spec.use_scripts
            && let Some(script) = spec.script_for(self.name.as_str())
        {
            command = command.arg("-c").arg(script);
        }
        let child = command.spawn(pts).map_err(|e| spawn_error(to_io(e)))?;
        // The shell leads a new session (pty-process calls setsid): its pid is the session id.
        let session = child.id();
        let (reader, writer) = pty.into_split();
        let (queue, input_rx) = mpsc::channel(INPUT_QUEUE);
        let input = PtyInput {
            queue,
            writer: Arc::new(tokio::sync::Mutex::new(writer)),
            pending: Arc::default(),
            busy: Arc::default(),
        };
        // The writer task holds the writer and the counter, not the queue's sender: dropping
        // `Shared::input` at exit closes the queue and ends it.
        let feed_side = (input.writer.clone(), input.pending.clone());
        let start = {
            let mut shared = self.lock();
            shared.running = true;
            shared.input = Some(input);
            shared.recorder = spec
                .record_dir
                .as_deref()
                .and_then(|dir| Recorder::create(dir, self.name.as_str(), size));
            if restarted {
                push_marker(&mut shared, MarkerKind::Restarted);
            }
            if let Some(session) = session {
                shared.sessions.push_back(session);
                if shared.sessions.len() > MAX_SESSIONS {
                    shared.sessions.pop_front();
                }
            }
            shared.ring.end()
        };
        self.notify();
        let recording = self.lock().recorder.as_ref().map(Recorder::handle);
        tokio::spawn(feed(feed_side.0, feed_side.1, input_rx));
        tokio::spawn(pump(
            self.clone(),
            reader,
            (child, session),
            self.shutdown.clone(),
            recording,
        ));
        Ok(start)
    }
}

/// Writes queued input and resizes to the PTY until the shell's input channel closes. A command
/// counts as pending until it is written, so the direct path never overtakes it.
async fn feed(
    writer: Arc<tokio::sync::Mutex<pty_process::OwnedWritePty>>,
    pending: Arc<std::sync::atomic::AtomicUsize>,
    mut commands: mpsc::Receiver<PtyCommand>,
) {
    while let Some(command) = commands.recv().await {
        let mut writer = writer.lock().await;
        let failed = match command {
            PtyCommand::Input(data) => match writer.write_all(&data).await {
                Ok(()) => false,
                Err(error) => {
                    tracing::debug!(%error, "terminal input write failed");
                    true
                }
            },
            PtyCommand::Resize(size) => {
                if let Err(error) = writer.resize(pty_process::Size::new(size.rows, size.cols)) {
                    tracing::debug!(%error, "terminal resize failed");
                }
                false
            }
        };
        pending.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
        if failed {
            break;
        }
    }
}

/// Flow control: while every viewer is more than `FLOW_WINDOW` behind, waits for one to advance
/// (the program then blocks on its full PTY, like on a slow real terminal). No viewers, or a
/// viewer stalled for `FLOW_STALL`, never hold the reader. False when the hub shuts down.
async fn wait_for_viewers(
    terminal: &Terminal,
    ignore_until: &mut Option<u64>,
    shutdown: &mut watch::Receiver<()>,
) -> bool {
    loop {
        let advances = {
            let mut shared = terminal.lock();
            if *ignore_until == Some(shared.advances) || !shared.reader_ahead() {
                shared.reader_waiting = false;
                return true;
            }
            shared.reader_waiting = true;
            shared.advances
        };
        *ignore_until = None;
        tokio::select! {
            () = terminal.advanced.notified() => {}
            () = tokio::time::sleep(FLOW_STALL) => {
                let mut shared = terminal.lock();
                if shared.advances == advances {
                    // Nobody moved: stop waiting for these viewers until one of them does.
                    *ignore_until = Some(advances);
                    shared.reader_waiting = false;
                    return true;
                }
            }
            _ = shutdown.changed() => return false,
        }
    }
}

/// Reads the PTY into the ring as fast as the program writes (or the fastest viewer reads); after the
/// shell exits, drains to EOF/EIO (or until quiet) and only then reports the exit.
async fn pump(
    terminal: Arc<Terminal>,
    mut reader: pty_process::OwnedReadPty,
    (mut child, session): (tokio::process::Child, Option<u32>),
    mut shutdown: watch::Receiver<()>,
    recording: Option<RecordHandle>,
) {
    // The hub is gone (lectern is exiting without its drain, or a test dropped it): end the session now.
    let abandon = |child: &mut tokio::process::Child| {
        let _ = child.start_kill();
        if let Some(session) = session {
            hangup::kill_session(session);
        }
    };
    let mut buffer = vec![0u8; READ_BUFFER];
    let mut exited: Option<std::process::ExitStatus> = None;
    // Flow control is off until a viewer advances past this count (set after a stall).
    let mut ignore_until: Option<u64> = None;
    loop {
        if !wait_for_viewers(&terminal, &mut ignore_until, &mut shutdown).await {
            abandon(&mut child);
            return;
        }
        tokio::select! {
            biased;
            read = reader.read(&mut buffer) => match read {
                Ok(0) => break,
                Ok(n) => {
                    terminal.publish(&buffer[..n]);
                    // The full output and the recording keep every byte: wait for them (only a
                    // disk slower than the program ever makes this wait).
                    if let Some(log) = &terminal.output {
                        log.append(bytes::Bytes::copy_from_slice(&buffer[..n])).await;
                    }
                    if let Some(recording) = &recording {
                        recording.output(&buffer[..n]).await;
                    }
                }
                Err(error) => {
                    if error.raw_os_error() != Some(EIO) {
                        tracing::warn!(terminal = %terminal.name, %error, "terminal read failed");
                    }
                    break;
                }
            },
            status = child.wait(), if exited.is_none() => match status {
                Ok(status) => exited = Some(status),
                Err(error) => {
                    tracing::warn!(terminal = %terminal.name, %error, "cannot wait for the shell");
                    break;
                }
            },
            () = tokio::time::sleep(DRAIN_IDLE), if exited.is_some() => break,
            _ = shutdown.changed() => {
                abandon(&mut child);
                return;
            }
        }
    }
    let status = match exited {
        Some(status) => Some(status),
        None => child.wait().await.ok(),
    };
    let status = ExitStatus {
        code: status.and_then(|s| s.code()),
        signal: status.and_then(|s| s.signal()),
    };
    tracing::info!(terminal = %terminal.name, ?status, "terminal shell exited");
    terminal.finish_run(status);
}
