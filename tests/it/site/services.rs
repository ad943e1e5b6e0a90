//! Workshop services: `/files/` downloads, `/upload/file(s)` with limits and hostile names, the examiner
//! (pass, fail, timeout with the process group killed, missing, bad input) and `/message/broadcast` to SSE.

use std::path::Path;

use lectern::config::{Config, WorkshopSource};
use serde_json::{Value, json};

use super::{Part, SseClient, WAIT, post_multipart, raw_get, three_page_workshop, write};
use crate::support::{TestServer, get, http_client};

fn config_for(root: &Path) -> Config {
    Config::for_tests(WorkshopSource::Dir(root.to_path_buf()))
}

#[tokio::test]
async fn downloads_are_served_from_the_files_folder_only() {
    let workshop = tempfile::tempdir().expect("workshop");
    three_page_workshop(workshop.path());
    let files = tempfile::tempdir().expect("files");
    write(files.path(), "a.txt", "file a");
    write(files.path(), "sub/b.json", "{\"b\": 1}");
    write(files.path(), ".hidden", "hidden");
    write(files.path(), ".kube/config", "kubeconfig");
    let outside = tempfile::tempdir().expect("outside");
    write(outside.path(), "secret.txt", "TOP-SECRET");
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), files.path().join("link.txt"))
        .expect("symlink");

    let mut config = config_for(workshop.path());
    config.services.files = Some(true);
    config.services.files_dir = Some(files.path().to_path_buf());
    let server = TestServer::start(config).await;
    let client = http_client();
    let a = get(&server.url("/files/a.txt")).await;
    assert_eq!(a.status(), 200);
    assert!(
        a.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/plain")
    );
    assert_eq!(a.text().await.expect("body"), "file a");
    let b = get(&server.url("/files/sub/b.json")).await;
    assert_eq!(b.headers()["content-type"], "application/json");
    let kube = get(&server.url("/files/.kube/config")).await;
    assert_eq!(
        kube.status(),
        404,
        "dot-folders are the session's credentials, not files (issue 11, finding 6)"
    );
    let head = client
        .head(server.url("/files/a.txt"))
        .send()
        .await
        .expect("head");
    assert_eq!(head.status(), 200);
    for path in [
        "/files/.hidden",
        "/files/link.txt",
        "/files/sub",
        "/files/missing.txt",
    ] {
        let response = get(&server.url(path)).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    for target in [
        "/files/../../../../etc/passwd",
        "/files/%2e%2e/%2e%2e/secret.txt",
        "/files/..%2f..%2fsecret.txt",
    ] {
        let (status, text) = raw_get(&server, target).await;
        assert!(status == 404 || status == 400, "{target}: {status}");
        assert!(
            !text.contains("root:") && !text.contains("TOP-SECRET"),
            "{target}"
        );
    }
    server.stop().await;

    // Switched off: absent.
    let mut config = config_for(workshop.path());
    config.services.files = Some(false);
    config.services.files_dir = Some(files.path().to_path_buf());
    let server = TestServer::start(config).await;
    let response = get(&server.url("/files/a.txt")).await;
    assert_eq!(response.status(), 404);
    server.stop().await;
}

/// Every file under `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(dir)
                        .expect("prefix")
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn uploads_are_limited_sanitised_and_contained() {
    let workshop = tempfile::tempdir().expect("workshop");
    three_page_workshop(workshop.path());
    let uploads = tempfile::tempdir().expect("uploads");
    let outside = tempfile::tempdir().expect("outside");
    std::os::unix::fs::symlink(outside.path(), uploads.path().join("escape")).expect("symlink");
    let mut config = config_for(workshop.path());
    config.services.uploads = Some(true);
    config.services.uploads_dir = Some(uploads.path().to_path_buf());
    config.services.upload_limit_bytes = 4096;
    let server = TestServer::start(config).await;

    let (status, body) = post_multipart(
        &server,
        "/upload/files",
        &[
            Part::File("files", "one.txt", b"first"),
            Part::File("files", "two.txt", b"second"),
        ],
    )
    .await;
    assert_eq!((status, body.as_str()), (200, "OK"));
    let (status, _) = post_multipart(
        &server,
        "/upload/files",
        &[
            Part::File("files", "three.txt", b"third"),
            Part::Text("directory", "batch/inner"),
        ],
    )
    .await;
    assert_eq!(status, 200, "directory after the files still applies");
    let (status, body) = post_multipart(
        &server,
        "/upload/file",
        &[
            Part::Text("path", "single/notes.txt"),
            Part::File("file", "whatever.bin", b"notes"),
        ],
    )
    .await;
    assert_eq!((status, body.as_str()), (200, "OK"));
    assert_eq!(
        std::fs::read_to_string(uploads.path().join("single/notes.txt")).expect("notes"),
        "notes"
    );
    let expected = ["batch/inner/three.txt", "one.txt", "single/notes.txt", "two.txt"];
    assert_eq!(listing(uploads.path()), expected);

    let big = vec![b'x'; 8192];
    let (status, _) = post_multipart(&server, "/upload/files", &[Part::File("files", "big.bin", &big)]).await;
    assert_eq!(status, 413, "over LECTERN_UPLOAD_LIMIT");

    for name in [
        "../evil.txt",
        "a/b.txt",
        "..",
        ".",
        "",
        "bad\\name.txt",
        "tab\there.txt",
    ] {
        let (status, _) = post_multipart(&server, "/upload/files", &[Part::File("files", name, b"x")]).await;
        assert_eq!(status, 400, "file name {name:?}");
    }
    for directory in ["../out", "/abs", "escape", "escape/deeper"] {
        let (status, _) = post_multipart(
            &server,
            "/upload/files",
            &[
                Part::Text("directory", directory),
                Part::File("files", "x.txt", b"x"),
            ],
        )
        .await;
        assert_eq!(status, 400, "directory {directory:?}");
    }
    for path in ["../evil.txt", "escape/evil.txt", ""] {
        let (status, _) = post_multipart(
            &server,
            "/upload/file",
            &[Part::Text("path", path), Part::File("file", "x.txt", b"x")],
        )
        .await;
        assert_eq!(status, 400, "path {path:?}");
    }
    // Nothing written by refused requests, no temporary files left, nothing outside.
    assert_eq!(listing(uploads.path()), expected);
    assert!(listing(outside.path()).is_empty());
    assert!(!workshop.path().join("evil.txt").exists());
    server.stop().await;
}

