//! Terminal: one terminal's shared state (ring, exit markers, size rule); input: input.rs; spawn/IO: process.rs

mod hangup;
mod input;
mod model;
mod process;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{Notify, watch};

pub use hangup::HANGUP_GRACE;
pub(crate) use input::{PtyCommand, PtyInput};
pub use model::{MODEL_SCROLLBACK, Snapshot};
pub use process::SpawnSpec;

use super::output::OutputLog;
use super::protocol::ErrorCode;
use super::record::Recorder;
use super::ring::ReplayRing;
use super::{Seq, Size, TerminalError, TerminalName};

/// Exit/restart markers kept for slow viewers.
const MAX_MARKERS: usize = 64;
/// Flow control: the PTY reader pauses while even the most advanced viewer is this many bytes
/// behind the end of the stream (so Ctrl-C takes effect on screen within ~256 KiB of output).
pub(crate) const FLOW_WINDOW: u64 = 256 * 1024;
/// Flow control: after waiting this long without any viewer advancing, the reader stops waiting
/// until some viewer advances again (a stalled client never stops the program for longer).
pub(crate) const FLOW_STALL: Duration = Duration::from_secs(1);
/// Enables bracketed paste mode in xterm-compatible terminals.
const BRACKETED_ON: &[u8] = b"\x1b[?2004h";
/// Disables bracketed paste mode.
const BRACKETED_OFF: &[u8] = b"\x1b[?2004l";

/// How a shell run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitStatus {
    /// Exit code when it exited normally.
    pub code: Option<i32>,
    /// Signal number when a signal killed it.
    pub signal: Option<i32>,
}

/// An event positioned in the output stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkerKind {
    /// The shell exited after writing everything before this seq.
    Exit(ExitStatus),
    /// A new shell started; its output begins at this seq.
    Restarted,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Marker {
    pub(crate) id: u64,
    pub(crate) seq: Seq,
    pub(crate) kind: MarkerKind,
}

pub(crate) struct Shared {
    pub(crate) ring: ReplayRing,
    pub(crate) markers: VecDeque<Marker>,
    next_marker_id: u64,
    pub(crate) running: bool,
    input: Option<PtyInput>,
    pty_size: Size,
    active_writer: Option<u64>,
    bracketed_paste: bool,
    recorder: Option<Recorder>,
    /// Next byte of every attached viewer, by viewer id.
    pub(crate) positions: HashMap<u64, Seq>,
    /// Bumped whenever a viewer advances (flow control's stall detection).
    pub(crate) advances: u64,
    /// The PTY reader waits on `advanced` for a viewer to catch up.
    pub(crate) reader_waiting: bool,
    /// PTY resizes by the seq they apply from, for the screen model.
    pub(crate) resizes: VecDeque<(Seq, Size)>,
    /// When output was published: (end of the stream after it, time), oldest first, bounded. Tells
    /// how old a viewer's next byte is.
    pub(crate) published: VecDeque<(Seq, std::time::Instant)>,
    /// Session ids (the shells' pids) of the runs so far, newest last: closing ends every process in them.
    pub(crate) sessions: VecDeque<u32>,
}

/// Sessions of earlier shell runs remembered, to end what their background jobs left running.
const MAX_SESSIONS: usize = 16;

/// Why a terminal's viewers are being disconnected: sent to each as an `error`, then a close 1001.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    /// `shutdown` (lectern exits) or `closed` (the terminal was closed or reaped).
    pub code: ErrorCode,
    /// What the viewer is told.
    pub message: String,
}

/// Publish times remembered per terminal.
const MAX_PUBLISHED: usize = 4096;

impl Shared {
    /// When the byte at `seq` was published (`None`: not yet). Older than every remembered publish:
    /// the oldest remembered time, a lower bound of its age.
    pub(crate) fn published_at(&self, seq: Seq) -> Option<std::time::Instant> {
        if seq >= self.ring.end() {
            return None;
        }
        let index = self.published.partition_point(|(end, _)| *end <= seq);
        self.published
            .get(index)
            .or(self.published.front())
            .map(|(_, at)| *at)
    }
}

impl Shared {
    /// Whether the PTY reader should pause: viewers exist and the most advanced one is more than
    /// `FLOW_WINDOW` behind the end of the stream.
    pub(crate) fn reader_ahead(&self) -> bool {
        self.positions
            .values()
            .max()
            .is_some_and(|best| self.ring.end().saturating_sub(*best) > FLOW_WINDOW)
    }
}

