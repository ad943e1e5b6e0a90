//! Optional asciicast v2 recording of each shell run to `--record-dir` (one `.cast` file per run).
//! Events go through a bounded queue to a writer task. Output is lossless: the PTY reader waits for
//! room ([`RecordHandle::output`]) — only a disk slower than the program slows it; resizes and the exit
//! are queued without waiting (dropped and counted when the queue is full, which output never is for
//! long).

use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

use super::Size;
use super::session::ExitStatus;

/// Recording events queued per terminal before new ones are dropped.
const QUEUE: usize = 1024;

#[derive(Debug)]
enum Event {
    Output(f64, Vec<u8>),
    Resize(f64, Size),
    Exit(f64, ExitStatus),
}

/// What the PTY reader records output through (a clone of the queue).
#[derive(Debug, Clone)]
pub struct RecordHandle {
    started: Instant,
    events: mpsc::Sender<Event>,
}

impl RecordHandle {
    /// Records PTY output, waiting for room in the queue.
    pub async fn output(&self, data: &[u8]) {
        let at = self.started.elapsed().as_secs_f64();
        let _ = self.events.send(Event::Output(at, data.to_vec())).await;
    }
}

/// The recording of one shell run.
#[derive(Debug)]
pub struct Recorder {
    started: Instant,
    events: mpsc::Sender<Event>,
    dropped: u64,
}

impl Recorder {
    /// Opens `<dir>/<name>-<unix seconds>-<millis>.cast` and writes the header; `None` (logged) on error.
    pub fn create(dir: &Path, name: &str, size: Size) -> Option<Self> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let path = dir.join(format!(
            "{name}-{}-{:03}.cast",
            now.as_secs(),
            now.subsec_millis()
        ));
        let file = match std::fs::create_dir_all(dir).and_then(|()| std::fs::File::create(&path)) {
            Ok(file) => file,
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "cannot create terminal recording");
                return None;
            }
        };
        let header = serde_json::json!({
            "version": 2,
            "width": size.cols,
            "height": size.rows,
            "timestamp": now.as_secs(),
            "env": {"TERM": "xterm-256color"},
            "title": name,
        });
        let (events, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write_cast(
            tokio::fs::File::from_std(file),
            header.to_string(),
            receiver,
        ));
        Some(Self {
            started: Instant::now(),
            events,
            dropped: 0,
        })
    }

    fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    fn queue(&mut self, event: Event) {
        if self.events.try_send(event).is_err() {
            self.dropped += 1;
        }
    }

    /// The handle the PTY reader records output through.
    pub fn handle(&self) -> RecordHandle {
        RecordHandle {
            started: self.started,
            events: self.events.clone(),
        }
    }

    /// Records output without waiting (output lectern adds itself, e.g. `clear`).
    pub fn output(&mut self, data: &[u8]) {
        let at = self.elapsed();
        self.queue(Event::Output(at, data.to_vec()));
    }

    /// Records a PTY resize.
    pub fn resize(&mut self, size: Size) {
        let at = self.elapsed();
        self.queue(Event::Resize(at, size));
    }

    /// Records the end of the run and closes the file.
    pub fn finish(&mut self, status: ExitStatus) {
        if self.dropped > 0 {
            tracing::warn!(dropped = self.dropped, "terminal recording dropped events");
        }
        let at = self.elapsed();
        self.queue(Event::Exit(at, status));
    }
}

async fn write_cast(file: tokio::fs::File, header: String, mut events: mpsc::Receiver<Event>) {
    let mut out = tokio::io::BufWriter::new(file);
    let mut pending: Vec<u8> = Vec::new();
    let mut line = header;
    loop {
        line.push('\n');
        if out.write_all(line.as_bytes()).await.is_err() {
            return;
        }
        let Some(event) = events.recv().await else {
            break;
        };
        line = match event {
            Event::Output(at, data) => {
                pending.extend_from_slice(&data);
                let text = take_utf8(&mut pending);
                serde_json::json!([round(at), "o", text]).to_string()
            }
            Event::Resize(at, size) => {
                serde_json::json!([round(at), "r", format!("{}x{}", size.cols, size.rows)]).to_string()
            }
            Event::Exit(at, status) => {
                let label = match (status.code, status.signal) {
                    (_, Some(signal)) => format!("exit signal {signal}"),
                    (code, None) => format!("exit {}", code.unwrap_or(0)),
                };
                serde_json::json!([round(at), "m", label]).to_string()
            }
        };
    }
    let _ = out.flush().await;
}

fn round(seconds: f64) -> f64 {
    (seconds * 1_000_000.0).round() / 1_000_000.0
}

/// Takes the longest prefix of `pending` that is complete UTF-8 (invalid bytes become U+FFFD) and
/// keeps an incomplete trailing character for the next chunk.
fn take_utf8(pending: &mut Vec<u8>) -> String {
    let keep = match std::str::from_utf8(pending) {
        Ok(_) => 0,
        Err(error) if error.error_len().is_none() => pending.len() - error.valid_up_to(),
        Err(_) => 0,
    };
    let tail = pending.split_off(pending.len() - keep);
    let text = String::from_utf8_lossy(pending).into_owned();
    *pending = tail;
    text
}

#[cfg(test)]
mod tests {
    use super::take_utf8;

    #[test]
    fn split_characters_wait_for_their_tail() {
        let mut pending = "aé".as_bytes()[..2].to_vec();
        assert_eq!(take_utf8(&mut pending), "a");
        pending.extend_from_slice(&"é".as_bytes()[1..]);
        assert_eq!(take_utf8(&mut pending), "é");
        assert!(pending.is_empty());
    }
}
