//! Path containment, transport-free: the one place that turns a client- or author-supplied path into a real
//! path inside a folder ("the jail"), with symlinks resolved.
//!
//! Two entry points, for the two kinds of input:
//! - a *request path* (a URL path, an upload field): [`Jail::resolve`], [`Jail::resolve_in`] and
//!   [`Jail::create_dir_all`] first check its spelling — plain `/`-separated names, no `.`/`..`, no
//!   absolute path, no backslash, NUL or control character, and (by [`DotFiles`]) no name starting with
//!   `.` — then resolve it;
//! - a *file-system path* the program built itself (an include target joined to the including file's
//!   folder, which may legitimately say `../shared/x.adoc`): [`Jail::contain`] resolves it and checks that
//!   the real path stays inside.
//!
//! Either way the answer is the real (canonical) path, inside the jail's real root; a symlink inside that
//! points outside is refused, one that points elsewhere inside is followed. With [`DotFiles::Hidden`] the real
//! path must not pass through a dot-folder either (a symlink `docs -> .ssh` does not unhide `.ssh`);
//! [`DotFiles::NotNamed`] only refuses requests that name one (a Kubernetes ConfigMap mount resolves through
//! its own `..data` folder, which is fine in the author's workshop folder).
//!
//! [`Jail::create_dir_all`] creates folders one name at a time and checks each step before the next, so a
//! symlink in the way can never make it create anything outside the jail.

use std::io;
use std::path::{Component, Path, PathBuf};

/// Longest accepted name (one path segment), bytes — Linux's `NAME_MAX`.
const MAX_NAME_BYTES: usize = 255;
/// Longest accepted request path, bytes — Linux's `PATH_MAX`.
const MAX_PATH_BYTES: usize = 4096;

/// Why a path was refused.
#[derive(Debug, thiserror::Error)]
pub enum JailError {
    /// The request path is spelled in a way that is never accepted (the reason says how).
    #[error("path {path:?} is not allowed: {reason}")]
    Invalid {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A name starts with `.` (the request's, or one on the real path) and dot-files are hidden.
    #[error("{0:?} is hidden")]
    Hidden(String),
    /// The real path lies outside the jail.
    #[error("{0:?} leads outside the allowed folder")]
    Outside(String),
    /// Nothing is there.
    #[error("{0:?} does not exist")]
    NotFound(String),
    /// A folder was needed but something else is there.
    #[error("{0:?} is not a folder")]
    NotAFolder(String),
    /// Any other file-system error.
    #[error("{path:?}: {source}")]
    Io {
        /// The path being resolved.
        path: String,
        /// The error.
        source: io::Error,
    },
}

/// What to do with names starting with `.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DotFiles {
    /// Served like any other name.
    #[default]
    Allowed,
    /// Refused when the request names one; symlinks may lead through one.
    NotNamed,
    /// Refused when the request names one or the real path (below the root) passes through one.
    Hidden,
}

/// A folder that resolved paths must stay inside. Cheap to build (one `canonicalize` of the root).
#[derive(Debug, Clone)]
pub struct Jail {
    root: PathBuf,
    dot_files: DotFiles,
}

impl Jail {
    /// A jail rooted at the real path of `root`, which must exist.
    pub fn new(root: impl AsRef<Path>) -> io::Result<Self> {
        Ok(Self {
            root: root.as_ref().canonicalize()?,
            dot_files: DotFiles::Allowed,
        })
    }

    /// Sets the rule for names starting with `.` (default [`DotFiles::Allowed`]).
    pub fn dot_files(mut self, rule: DotFiles) -> Self {
        self.dot_files = rule;
        self
    }

    /// The jail's real root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Checks the spelling of a request path and returns it as a relative path of plain names. Empty
    /// segments (`a//b`, a trailing `/`) are skipped; the empty path is refused.
    pub fn relative(&self, request: &str) -> Result<PathBuf, JailError> {
        let invalid = |reason| JailError::Invalid {
            path: request.to_string(),
            reason,
        };
        if request.is_empty() || request.bytes().all(|b| b == b'/') {
            return Err(invalid("empty"));
        }
        if request.starts_with('/') {
            return Err(invalid("absolute path"));
        }
        if request.len() > MAX_PATH_BYTES {
            return Err(invalid("too long"));
        }
        let mut out = PathBuf::new();
        for segment in request.split('/').filter(|s| !s.is_empty()) {
            if segment == "." || segment == ".." {
                return Err(invalid("`.` or `..` segment"));
            }
            if segment.chars().any(|c| c == '\\' || c.is_control()) {
                return Err(invalid("backslash or control character"));
            }
            if segment.len() > MAX_NAME_BYTES {
                return Err(invalid("name too long"));
            }
            if self.dot_files != DotFiles::Allowed && segment.starts_with('.') {
                return Err(JailError::Hidden(request.to_string()));
            }
            out.push(segment);
        }
        if !out.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(invalid("not a plain relative path"));
        }
        Ok(out)
    }

    /// The real path of the request path below the root; it must exist and lie inside.
    pub fn resolve(&self, request: &str) -> Result<PathBuf, JailError> {
        self.resolve_in(&self.root, request)
    }

    /// The real path of the request path below `start` (a folder the caller chose, e.g. a static folder
    /// of the workshop); it must exist and lie inside the jail's root.
    pub fn resolve_in(&self, start: &Path, request: &str) -> Result<PathBuf, JailError> {
        let relative = self.relative(request)?;
        self.contain(&start.join(relative))
    }

