//! WebDAV at `/webdav/`: Debian's `litmus` compliance suite (basic, copymove, props, locks, http) against
//! a real server, its credentials, and containment — symlinks out of the folder, the traversal payloads
//! for every method, writes through escapes — with 0 escapes.

use crate::support::traversal::{self, PAYLOADS, SECRET};
use crate::support::{TestServer, http_client};

use super::{basic, config, secret};

/// A server with WebDAV on `files` (user `dav`, password `dav-pass`).
async fn dav_server(workshop: &std::path::Path, files: &std::path::Path) -> TestServer {
    let mut config = config(workshop);
    config.services.webdav = Some(true);
    config.services.webdav_username = Some("dav".into());
    config.services.webdav_password = secret("dav-pass");
    config.services.files_dir = Some(files.to_path_buf());
    config.services.upload_limit_bytes = 1024 * 1024;
    TestServer::start(config).await
}

#[tokio::test]
async fn litmus_passes_basic_copymove_props_locks_and_http() {
    let workshop = tempfile::tempdir().expect("workshop");
    let files = tempfile::tempdir().expect("files");
    let server = dav_server(workshop.path(), files.path()).await;
    // litmus writes debug.log and child.log into its working folder.
    let logs = tempfile::tempdir().expect("logs");
    let output = tokio::process::Command::new("litmus")
        .current_dir(logs.path())
        .arg(server.url("/webdav/"))
        .args(["dav", "dav-pass"])
        .env("TESTS", "basic copymove props locks http")
        .output()
        .await
        .expect("litmus is installed (tests/apt-packages.txt: apt-get install litmus)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summaries: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains("summary for"))
        .collect();
    for line in &summaries {
        println!("litmus {line}");
    }
    let warnings = stdout.matches("WARNING").count();
    println!("litmus: {warnings} warnings");
    assert_eq!(summaries.len(), 5, "every group ran:\n{stdout}");
    for line in &summaries {
        assert!(line.contains(", 0 failed"), "{line}\n{stdout}");
    }
    assert!(output.status.success(), "{stdout}");
    server.stop().await;
}

#[tokio::test]
async fn credentials_are_checked_and_files_land_in_the_folder() {
    let workshop = tempfile::tempdir().expect("workshop");
    let files = tempfile::tempdir().expect("files");
    let server = dav_server(workshop.path(), files.path()).await;
    let client = http_client();
    let propfind = |auth: Option<String>| {
        let mut request = client
            .request("PROPFIND".parse().expect("method"), server.url("/webdav/"))
            .header("depth", "1");
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        request.send()
    };
    let anonymous = propfind(None).await.expect("anonymous");
    assert_eq!(anonymous.status(), 401);
    assert!(
        anonymous.headers()["www-authenticate"]
            .to_str()
            .expect("challenge")
            .starts_with("Basic ")
    );
    assert_eq!(
        propfind(Some(basic("dav", "wrong")))
            .await
            .expect("wrong")
            .status(),
        401
    );
    assert_eq!(
        propfind(Some(basic("other", "dav-pass")))
            .await
            .expect("user")
            .status(),
        401
    );
    assert_eq!(
        propfind(Some(basic("dav", "dav-pass")))
            .await
            .expect("right")
            .status(),
        207
    );

    let put = client
        .put(server.url("/webdav/notes/today.txt"))
        .header("authorization", basic("dav", "dav-pass"))
        .body("written over WebDAV\n")
        .send()
        .await
        .expect("put");
    assert_eq!(put.status(), 409, "no parent folder yet");
    let mkcol = client
        .request("MKCOL".parse().expect("method"), server.url("/webdav/notes/"))
        .header("authorization", basic("dav", "dav-pass"))
        .send()
        .await
        .expect("mkcol");
    assert_eq!(mkcol.status(), 201);
    let put = client
        .put(server.url("/webdav/notes/today.txt"))
        .header("authorization", basic("dav", "dav-pass"))
        .body("written over WebDAV\n")
        .send()
        .await
        .expect("put");
    assert_eq!(put.status(), 201);
    assert_eq!(
        std::fs::read_to_string(files.path().join("notes/today.txt")).expect("landed"),
        "written over WebDAV\n"
    );
    let get = client
        .get(server.url("/webdav/notes/today.txt"))
        .header("authorization", basic("dav", "dav-pass"))
        .send()
        .await
        .expect("get");
    assert_eq!(get.status(), 200);
    let policy = get.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_string();
    assert!(
        policy.starts_with("sandbox"),
        "learner files never run script here: {policy}"
    );
    assert_eq!(get.text().await.expect("body"), "written over WebDAV\n");
    let big = client
        .put(server.url("/webdav/big.bin"))
        .header("authorization", basic("dav", "dav-pass"))
        .body(vec![0u8; 2 * 1024 * 1024])
        .send()
        .await
        .expect("big");
    assert_eq!(big.status(), 413, "LECTERN_UPLOAD_LIMIT applies");
    server.stop().await;

    // Switched off: absent.
    let mut off = config(workshop.path());
    off.services.webdav = Some(false);
    off.services.files_dir = Some(files.path().to_path_buf());
    let server = TestServer::start(off).await;
    let response = client.get(server.url("/webdav/")).send().await.expect("off");
    assert_eq!(response.status(), 404);
    server.stop().await;
}

#[tokio::test]
async fn nothing_outside_the_folder_is_read_listed_or_written() {
    let workshop = tempfile::tempdir().expect("workshop");
    let outside = tempfile::tempdir().expect("outside");
    let files = outside.path().join("files");
    std::fs::create_dir_all(&files).expect("files");
    traversal::plant(&files, outside.path());
    std::os::unix::fs::symlink("nowhere", files.join("dangling")).expect("dangling");
    std::fs::write(files.join("inside.txt"), "inside").expect("inside");
    let mut config = config(workshop.path());
    config.services.webdav = Some(true);
    config.services.webdav_username = Some("dav".into());
    config.services.webdav_password = secret("dav-pass");
    config.services.files_dir = Some(files.clone());
    // The cookie key inside the folder (its default is `$HOME/.local/…`, and WebDAV serves `$HOME`).
    let key = files.join(".local/share/workshop/lectern-cookie.key");
    config.auth.cookie_key = lectern::config::CookieKeySource::File(key);
    let server = TestServer::start(config).await;
    let auth = basic("dav", "dav-pass");
    let host = server.addr.to_string();
    let auth_header = [("Authorization", auth.as_str())];

    // Listings leave out what leads outside.
    let (status, listing) = traversal::raw(
        server.addr,
        &host,
        "PROPFIND",
        "/webdav/",
        &[("Authorization", &auth), ("Depth", "1")],
        b"",
    )
    .await;
    assert_eq!(status, 207);
    assert!(
        listing.contains("inside.txt") && listing.contains("/webdav/sub/"),
        "{listing}"
    );
    for hidden in ["escape", "link.txt", "dangling"] {
        assert!(!listing.contains(hidden), "{hidden} listed:\n{listing}");
    }

    let mut escapes = Vec::new();
    let mut tried = 0;
    for payload in PAYLOADS {
        let target = format!("/webdav/{payload}");
        for method in ["GET", "PROPFIND", "PUT", "DELETE", "MKCOL", "PROPPATCH", "LOCK"] {
            let body: &[u8] = match method {
                "PUT" => b"ESCAPED-WRITE",
                "PROPPATCH" => b"<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><x xmlns=\"urn:x\">1</x></D:prop></D:set></D:propertyupdate>",
                _ => b"",
            };
            let (status, text) =
                traversal::raw(server.addr, &host, method, &target, &auth_header, body).await;
            tried += 1;
            if traversal::leaked(&text) {
                escapes.push(format!("{method} {target} → {status}"));
            }
        }
        for method in ["COPY", "MOVE"] {
            let destination = format!("http://{host}/webdav/{payload}");
            let (_, text) = traversal::raw(
                server.addr,
                &host,
                method,
                "/webdav/inside.txt",
                &[
                    ("Authorization", &auth),
                    ("Destination", &destination),
                    ("Overwrite", "T"),
                ],
                b"",
            )
            .await;
            tried += 1;
            if traversal::leaked(&text) {
                escapes.push(format!("{method} → {destination}"));
            }
            let from = format!("/webdav/{payload}");
            let (_, text) = traversal::raw(
                server.addr,
                &host,
                method,
                &from,
                &[
                    ("Authorization", &auth),
                    ("Destination", &format!("http://{host}/webdav/copied.txt")),
                ],
                b"",
            )
            .await;
            tried += 1;
            if traversal::leaked(&text) {
                escapes.push(format!("{method} {from}"));
            }
            if let Ok(text) = std::fs::read_to_string(files.join("copied.txt"))
                && text.contains(SECRET)
            {
                escapes.push(format!("{method} {from} copied the secret inside"));
            }
        }
    }
    let created = traversal::created_outside(outside.path(), &files);
    assert!(created.is_empty(), "created outside: {created:?}");
    assert_eq!(
        std::fs::read_to_string(outside.path().join(traversal::SECRET_FILE)).expect("secret"),
        SECRET,
        "the secret outside is untouched"
    );
    println!("webdav traversal: {tried} requests, {} escapes", escapes.len());
    assert!(escapes.is_empty(), "escapes: {escapes:#?}");

    // The cookie key is never served, listed or replaced.
    let key_path = "/webdav/.local/share/workshop/lectern-cookie.key";
    for method in ["GET", "PUT", "DELETE"] {
        let body: &[u8] = if method == "PUT" { b"x" } else { b"" };
        let (status, _) = traversal::raw(server.addr, &host, method, key_path, &auth_header, body).await;
        assert_eq!(status, 403, "{method} the cookie key");
    }
    let (_, listing) = traversal::raw(
        server.addr,
        &host,
        "PROPFIND",
        "/webdav/.local/share/workshop/",
        &[("Authorization", &auth), ("Depth", "1")],
        b"",
    )
    .await;
    assert!(!listing.contains("lectern-cookie.key"), "{listing}");
    server.stop().await;
}
