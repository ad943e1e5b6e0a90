//! TerminalHub: every terminal of this session by validated name, created on first use.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::protocol::ErrorCode;
use super::session::{HANGUP_GRACE, SpawnSpec};
use super::{Terminal, TerminalError, TerminalName};
use crate::config::{TerminalConfig, is_secret_env};

/// How long `shutdown` waits for viewers to take their close frame and detach.
const VIEWERS_GONE: std::time::Duration = std::time::Duration::from_secs(2);

/// All terminals of this session, by name. Cheap to clone; when the last clone is dropped every
/// shell is killed.
#[derive(Debug, Clone)]
pub struct TerminalHub {
    inner: Arc<HubInner>,
}

#[derive(Debug)]
struct HubInner {
    config: TerminalConfig,
    spec: Arc<SpawnSpec>,
    terminals: Mutex<HashMap<TerminalName, Arc<Terminal>>>,
    /// Random per hub (so per process): a terminal's stream id is `<epoch>-<n>`, and a client that
    /// kept seqs of another stream (a restarted server) can tell.
    epoch: u64,
    /// Terminals started so far (the `<n>` of stream ids).
    started: std::sync::atomic::AtomicU64,
    /// `shutdown` began: no terminal starts any more.
    shutting_down: std::sync::atomic::AtomicBool,
    /// The private folder of the terminals' full output, when none is configured (removed with the hub).
    _output_dir: Option<tempfile::TempDir>,
    /// Dropped with the hub: tells every PTY task to kill its shell.
    _shutdown: watch::Sender<()>,
    shutdown_rx: watch::Receiver<()>,
    /// Lifecycle hooks (`web/session`): set once the session has ended; no terminal starts after that.
    closed: std::sync::atomic::AtomicBool,
    /// Since when each exited, unwatched terminal has been so (for [`TerminalHub::reap`]).
    unused_since: Mutex<HashMap<TerminalName, Instant>>,
}