    /// The real path of a file-system path (any spelling, `..` allowed), if it exists and lies inside.
    pub fn contain(&self, path: &Path) -> Result<PathBuf, JailError> {
        let shown = || path.display().to_string();
        let real = path.canonicalize().map_err(|source| match source.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => JailError::NotFound(shown()),
            _ => JailError::Io {
                path: shown(),
                source,
            },
        })?;
        self.check_real(&real, shown)?;
        Ok(real)
    }

    /// Where a new entry named by the request path would be created: [`Jail::contain_new`] after the
    /// spelling check.
    pub fn resolve_new(&self, request: &str) -> Result<PathBuf, JailError> {
        let relative = self.relative(request)?;
        self.contain_new(&self.root.join(relative))
    }

    /// The real path a new entry at `path` would get: its parent folder must exist inside the jail, and
    /// whatever is already there under that name — a symlink included, even a dangling one, since writing
    /// through it would create its target — must itself resolve inside. Nothing is created.
    pub fn contain_new(&self, path: &Path) -> Result<PathBuf, JailError> {
        let shown = || path.display().to_string();
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(JailError::Invalid {
                path: shown(),
                reason: "no file name",
            });
        };
        let parent = self.contain(parent)?;
        if !parent.is_dir() {
            return Err(JailError::NotAFolder(parent.display().to_string()));
        }
        if self.dot_files != DotFiles::Allowed && name.as_encoded_bytes().starts_with(b".") {
            return Err(JailError::Hidden(shown()));
        }
        let target = parent.join(name);
        match std::fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() => match self.contain(&target) {
                Ok(real) => Ok(real),
                Err(JailError::NotFound(_)) => Err(JailError::Outside(shown())),
                Err(error) => Err(error),
            },
            _ => Ok(target),
        }
    }

    /// The entry a request path names, itself — a symlink is not followed to its target — inside its real
    /// parent folder, which must lie inside the jail; the entry must exist. For removing or renaming an
    /// entry rather than acting on what it points to.
    pub fn resolve_entry(&self, request: &str) -> Result<PathBuf, JailError> {
        let relative = self.relative(request)?;
        let (Some(parent), Some(name)) = (relative.parent(), relative.file_name()) else {
            return Err(JailError::Invalid {
                path: request.to_string(),
                reason: "no file name",
            });
        };
        let entry = self.contain(&self.root.join(parent))?.join(name);
        match std::fs::symlink_metadata(&entry) {
            Ok(_) => Ok(entry),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                Err(JailError::NotFound(request.to_string()))
            }
            Err(source) => Err(JailError::Io {
                path: request.to_string(),
                source,
            }),
        }
    }

    /// [`Jail::resolve`], and the result is a regular file.
    pub fn resolve_file(&self, request: &str) -> Result<PathBuf, JailError> {
        self.resolve_file_in(&self.root, request)
    }

    /// [`Jail::resolve_in`], and the result is a regular file.
    pub fn resolve_file_in(&self, start: &Path, request: &str) -> Result<PathBuf, JailError> {
        let real = self.resolve_in(start, request)?;
        if real.is_file() {
            Ok(real)
        } else {
            Err(JailError::NotFound(request.to_string()))
        }
    }

    /// Creates the folders of a request path below the root (like `mkdir -p`) and returns the real path of
    /// the last one. Each name is checked before the next is created: an existing symlink is followed only
    /// when its target is a folder inside the jail, so nothing is ever created outside.
    pub fn create_dir_all(&self, request: &str) -> Result<PathBuf, JailError> {
        let relative = self.relative(request)?;
        let mut current = self.root.clone();
        for name in relative.components() {
            let next = current.join(name);
            let shown = || next.display().to_string();
            let io_error = |source| JailError::Io {
                path: next.display().to_string(),
                source,
            };
            match std::fs::symlink_metadata(&next) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    let real = self.contain(&next)?;
                    if !real.is_dir() {
                        return Err(JailError::NotAFolder(shown()));
                    }
                    current = real;
                }
                Ok(meta) if meta.is_dir() => current = next,
                Ok(_) => return Err(JailError::NotAFolder(shown())),
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    match std::fs::create_dir(&next) {
                        Ok(()) => {}
                        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                        Err(error) => return Err(io_error(error)),
                    }
                    // Whatever is there now (ours, or a racing creator's) must itself be a plain folder.
                    let meta = std::fs::symlink_metadata(&next).map_err(io_error)?;
                    if !meta.is_dir() {
                        return Err(JailError::NotAFolder(shown()));
                    }
                    current = next;
                }
                Err(error) => return Err(io_error(error)),
            }
        }
        Ok(current)
    }

    /// `real` (canonical) lies inside the root, and passes no dot-folder when those are [`DotFiles::Hidden`].
    fn check_real(&self, real: &Path, shown: impl Fn() -> String) -> Result<(), JailError> {
        let Ok(below) = real.strip_prefix(&self.root) else {
            return Err(JailError::Outside(shown()));
        };
        if self.dot_files == DotFiles::Hidden
            && below
                .components()
                .any(|c| c.as_os_str().as_encoded_bytes().starts_with(b"."))
        {
            return Err(JailError::Hidden(shown()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
