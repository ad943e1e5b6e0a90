//! `JailFs`: dav-server's `LocalFs` behind `crate::jail`. Every path a WebDAV request names is checked by
//! the jail before `LocalFs` touches it — existing entries with [`Jail::resolve`], new ones with
//! [`Jail::resolve_new`] — so no request reads, writes, lists or deletes anything whose real path is outside
//! the files folder, a symlink out of it included (listings leave such symlinks out). Lectern's own secret
//! files (the cookie key) are refused even inside.
//!
//! Dead properties (PROPPATCH) live in memory, keyed by path: they follow MOVE and COPY, go with DELETE,
//! are bounded in size, and do not survive a restart (`LocalFs` has no property store of its own).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use dav_server::davpath::DavPath;
use dav_server::fs::{
    DavDirEntry, DavFile, DavFileSystem, DavMetaData, DavProp, FsError, FsFuture, FsResult, FsStream,
    OpenOptions, ReadDirMeta,
};
use dav_server::localfs::LocalFs;
use futures_util::{FutureExt, StreamExt};
use http::StatusCode;

use crate::jail::{Jail, JailError};

/// Largest value of one dead property, bytes (a PROPPATCH body is at most 64 KiB anyway).
const MAX_PROP_BYTES: usize = 16 * 1024;
/// Largest total of all dead properties of the session, bytes.
const MAX_PROPS_TOTAL: usize = 1024 * 1024;

/// Dead properties by path (relative to the files folder), then by `{namespace}name`.
#[derive(Debug, Default)]
pub struct PropStore {
    by_path: BTreeMap<PathBuf, HashMap<String, DavProp>>,
    bytes: usize,
}

impl PropStore {
    fn size(prop: &DavProp) -> usize {
        prop.name.len()
            + prop.namespace.as_ref().map_or(0, String::len)
            + prop.xml.as_ref().map_or(0, Vec::len)
    }

    fn key(prop: &DavProp) -> String {
        format!("{{{}}}{}", prop.namespace.as_deref().unwrap_or(""), prop.name)
    }

    /// Paths equal to `path` or below it.
    fn subtree(&self, path: &Path) -> Vec<PathBuf> {
        self.by_path
            .range(path.to_path_buf()..)
            .take_while(|(key, _)| key.starts_with(path))
            .map(|(key, _)| key.clone())
            .collect()
    }

    fn remove_tree(&mut self, path: &Path) {
        for key in self.subtree(path) {
            if let Some(props) = self.by_path.remove(&key) {
                self.bytes -= props.values().map(Self::size).sum::<usize>();
            }
        }
    }

    fn move_tree(&mut self, from: &Path, to: &Path) {
        self.remove_tree(to);
        for key in self.subtree(from) {
            if let (Some(props), Ok(rest)) = (self.by_path.remove(&key), key.strip_prefix(from)) {
                self.by_path.insert(to.join(rest), props);
            }
        }
    }

    fn copy_one(&mut self, from: &Path, to: &Path) {
        self.remove_tree(to);
        if let Some(props) = self.by_path.get(from).cloned() {
            let size: usize = props.values().map(Self::size).sum();
            if self.bytes + size <= MAX_PROPS_TOTAL {
                self.bytes += size;
                self.by_path.insert(to.to_path_buf(), props);
            }
        }
    }
}

/// The WebDAV file system: `LocalFs` on the files folder, every path checked by the jail first.
#[derive(Clone)]
pub struct JailFs {
    jail: Jail,
    local: Box<LocalFs>,
    /// Real paths never served (lectern's cookie key and its logout list).
    denied: Arc<Vec<PathBuf>>,
    props: Arc<Mutex<PropStore>>,
}

impl JailFs {
    /// The files folder `jail`; `denied` are real paths refused even inside it.
    pub fn new(jail: Jail, denied: Arc<Vec<PathBuf>>, props: Arc<Mutex<PropStore>>) -> Self {
        let local = LocalFs::new(jail.root(), true, false, false);
        Self {
            jail,
            local,
            denied,
            props,
        }
    }

