//! The full output of a terminal on disk, for `GET /terminal/{name}/output`: every byte since it
//! started, across restarts of its shell, bounded per terminal (`--terminal-output-bytes`). Two
//! segment files, `<name>.log.1` (older) and `<name>.log`; when the newer one reaches half the bound the
//! older is dropped, so between half the bound and the bound of the newest output is kept, and
//! [`OutputLog::start`] says from which seq. The PTY reader hands each read to a writer thread through a
//! bounded queue and waits only when the disk is slower than the program (the log never drops a byte).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::sync::mpsc;

use super::Seq;

/// Reads queued for the writer thread before the PTY reader waits.
const QUEUE: usize = 64;

/// Where the log stands (shared between the writer thread and readers).
#[derive(Debug, Default)]
struct State {
    /// Seq of the first byte of the older segment (or of the newer when there is no older one).
    start: Seq,
    /// Bytes in the older segment.
    older: u64,
    /// Bytes in the newer segment.
    newer: u64,
    /// The writer failed (disk full…): output from then on is missing.
    failed: Option<String>,
}

/// One terminal's output log.
#[derive(Debug, Clone)]
pub struct OutputLog {
    path: PathBuf,
    state: Arc<Mutex<State>>,
    queue: mpsc::Sender<Bytes>,
}

impl OutputLog {
    /// Creates (truncating) `<dir>/<name>.log` and starts its writer; `bound` is the most bytes kept.
    pub fn create(dir: &Path, name: &str, bound: u64) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("{name}.log"));
        let file = File::create(&path)?;
        let _ = std::fs::remove_file(older(&path));
        let state = Arc::new(Mutex::new(State::default()));
        let (queue, receiver) = mpsc::channel(QUEUE);
        let writer = Writer {
            path: path.clone(),
            file,
            state: state.clone(),
            half: (bound / 2).max(1),
        };
        tokio::task::spawn_blocking(move || writer.run(receiver));
        Ok(Self { path, state, queue })
    }

    /// Appends output (waits only while the writer is `QUEUE` reads behind).
    pub async fn append(&self, data: Bytes) {
        let _ = self.queue.send(data).await;
    }

    /// Appends output without waiting (for output lectern adds itself, e.g. `clear`); dropped and
    /// noted when the queue is full.
    pub fn append_now(&self, data: Bytes) {
        if self.queue.try_send(data).is_err() {
            self.lock().failed = Some("output added while the log was busy was not kept".to_string());
        }
    }

    /// Seq of the first byte the log still holds.
    pub fn start(&self) -> Seq {
        self.lock().start
    }

    /// Why output is missing from the log, if it is.
    pub fn failed(&self) -> Option<String> {
        self.lock().failed.clone()
    }

    /// The files holding the log, oldest first, with how many bytes of each belong to it (a reader
    /// must not read past them: the writer may be appending), and the seq of the first byte.
    pub fn segments(&self) -> (Seq, Vec<(PathBuf, u64)>) {
        let state = self.lock();
        let mut segments = Vec::new();
        if state.older > 0 {
            segments.push((older(&self.path), state.older));
        }
        segments.push((self.path.clone(), state.newer));
        (state.start, segments)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poison| poison.into_inner())
    }
}

fn older(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".1");
    PathBuf::from(name)
}

struct Writer {
    path: PathBuf,
    file: File,
    state: Arc<Mutex<State>>,
    half: u64,
}

impl Writer {
    fn run(mut self, mut receiver: mpsc::Receiver<Bytes>) {
        while let Some(data) = receiver.blocking_recv() {
            if let Err(error) = self.write(&data) {
                tracing::warn!(path = %self.path.display(), %error, "terminal output log failed");
                self.state.lock().unwrap_or_else(|p| p.into_inner()).failed =
                    Some(format!("the output log could not be written: {error}"));
                // Keep draining so the PTY never waits on a broken disk.
                while receiver.blocking_recv().is_some() {}
                return;
            }
        }
    }

    fn write(&mut self, data: &[u8]) -> std::io::Result<()> {
        let newer = self.state.lock().unwrap_or_else(|p| p.into_inner()).newer;
        if newer >= self.half {
            // Rotate: the newer segment becomes the older one, the older one is dropped.
            std::fs::rename(&self.path, older(&self.path))?;
            self.file = File::create(&self.path)?;
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.start += state.older;
            state.older = state.newer;
            state.newer = 0;
        }
        self.file.write_all(data)?;
        self.state.lock().unwrap_or_else(|p| p.into_inner()).newer += data.len() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(log: &OutputLog) -> (Seq, Vec<u8>) {
        let (start, segments) = log.segments();
        let mut out = Vec::new();
        for (path, len) in segments {
            let data = std::fs::read(path).expect("read");
            out.extend_from_slice(&data[..len as usize]);
        }
        (start, out)
    }

    async fn settle(log: &OutputLog, total: u64) {
        loop {
            let (start, segments) = log.segments();
            if start + segments.iter().map(|(_, n)| n).sum::<u64>() == total {
                return;
            }
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn keeps_everything_below_the_bound_and_the_newest_above_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = OutputLog::create(dir.path(), "1", 1000).expect("create");
        log.append(Bytes::from_static(b"hello ")).await;
        log.append(Bytes::from_static(b"world")).await;
        settle(&log, 11).await;
        assert_eq!(read_all(&log), (0, b"hello world".to_vec()));
        let data: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        for chunk in data.chunks(100) {
            log.append(Bytes::copy_from_slice(chunk)).await;
        }
        settle(&log, 3011).await;
        let (start, kept) = read_all(&log);
        assert!((500..=1000).contains(&kept.len()), "{}", kept.len());
        assert_eq!(start + kept.len() as u64, 3011);
        assert_eq!(kept, &data[data.len() - kept.len()..]);
    }
}
