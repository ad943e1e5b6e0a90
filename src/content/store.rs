//! ContentStore: the rendered workshop held in memory, swapped atomically on reload, plus the embedded demo
//! workshop extracted to a private temporary folder.
//!
//! Why extract the demo rather than serve it from memory: the renderer, the static-file server, the examiner
//! (which must `exec` test programs) and the terminal scripts all work on real paths, so one on-disk code path
//! serves both a user's folder and the demo. The folder is created 0700 under the system temp dir and removed
//! when the store is dropped.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use super::{Diagnostic, Variables, Workshop, load_workshop};

/// Folder of the demo workshop inside the embedded `assets/`.
const DEMO_PREFIX: &str = "demo-workshop/";

/// Shared, cheaply cloned handle on the current rendered workshop.
#[derive(Debug, Clone)]
pub struct ContentStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    root: PathBuf,
    vars: Variables,
    current: RwLock<Arc<Workshop>>,
    /// Keeps the extracted demo alive; dropping it deletes the folder.
    demo: Option<tempfile::TempDir>,
}

/// What a reload changed, for the `content-changed` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// The rendered result is identical.
    Nothing,
    /// Only these pages' bodies changed (keys in navigation order).
    Pages(Vec<String>),
    /// Navigation changed (pages added, removed, reordered or retitled, or the workshop title).
    Everything,
}

/// The outcome of [`ContentStore::reload`].
#[derive(Debug)]
pub struct Reload {
    /// What changed compared with the previous rendering.
    pub changes: Changes,
    /// Problems found while rendering.
    pub diagnostics: Vec<Diagnostic>,
}

impl ContentStore {
    /// Loads the workshop at `root` and keeps it.
    pub fn load(root: PathBuf, vars: Variables) -> (Self, Vec<Diagnostic>) {
        Self::build(root, vars, None)
    }

    /// Extracts the embedded demo workshop to a private temporary folder and loads it.
    pub fn load_demo(vars: Variables) -> std::io::Result<(Self, Vec<Diagnostic>)> {
        let dir = tempfile::Builder::new().prefix("lectern-demo-").tempdir()?;
        extract_demo(dir.path())?;
        let root = dir.path().to_path_buf();
        Ok(Self::build(root, vars, Some(dir)))
    }

    fn build(root: PathBuf, vars: Variables, demo: Option<tempfile::TempDir>) -> (Self, Vec<Diagnostic>) {
        let (workshop, diagnostics) = load_workshop(&root, &vars);
        let inner = Inner {
            root,
            vars,
            current: RwLock::new(Arc::new(workshop)),
            demo,
        };
        (
            Self {
                inner: Arc::new(inner),
            },
            diagnostics,
        )
    }

    /// The workshop as rendered now.
    pub fn current(&self) -> Arc<Workshop> {
        match self.inner.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Re-renders from disk, swaps in the result and says which pages changed.
    pub fn reload(&self) -> Reload {
        crate::metrics::reloaded();
        let (workshop, mut diagnostics) = load_workshop(&self.inner.root, &self.inner.vars);
        // Pages that vanished because the folder could not be *read* (out of file descriptors: issue 11,
        // finding 3) are not a change: keep serving the previous rendering.
        if workshop.pages.is_empty()
            && !self.current().pages.is_empty()
            && let Err(error) = std::fs::read_dir(&workshop.content_dir)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            diagnostics.push(Diagnostic::error(
                Path::new(""),
                0,
                format!("cannot read the content folder ({error}); still serving the previous pages"),
            ));
            return Reload {
                changes: Changes::Nothing,
                diagnostics,
            };
        }
        let workshop = Arc::new(workshop);
        let previous = match self.inner.current.write() {
            Ok(mut guard) => std::mem::replace(&mut *guard, workshop.clone()),
            Err(poisoned) => std::mem::replace(&mut *poisoned.into_inner(), workshop.clone()),
        };
        Reload {
            changes: compare(&previous, &workshop),
            diagnostics,
        }
    }

    /// The workshop root on disk.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    /// True when serving the embedded demo workshop.
    pub fn is_demo(&self) -> bool {
        self.inner.demo.is_some()
    }
}

/// Which pages differ between two renderings.
pub fn compare(before: &Workshop, after: &Workshop) -> Changes {
    let same_navigation = before.title == after.title
        && before.pages.len() == after.pages.len()
        && before
            .pages
            .iter()
            .zip(&after.pages)
            .all(|(old, new)| old.key == new.key && old.title == new.title);
    if !same_navigation {
        return Changes::Everything;
    }
    let changed: Vec<String> = before
        .pages
        .iter()
        .zip(&after.pages)
        .filter(|(old, new)| old.html != new.html || old.actions != new.actions)
        .map(|(_, new)| new.key.clone())
        .collect();
    if changed.is_empty() {
        Changes::Nothing
    } else {
        Changes::Pages(changed)
    }
}

/// Writes every embedded `demo-workshop/…` file under `dir`; test programs and scripts become executable.
fn extract_demo(dir: &Path) -> std::io::Result<()> {
    for name in crate::assets::Assets::iter() {
        let Some(relative) = name.strip_prefix(DEMO_PREFIX) else {
            continue;
        };
        let Some(data) = crate::assets::get(&name) else {
            continue;
        };
        let target = dir.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, &data)?;
        if relative.contains("/examiner/tests/") || relative.ends_with(".sh") {
            make_executable(&target)?;
        }
    }
    std::fs::create_dir_all(dir.join("uploads"))?;
    Ok(())
}

#[cfg(unix)]
fn make_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
