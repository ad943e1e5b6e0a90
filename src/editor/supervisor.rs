//! code-server as a supervised child, with the original's conventions (port 10085, `--auth none` behind
//! lectern's login, the workspace folder as its folder): lectern installs its VS Code extension into it,
//! starts it in its own process group, restarts it when it exits (backing off), reports its state, and on
//! shutdown stops the whole group (the `code-server` launcher forks the real server). The child gets the
//! channel's address and secret in its environment and none of lectern's other secrets.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};
use tokio::sync::watch;

/// First wait before restarting a child that exited; doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// Longest wait between restarts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// A child that ran this long resets the back-off.
const STABLE_AFTER: Duration = Duration::from_secs(60);
/// How long code-server may take to install the extension.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(180);
/// Time given to the process group to exit on SIGTERM before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// How to start code-server.
#[derive(Debug, Clone)]
pub struct LaunchConfig {
    /// The `code-server` executable.
    pub command: PathBuf,
    /// Loopback port it listens on.
    pub port: u16,
    /// The folder it opens.
    pub folder: PathBuf,
    /// Its user-data and extensions folders live here (`None`: code-server's defaults).
    pub data_dir: Option<PathBuf>,
    /// The extension to install first (the bytes of a `.vsix`).
    pub extension: Option<Vec<u8>>,
    /// Environment added for the child (the channel's address and secret).
    pub env: Vec<(String, String)>,
}

/// The supervised editor's state, for `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorStatus {
    /// Being started (or waiting for its port).
    Starting,
    /// Answering on its port.
    Running,
    /// Exited; restarting after a pause.
    Restarting(String),
    /// It cannot be started (the command is missing).
    Failed(String),
    /// Stopped at shutdown.
    Stopped,
}

impl std::fmt::Display for EditorStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditorStatus::Starting => write!(f, "starting"),
            EditorStatus::Running => write!(f, "running"),
            EditorStatus::Restarting(why) => write!(f, "restarting ({why})"),
            EditorStatus::Failed(why) => write!(f, "not running: {why}"),
            EditorStatus::Stopped => write!(f, "stopped"),
        }
    }
}

/// A running supervisor.
#[derive(Debug)]
pub struct Supervisor {
    status: watch::Receiver<EditorStatus>,
    stop: watch::Sender<bool>,
    task: tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Supervisor {
    /// Starts supervising code-server.
    pub fn start(config: LaunchConfig) -> Self {
        let (status_tx, status) = watch::channel(EditorStatus::Starting);
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(supervise(config, status_tx, stop_rx));
        Self {
            status,
            stop,
            task: tokio::sync::Mutex::new(Some(task)),
        }
    }

    /// The current state.
    pub fn status(&self) -> EditorStatus {
        self.status.borrow().clone()
    }

    /// Stops the child's whole process group and the supervision.
    pub async fn stop(&self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.lock().await.take() {
            let _ = task.await;
        }
    }
}

fn command(config: &LaunchConfig) -> Command {
    let mut command = Command::new(&config.command);
    if let Some(dir) = &config.data_dir {
        command
            .arg("--user-data-dir")
            .arg(dir.join("data"))
            .arg("--extensions-dir")
            .arg(dir.join("extensions"));
    }
    for name in crate::config::SECRET_ENV {
        command.env_remove(name);
    }
    // A dev container's VS Code must not capture this one (the original's start-editor does the same).
    command.env_remove("VSCODE_IPC_HOOK_CLI");
    command.envs(config.env.iter().map(|(k, v)| (k, v)));
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command.process_group(0).kill_on_drop(true);
    command
}

async fn install_extension(config: &LaunchConfig) {
    let Some(bytes) = &config.extension else { return };
    let vsix = match tempfile::Builder::new()
        .prefix("lectern-editor-")
        .suffix(".vsix")
        .tempfile()
    {
        Ok(mut file) => match std::io::Write::write_all(&mut file, bytes) {
            Ok(()) => file.into_temp_path(),
            Err(error) => return tracing::warn!(%error, "cannot write lectern's VS Code extension"),
        },
        Err(error) => return tracing::warn!(%error, "cannot write lectern's VS Code extension"),
    };
    let mut install = command(config);
    install.arg("--install-extension").arg(&*vsix).arg("--force");
    let result = match install.spawn() {
        Ok(mut child) => match tokio::time::timeout(INSTALL_TIMEOUT, child.wait()).await {
            Ok(Ok(status)) if status.success() => return,
            Ok(Ok(status)) => format!("exit {status}"),
            Ok(Err(error)) => error.to_string(),
            Err(_) => {
                kill_group(child.id(), nix::sys::signal::Signal::SIGKILL);
                "timed out".into()
            }
        },
        Err(error) => error.to_string(),
    };
    tracing::warn!(
        result,
        "could not install lectern's VS Code extension: editor actions that need the editor will not work"
    );
}

/// Signals the process group led by `leader` (its pid, taken at spawn: once reaped, a child has no id).
fn kill_group(leader: Option<u32>, signal: nix::sys::signal::Signal) {
    if let Some(pid) = leader {
        let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pid as i32), signal);
    }
}

