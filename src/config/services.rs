//! Workshop-service settings: download and upload folders, upload limit and the
//! feature switches of `/files/`, `/upload/` and `/examiner/`.

use std::path::{Path, PathBuf};

use super::ConfigError;
use crate::cli::ServicesArgs;

/// Default upload limit per request: 100 MiB.
pub const DEFAULT_UPLOAD_LIMIT_BYTES: u64 = 100 * 1024 * 1024;
/// Default size the uploads folder may reach: 1 GiB.
pub const DEFAULT_UPLOAD_QUOTA_BYTES: u64 = 1024 * 1024 * 1024;

/// Validated service settings. `None` switches defer to the workshop definition (see `*_enabled`).
#[derive(Debug, Clone)]
pub struct ServicesConfig {
    /// `ENABLE_FILES` as given.
    pub files: Option<bool>,
    /// `FILES_DIR` as given, made absolute (`None`: `$HOME`, or the demo's `files/` folder).
    pub files_dir: Option<PathBuf>,
    /// `ENABLE_UPLOADS` as given.
    pub uploads: Option<bool>,
    /// `UPLOADS_DIR` as given, made absolute (`None`: `$HOME/uploads`, or a folder in the demo's temp dir).
    pub uploads_dir: Option<PathBuf>,
    /// Largest upload request, bytes.
    pub upload_limit_bytes: u64,
    /// Largest size of the uploads folder (what is there plus what is arriving), bytes.
    pub upload_quota_bytes: u64,
    /// `ENABLE_EXAMINER` as given.
    pub examiner: Option<bool>,
}

impl Default for ServicesConfig {
    fn default() -> Self {
        Self {
            files: None,
            files_dir: None,
            uploads: None,
            uploads_dir: None,
            upload_limit_bytes: DEFAULT_UPLOAD_LIMIT_BYTES,
            upload_quota_bytes: DEFAULT_UPLOAD_QUOTA_BYTES,
            examiner: None,
        }
    }
}

impl ServicesConfig {
    /// Validates the service flags.
    pub fn from_args(args: &ServicesArgs) -> Result<Self, ConfigError> {
        let upload_limit_bytes = match &args.upload_limit {
            Some(text) => parse_bytes(text).ok_or_else(|| ConfigError::Invalid {
                name: "--upload-limit (LECTERN_UPLOAD_LIMIT)",
                message: format!("{text:?} is not a size such as 1048576, 512K, 100M or 2G"),
            })?,
            None => DEFAULT_UPLOAD_LIMIT_BYTES,
        };
        let upload_quota_bytes = match &args.upload_quota {
            Some(text) => parse_bytes(text).ok_or_else(|| ConfigError::Invalid {
                name: "--upload-quota (LECTERN_UPLOAD_QUOTA)",
                message: format!("{text:?} is not a size such as 512M or 2G"),
            })?,
            None => DEFAULT_UPLOAD_QUOTA_BYTES,
        };
        Ok(Self {
            files: args.enable_files,
            files_dir: args.files_dir.as_deref().map(under_home),
            uploads: args.enable_uploads,
            uploads_dir: args.uploads_dir.as_deref().map(under_home),
            upload_limit_bytes,
            upload_quota_bytes,
            examiner: args.enable_examiner,
        })
    }

    /// Whether `/files/` is served: the flag, else the workshop's `applications.files.enabled`, else off.
    pub fn files_enabled(&self, from_workshop: Option<bool>) -> bool {
        self.files.or(from_workshop).unwrap_or(false)
    }

    /// Whether `/upload/` is served: the flag, else the workshop's `applications.uploads.enabled`, else off.
    pub fn uploads_enabled(&self, from_workshop: Option<bool>) -> bool {
        self.uploads.or(from_workshop).unwrap_or(false)
    }

    /// Whether `/examiner/` is served: the flag, else the workshop's `applications.examiner.enabled`, else
    /// on exactly when the workshop ships an `examiner/tests/` folder.
    pub fn examiner_enabled(&self, from_workshop: Option<bool>, has_tests: bool) -> bool {
        self.examiner.or(from_workshop).unwrap_or(has_tests)
    }
}

/// `$HOME/<path>` for a relative path (the original's rule), the path itself when absolute.
fn under_home(path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(path),
        None => path.to_path_buf(),
    }
}

/// `1048576`, `512K`, `100M`, `2G` (binary multiples) → bytes; zero is refused.
fn parse_bytes(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, multiplier) = match text.char_indices().last()? {
        (index, 'k' | 'K') => (&text[..index], 1024),
        (index, 'm' | 'M') => (&text[..index], 1024 * 1024),
        (index, 'g' | 'G') => (&text[..index], 1024 * 1024 * 1024),
        _ => (text, 1),
    };
    let value: u64 = digits.trim().parse().ok()?;
    value.checked_mul(multiplier).filter(|bytes| *bytes > 0)
}

#[cfg(test)]
mod tests {
    use super::parse_bytes;

    #[test]
    fn sizes_parse_with_binary_suffixes() {
        assert_eq!(parse_bytes("10"), Some(10));
        assert_eq!(parse_bytes("2K"), Some(2048));
        assert_eq!(parse_bytes("100M"), Some(100 * 1024 * 1024));
        assert_eq!(parse_bytes("1g"), Some(1024 * 1024 * 1024));
        assert_eq!(parse_bytes("0"), None);
        assert_eq!(parse_bytes("lots"), None);
        assert_eq!(parse_bytes(""), None);
    }
}
