//! Live reload: watches the workshop folder (notify + a debouncer) with a polling fallback, re-renders through
//! [`ContentStore::reload`] and publishes `Event::ContentChanged` with the keys of the pages that changed.
//!
//! The poll fallback scans the tree every second, following symlinks and comparing (path, size, mtime, inode),
//! so it notices what inotify misses: a Kubernetes ConfigMap update swaps the `..data` symlink atomically,
//! which replaces every file without touching the watched directories' inodes, and network or overlay file
//! systems that deliver no events at all. Entries whose names start with `.` (editor swap files, `.git`, the
//! ConfigMap's own `..data` / `..2024_…` folders) are not scanned; they are reached through the symlinks that
//! point into them.
//!
//! Events: the changed page keys; all pages (an empty list) when navigation changed or when only a file the
//! pages use changed (an image, a theme override); nothing when a reload renders the same pages.

use std::collections::BTreeMap;
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
/// The scan does not descend deeper than this (symlink loops are cut by the ancestor check before).
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
    let mut snapshot = scan(&root).await.unwrap_or_default();
    let mut unreadable = false;
    let mut ticker = tokio::time::interval(options.poll_interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    tracing::info!(root = %root.display(), notify = notify_alive, "watching the workshop for changes");
    loop {
        // The tree as it is before this reload: a change made while rendering differs from it, so the next
        // poll (or event) renders again and nothing is missed.
        let (scanned, event) = tokio::select! {
            message = notify_rx.recv(), if notify_alive => {
                if message.is_none() {
                    notify_alive = false;
                    continue;
                }
                (scan(&root).await, true)
            }
            _ = ticker.tick() => (scan(&root).await, false),
        };
        // An unreadable tree (out of file descriptors: issue 11, finding 3) keeps the pages being served;
        // the old snapshot stays, so the next readable scan reloads whatever changed meanwhile.
        let Some(now) = scanned else {
            if !unreadable {
                tracing::warn!(root = %root.display(), "cannot read the workshop folder; keeping the current pages");
                unreadable = true;
            }
            continue;
        };
        unreadable = false;
        // A file-system event reloads even when the scan looks the same (an edit within the clock's
        // granularity that kept the size); the poll only when something differs.
        if !event && now == snapshot {
            continue;
        }
        let files = changed_files(&snapshot, &now);
        snapshot = now;
        let reloading = store.clone();
        let reload = match tokio::task::spawn_blocking(move || reloading.reload()).await {
            Ok(reload) => reload,
            Err(error) => {
                tracing::error!(%error, "reloading the workshop failed");
                continue;
            }
        };
        for diagnostic in &reload.diagnostics {
            tracing::warn!(%diagnostic, "workshop problem");
        }
        let pages = match reload.changes {
            Changes::Pages(keys) => keys,
            Changes::Everything => Vec::new(),
            // Same pages, but an image or stylesheet they use may have changed: reload them all.
            Changes::Nothing if files.iter().any(|file| is_page_asset(&store, file)) => Vec::new(),
            Changes::Nothing => continue,
        };
        tracing::info!(pages = ?pages, "workshop changed on disk");
        events.publish(Event::ContentChanged { pages });
    }
}

/// True for a file pages may show that is not itself a page source: under the content folder, a Hugo static
/// folder or a theme folder (`workshop/theme`, `theme`). Changes elsewhere (`exercises/`, scripts) are not
/// the instructions' business.
fn is_page_asset(store: &ContentStore, file: &Path) -> bool {
    let workshop = store.current();
    let root = store.root();
    if workshop.pages.iter().any(|page| page.source == file) {
        return false;
    }
    let relative = |dir: &Path| dir.strip_prefix(root).map(Path::to_path_buf).unwrap_or_default();
    let mut folders = vec![
        relative(&workshop.content_dir),
        PathBuf::from("workshop/theme"),
        PathBuf::from("theme"),
    ];
    folders.extend(workshop.static_dirs.iter().map(|dir| relative(dir)));
    folders
        .iter()
        .any(|folder| !folder.as_os_str().is_empty() && file.starts_with(folder))
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

/// A snapshot of the tree under `root` (on a blocking thread); `None` when the tree could not be read.
async fn scan(root: &Path) -> Option<Snapshot> {
    let root = root.to_path_buf();
    tokio::task::spawn_blocking(move || snapshot(&root))
        .await
        .ok()
        .flatten()
}

/// What the poll compares: relative path → (is a folder, size, mtime in ns, inode) of every non-hidden entry.
pub type Snapshot = BTreeMap<PathBuf, (bool, u64, i128, u64)>;

/// Takes a [`Snapshot`] of `root`, following symlinks (a link to a folder that is already being scanned
/// further up — `self -> .`, `up -> ..` — is recorded but not entered). `None` when a folder could not be
/// listed for a reason other than its absence (e.g. out of file descriptors): such a scan says nothing
/// about the workshop, and reloading from it would serve an empty one.
pub fn snapshot(root: &Path) -> Option<Snapshot> {
    let mut out = Snapshot::new();
    let mut ancestors = Vec::new();
    collect(root, Path::new(""), &mut ancestors, &mut out).then_some(out)
}

/// Files (not folders) added, removed or changed between two snapshots.
pub fn changed_files(before: &Snapshot, after: &Snapshot) -> Vec<PathBuf> {
    let changed = |(path, entry): (&PathBuf, &(bool, u64, i128, u64)), other: &Snapshot| {
        (!entry.0 && other.get(path) != Some(entry)).then(|| path.clone())
    };
    let mut files: Vec<PathBuf> = before
        .iter()
        .filter_map(|item| changed(item, after))
        .chain(after.iter().filter_map(|item| changed(item, before)))
        .collect();
    files.sort();
    files.dedup();
    files
}

/// Scans `dir` into `out`; false when a listing failed for a reason other than the folder being gone.
fn collect(dir: &Path, relative: &Path, ancestors: &mut Vec<(u64, u64)>, out: &mut Snapshot) -> bool {
    if ancestors.len() > MAX_SCAN_DEPTH {
        return true;
    }
    let listing = match std::fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(error) => return is_gone(&error),
    };
    let Ok(here) = std::fs::metadata(dir) else {
        return true;
    };
    ancestors.push(folder_id(&here));
    let mut complete = true;
    for entry in listing {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                complete &= is_gone(&error);
                continue;
            }
        };
        if out.len() >= MAX_SCAN_ENTRIES {
            break;
        }
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let metadata = match std::fs::metadata(&path) {
            Ok(metadata) => metadata,
            Err(error) => {
                complete &= is_gone(&error);
                continue;
            }
        };
        let child = relative.join(&name);
        let is_dir = metadata.is_dir();
        out.insert(
            child.clone(),
            (is_dir, metadata.len(), mtime_nanos(&metadata), inode(&metadata)),
        );
        if is_dir && !ancestors.contains(&folder_id(&metadata)) {
            complete &= collect(&path, &child, ancestors, out);
        }
    }
    ancestors.pop();
    complete
}

/// Errors that mean "not there (any more)" rather than "could not look".
fn is_gone(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    ) || error.raw_os_error() == Some(40) // ELOOP: a symlink cycle is simply not followed
}

#[cfg(unix)]
fn folder_id(metadata: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (metadata.dev(), metadata.ino())
}

#[cfg(not(unix))]
fn folder_id(_metadata: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
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
