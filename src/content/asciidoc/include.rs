//! Reads `include::` targets for the AsciiDoc parser inside the workshop's content folder (the one
//! containment check, [`crate::jail::Jail::contain`]: symlinks resolved) and records which files it read.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use asciidork_core::SafeMode;
use asciidork_parser::includes::{IncludeBuffer, IncludeResolver, IncludeTarget, ResolveError};

use super::delimiters::normalize_delimiters;
use crate::jail::{Jail, JailError};

/// Reads include targets for the parser, inside an [`IncludeJail`]; records what it read and how many
/// bytes (the arena budget counts them).
#[derive(Clone)]
pub(super) struct JailResolver {
    pub(super) base_dir: String,
    pub(super) jail: Jail,
    pub(super) read: Arc<Mutex<Vec<PathBuf>>>,
    pub(super) read_bytes: Arc<AtomicUsize>,
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
        let path = self
            .jail
            .contain(std::path::Path::new(&path))
            .map_err(|error| match error {
                JailError::NotFound(_) => ResolveError::NotFound,
                JailError::Io { source, .. } => ResolveError::Io(source.to_string()),
                _ => ResolveError::RestrictedPath,
            })?;
        let bytes = std::fs::read(&path)?;
        // The same delimiter normalisation as the page itself gets.
        let text = String::from_utf8_lossy(&bytes);
        let text = normalize_delimiters(&text);
        buffer.initialize(text.len());
        buffer.as_bytes_mut().copy_from_slice(text.as_bytes());
        self.read.lock().unwrap_or_else(|p| p.into_inner()).push(path);
        self.read_bytes.fetch_add(text.len(), Ordering::Relaxed);
        Ok(text.len())
    }

    fn get_base_dir(&self) -> Option<String> {
        Some(self.base_dir.clone())
    }

    fn clone_box(&self) -> Box<dyn IncludeResolver> {
        Box::new(self.clone())
    }
}
