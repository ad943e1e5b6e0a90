//! code-server as lectern's supervised child, with a stand-in executable (a shell script that serves its
//! port with Python, as code-server would): it gets the extension installed first, the original's flags,
//! the channel's address and secret and none of lectern's other secrets; `/readyz` reports it; a child
//! that dies is restarted; shutdown leaves no process of its group behind. Real code-server is driven by
//! the browser tests (frontend/e2e/editor.mjs).

use std::time::Duration;

use lectern::config::{Secret, proxy_local_upstream};

use super::{SECRET, session_config};
use crate::support::{TestServer, http_client};

const FAKE: &str = r#"#!/bin/sh
# Stand-in for code-server: logs its arguments and environment, serves --bind-addr's port.
echo "args: $*" >> "__LOG__"
echo "env: LECTERN_EDITOR_URL=$LECTERN_EDITOR_URL LECTERN_EDITOR_SECRET=$LECTERN_EDITOR_SECRET COOKIE=$LECTERN_COOKIE_SECRET" >> "__LOG__"
for arg in "$@"; do
  case "$arg" in --install-extension) exit 0 ;; esac
done
port=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--bind-addr" ]; then port="${2##*:}"; fi
  shift
done
python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1 &
echo $! >> "__PIDS__"
wait
"#;

async fn readyz(server: &TestServer) -> (u16, String) {
    let response = http_client().get(server.url("/readyz")).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn wait_ready(server: &TestServer, want: &str) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = readyz(server).await;
        if body.contains(want) {
            return format!("{status} {body}");
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "readyz never said {want:?}: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether `pid` runs (a zombie waiting to be reaped does not).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(false)
}

#[tokio::test]
async fn lectern_starts_restarts_and_stops_code_server() {
    let dir = crate::proxy::workshop("applications:\n  editor:\n    enabled: true\n");
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("fake-code-server");
    let log = home.path().join("log");
    let pids = home.path().join("pids");
    let script = FAKE
        .replace("__LOG__", &log.display().to_string())
        .replace("__PIDS__", &pids.display().to_string());
    std::fs::write(&bin, script).unwrap();
    std::fs::set_permissions(&bin, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = session_config(dir.path(), home.path());
    config.editor.start = None; // enabled by the workshop, no upstream named: lectern starts it
    config.editor.command = bin.clone();
    config.editor.data_dir = Some(home.path().join("data"));
    config.editor.secret = Some(Secret(SECRET.into()));
    config.proxy.editor.upstream = proxy_local_upstream(port);
    let server = TestServer::start(config).await;
    let ready = wait_ready(&server, "editor: running").await;
    assert!(ready.starts_with("200"), "{ready}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("--install-extension"),
        "the extension is installed first: {text}"
    );
    assert!(
        text.contains(&format!("--bind-addr 127.0.0.1:{port} --auth none")),
        "{text}"
    );
    assert!(text.contains("--extensions-dir"), "{text}");
    assert!(
        text.contains(&format!(
            "LECTERN_EDITOR_URL=ws://127.0.0.1:{}/editor-channel",
            server.addr.port()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("LECTERN_EDITOR_SECRET={SECRET} COOKIE=\n")),
        "{text}"
    );
    // Kill the served child: lectern restarts the whole thing.
    let first: i32 = std::fs::read_to_string(&pids)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(first),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while std::fs::read_to_string(&pids).unwrap().lines().count() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "not restarted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_ready(&server, "editor: running").await;
    let second: i32 = std::fs::read_to_string(&pids)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    server.stop().await;
    // Signalled before `stop` returns; wait (bounded) for it to finish exiting.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while alive(second) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the child's group is stopped with lectern"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_missing_code_server_is_reported_not_retried() {
    let dir = crate::proxy::workshop("applications:\n  editor:\n    enabled: true\n");
    let home = tempfile::tempdir().unwrap();
    let mut config = session_config(dir.path(), home.path());
    config.editor.start = Some(true);
    config.editor.command = home.path().join("no-such-code-server");
    let server = TestServer::start(config).await;
    let ready = wait_ready(&server, "editor: not running").await;
    assert!(ready.starts_with("503"), "{ready}");
    // File operations still work.
    std::fs::create_dir_all(home.path().join("exercises")).unwrap();
    let (status, _) = super::post(
        &server,
        "/code-server/editor/create-file",
        serde_json::json!({"file": "~/exercises/a", "text": "a"}),
    )
    .await;
    assert_eq!(status, 200);
    server.stop().await;
}