    /// The request path as text relative to the files folder (`""` is the folder itself).
    fn relative(path: &DavPath) -> FsResult<&str> {
        path.as_rel_ospath().to_str().ok_or(FsError::Forbidden)
    }

    fn refuse_denied(&self, real: PathBuf) -> FsResult<PathBuf> {
        if self.denied.contains(&real) {
            Err(FsError::Forbidden)
        } else {
            Ok(real)
        }
    }

    /// The real path of an existing entry, inside the folder.
    fn existing(&self, path: &DavPath) -> FsResult<PathBuf> {
        let relative = Self::relative(path)?;
        let real = if relative.is_empty() {
            Ok(self.jail.root().to_path_buf())
        } else {
            self.jail.resolve(relative)
        };
        self.refuse_denied(real.map_err(jail_error)?)
    }

    /// The real path a new entry would get, inside the folder (an existing one there must be inside too).
    fn creatable(&self, path: &DavPath) -> FsResult<PathBuf> {
        let relative = Self::relative(path)?;
        if relative.is_empty() {
            return Err(FsError::Forbidden);
        }
        self.refuse_denied(self.jail.resolve_new(relative).map_err(jail_error)?)
    }

    fn key(path: &DavPath) -> PathBuf {
        path.as_rel_ospath().to_path_buf()
    }

    fn props(&self) -> std::sync::MutexGuard<'_, PropStore> {
        self.props.lock().unwrap_or_else(|poison| poison.into_inner())
    }
}

/// The jail's refusal as a WebDAV status: missing is 404, anything else 403.
fn jail_error(error: JailError) -> FsError {
    match error {
        JailError::NotFound(_) => FsError::NotFound,
        JailError::NotAFolder(_) => FsError::Forbidden,
        JailError::Io { source, .. } => FsError::from(source),
        JailError::Invalid { .. } | JailError::Hidden(_) | JailError::Outside(_) => FsError::Forbidden,
    }
}

impl DavFileSystem for JailFs {
    fn open<'a>(&'a self, path: &'a DavPath, options: OpenOptions) -> FsFuture<'a, Box<dyn DavFile>> {
        async move {
            let writes = options.write || options.append || options.create || options.create_new;
            if writes {
                self.creatable(path)?;
            } else {
                self.existing(path)?;
            }
            self.local.open(path, options).await
        }
        .boxed()
    }

