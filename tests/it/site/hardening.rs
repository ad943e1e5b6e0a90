//! Regression tests for issue 11's findings on the file routes: uploaded HTML served inert (finding 4), the
//! cookie key and dot-folders never served by `/files/` (6), upload text fields bounded (7), and the smaller
//! ones of finding 10 — folders created through a symlink, control characters in folder names, the uploads
//! quota, dot-files and page sources under `/workshop/static/`.

use std::path::Path;

use lectern::config::{Config, CookieKeySource, WorkshopSource};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Part, WAIT, post_multipart, three_page_workshop, write};
use crate::support::{TestServer, get};

/// A workshop with `/files/` on `home` and uploads in `home/uploads`.
fn config(workshop: &Path, home: &Path) -> Config {
    let mut config = Config::for_tests(WorkshopSource::Dir(workshop.to_path_buf()));
    config.services.files = Some(true);
    config.services.files_dir = Some(home.to_path_buf());
    config.services.uploads = Some(true);
    config.services.uploads_dir = Some(home.join("uploads"));
    config.services.upload_limit_bytes = 1024 * 1024;
    config
}

/// Everything (files and folders) under `dir`.
fn entries(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).expect("read_dir").flatten() {
            let path = entry.path();
            out.push(
                path.strip_prefix(dir)
                    .expect("inside")
                    .to_string_lossy()
                    .into_owned(),
            );
            if path.is_dir() && !path.is_symlink() {
                stack.push(path);
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn uploaded_html_cannot_run_script_on_the_dashboard_origin() {
    // Issue 11, finding 4: `/files/` served an uploaded page inline, and its script could drive a terminal.
    let workshop = tempfile::tempdir().expect("workshop");
    three_page_workshop(workshop.path());
    let home = tempfile::tempdir().expect("home");
    let server = TestServer::start(config(workshop.path(), home.path())).await;
    let page = b"<!doctype html><script>fetch('/terminal/api/1/execute',{method:'POST'})</script>";
    for name in ["page.html", "image.svg"] {
        let (status, _) = post_multipart(
            &server,
            "/upload/file",
            &[Part::Text("path", name), Part::File("file", name, page)],
        )
        .await;
        assert_eq!(status, 200, "{name}");
        let response = get(&server.url(&format!("/files/uploads/{name}"))).await;
        assert_eq!(response.status(), 200, "{name}");
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .expect("policy")
            .to_string();
        let directives: Vec<&str> = policy.split(';').map(str::trim).collect();
        assert!(directives.contains(&"sandbox"), "{name}: {policy}");
        assert!(directives.contains(&"default-src 'none'"), "{name}: {policy}");
        assert!(!policy.contains("allow-scripts"), "{name}: {policy}");
    }
    server.stop().await;
}

#[tokio::test]
async fn files_never_serve_the_cookie_key_or_dot_folders() {
    // Issue 11, finding 6: the key file lies in the default files folder and dot-folders were served, so the
    // services password could download the key and forge a staff login.
    let workshop = tempfile::tempdir().expect("workshop");
    three_page_workshop(workshop.path());
    let home = tempfile::tempdir().expect("home");
    let key = home.path().join(".local/share/workshop/lectern-cookie.key");
    write(home.path(), "visible.txt", "visible");
    write(home.path(), ".kube/config", "KUBECONFIG");
    write(home.path(), "plain-key", &"k".repeat(64));
    std::os::unix::fs::symlink(home.path().join(".kube"), home.path().join("kube-link")).expect("symlink");
    let mut config = config(workshop.path(), home.path());
    config.auth.cookie_key = CookieKeySource::File(key.clone());
    let server = TestServer::start(config).await;
    let visible = get(&server.url("/files/visible.txt")).await;
    assert_eq!(visible.status(), 200);
    assert!(key.is_file(), "the server created its key at the default place");
    for path in [
        "/files/.local/share/workshop/lectern-cookie.key",
        "/files/%2elocal/share/workshop/lectern-cookie.key",
        "/files/.kube/config",
        "/files/kube-link/config",
        "/files/.kube/",
    ] {
        let response = get(&server.url(path)).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    server.stop().await;

    // A key file the operator put at a visible name inside the files folder is not served either.
    let mut config = self::config(workshop.path(), home.path());
    config.auth.cookie_key = CookieKeySource::File(home.path().join("plain-key"));
    let server = TestServer::start(config).await;
    let response = get(&server.url("/files/plain-key")).await;
    assert_eq!(response.status(), 404);
    server.stop().await;
}

#[tokio::test]
async fn a_huge_upload_text_field_is_refused_before_it_ends() {
    // Issue 11, finding 7: `directory` was buffered whole (400 MB → 418 MB RSS) before the 413. The field here
    // never ends: an answer at all proves the server stopped reading it at a small bound.
    let workshop = tempfile::tempdir().expect("workshop");
    three_page_workshop(workshop.path());
    let home = tempfile::tempdir().expect("home");
    let server = TestServer::start(config(workshop.path(), home.path())).await;
    let mut socket = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    let boundary = "hardening-boundary";
    let head = format!(
        "POST /upload/files HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    );
    let start = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"directory\"\r\n\r\n");
    let chunk = |data: &[u8]| {
        let mut out = format!("{:x}\r\n", data.len()).into_bytes();
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
        out
    };
    socket.write_all(head.as_bytes()).await.expect("head");
    socket.write_all(&chunk(start.as_bytes())).await.expect("part");
    socket
        .write_all(&chunk(&vec![b'a'; 64 * 1024]))
        .await
        .expect("field");
    let mut answer = vec![0u8; 512];
    let read = tokio::time::timeout(WAIT, socket.read(&mut answer))
        .await
        .expect("an answer while the field is still open")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("directory"),
        "the message names the field: {answer}"
    );
    server.stop().await;
}

#[tokio::test]
async fn upload_folders_are_checked_before_anything_is_created() {
    // Issue 11, finding 10: `directory` through a symlink created folders outside before being refused, and
    // control characters were accepted in folder names.
    let workshop = tempfile::tempdir().expect("workshop");
    three_page_workshop(workshop.path());
    let home = tempfile::tempdir().expect("home");
    let outside = tempfile::tempdir().expect("outside");
    std::fs::create_dir_all(home.path().join("uploads")).expect("uploads");
    std::os::unix::fs::symlink(outside.path(), home.path().join("uploads/escape")).expect("symlink");
    let server = TestServer::start(config(workshop.path(), home.path())).await;
    for directory in [
        "escape/made-outside",
        "escape/a/b",
        "new\u{1}dir",
        "line\nbreak",
        "tab\tdir",
        "del\u{7f}",
    ] {
        let (status, body) = post_multipart(
            &server,
            "/upload/files",
            &[
                Part::Text("directory", directory),
                Part::File("files", "x.txt", b"x"),
            ],
        )
        .await;
        assert_eq!(status, 400, "{directory:?}: {body}");
    }
    let (status, _) = post_multipart(
        &server,
        "/upload/file",
        &[
            Part::Text("path", "escape/deep/x.txt"),
            Part::File("file", "x.txt", b"x"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        entries(outside.path()),
        Vec::<String>::new(),
        "nothing outside, not even a folder"
    );
    assert_eq!(entries(&home.path().join("uploads")), ["escape"]);
    server.stop().await;
}

#[tokio::test]
async fn the_uploads_folder_has_a_quota() {
    // Issue 11, finding 10: no total upload quota.
    let workshop = tempfile::tempdir().expect("workshop");
    three_page_workshop(workshop.path());
    let home = tempfile::tempdir().expect("home");
    let mut config = config(workshop.path(), home.path());
    config.services.upload_quota_bytes = 10 * 1024;
    let server = TestServer::start(config).await;
    let six = vec![b'6'; 6 * 1024];
    let (status, _) = post_multipart(&server, "/upload/files", &[Part::File("files", "a.bin", &six)]).await;
    assert_eq!(status, 200);
    let (status, body) =
        post_multipart(&server, "/upload/files", &[Part::File("files", "b.bin", &six)]).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("LECTERN_UPLOAD_QUOTA"), "{body}");
    assert_eq!(
        entries(&home.path().join("uploads")),
        ["a.bin"],
        "the refused file left nothing"
    );
    std::fs::remove_file(home.path().join("uploads/a.bin")).expect("free space");
    let (status, _) = post_multipart(&server, "/upload/files", &[Part::File("files", "b.bin", &six)]).await;
    assert_eq!(status, 200, "space freed in the folder is usable again");
    server.stop().await;
}

#[tokio::test]
async fn theme_files_exclude_dot_files_and_page_sources() {
    // Issue 11, finding 10: `/workshop/static/` served dot-files and page sources.
    let workshop = tempfile::tempdir().expect("workshop");
    three_page_workshop(workshop.path());
    write(
        workshop.path(),
        "workshop/theme/workshop-instructions.css",
        "body {}",
    );
    write(workshop.path(), "workshop/theme/.env", "SECRET=1");
    write(workshop.path(), "workshop/theme/.git/config", "[core]");
    write(workshop.path(), "workshop/theme/notes.md", "# draft");
    write(workshop.path(), "workshop/theme/guide.adoc", "= draft");
    let server = TestServer::start(Config::for_tests(WorkshopSource::Dir(
        workshop.path().to_path_buf(),
    )))
    .await;
    let css = get(&server.url("/workshop/static/workshop-instructions.css")).await;
    assert_eq!(css.status(), 200);
    for path in [
        ".env",
        ".git/config",
        "notes.md",
        "guide.adoc",
        "theme/.env",
        "%2eenv",
    ] {
        let response = get(&server.url(&format!("/workshop/static/{path}"))).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    server.stop().await;
}
