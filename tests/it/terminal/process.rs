//! `lectern serve` as a real child process (the built binary), for what only a whole process shows:
//! the environment its shells inherit, and what its exit (SIGTERM) does to them.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use super::client::GUARD;

/// A running `lectern serve` child; killed when dropped.
pub struct Lectern {
    /// Where it listens.
    pub addr: SocketAddr,
    child: Child,
    /// Log lines after the "listening" line.
    pub log: mpsc::Receiver<String>,
}

impl Lectern {
    /// Starts `lectern serve ARGS --bind 127.0.0.1 --port 0` with `env` added to a cleaned environment
    /// (only `PATH`, and `HOME`), and waits for its "listening" log line.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lectern"));
        command
            .arg("serve")
            .args(args)
            .args(["--bind", "127.0.0.1", "--port", "0"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("LOG_LEVEL", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(home) = std::env::var_os("HOME") {
            command.env("HOME", home);
        }
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("start lectern");
        let stderr = child.stderr.take().expect("stderr");
        let (lines, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let addr = loop {
            let line = log
                .recv_timeout(GUARD)
                .expect("lectern serve printed no listening line");
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let addr = rest
                    .split(|c: char| c == '/' || c.is_whitespace() || c == '\x1b')
                    .next()
                    .unwrap_or_default();
                break addr.parse().expect("listen address");
            }
        };
        Self { addr, child, log }
    }

    /// `http://addr` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM.
    pub fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the process to end (guarded); returns its exit code.
    pub fn wait(&mut self) -> Option<i32> {
        let started = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            assert!(started.elapsed() < GUARD, "lectern did not exit");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for Lectern {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits (guarded) until `path` exists; returns its contents.
pub async fn wait_for_file(path: &std::path::Path) -> String {
    let started = std::time::Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text;
        }
        assert!(started.elapsed() < GUARD, "{} never appeared", path.display());
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