    fn read_dir<'a>(
        &'a self,
        path: &'a DavPath,
        meta: ReadDirMeta,
    ) -> FsFuture<'a, FsStream<Box<dyn DavDirEntry>>> {
        async move {
            let real = self.existing(path)?;
            let entries = self.local.read_dir(path, meta).await?;
            let this = self.clone();
            // Entries whose real path leaves the folder (symlinks out, dangling ones) and secret files are
            // left out of listings, so clients never see what they could not open.
            let visible = entries.filter(move |entry| {
                let keep = match entry {
                    Ok(entry) => this.visible(&real, &entry.name()),
                    Err(_) => true,
                };
                std::future::ready(keep)
            });
            Ok(Box::pin(visible) as FsStream<Box<dyn DavDirEntry>>)
        }
        .boxed()
    }

    fn metadata<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, Box<dyn DavMetaData>> {
        async move {
            self.existing(path)?;
            self.local.metadata(path).await
        }
        .boxed()
    }

    fn symlink_metadata<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, Box<dyn DavMetaData>> {
        async move {
            self.existing(path)?;
            self.local.symlink_metadata(path).await
        }
        .boxed()
    }

    fn create_dir<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, ()> {
        async move {
            self.creatable(path)?;
            self.local.create_dir(path).await
        }
        .boxed()
    }

    fn remove_dir<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, ()> {
        async move {
            self.existing(path)?;
            self.local.remove_dir(path).await?;
            self.props().remove_tree(&Self::key(path));
            Ok(())
        }
        .boxed()
    }

    fn remove_file<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, ()> {
        async move {
            self.existing(path)?;
            self.local.remove_file(path).await?;
            self.props().remove_tree(&Self::key(path));
            Ok(())
        }
        .boxed()
    }

    fn rename<'a>(&'a self, from: &'a DavPath, to: &'a DavPath) -> FsFuture<'a, ()> {
        async move {
            self.existing(from)?;
            self.creatable(to)?;
            self.local.rename(from, to).await?;
            self.props().move_tree(&Self::key(from), &Self::key(to));
            Ok(())
        }
        .boxed()
    }

    fn copy<'a>(&'a self, from: &'a DavPath, to: &'a DavPath) -> FsFuture<'a, ()> {
        async move {
            self.existing(from)?;
            self.creatable(to)?;
            self.local.copy(from, to).await?;
            self.props().copy_one(&Self::key(from), &Self::key(to));
            Ok(())
        }
        .boxed()
    }

    fn have_props<'a>(
        &'a self,
        _path: &'a DavPath,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send + 'a>> {
        Box::pin(std::future::ready(true))
    }

    fn patch_props<'a>(
        &'a self,
        path: &'a DavPath,
        patch: Vec<(bool, DavProp)>,
    ) -> FsFuture<'a, Vec<(StatusCode, DavProp)>> {
        async move {
            self.existing(path)?;
            let mut store = self.props();
            let store = &mut *store;
            let props = store.by_path.entry(Self::key(path)).or_default();
            let mut answers = Vec::with_capacity(patch.len());
            for (set, prop) in patch {
                let shown = DavProp {
                    xml: None,
                    ..prop.clone()
                };
                let key = PropStore::key(&prop);
                let old = props.get(&key).map_or(0, PropStore::size);
                if !set {
                    props.remove(&key);
                    store.bytes -= old;
                    answers.push((StatusCode::OK, shown));
                    continue;
                }
                let size = PropStore::size(&prop);
                if size > MAX_PROP_BYTES || store.bytes - old + size > MAX_PROPS_TOTAL {
                    answers.push((StatusCode::INSUFFICIENT_STORAGE, shown));
                    continue;
                }
                store.bytes = store.bytes - old + size;
                props.insert(key, prop);
                answers.push((StatusCode::OK, shown));
            }
            Ok(answers)
        }
        .boxed()
    }

    fn get_props<'a>(&'a self, path: &'a DavPath, do_content: bool) -> FsFuture<'a, Vec<DavProp>> {
        async move {
            self.existing(path)?;
            let store = self.props();
            let props = store.by_path.get(&Self::key(path));
            Ok(props
                .into_iter()
                .flat_map(|props| props.values())
                .map(|prop| {
                    if do_content {
                        prop.clone()
                    } else {
                        DavProp {
                            xml: None,
                            ..prop.clone()
                        }
                    }
                })
                .collect())
        }
        .boxed()
    }

    fn get_prop<'a>(&'a self, path: &'a DavPath, prop: DavProp) -> FsFuture<'a, Vec<u8>> {
        async move {
            self.existing(path)?;
            let store = self.props();
            store
                .by_path
                .get(&Self::key(path))
                .and_then(|props| props.get(&PropStore::key(&prop)))
                .and_then(|prop| prop.xml.clone())
                .ok_or(FsError::NotFound)
        }
        .boxed()
    }
}

impl JailFs {
    /// Whether the entry `name` of the (real) folder `dir` may be listed.
    fn visible(&self, dir: &Path, name: &[u8]) -> bool {
        use std::os::unix::ffi::OsStrExt;
        let path = dir.join(std::ffi::OsStr::from_bytes(name));
        let real = match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => match self.jail.contain(&path) {
                Ok(real) => real,
                Err(_) => return false,
            },
            Ok(_) => path,
            Err(_) => return false,
        };
        !self.denied.contains(&real)
    }
}
