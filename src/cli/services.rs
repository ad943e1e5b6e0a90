//! Workshop-service flags: downloads, uploads, examiner. Names follow the original.

use std::path::PathBuf;

use clap::Args;

/// Workshop services behind `/files/`, `/upload/` and `/examiner/`.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Session services (files, uploads, WebDAV, Git, examiner)")]
pub struct ServicesArgs {
    /// Serve `GET /files/…` downloads (`true`/`false`; default: the workshop's `applications.files.enabled`).
    #[arg(long, env = "ENABLE_FILES", value_name = "BOOL")]
    pub enable_files: Option<bool>,
    /// Folder served by `/files/` (default `$HOME`; relative paths are taken under `$HOME`).
    #[arg(long, env = "FILES_DIR", value_name = "DIR")]
    pub files_dir: Option<PathBuf>,
    /// Accept `POST /upload/file(s)` (`true`/`false`; default: the workshop's `applications.uploads.enabled`).
    #[arg(long, env = "ENABLE_UPLOADS", value_name = "BOOL")]
    pub enable_uploads: Option<bool>,
    /// Folder uploads are written to (default `$HOME/uploads`; relative paths are taken under `$HOME`).
    #[arg(long, env = "UPLOADS_DIR", value_name = "DIR")]
    pub uploads_dir: Option<PathBuf>,
    /// Largest upload request in bytes; suffixes K, M, G (default 100M).
    #[arg(long, env = "LECTERN_UPLOAD_LIMIT", value_name = "BYTES")]
    pub upload_limit: Option<String>,
    /// Largest total size of the uploads folder in bytes; suffixes K, M, G (default 1G).
    #[arg(long, env = "LECTERN_UPLOAD_QUOTA", value_name = "BYTES")]
    pub upload_quota: Option<String>,
    /// Run examiner tests at `POST /examiner/test/…` (`true`/`false`; default: on when the workshop has
    /// `examiner/tests/` or says `applications.examiner.enabled`).
    #[arg(long, env = "ENABLE_EXAMINER", value_name = "BOOL")]
    pub enable_examiner: Option<bool>,
    /// Serve the files folder over WebDAV at `/webdav/` (`true`/`false`; default: the workshop's
    /// `applications.webdav.enabled`).
    #[arg(long, env = "ENABLE_WEBDAV", value_name = "BOOL")]
    pub enable_webdav: Option<bool>,
    /// User name WebDAV clients log in with (default: `SESSION_NAMESPACE`, as the original).
    #[arg(long, env = "WEBDAV_USERNAME", value_name = "NAME")]
    pub webdav_username: Option<String>,
    /// Password WebDAV clients log in with (HTTP Basic). Unset: `/webdav/` takes lectern's own login.
    #[arg(
        long,
        env = "WEBDAV_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub webdav_password: Option<String>,
    /// Serve Git repositories over smart HTTP at `git-<session>.<domain>` and `/git/` (`true`/`false`;
    /// default: the workshop's `applications.git.enabled`).
    #[arg(long, env = "ENABLE_GIT", value_name = "BOOL")]
    pub enable_git: Option<bool>,
    /// User name Git clients log in with (default: `SESSION_NAME`, as the original).
    #[arg(long, env = "GIT_USERNAME", value_name = "NAME")]
    pub git_username: Option<String>,
    /// Password Git clients log in with (HTTP Basic; default: `SERVICES_PASSWORD`, as the original).
    /// Neither set: the Git routes take lectern's own login.
    #[arg(long, env = "GIT_PASSWORD", value_name = "PASSWORD", hide_env_values = true)]
    pub git_password: Option<String>,
    /// Folder holding the Git repositories (default `$HOME/.local/share/lectern/git`; relative paths
    /// are taken under `$HOME`).
    #[arg(long, env = "LECTERN_GIT_REPOSITORIES", value_name = "DIR")]
    pub git_repositories: Option<PathBuf>,
    /// Without a training portal: end the session (stop its terminals, show the final page) after this
    /// many seconds with no terminal input and no request from a browser (default 0: never). With a
    /// portal, the portal decides from `/session/activity`.
    #[arg(long, env = "LECTERN_IDLE_TIMEOUT", value_name = "SECONDS")]
    pub idle_timeout: Option<u64>,
    /// A terminal whose shell has exited and that no browser shows is removed after this many seconds,
    /// freeing its place under the terminal cap (default 300; 0: never).
    #[arg(long, env = "LECTERN_TERMINAL_REAP_AFTER", value_name = "SECONDS")]
    pub terminal_reap_after: Option<u64>,
}
