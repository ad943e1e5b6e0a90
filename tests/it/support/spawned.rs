//! The real `lectern` binary as a child process, for what an in-process server cannot show: its
//! resident memory (`/proc/<pid>/status`), its open descriptors, signals, resource limits.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Failure guard for a wait on the child (not a performance assertion).
pub const GUARD: std::time::Duration = std::time::Duration::from_secs(120);

/// A running `lectern serve`; killed when dropped.
pub struct Spawned {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its process id.
    pub pid: u32,
    /// Everything it wrote to stderr so far.
    pub log: Arc<Mutex<String>>,
}

/// Memory figures of a process, kB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// Resident now (`VmRSS`).
    pub rss_kb: u64,
    /// Highest resident so far (`VmHWM`).
    pub peak_kb: u64,
}

impl Spawned {
    /// Starts `lectern serve <workshop> --port 0 <args…>` with a clean environment (`PATH`, `HOME` =
    /// `home`, plus `env`) and waits for its "listening" line.
    pub async fn start(workshop: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lectern"));
        command
            .arg("serve")
            .arg(workshop)
            .args(["--port", "0", "--bind", "127.0.0.1"])
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("LOG_LEVEL", "info")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("spawn lectern");
        let pid = child.id().expect("a pid");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = tokio::sync::oneshot::channel();
        let sink = log.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            let mut tx = Some(tx);
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(at) = line.find("http://")
                    && tx.is_some()
                {
                    let rest = &line[at + "http://".len()..];
                    let addr = rest.split('/').next().unwrap_or_default();
                    if let Ok(addr) = addr.parse::<SocketAddr>()
                        && let Some(tx) = tx.take()
                    {
                        let _ = tx.send(addr);
                    }
                }
                let mut log = sink.lock().expect("log");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let addr = match tokio::time::timeout(GUARD, rx).await {
            Ok(Ok(addr)) => addr,
            _ => panic!("lectern did not start: {}", log.lock().expect("log")),
        };
        Self {
            child,
            addr,
            pid,
            log,
        }
    }

    /// `http://addr` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Its memory now.
    pub fn memory(&self) -> Memory {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).expect("proc status");
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kb| kb.parse::<u64>().ok())
                .unwrap_or(0)
        };
        Memory {
            rss_kb: field("VmRSS:"),
            peak_kb: field("VmHWM:"),
        }
    }

    /// How many descriptors it has open.
    pub fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid))
            .map(|dir| dir.count())
            .unwrap_or(0)
    }

    /// Sends `signal` to it.
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(self.pid).expect("pid"));
        nix::sys::signal::kill(pid, signal).expect("signal lectern");
    }

    /// Waits (guarded) for it to exit; returns its status.
    pub async fn wait(&mut self) -> std::process::ExitStatus {
        tokio::time::timeout(GUARD, self.child.wait())
            .await
            .expect("lectern did not exit within the guard time")
            .expect("wait for lectern")
    }

    /// Its log so far.
    pub fn log_text(&self) -> String {
        self.log.lock().expect("log").clone()
    }
}