/// A workshop with examiner tests: pass, fail, args (checks args and stdin), sleepy (ignores SIGTERM, has a
/// background child that records its pid), not executable.
fn examiner_workshop(root: &Path) {
    three_page_workshop(root);
    let tests = "workshop/examiner/tests";
    write(root, &format!("{tests}/pass"), "#!/bin/sh\nexit 0\n");
    write(
        root,
        &format!("{tests}/fail"),
        "#!/bin/sh\necho failing >&2\nexit 1\n",
    );
    write(
        root,
        &format!("{tests}/nested/args"),
        "#!/bin/sh\n[ \"$1\" = \"one two\" ] && [ \"$2\" = \"x\" ] || exit 3\nread -r form\n[ \"$form\" = '{\"answer\":42}' ] || exit 4\n",
    );
    write(
        root,
        &format!("{tests}/sleepy"),
        "#!/bin/sh\ntrap '' TERM\nsleep 300 &\necho $! > \"$1\"\nwait\n",
    );
    write(root, &format!("{tests}/not-executable"), "#!/bin/sh\nexit 0\n");
    for name in ["pass", "fail", "nested/args", "sleepy"] {
        use std::os::unix::fs::PermissionsExt;
        let path = root.join(tests).join(name);
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

async fn examine(server: &TestServer, name: &str, body: Value) -> (u16, Value) {
    let response = http_client()
        .post(server.url(&format!("/examiner/test/{name}")))
        .json(&body)
        .send()
        .await
        .expect("examiner");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test]
async fn examiner_runs_tests_with_args_and_timeouts() {
    let workshop = tempfile::tempdir().expect("workshop");
    examiner_workshop(workshop.path());
    // Enabled because the workshop has examiner/tests/ (no flag needed).
    let server = TestServer::start(config_for(workshop.path())).await;

    let (status, body) = examine(&server, "pass", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"success": true, "message": "Test successfully completed"})
    );
    let (_, body) = examine(&server, "fail", json!({"args": []})).await;
    assert_eq!(
        body,
        json!({"success": false, "message": "Test failed to complete"})
    );
    let (_, body) = examine(
        &server,
        "nested/args",
        json!({"args": ["one two", "x"], "form": {"answer": 42}, "timeout": 10}),
    )
    .await;
    assert_eq!(body["success"], true, "args and stdin reach the test: {body}");

    let pid_file = workshop.path().join("sleepy.pid");
    let (status, body) = examine(
        &server,
        "sleepy",
        json!({"args": [pid_file.to_string_lossy()], "timeout": 1}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["success"], false);
    assert!(
        body["message"].as_str().expect("message").contains("timed out"),
        "{body}"
    );
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .expect("pid")
        .trim()
        .parse()
        .expect("pid number");
    let deadline = tokio::time::Instant::now() + WAIT;
    while nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the test's child {pid} survived the timeout"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    for name in [
        "missing",
        "not-executable",
        "../../../bin/true",
        "pass%20x",
        "nested",
    ] {
        let (status, _) = examine(&server, name, json!({})).await;
        assert_eq!(status, 404, "{name}");
    }
    let (status, body) = examine(&server, "pass", json!({"args": [1, 2]})).await;
    assert_eq!(status, 400);
    assert_eq!(body["success"], false);
    assert_eq!(body["message"], "Invalid arguments: must be an array of strings");
    server.stop().await;

    let mut config = config_for(workshop.path());
    config.services.examiner = Some(false);
    let server = TestServer::start(config).await;
    let (status, _) = examine(&server, "pass", json!({})).await;
    assert_eq!(status, 404, "switched off");
    server.stop().await;
}

#[tokio::test]
async fn broadcast_messages_reach_event_streams() {
    let workshop = tempfile::tempdir().expect("workshop");
    three_page_workshop(workshop.path());
    let server = TestServer::start(config_for(workshop.path())).await;
    let mut events = SseClient::connect(&server).await;
    let message = json!({"action": "dashboard:open-url", "data": {"url": "https://example.invalid/"}});
    let response = http_client()
        .post(server.url("/message/broadcast"))
        .json(&message)
        .send()
        .await
        .expect("broadcast");
    assert_eq!(response.status(), 200);
    let event = events.next_named("message", WAIT).await.expect("message event");
    let relayed: Value = serde_json::from_str(&event.data).expect("json");
    assert_eq!(relayed, message);
    for body in ["not json", "[1,2]"] {
        let response = http_client()
            .post(server.url("/message/broadcast"))
            .body(body)
            .send()
            .await
            .expect("bad broadcast");
        assert_eq!(response.status(), 400, "{body}");
    }
    server.stop().await;
}
