//! Closing a terminal ends its whole session (docs/terminal-protocol.md, section 13): the shell, a
//! background job, and a job that ignores SIGHUP (SIGKILL after the grace period) — and the name is free
//! for a new terminal afterwards. lectern's SIGTERM doing the same for every terminal, with the viewers
//! told why, is `faults::sigterm`.

use std::collections::BTreeMap;

use lectern::config::{Config, WorkshopSource};
use lectern::terminal::{TerminalHub, TerminalName};

use super::client::alive;
use super::process::wait_for_file;
use crate::support::fixture;

fn pid_in(path: &std::path::Path) -> i32 {
    std::fs::read_to_string(path)
        .expect("pid file")
        .trim()
        .parse()
        .expect("a pid")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_terminal_ends_every_process_of_its_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = "sleep 1000 & echo $! > job.tmp; mv job.tmp job\n\
                  (trap '' HUP; exec sleep 1001) & echo $! > deaf.tmp; mv deaf.tmp deaf\n\
                  echo $$ > shell.tmp; mv shell.tmp shell\n\
                  while :; do sleep 1; done\n";
    std::fs::write(dir.path().join("run.sh"), script).expect("script");
    let mut config = Config::for_tests(WorkshopSource::Dir(fixture("minimal")));
    config.terminal.shell = vec!["sh".into(), dir.path().join("run.sh").display().to_string()];
    config.terminal.shell_is_default = false;
    config.terminal.home = Some(dir.path().to_path_buf());
    let hub = TerminalHub::new(config.terminal.clone(), &BTreeMap::new());
    let name = TerminalName::parse("1").expect("name");
    let terminal = hub.get_or_start(&name).expect("start");
    let mut pids = Vec::new();
    for file in ["job", "deaf", "shell"] {
        let path = dir.path().join(file);
        wait_for_file(&path).await;
        pids.push(pid_in(&path));
    }
    for pid in &pids {
        assert!(alive(*pid), "{pid} runs before the close");
    }
    let mut closing = terminal.closing();
    assert!(hub.close(&name, "idle for too long").await);
    // Returns once they are gone: the shell, the job, and the one that ignored SIGHUP (killed).
    for pid in &pids {
        assert!(!alive(*pid), "process {pid} of the closed terminal survived");
    }
    let why = closing.borrow_and_update().clone().expect("viewers are told why");
    assert_eq!(why.code, lectern::terminal::protocol::ErrorCode::Closed);
    assert!(why.message.contains("idle for too long"), "{}", why.message);
    assert!(hub.get(&name).is_none(), "a closed terminal is forgotten");
    assert!(!hub.close(&name, "again").await, "closing twice is a no-op");
    // The name starts a fresh terminal.
    assert_ne!(
        hub.get_or_start(&name).expect("again").stream(),
        terminal.stream()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_shutdown_no_terminal_starts() {
    let config = Config::for_tests(WorkshopSource::Dir(fixture("minimal")));
    let hub = TerminalHub::new(config.terminal.clone(), &BTreeMap::new());
    hub.shutdown().await;
    let error = hub
        .get_or_start(&TerminalName::parse("1").expect("name"))
        .expect_err("refused");
    assert_eq!(error.code(), lectern::terminal::protocol::ErrorCode::Shutdown);
}
