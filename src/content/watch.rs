//! Live reload: watches the workshop folder (notify + a debouncer) with a polling fallback, re-renders through
//! [`ContentStore::reload`] and publishes `Event::ContentChanged` with the keys of the pages that changed.
//!
//! The poll fallback scans the tree every second, following symlinks and comparing (path, size, mtime, inode),
//! so it notices what inotify misses: a Kubernetes ConfigMap update swaps the `..data` symlink atomically,
//! which replaces every file without touching the watched directories' inodes, and network or overlay file
//! systems that deliver no events at all. Entries whose names start with `.` (editor swap files, `.git`, the
//! ConfigMap's own `..data` / `..2024_…` folders) are not scanned; they are reached through the symlinks that
//! point into them.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use tokio::sync::mpsc;

use super::store::{Changes, ContentStore};
use crate::events::{Event, EventBus};

/// Quiet time after the last file-system event before reloading, milliseconds.
pub const DEFAULT_DEBOUNCE_MS: u64 = 150;
/// Interval of the polling fallback, milliseconds.
pub const DEFAULT_POLL_MS: u64 = 1000;
/// The scan stops after this many entries (a workshop folder is far smaller).
const MAX_SCAN_ENTRIES: usize = 20_000;
/// The scan does not descend deeper than this (also bounds symlink loops).
const MAX_SCAN_DEPTH: usize = 16;

/// Timings of the watcher.
#[derive(Debug, Clone, Copy)]
pub struct WatchOptions {
    /// Debounce of file-system events.
    pub debounce: Duration,
    /// Poll-fallback interval.
    pub poll_interval: Duration,
    /// Use file-system events (off: polling only, as on file systems without events).
    pub notify: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            debounce: Duration::from_millis(DEFAULT_DEBOUNCE_MS),
            poll_interval: Duration::from_millis(DEFAULT_POLL_MS),
            notify: true,
        }
    }
}

/// Starts watching the store's folder; abort the returned task to stop (the notify thread stops with it).
pub fn spawn(store: ContentStore, events: EventBus, options: WatchOptions) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(store, events, options))
}

async fn run(store: ContentStore, events: EventBus, options: WatchOptions) {
    let root = store.root().to_path_buf();
    let (notify_tx, mut notify_rx) = mpsc::channel::<()>(1);
    // Kept alive for the life of this task: dropping it stops the notify thread.
    let debouncer = if options.notify {
        start_notify(&root, options.debounce, notify_tx)
    } else {
        None
    };
    let mut notify_alive = debouncer.is_some();
    let mut fingerprint = scan(&root).await;
    let mut ticker = tokio::time::interval(options.poll_interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    tracing::info!(root = %root.display(), notify = notify_alive, "watching the workshop for changes");
    loop {
        tokio::select! {
            message = notify_rx.recv(), if notify_alive => {
                if message.is_none() {
                    notify_alive = false;
                    continue;
                }
            }
            _ = ticker.tick() => {
                let now = scan(&root).await;
                if now == fingerprint {
                    continue;
                }
            }
        }
        let reloading = store.clone();
        let reload = match tokio::task::spawn_blocking(move || reloading.reload()).await {
            Ok(reload) => reload,
            Err(error) => {
                tracing::error!(%error, "reloading the workshop failed");
                continue;
            }
        };
        fingerprint = scan(&root).await;
        for diagnostic in &reload.diagnostics {
            tracing::warn!(%diagnostic, "workshop problem");
        }
        let pages = match reload.changes {
            Changes::Nothing => continue,
            Changes::Pages(keys) => keys,
            Changes::Everything => Vec::new(),
        };
        tracing::info!(pages = ?pages, "workshop changed on disk");
        events.publish(Event::ContentChanged { pages });
    }
}

/// Starts notify on `root`; `None` (with a warning) when the platform refuses, e.g. out of inotify watches.
fn start_notify(
    root: &Path,
    debounce: Duration,
    tx: mpsc::Sender<()>,
) -> Option<
    notify_debouncer_full::Debouncer<notify::RecommendedWatcher, notify_debouncer_full::RecommendedCache>,
> {
    let handler = move |result: DebounceEventResult| {
        let relevant = match result {
            Ok(events) => events.iter().any(|event| {
                matches!(
                    event.event.kind,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
                )
            }),
            Err(_) => true,
        };
        if relevant {
            // A full channel already holds a pending reload.
            let _ = tx.try_send(());
        }
    };
    let mut debouncer = match new_debouncer(debounce, None, handler) {
        Ok(debouncer) => debouncer,
        Err(error) => {
            tracing::warn!(%error, "file events unavailable; polling the workshop folder instead");
            return None;
        }
    };
    if let Err(error) = debouncer.watch(root, RecursiveMode::Recursive) {
        tracing::warn!(%error, root = %root.display(), "cannot watch the workshop folder; polling instead");
        return None;
    }
    Some(debouncer)
}

/// Fingerprint of the tree under `root` (on a blocking thread).
async fn scan(root: &Path) -> u64 {
    let root = root.to_path_buf();
    tokio::task::spawn_blocking(move || fingerprint(&root))
        .await
        .unwrap_or_default()
}

/// Hash of (relative path, size, mtime, inode) of every non-hidden entry, following symlinks.
pub fn fingerprint(root: &Path) -> u64 {
    let mut entries = Vec::new();
    collect(root, Path::new(""), 0, &mut entries);
    entries.sort();
    let mut hasher = DefaultHasher::new();
    entries.hash(&mut hasher);
    hasher.finish()
}

type Entry = (PathBuf, u64, i128, u64);

fn collect(dir: &Path, relative: &Path, depth: usize, out: &mut Vec<Entry>) {
    if depth > MAX_SCAN_DEPTH {
        return;
    }
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in listing.flatten() {
        if out.len() >= MAX_SCAN_ENTRIES {
            return;
        }
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(metadata) = std::fs::metadata(&path) else {
            continue;
        };
        let child = relative.join(&name);
        out.push((
            child.clone(),
            metadata.len(),
            mtime_nanos(&metadata),
            inode(&metadata),
        ));
        if metadata.is_dir() {
            collect(&path, &child, depth + 1, out);
        }
    }
}

fn mtime_nanos(metadata: &std::fs::Metadata) -> i128 {
    match metadata.modified() {
        Ok(time) => match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => after.as_nanos() as i128,
            Err(before) => -(before.duration().as_nanos() as i128),
        },
        Err(_) => 0,
    }
}

#[cfg(unix)]
fn inode(metadata: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    metadata.ino() ^ metadata.dev().rotate_left(32)
}

#[cfg(not(unix))]
fn inode(_metadata: &std::fs::Metadata) -> u64 {
    0
}
