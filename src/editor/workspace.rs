//! Where the editor may change files, and how: paths as authors write them (`~/x`, `$HOME/x`, relative to
//! the home folder, absolute) resolved inside the workspace root through `crate::jail` (symlinks followed
//! only inside), text read with a size limit and a binary check, and writes made atomic (a temporary file
//! in the same folder, then a rename; the file's mode kept).

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use crate::jail::{Jail, JailError};

use super::EditorError;

/// Largest file the editor operations read, bytes (16 MiB).
pub const MAX_FILE_BYTES: u64 = 16 << 20;
/// Mode of files the editor creates.
const NEW_FILE_MODE: u32 = 0o644;

/// The editor's workspace: the home folder paths are read against and the root changes must stay in.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// `$HOME` (expands `~` and `$HOME`, and is the base of relative paths).
    pub home: PathBuf,
    /// Fixed root; `None`: `$HOME/exercises` when it exists, else `$HOME` (looked at on every request).
    pub root: Option<PathBuf>,
}

/// A path resolved inside the workspace.
#[derive(Debug, Clone)]
pub struct Target {
    /// The real path (symlinks resolved; for a new file, its real folder joined with its name).
    pub real: PathBuf,
    /// The path as the learner should see it (`~/exercises/x.txt`).
    pub shown: String,
}

impl Workspace {
    /// The root in force: the configured one, else `$HOME/exercises` if it is a folder, else `$HOME`.
    pub fn root(&self) -> PathBuf {
        if let Some(root) = &self.root {
            return root.clone();
        }
        let exercises = self.home.join("exercises");
        if exercises.is_dir() {
            exercises
        } else {
            self.home.clone()
        }
    }

    /// `given` as an absolute, lexically normalised path (`~`, `$HOME`, relative → below home).
    pub fn absolute(&self, given: &str) -> PathBuf {
        let given = given.trim();
        let path = if given == "~" || given == "$HOME" || given == "${HOME}" {
            self.home.clone()
        } else if let Some(rest) = given
            .strip_prefix("~/")
            .or_else(|| given.strip_prefix("$HOME/"))
            .or_else(|| given.strip_prefix("${HOME}/"))
        {
            self.home.join(rest)
        } else if given.starts_with('/') {
            PathBuf::from(given)
        } else {
            self.home.join(given)
        };
        normalise(&path)
    }

    /// How a real path is shown to the learner (`~/…` below home).
    pub fn shown(&self, path: &Path) -> String {
        let home = self.home.canonicalize().unwrap_or_else(|_| self.home.clone());
        for base in [&home, &self.home] {
            if let Ok(rest) = path.strip_prefix(base) {
                return if rest.as_os_str().is_empty() {
                    "~".to_string()
                } else {
                    format!("~/{}", rest.display())
                };
            }
        }
        path.display().to_string()
    }

    /// The jail of the root in force and the request path of `given` below it.
    fn locate(&self, given: &str) -> Result<(Jail, String, String), EditorError> {
        if given.trim().is_empty() {
            return Err(EditorError::BadRequest("no file name given".into()));
        }
        let root = self.root();
        let absolute = self.absolute(given);
        let outside = || EditorError::Outside {
            path: given.to_string(),
            root: self.shown(&root),
        };
        let jail = Jail::new(&root).map_err(|source| EditorError::Io {
            path: self.shown(&root),
            source,
        })?;
        let below = absolute
            .strip_prefix(&root)
            .or_else(|_| absolute.strip_prefix(jail.root()))
            .map_err(|_| outside())?;
        let request = below.to_string_lossy().into_owned();
        Ok((jail, request, self.shown(&absolute)))
    }

    /// An existing file or folder.
    pub fn existing(&self, given: &str) -> Result<Target, EditorError> {
        self.resolved(given, |jail, request| jail.resolve(request))
    }

    /// `given` located, then (unless it is the root itself) resolved by `resolve`.
    fn resolved(
        &self,
        given: &str,
        resolve: impl FnOnce(&Jail, &str) -> Result<PathBuf, JailError>,
    ) -> Result<Target, EditorError> {
        let (jail, request, shown) = self.locate(given)?;
        let real = if request.is_empty() {
            jail.root().to_path_buf()
        } else {
            resolve(&jail, &request).map_err(|error| jail_error(error, given, &shown, self))?
        };
        Ok(Target { real, shown })
    }

