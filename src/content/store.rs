//! ContentStore: the rendered workshop held in memory, swapped atomically on reload.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use super::{Diagnostic, Variables, Workshop, load_workshop};

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
}

impl ContentStore {
    /// Loads the workshop at `root` and keeps it.
    pub fn load(root: PathBuf, vars: Variables) -> (Self, Vec<Diagnostic>) {
        let (workshop, diagnostics) = load_workshop(&root, &vars);
        let inner = Inner {
            root,
            vars,
            current: RwLock::new(Arc::new(workshop)),
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

    /// Re-renders from disk and swaps in the result.
    pub fn reload(&self) -> Vec<Diagnostic> {
        let (workshop, diagnostics) = load_workshop(&self.inner.root, &self.inner.vars);
        match self.inner.current.write() {
            Ok(mut guard) => *guard = Arc::new(workshop),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(workshop),
        }
        diagnostics
    }

    /// The workshop root on disk.
    pub fn root(&self) -> &std::path::Path {
        &self.inner.root
    }
}
