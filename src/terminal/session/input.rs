//! A terminal's input side: input goes straight to the PTY when nothing is queued, else through the
//! running shell's queue (64 writes, `busy` after 10 s without room); input whose client left is still
//! written, within a per-terminal budget.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;

use super::Terminal;
use crate::terminal::{Size, TerminalError};

/// How long input may wait for a full input queue before `Busy` is reported.
const INPUT_TIMEOUT: Duration = Duration::from_secs(10);
/// Input whose client left before it was written that a terminal still writes, at most (bytes): more
/// than one connection can leave (its 1 MiB of waiting input, a message and the one being written).
pub(super) const LEFT_INPUT_BYTES: usize = 4 << 20;

/// A request for the input writer task of the running shell.
#[derive(Debug)]
pub(crate) enum PtyCommand {
    Input(Bytes),
    Resize(Size),
}

/// The running shell's input side: the queue of the writer task (`process::feed`) and the PTY
/// writer itself, which input may also use directly when nothing is queued (see
/// [`Terminal::write_now`]).
#[derive(Debug, Clone)]
pub(crate) struct PtyInput {
    pub(crate) queue: mpsc::Sender<PtyCommand>,
    pub(crate) writer: Arc<tokio::sync::Mutex<pty_process::OwnedWritePty>>,
    /// Commands queued or being written by the writer task; the direct path needs zero.
    pub(crate) pending: Arc<AtomicUsize>,
    /// Set when input waited `INPUT_TIMEOUT` for a full queue; while set and the queue is still
    /// full, further input is refused at once instead of waiting again.
    pub(crate) busy: Arc<AtomicBool>,
}

impl Terminal {
    /// Writes input bytes to the shell, on behalf of `viewer` (PTY size rule: the most recently
    /// active writer's size wins, so `size` is applied first when it differs).
    pub async fn input(&self, viewer: Option<(u64, Size)>, data: Bytes) -> Result<(), TerminalError> {
        if let Some((id, size)) = viewer {
            self.activity(id, size).await?;
        }
        crate::metrics::terminal_input(data.len());
        self.inputs.fetch_add(1, Ordering::Relaxed);
        match self.write_now(data) {
            None => Ok(()),
            Some(rest) => self.send(PtyCommand::Input(rest)).await,
        }
    }

    /// Writes input straight to the PTY when nothing is queued before it and the PTY takes it
    /// without waiting, so a keystroke costs no hand-over to the writer task (one task wake-up less
    /// on every echo). Returns what still has to be queued; a partly written input has its rest
    /// queued before the writer is released, so nothing can overtake it.
    fn write_now(&self, data: Bytes) -> Option<Bytes> {
        use futures_util::FutureExt;
        use tokio::io::AsyncWriteExt;

        let Some(input) = self.lock().input.clone() else {
            return Some(data);
        };
        let Ok(mut writer) = input.writer.try_lock() else {
            return Some(data);
        };
        if input.pending.load(Ordering::Acquire) != 0 {
            return Some(data);
        }
        match writer.write(&data).now_or_never() {
            Some(Ok(written)) if written >= data.len() => None,
            Some(Ok(written)) => {
                input.pending.fetch_add(1, Ordering::AcqRel);
                if input
                    .queue
                    .try_send(PtyCommand::Input(data.slice(written..)))
                    .is_err()
                {
                    // Only when the shell is gone (the queue was empty): nothing left to write to.
                    input.pending.fetch_sub(1, Ordering::AcqRel);
                }
                None
            }
            Some(Err(_)) | None => Some(data),
        }
    }

    /// Room for `bytes` of input whose client left and which is still to be written (all of the room when
    /// `bytes` is more), held until the permit is dropped; waits while other such input takes it, so a
    /// program that reads slowly cannot make lectern hold more than `LEFT_INPUT_BYTES` of it.
    pub async fn hold_left_input(&self, bytes: usize) -> Option<tokio::sync::SemaphorePermit<'_>> {
        let bytes = u32::try_from(bytes.min(LEFT_INPUT_BYTES)).unwrap_or(u32::MAX);
        self.left_input.acquire_many(bytes).await.ok()
    }

    pub(super) async fn send(&self, command: PtyCommand) -> Result<(), TerminalError> {
        let input = self.lock().input.clone();
        let Some(input) = input else {
            return Err(TerminalError::Exited(self.name.to_string()));
        };
        if input.busy.load(Ordering::Acquire) && input.queue.capacity() == 0 {
            // The program still reads nothing: do not make every further input wait again.
            return Err(TerminalError::Busy(self.name.to_string()));
        }
        input.pending.fetch_add(1, Ordering::AcqRel);
        let sent = input.queue.send_timeout(command, INPUT_TIMEOUT).await;
        if sent.is_err() {
            input.pending.fetch_sub(1, Ordering::AcqRel);
        }
        input.busy.store(
            matches!(sent, Err(mpsc::error::SendTimeoutError::Timeout(_))),
            Ordering::Release,
        );
        match sent {
            Ok(()) => Ok(()),
            Err(mpsc::error::SendTimeoutError::Timeout(_)) => Err(TerminalError::Busy(self.name.to_string())),
            Err(mpsc::error::SendTimeoutError::Closed(_)) => {
                Err(TerminalError::Exited(self.name.to_string()))
            }
        }
    }
}
