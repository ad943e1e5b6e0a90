//! Reads `include::` targets for the AsciiDoc parser inside an [`IncludeJail`] (never outside the
//! workshop's content folder) and records which files it read.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use asciidork_core::SafeMode;
use asciidork_parser::includes::{IncludeBuffer, IncludeResolver, IncludeTarget, ResolveError};

use super::delimiters::normalize_delimiters;

/// Reads include targets for the parser, inside an [`IncludeJail`]; records what it read.
#[derive(Clone)]
pub(super) struct JailResolver {
    pub(super) base_dir: String,
    pub(super) root: PathBuf,
    pub(super) read: Arc<Mutex<Vec<PathBuf>>>,
}

impl IncludeResolver for JailResolver {
    fn resolve(
        &mut self,
        target: IncludeTarget,
        buffer: &mut dyn IncludeBuffer,
        _: SafeMode,
    ) -> Result<usize, ResolveError> {
        let IncludeTarget::FilePath(path) = target else {
            return Err(ResolveError::UriReadNotSupported);
        };
        let path = std::fs::canonicalize(&path).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => ResolveError::NotFound,
            _ => ResolveError::Io(error.to_string()),
        })?;
        if !path.starts_with(&self.root) {
            return Err(ResolveError::RestrictedPath);
        }
        let bytes = std::fs::read(&path)?;
        // The same delimiter normalisation as the page itself gets.
        let text = String::from_utf8_lossy(&bytes);
        let text = normalize_delimiters(&text);
        buffer.initialize(text.len());
        buffer.as_bytes_mut().copy_from_slice(text.as_bytes());
        self.read.lock().unwrap_or_else(|p| p.into_inner()).push(path);
        Ok(text.len())
    }

    fn get_base_dir(&self) -> Option<String> {
        Some(self.base_dir.clone())
    }

    fn clone_box(&self) -> Box<dyn IncludeResolver> {
        Box::new(self.clone())
    }
}