/// SIGTERM to the whole group, a grace period for the launcher, then SIGKILL to whatever of the group is
/// left (the launcher may exit before the server it forked).
async fn stop_child(mut child: Child, leader: Option<u32>) {
    kill_group(leader, nix::sys::signal::Signal::SIGTERM);
    let _ = tokio::time::timeout(STOP_GRACE, child.wait()).await;
    kill_group(leader, nix::sys::signal::Signal::SIGKILL);
    let _ = child.wait().await;
}

/// The original's editor settings (no welcome page, no trust prompt, no telemetry), written into a data
/// folder lectern owns when it has none yet.
const DEFAULT_SETTINGS: &str = r#"{
    "workbench.startupEditor": "none",
    "window.restoreWindows": "none",
    "files.hotExit": "off",
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "update.mode": "none"
}
"#;

fn write_default_settings(config: &LaunchConfig) {
    let Some(dir) = &config.data_dir else { return };
    let user = dir.join("data").join("User");
    let settings = user.join("settings.json");
    if settings.exists() {
        return;
    }
    if let Err(error) =
        std::fs::create_dir_all(&user).and_then(|()| std::fs::write(&settings, DEFAULT_SETTINGS))
    {
        tracing::warn!(%error, "cannot write code-server's settings");
    }
}

async fn supervise(
    config: LaunchConfig,
    status: watch::Sender<EditorStatus>,
    mut stop: watch::Receiver<bool>,
) {
    write_default_settings(&config);
    install_extension(&config).await;
    let mut backoff = FIRST_BACKOFF;
    loop {
        if *stop.borrow() {
            break;
        }
        status.send_replace(EditorStatus::Starting);
        let mut launch = command(&config);
        launch
            .args(["--bind-addr", &format!("127.0.0.1:{}", config.port)])
            .args(["--auth", "none", "--disable-telemetry", "--disable-update-check"])
            .args(["--disable-workspace-trust", "--ignore-last-opened"])
            .arg(&config.folder);
        let mut child = match launch.spawn() {
            Ok(child) => child,
            Err(error) => {
                let why = format!("cannot start {}: {error}", config.command.display());
                tracing::error!("{why}");
                status.send_replace(EditorStatus::Failed(why));
                return;
            }
        };
        let leader = child.id();
        tracing::info!(port = config.port, "code-server started");
        let started = tokio::time::Instant::now();
        let port = config.port;
        let watch_port = async {
            loop {
                if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                    status.send_replace(EditorStatus::Running);
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        };
        let exited = tokio::select! {
            exit = child.wait() => Some(exit),
            _ = stop.wait_for(|stop| *stop) => None,
            () = async { watch_port.await; std::future::pending::<()>().await } => None,
        };
        let Some(exit) = exited else {
            stop_child(child, leader).await;
            break;
        };
        // The launcher exited: make sure nothing of its group stays behind.
        kill_group(leader, nix::sys::signal::Signal::SIGKILL);
        let why = match exit {
            Ok(code) => format!("exited with {code}"),
            Err(error) => error.to_string(),
        };
        if started.elapsed() > STABLE_AFTER {
            backoff = FIRST_BACKOFF;
        }
        tracing::warn!(why, ?backoff, "code-server stopped; restarting");
        status.send_replace(EditorStatus::Restarting(why));
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            _ = stop.wait_for(|stop| *stop) => break,
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
    status.send_replace(EditorStatus::Stopped);
}
