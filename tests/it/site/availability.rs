//! Regression tests for issue 11's availability findings: slow partial requests are dropped and the number
//! of connections is capped, so `/healthz` keeps answering (finding 3); a content folder with symlink loops
//! neither hangs `check` nor `serve` nor the watcher's scan (finding 9).

use std::process::{Command, Stdio};
use std::time::Duration;

use lectern::config::{Config, WorkshopSource};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{WAIT, three_page_workshop, write};
use crate::support::{TestServer, get, get_json, http_client};

/// Reads until the server closes the connection (or `WAIT` passes: then `false`).
async fn closed_by_server(socket: &mut TcpStream) -> bool {
    let mut buffer = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, socket.read(&mut buffer)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

async fn partial_request(server: &TestServer) -> TcpStream {
    let mut socket = TcpStream::connect(server.addr).await.expect("connect");
    socket
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .expect("partial headers");
    socket
}

#[tokio::test]
async fn slow_partial_requests_are_dropped_and_health_still_answers() {
    // Issue 11, finding 3: 2,000 partial requests kept their sockets forever, until accept failed and
    // /healthz stopped answering.
    let workshop = tempfile::tempdir().expect("workshop");
    three_page_workshop(workshop.path());
    let mut config = Config::for_tests(WorkshopSource::Dir(workshop.path().to_path_buf()));
    config.limits.header_timeout = Duration::from_secs(1);
    let server = TestServer::start(config).await;
    let mut slow = Vec::new();
    for _ in 0..50 {
        slow.push(partial_request(&server).await);
    }
    let health = get(&server.url("/healthz")).await;
    assert_eq!(health.status(), 200, "answers while 50 partial requests are open");
    for socket in &mut slow {
        assert!(
            closed_by_server(socket).await,
            "a partial request was never dropped"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_and_slots_come_back() {
    let workshop = tempfile::tempdir().expect("workshop");
    three_page_workshop(workshop.path());
    let mut config = Config::for_tests(WorkshopSource::Dir(workshop.path().to_path_buf()));
    config.limits.max_connections = 16;
    config.limits.header_timeout = Duration::from_secs(2);
    let server = TestServer::start(config).await;
    let mut held = Vec::new();
    for _ in 0..16 {
        held.push(partial_request(&server).await);
    }
    // The cap is full: the next connection is closed without an answer.
    let mut extra = TcpStream::connect(server.addr).await.expect("connect");
    let _ = extra
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(WAIT, extra.read_to_end(&mut answer)).await;
    assert!(
        answer.is_empty(),
        "over the cap: {}",
        String::from_utf8_lossy(&answer)
    );
    // The held ones time out, which frees their slots.
    for socket in &mut held {
        assert!(closed_by_server(socket).await);
    }
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Ok(response) = http_client().get(server.url("/healthz")).send().await
            && response.status() == 200
        {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "slots never came back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await;
}

/// A workshop whose content folder links to itself and to its parent.
fn looping_workshop() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("workshop");
    write(
        dir.path(),
        "workshop/content/00-intro.md",
        "# Intro\n\nA folder that links to itself.\n",
    );
    write(dir.path(), "workshop/content/sub/01-next.md", "# Next\n");
    std::os::unix::fs::symlink(".", dir.path().join("workshop/content/self")).expect("self");
    std::os::unix::fs::symlink("..", dir.path().join("workshop/content/up")).expect("up");
    std::os::unix::fs::symlink("..", dir.path().join("workshop/content/sub/back")).expect("back");
    dir
}

#[tokio::test]
async fn symlink_loops_hang_neither_check_nor_serve() {
    // Issue 11, finding 9: directory symlink loops hung `check` and `serve` (no visited set).
    let workshop = looping_workshop();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .arg("check")
        .arg(workshop.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("lectern check");
    let deadline = std::time::Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("lectern check still running on a looping folder");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status.code(), Some(0), "two pages, no errors");

    let root = workshop.path().to_path_buf();
    let snapshot = tokio::task::spawn_blocking(move || lectern::content::watch::snapshot(&root));
    let snapshot = tokio::time::timeout(WAIT, snapshot)
        .await
        .expect("the watcher's scan ends")
        .expect("scan")
        .expect("readable");
    assert!(
        snapshot.len() < 50,
        "loops are not entered: {} entries",
        snapshot.len()
    );

    let server = TestServer::start(Config::for_tests(WorkshopSource::Dir(
        workshop.path().to_path_buf(),
    )))
    .await;
    let api: serde_json::Value =
        tokio::time::timeout(WAIT, async { get_json(&server.url("/api/workshop")).await })
            .await
            .expect("serve answers");
    let pages = api["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 2, "each page once: {api}");
    let ready = get(&server.url("/readyz")).await;
    assert_eq!(ready.status(), 200);
    server.stop().await;
}