impl TerminalHub {
    /// A hub with no terminals yet; `session_vars` are exported to shells upper-cased, except the names
    /// of lectern's own secrets (`config::SECRET_ENV`).
    pub fn new(config: TerminalConfig, session_vars: &BTreeMap<String, String>) -> Self {
        let env = session_vars
            .iter()
            .filter_map(|(name, value)| env_name(name).map(|name| (name, value.clone())))
            .filter(|(name, _)| !is_secret_env(name))
            .collect();
        let temporary = match &config.output_dir {
            Some(_) => None,
            None => tempfile::Builder::new()
                .prefix("lectern-terminals-")
                .tempdir()
                .inspect_err(
                    |error| tracing::warn!(%error, "cannot create a folder for the terminals' full output"),
                )
                .ok(),
        };
        let output_dir = config
            .output_dir
            .clone()
            .or_else(|| temporary.as_ref().map(|dir| dir.path().to_path_buf()));
        let spec = Arc::new(SpawnSpec {
            argv: config.shell.clone(),
            use_scripts: config.shell_is_default,
            script_dirs: config.script_dirs.clone(),
            home: config.home.clone(),
            env,
            replay_bytes: config.replay_bytes,
            record_dir: config.record_dir.clone(),
            output_dir,
            output_bytes: config.output_bytes,
        });
        let (shutdown, shutdown_rx) = watch::channel(());
        Self {
            inner: Arc::new(HubInner {
                config,
                spec,
                terminals: Mutex::new(HashMap::new()),
                epoch: rand::random(),
                _output_dir: temporary,
                started: std::sync::atomic::AtomicU64::new(0),
                shutting_down: std::sync::atomic::AtomicBool::new(false),
                _shutdown: shutdown,
                shutdown_rx,
                closed: std::sync::atomic::AtomicBool::new(false),
                unused_since: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// When a skippable viewer (with feature `snapshots` or not, with its acknowledgement `window`) lags:
    /// bytes behind, age of its next byte.
    pub fn lag_bounds(&self, snapshots: bool, window: Option<u64>) -> (u64, std::time::Duration) {
        let bytes = self.inner.config.viewer_lag_bytes(snapshots, window);
        (bytes, self.inner.config.lag_time)
    }

    /// Whether terminals are served.
    pub fn enabled(&self) -> bool {
        self.inner.config.enabled
    }

    /// The terminal called `name`, starting its shell if it does not exist yet.
    pub fn get_or_start(&self, name: &TerminalName) -> Result<Arc<Terminal>, TerminalError> {
        if !self.enabled() {
            return Err(TerminalError::Disabled);
        }
        if self
            .inner
            .shutting_down
            .load(std::sync::atomic::Ordering::Acquire)
        {
            return Err(TerminalError::ShuttingDown);
        }
        let mut terminals = self
            .inner
            .terminals
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        // Under the map's lock, as `close` sets it: no terminal starts after (or slips past) the end.
        if self.inner.closed.load(std::sync::atomic::Ordering::Acquire) {
            return Err(TerminalError::Disabled);
        }
        if let Some(terminal) = terminals.get(name) {
            return Ok(terminal.clone());
        }
        if terminals.len() >= self.inner.config.max_terminals {
            return Err(TerminalError::TooMany(self.inner.config.max_terminals));
        }
        let number = self
            .inner
            .started
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        let stream = format!("{:016x}-{number}", self.inner.epoch);
        let terminal = Terminal::start(
            name.clone(),
            stream,
            self.inner.spec.clone(),
            self.inner.shutdown_rx.clone(),
        )?;
        terminals.insert(name.clone(), terminal.clone());
        Ok(terminal)
    }

    /// Closes the terminal called `name` (for reaping idle ones): it is forgotten, its viewers are told and
    /// disconnected, and every process of its shell's session is ended (SIGHUP, then SIGKILL after a grace
    /// period). False when there is no such terminal. Its name starts a new terminal when used again.
    pub async fn close(&self, name: &TerminalName, why: &str) -> bool {
        let terminal = self
            .inner
            .terminals
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .remove(name);
        let Some(terminal) = terminal else {
            return false;
        };
        terminal
            .close(
                ErrorCode::Closed,
                format!("terminal {name} was closed: {why}"),
                HANGUP_GRACE,
            )
            .await;
        true
    }

    /// lectern is exiting: no terminal starts any more, every viewer is told why and disconnected, and
    /// every process of every terminal is ended (SIGHUP, SIGKILL after a grace period), background jobs
    /// included. Returns once they are gone and the viewers have had their goodbye (bounded).
    pub async fn shutdown(&self) {
        self.inner
            .shutting_down
            .store(true, std::sync::atomic::Ordering::Release);
        let terminals = self.all();
        let message = "lectern is shutting down: the processes of this terminal were ended";
        futures_util::future::join_all(
            terminals
                .iter()
                .map(|terminal| terminal.close(ErrorCode::Shutdown, message, HANGUP_GRACE)),
        )
        .await;
        // The viewers' connections send the reason and a close frame, then detach.
        let deadline = tokio::time::Instant::now() + VIEWERS_GONE;
        while terminals.iter().any(|terminal| terminal.viewers() > 0)
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// The terminal called `name` if it exists.
    pub fn get(&self, name: &TerminalName) -> Option<Arc<Terminal>> {
        self.inner
            .terminals
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .get(name)
            .cloned()
    }

    /// Running shells and attached viewers, for `/metrics`.
    pub fn counts(&self) -> crate::metrics::TerminalCounts {
        // Copied out first: no terminal's lock is taken while the hub's is held.
        let terminals = self.all();
        terminals.iter().fold(Default::default(), |counts, terminal| {
            crate::metrics::TerminalCounts {
                running: counts.running + usize::from(terminal.running()),
                viewers: counts.viewers + terminal.viewers(),
            }
        })
    }

    /// Every terminal, copied out of the map (so no terminal's lock is ever taken while the hub's is held).
    fn all(&self) -> Vec<Arc<Terminal>> {
        self.inner
            .terminals
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .values()
            .cloned()
            .collect()
    }

    /// Names of the existing terminals, sorted.
    pub fn names(&self) -> Vec<TerminalName> {
        let mut names: Vec<_> = self
            .inner
            .terminals
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    }
}

// Lifecycle hooks, called only by `web/session.rs` (issue 15): the session's end and the reaping of
// finished terminals. Nothing else in the hub depends on them.
impl TerminalHub {
    /// Inputs written to the existing terminals so far: a change means the learner typed (or an action
    /// ran a command) since the last look.
    pub fn inputs(&self) -> u64 {
        self.all().iter().map(|terminal| terminal.inputs()).sum()
    }

    /// The session has ended (`web/session`): no terminal starts any more (`Disabled`), every terminal is
    /// forgotten, its viewers are told why and every process of its shell's session is ended, as on
    /// shutdown.
    pub async fn end_session(&self) {
        let terminals: Vec<Arc<Terminal>> = {
            let mut terminals = self
                .inner
                .terminals
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            self.inner
                .closed
                .store(true, std::sync::atomic::Ordering::Release);
            terminals.drain().map(|(_, terminal)| terminal).collect()
        };
        let message = "the session has ended: the processes of this terminal were ended";
        futures_util::future::join_all(
            terminals
                .iter()
                .map(|terminal| terminal.close(ErrorCode::Closed, message, HANGUP_GRACE)),
        )
        .await;
    }

    /// Removes the terminals whose shell has exited and that no viewer has shown for `after` (checked
    /// on each call, so the time counts from the first call that saw it so); returns their names. A
    /// removed terminal no longer counts against the cap; its name starts a fresh shell when used again.
    pub fn reap(&self, after: Duration) -> Vec<TerminalName> {
        // Copied out first: no terminal's lock is taken while the hub's is held.
        let terminals: Vec<(TerminalName, Arc<Terminal>)> = self
            .inner
            .terminals
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .iter()
            .map(|(name, terminal)| (name.clone(), terminal.clone()))
            .collect();
        let now = Instant::now();
        let mut due = Vec::new();
        {
            let mut since = self
                .inner
                .unused_since
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            since.retain(|name, _| terminals.iter().any(|(n, _)| n == name));
            for (name, terminal) in &terminals {
                if terminal.running() || terminal.viewers() > 0 {
                    since.remove(name);
                } else if now.duration_since(*since.entry(name.clone()).or_insert(now)) >= after {
                    since.remove(name);
                    due.push((name.clone(), terminal.clone()));
                }
            }
        }
        let mut map = self
            .inner
            .terminals
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let mut reaped = Vec::new();
        for (name, terminal) in due {
            if map
                .get(&name)
                .is_some_and(|current| Arc::ptr_eq(current, &terminal))
            {
                map.remove(&name);
                reaped.push(name);
            }
        }
        reaped
    }
}

/// `session_namespace` → `SESSION_NAMESPACE`; names that cannot be environment names are skipped.
fn env_name(name: &str) -> Option<String> {
    let upper: String = name
        .chars()
        .map(|c| {
            if c == '-' || c == '.' {
                '_'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    let valid = upper
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && upper.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some(upper)
}