/// One named terminal: a shell on a PTY (or an exited one), its output history and its viewers.
pub struct Terminal {
    name: TerminalName,
    /// Identity of this terminal's output stream (seqs are meaningful only within it).
    stream: String,
    spec: Arc<SpawnSpec>,
    shared: Mutex<Shared>,
    changed: watch::Sender<u64>,
    shutdown: watch::Receiver<()>,
    next_viewer_id: AtomicU64,
    inputs: AtomicU64, // inputs written so far (idle detection: `TerminalHub::inputs`)
    /// Signalled when a viewer advances or leaves while the PTY reader waits.
    pub(crate) advanced: Notify,
    /// The screen model, fed off the hot path (`session/model.rs`).
    model: Mutex<model::ModelState>,
    /// Every output byte on disk, bounded (`output.rs`).
    pub(crate) output: Option<OutputLog>,
    /// Set when the terminal is closed or lectern shuts down: every viewer is told, then disconnected.
    closing: watch::Sender<Option<Closing>>,
    /// Room for input whose client left, in bytes (`hold_left_input`).
    left_input: tokio::sync::Semaphore,
}

impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Terminal")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Terminal {
    /// Creates the terminal and starts its shell.
    pub(crate) fn start(
        name: TerminalName,
        stream: String,
        spec: Arc<SpawnSpec>,
        shutdown: watch::Receiver<()>,
    ) -> Result<Arc<Self>, TerminalError> {
        let output = spec.output_dir.as_deref().and_then(|dir| {
            OutputLog::create(dir, name.as_str(), spec.output_bytes)
                .inspect_err(|error| tracing::warn!(terminal = %name, %error, "cannot keep the terminal's full output"))
                .ok()
        });
        let terminal = Arc::new(Self {
            shared: Mutex::new(Shared {
                ring: ReplayRing::new(spec.replay_bytes),
                markers: VecDeque::new(),
                next_marker_id: 0,
                running: false,
                input: None,
                pty_size: Size::DEFAULT,
                active_writer: None,
                bracketed_paste: false,
                recorder: None,
                positions: HashMap::new(),
                advances: 0,
                reader_waiting: false,
                resizes: VecDeque::new(),
                published: VecDeque::new(),
                sessions: VecDeque::new(),
            }),
            name,
            stream,
            spec,
            changed: watch::Sender::new(0),
            shutdown,
            next_viewer_id: AtomicU64::new(1),
            inputs: AtomicU64::new(0),
            advanced: Notify::new(),
            model: Mutex::new(model::ModelState::new(Size::DEFAULT)),
            output,
            closing: watch::Sender::new(None),
            left_input: tokio::sync::Semaphore::new(input::LEFT_INPUT_BYTES),
        });
        tokio::spawn(model::follow(Arc::downgrade(&terminal), terminal.subscribe()));
        terminal.spawn_shell(false)?;
        Ok(terminal)
    }

    /// The terminal's name.
    pub fn name(&self) -> &TerminalName {
        &self.name
    }

    /// The identity of this terminal's output stream: unique per terminal and server process.
    pub fn stream(&self) -> &str {
        &self.stream
    }

    /// Inputs written so far (idle detection).
    pub fn inputs(&self) -> u64 {
        self.inputs.load(Ordering::Relaxed)
    }

    /// Whether a shell is running.
    pub fn running(&self) -> bool {
        self.lock().running
    }

    /// Viewers attached now.
    pub fn viewers(&self) -> usize {
        self.lock().positions.len()
    }

    /// Seq one past the last output byte so far.
    pub fn end(&self) -> Seq {
        self.lock().ring.end()
    }

    /// Seq of the oldest output byte the replay ring still holds.
    pub fn ring_start(&self) -> Seq {
        self.lock().ring.start()
    }

    /// Bytes the replay ring currently holds in memory.
    pub fn ring_allocated(&self) -> usize {
        self.lock().ring.allocated()
    }

    /// Whether the program enabled bracketed paste (last `ESC[?2004h`/`l` seen in its output).
    pub fn bracketed_paste(&self) -> bool {
        self.lock().bracketed_paste
    }

    /// Starts a new shell in an exited terminal; returns the seq its output starts at.
    pub fn restart(self: &Arc<Self>) -> Result<Seq, TerminalError> {
        {
            let mut shared = self.lock();
            if shared.running {
                return Err(TerminalError::Running(self.name.to_string()));
            }
            // Reserve: a concurrent restart now sees a running terminal.
            shared.running = true;
        }
        self.spawn_shell(true)
            .inspect_err(|_| self.lock().running = false)
    }

    /// Records that `viewer` is the most recently active writer with this size; resizes the PTY
    /// when the size differs from the current one.
    pub async fn activity(&self, viewer: u64, size: Size) -> Result<(), TerminalError> {
        let resize = {
            let mut shared = self.lock();
            shared.active_writer = Some(viewer);
            if shared.pty_size == size {
                false
            } else {
                // An exited terminal remembers the size for its next shell.
                shared.pty_size = size;
                model::push_resize(&mut shared, size);
                if let Some(recorder) = shared.recorder.as_mut() {
                    recorder.resize(size);
                }
                shared.running
            }
        };
        if resize {
            self.send(PtyCommand::Resize(size)).await?;
        }
        Ok(())
    }

    /// Adds bytes to the output stream as if the program had printed them (used by `clear`).
    pub fn inject_output(&self, data: &[u8]) {
        self.publish(data);
        if let Some(recorder) = self.lock().recorder.as_mut() {
            recorder.output(data);
        }
        if let Some(log) = &self.output {
            log.append_now(Bytes::copy_from_slice(data));
        }
    }

    /// Why the terminal is closing, once it is (viewers watch this to say goodbye).
    pub fn closing(&self) -> watch::Receiver<Option<Closing>> {
        self.closing.subscribe()
    }

    /// Closes the terminal: tells every viewer why (they are disconnected), then ends the whole session of
    /// its shell — SIGHUP to every process in it, background jobs included, SIGKILL to what is left
    /// after `grace` (`session/hangup.rs`). Returns once no process of it is left.
    pub async fn close(&self, code: ErrorCode, message: impl Into<String>, grace: Duration) {
        self.closing.send_replace(Some(Closing {
            code,
            message: message.into(),
        }));
        let sessions: Vec<u32> = self.lock().sessions.iter().copied().collect();
        futures_util::future::join_all(
            sessions
                .into_iter()
                .map(|session| hangup::end_session(session, grace)),
        )
        .await;
    }

    /// The terminal's full output log (`None` when it could not be created or is off).
    pub fn output(&self) -> Option<&OutputLog> {
        self.output.as_ref()
    }

    /// A fresh id for a viewer of this terminal.
    pub(crate) fn new_viewer_id(&self) -> u64 {
        self.next_viewer_id.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Shared> {
        // A poisoned lock only means another thread panicked mid-update; the data is still bytes.
        self.shared.lock().unwrap_or_else(|poison| poison.into_inner())
    }

    /// Appends PTY output to the ring and wakes the viewers. Never waits on them.
    pub(crate) fn publish(&self, data: &[u8]) {
        crate::metrics::terminal_output(data.len());
        {
            let mut shared = self.lock();
            shared.ring.push(data);
            let end = shared.ring.end();
            if shared.published.len() >= MAX_PUBLISHED {
                shared.published.pop_front();
            }
            shared.published.push_back((end, std::time::Instant::now()));
            let on = memchr::memmem::rfind(data, BRACKETED_ON);
            let off = memchr::memmem::rfind(data, BRACKETED_OFF);
            match (on, off) {
                (Some(on), Some(off)) => shared.bracketed_paste = on > off,
                (Some(_), None) => shared.bracketed_paste = true,
                (None, Some(_)) => shared.bracketed_paste = false,
                (None, None) => {}
            }
        }
        self.notify();
    }

    fn push_marker(&self, kind: MarkerKind) {
        push_marker(&mut self.lock(), kind);
        self.notify();
    }

    /// Wakes every viewer.
    pub(crate) fn notify(&self) {
        self.changed
            .send_modify(|version| *version = version.wrapping_add(1));
    }

    /// Called by the process task once every output byte of a run was published.
    pub(crate) fn finish_run(&self, status: ExitStatus) {
        {
            let mut shared = self.lock();
            shared.running = false;
            shared.input = None;
            if let Some(mut recorder) = shared.recorder.take() {
                recorder.finish(status);
            }
        }
        self.push_marker(MarkerKind::Exit(status));
    }
}

/// Appends a marker at the current end of the stream.
pub(crate) fn push_marker(shared: &mut Shared, kind: MarkerKind) {
    let marker = Marker {
        id: shared.next_marker_id,
        seq: shared.ring.end(),
        kind,
    };
    shared.next_marker_id += 1;
    shared.markers.push_back(marker);
    if shared.markers.len() > MAX_MARKERS {
        shared.markers.pop_front();
    }
}