    /// A file that may not exist yet: its folder is created (inside the root) when missing.
    pub fn for_writing(&self, given: &str) -> Result<Target, EditorError> {
        let (jail, request, shown) = self.locate(given)?;
        let (folder, name) = match request.rsplit_once('/') {
            Some((folder, name)) => (Some(folder), name),
            None => (None, request.as_str()),
        };
        if name.is_empty() {
            return Err(EditorError::WrongType(format!("{shown} is a folder, not a file")));
        }
        jail.relative(&request)
            .map_err(|error| jail_error(error, given, &shown, self))?;
        let folder = match folder {
            Some(folder) => jail
                .create_dir_all(folder)
                .map_err(|error| jail_error(error, given, &shown, self))?,
            None => jail.root().to_path_buf(),
        };
        let real = folder.join(name);
        // An existing name (a symlink included) must itself lead inside.
        if std::fs::symlink_metadata(&real).is_ok() {
            let real = jail
                .contain(&real)
                .map_err(|error| jail_error(error, given, &shown, self))?;
            if real.is_dir() {
                return Err(EditorError::WrongType(format!("{shown} is a folder, not a file")));
            }
            return Ok(Target { real, shown });
        }
        Ok(Target { real, shown })
    }

    /// Creates a folder (and its parents) inside the root.
    pub fn create_dir(&self, given: &str) -> Result<Target, EditorError> {
        self.resolved(given, |jail, request| jail.create_dir_all(request))
    }
}

fn jail_error(error: JailError, given: &str, shown: &str, workspace: &Workspace) -> EditorError {
    match error {
        JailError::Outside(_) => EditorError::Outside {
            path: given.to_string(),
            root: workspace.shown(&workspace.root()),
        },
        JailError::NotFound(_) => EditorError::NotFound(shown.to_string()),
        JailError::NotAFolder(path) => EditorError::WrongType(format!(
            "{} is a file, so {shown} cannot be made inside it",
            workspace.shown(Path::new(&path))
        )),
        JailError::Invalid { reason, .. } => {
            EditorError::BadRequest(format!("the path {given:?} is not allowed: {reason}"))
        }
        JailError::Hidden(_) => EditorError::Outside {
            path: given.to_string(),
            root: workspace.shown(&workspace.root()),
        },
        JailError::Io { source, .. } => EditorError::Io {
            path: shown.to_string(),
            source,
        },
    }
}

/// `path` with `.` and `..` resolved lexically.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Reads a text file (UTF-8, no NUL bytes, at most [`MAX_FILE_BYTES`]).
pub fn read_text(target: &Target) -> Result<String, EditorError> {
    let meta = std::fs::metadata(&target.real).map_err(|error| EditorError::io(&target.shown, error))?;
    if meta.is_dir() {
        return Err(EditorError::WrongType(format!(
            "{} is a folder, not a file",
            target.shown
        )));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(EditorError::NotEditable(format!(
            "{} is too large to edit here ({} MiB; the limit is {} MiB)",
            target.shown,
            meta.len() >> 20,
            MAX_FILE_BYTES >> 20
        )));
    }
    let bytes = std::fs::read(&target.real).map_err(|error| EditorError::io(&target.shown, error))?;
    if bytes.contains(&0) {
        return Err(EditorError::NotEditable(format!(
            "{} is not a text file",
            target.shown
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| EditorError::NotEditable(format!("{} is not a text file (not UTF-8)", target.shown)))
}

/// Reads a text file, or `None` when it does not exist.
pub fn read_text_if_exists(target: &Target) -> Result<Option<String>, EditorError> {
    match std::fs::symlink_metadata(&target.real) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        _ => read_text(target).map(Some),
    }
}

/// Writes `bytes` atomically: a temporary file in the same folder with the mode of the file it replaces
/// (or of `mode_of`, or 0644), flushed, then renamed over the target.
pub fn write_atomic(target: &Target, bytes: &[u8], mode_of: Option<&Target>) -> Result<(), EditorError> {
    let io = |error| EditorError::io(&target.shown, error);
    let folder = target.real.parent().unwrap_or(Path::new("/"));
    let mode_source = mode_of.map_or(&target.real, |source| &source.real);
    let mode =
        std::fs::metadata(mode_source).map_or(NEW_FILE_MODE, |meta| meta.permissions().mode() & 0o7777);
    let mut temp = tempfile::Builder::new()
        .prefix(".lectern-edit-")
        .tempfile_in(folder)
        .map_err(io)?;
    temp.write_all(bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    temp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))
        .map_err(io)?;
    temp.persist(&target.real).map_err(|error| io(error.error))?;
    Ok(())
}
