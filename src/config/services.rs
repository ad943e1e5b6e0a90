//! Workshop-service settings: download and upload folders, upload limit and the
//! feature switches of `/files/`, `/upload/` and `/examiner/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{ConfigError, Secret};
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
    /// `ENABLE_WEBDAV` as given.
    pub webdav: Option<bool>,
    /// `WEBDAV_USERNAME` as given (`None`: the session namespace).
    pub webdav_username: Option<String>,
    /// `WEBDAV_PASSWORD` (`None`: `/webdav/` takes lectern's own login).
    pub webdav_password: Option<Secret>,
    /// `ENABLE_GIT` as given.
    pub git: Option<bool>,
    /// `GIT_USERNAME` as given (`None`: the session name).
    pub git_username: Option<String>,
    /// `GIT_PASSWORD` (`None`: `SERVICES_PASSWORD`, else lectern's own login).
    pub git_password: Option<Secret>,
    /// `LECTERN_GIT_REPOSITORIES` as given, made absolute (`None`: `$HOME/.local/share/lectern/git`).
    pub git_repositories: Option<PathBuf>,
    /// `LECTERN_IDLE_TIMEOUT`: without a portal, the session ends after this long idle (`None`: never).
    pub idle_timeout: Option<std::time::Duration>,
    /// `LECTERN_TERMINAL_REAP_AFTER`: exited, unwatched terminals go after this long (`None`: never).
    pub terminal_reap_after: Option<std::time::Duration>,
}

/// Default for `LECTERN_TERMINAL_REAP_AFTER`: five minutes.
pub const DEFAULT_TERMINAL_REAP_AFTER: std::time::Duration = std::time::Duration::from_secs(300);

/// `0` is "never".
fn seconds(value: Option<u64>, default: Option<std::time::Duration>) -> Option<std::time::Duration> {
    match value {
        Some(0) => None,
        Some(seconds) => Some(std::time::Duration::from_secs(seconds)),
        None => default,
    }
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
            webdav: None,
            webdav_username: None,
            webdav_password: None,
            git: None,
            git_username: None,
            git_password: None,
            git_repositories: None,
            idle_timeout: None,
            terminal_reap_after: Some(DEFAULT_TERMINAL_REAP_AFTER),
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
            webdav: args.enable_webdav,
            webdav_username: non_empty(&args.webdav_username),
            webdav_password: non_empty(&args.webdav_password).map(Secret),
            git: args.enable_git,
            git_username: non_empty(&args.git_username),
            git_password: non_empty(&args.git_password).map(Secret),
            git_repositories: args.git_repositories.as_deref().map(under_home),
            idle_timeout: seconds(args.idle_timeout, None),
            terminal_reap_after: seconds(args.terminal_reap_after, Some(DEFAULT_TERMINAL_REAP_AFTER)),
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

    /// Whether `/webdav/` is served: the flag, else the workshop's `applications.webdav.enabled`, else off.
    pub fn webdav_enabled(&self, from_workshop: Option<bool>) -> bool {
        self.webdav.or(from_workshop).unwrap_or(false)
    }

    /// Whether Git is served: the flag, else the workshop's `applications.git.enabled`, else off.
    pub fn git_enabled(&self, from_workshop: Option<bool>) -> bool {
        self.git.or(from_workshop).unwrap_or(false)
    }
}

impl ServicesConfig {
    /// Fills the `git_*` session variables the original sets for its Git server when the environment did
    /// not: `git_protocol` (the ingress protocol), `git_host` (`git-<session>.<domain><port suffix>`),
    /// `git_username`, and — only from an explicit `GIT_PASSWORD`, so the services password it otherwise
    /// defaults to never lands in a page or a shell — `git_password` and `git_auth_token` (base64 of
    /// `user:password`). Not when Git is switched off by flag.
    pub fn fill_git_vars(&self, vars: &mut BTreeMap<String, String>) {
        if self.git == Some(false) {
            return;
        }
        let var = |vars: &BTreeMap<String, String>, name: &str, default: &str| {
            vars.get(name)
                .filter(|v| !v.is_empty())
                .cloned()
                .unwrap_or_else(|| default.to_string())
        };
        let session = var(vars, "session_name", "workshop");
        let domain = var(vars, "ingress_domain", "127-0-0-1.nip.io");
        let suffix = var(vars, "ingress_port_suffix", "");
        let protocol = var(vars, "ingress_protocol", "http");
        let user = self.git_username.clone().unwrap_or_else(|| session.clone());
        let mut values = vec![
            ("git_protocol", protocol),
            ("git_host", format!("git-{session}.{domain}{suffix}")),
            ("git_username", user.clone()),
        ];
        if let Some(password) = &self.git_password {
            use base64::Engine;
            let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password.0));
            values.push(("git_password", password.0.clone()));
            values.push(("git_auth_token", token));
        }
        for (name, value) in values {
            let entry = vars.entry(name.to_string()).or_default();
            if entry.is_empty() {
                *entry = value;
            }
        }
    }
}

/// A value that is set and not blank.
fn non_empty(value: &Option<String>) -> Option<String> {
    value.as_ref().filter(|v| !v.trim().is_empty()).cloned()
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

/// Lectern's own `$HOME`, when set (the files, uploads and git folders and the examiner's log live under it).
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::parse_bytes;

    #[test]
    fn git_variables_are_filled_but_never_with_the_services_password() {
        let mut vars = std::collections::BTreeMap::new();
        vars.insert("session_name".to_string(), "s1".to_string());
        vars.insert("ingress_domain".to_string(), "example.test".to_string());
        vars.insert("ingress_port_suffix".to_string(), ":8443".to_string());
        vars.insert("git_username".to_string(), String::new());
        let config = super::ServicesConfig::default();
        config.fill_git_vars(&mut vars);
        assert_eq!(vars["git_host"], "git-s1.example.test:8443");
        assert_eq!(vars["git_username"], "s1");
        assert_eq!(vars["git_protocol"], "http");
        assert!(!vars.contains_key("git_password"));
        let config = super::ServicesConfig {
            git_password: Some(super::Secret("pw".into())),
            ..Default::default()
        };
        config.fill_git_vars(&mut vars);
        assert_eq!(vars["git_password"], "pw");
        assert_eq!(vars["git_auth_token"], "czE6cHc=");
    }

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
