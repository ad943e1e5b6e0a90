//! The Files tab's API (`/api/files…`) over the files folder: listing, new folder, upload of several files,
//! delete with the symlink rule, the same dot-file and containment rules as `/files/`, and the traversal
//! payloads against every call, 0 escapes. The JSON is `web::shared`'s (the dashboard's generated types).

use lectern::web::shared::{FileKind, FileListing};

use crate::site::{Part, multipart};
use crate::support::traversal::{self, PAYLOADS, SECRET};
use crate::support::{TestServer, http_client};

use super::config;

async fn files_server(workshop: &std::path::Path, files: &std::path::Path) -> TestServer {
    let mut config = config(workshop);
    config.services.files = Some(true);
    config.services.files_dir = Some(files.to_path_buf());
    TestServer::start(config).await
}

async fn listing(server: &TestServer, path: &str) -> FileListing {
    let response = http_client()
        .get(server.url("/api/files"))
        .query(&[("path", path)])
        .send()
        .await
        .expect("list");
    assert_eq!(response.status(), 200, "list {path:?}");
    response.json().await.expect("listing JSON")
}

#[tokio::test]
async fn list_make_upload_and_delete() {
    let workshop = tempfile::tempdir().expect("workshop");
    let outside = tempfile::tempdir().expect("outside");
    let files = outside.path().join("files");
    std::fs::create_dir_all(files.join("beta")).expect("beta");
    std::fs::write(files.join("alpha.txt"), "alpha").expect("alpha");
    std::fs::write(files.join("Zed.md"), "zed").expect("zed");
    std::fs::create_dir_all(files.join(".kube")).expect("kube");
    std::fs::write(files.join(".bashrc"), "rc").expect("rc");
    traversal::plant(&files, outside.path());
    std::os::unix::fs::symlink(files.join("alpha.txt"), files.join("inner-link.txt")).expect("inner link");
    let server = files_server(workshop.path(), &files).await;
    let client = http_client();

    let root = listing(&server, "").await;
    let names: Vec<(&str, FileKind)> = root.entries.iter().map(|e| (e.name.as_str(), e.kind)).collect();
    assert_eq!(
        names,
        vec![
            ("beta", FileKind::Folder),
            ("sub", FileKind::Folder),
            ("alpha.txt", FileKind::File),
            ("inner-link.txt", FileKind::File),
            ("Zed.md", FileKind::File),
        ],
        "folders first, by name; no dot-files, nothing leading outside"
    );
    let alpha = root
        .entries
        .iter()
        .find(|e| e.name == "alpha.txt")
        .expect("alpha");
    assert_eq!(alpha.size, 5);
    assert!(alpha.modified.is_some());

    // New folder: created, then a conflict; a missing parent is 404.
    let make = |path: &str| {
        client
            .post(server.url("/api/files/folder"))
            .json(&serde_json::json!({ "path": path }))
            .send()
    };
    assert_eq!(make("beta/gamma").await.expect("mkdir").status(), 201);
    assert!(files.join("beta/gamma").is_dir());
    assert_eq!(make("beta/gamma").await.expect("again").status(), 409);
    assert_eq!(make("missing/x").await.expect("no parent").status(), 404);
    assert_eq!(make(".hidden").await.expect("dot").status(), 400);
    let bad = client
        .post(server.url("/api/files/folder"))
        .json(&serde_json::json!({ "folder": "x" }))
        .send()
        .await
        .expect("bad body");
    assert!(bad.status().is_client_error(), "unknown fields are refused");

    // Upload two files into a folder, replacing one.
    std::fs::write(files.join("beta/one.txt"), "old").expect("old");
    let (content_type, body) = multipart(&[
        Part::File("files", "one.txt", b"first file"),
        Part::File("files", "two.bin", &[0u8, 1, 2, 3]),
    ]);
    let upload = client
        .post(server.url("/api/files/upload?path=beta"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload");
    assert_eq!(upload.status(), 201);
    assert_eq!(
        std::fs::read_to_string(files.join("beta/one.txt")).expect("one"),
        "first file"
    );
    assert_eq!(
        std::fs::read(files.join("beta/two.bin")).expect("two"),
        vec![0u8, 1, 2, 3]
    );
    let names: Vec<String> = listing(&server, "beta")
        .await
        .entries
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, vec!["gamma", "one.txt", "two.bin"]);
    for name in [".env", "../up.txt", "a/b.txt"] {
        let (content_type, body) = multipart(&[Part::File("files", name, b"x")]);
        let response = client
            .post(server.url("/api/files/upload"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("bad name");
        assert_eq!(response.status(), 400, "{name}");
    }
    assert!(!files.join(".env").exists());

    // Delete: a file, a folder with its contents, and a symlink (the link, not its target).
    let delete = |path: &str| {
        client
            .delete(server.url("/api/files"))
            .query(&[("path", path)])
            .send()
    };
    assert_eq!(delete("beta/two.bin").await.expect("rm").status(), 204);
    assert!(!files.join("beta/two.bin").exists());
    assert_eq!(delete("inner-link.txt").await.expect("rm link").status(), 204);
    assert!(files.join("alpha.txt").is_file(), "the link's target stays");
    assert_eq!(delete("beta").await.expect("rm -r").status(), 204);
    assert!(!files.join("beta").exists());
    assert_eq!(
        delete("").await.expect("root").status(),
        400,
        "the files folder itself"
    );
    assert_eq!(delete("missing").await.expect("missing").status(), 404);
    assert_eq!(delete(".bashrc").await.expect("dot").status(), 400);
    assert!(files.join(".bashrc").exists());

    // Downloads are /files/.
    let text = client
        .get(server.url("/files/alpha.txt"))
        .send()
        .await
        .expect("download")
        .text()
        .await
        .expect("text");
    assert_eq!(text, "alpha");
    server.stop().await;

    // Switched off: absent.
    let mut off = config(workshop.path());
    off.services.files = Some(false);
    off.services.files_dir = Some(files.clone());
    let server = TestServer::start(off).await;
    let response = client.get(server.url("/api/files")).send().await.expect("off");
    assert_eq!(response.status(), 404);
    server.stop().await;
}

#[tokio::test]
async fn no_call_reaches_outside_the_files_folder() {
    let workshop = tempfile::tempdir().expect("workshop");
    let outside = tempfile::tempdir().expect("outside");
    let files = outside.path().join("files");
    std::fs::create_dir_all(&files).expect("files");
    traversal::plant(&files, outside.path());
    std::fs::write(files.join("keep.txt"), "keep").expect("keep");
    let server = files_server(workshop.path(), &files).await;
    let host = server.addr.to_string();
    let mut escapes = Vec::new();
    let mut tried = 0;
    // Reads and writes first; deletes last (deleting the `escape` link itself is allowed and would end
    // the symlink payloads).
    for method in ["GET", "POST folder", "POST upload", "DELETE"] {
        for payload in PAYLOADS {
            let (status, text) = match method {
                "POST folder" => {
                    let body = serde_json::json!({ "path": format!("{payload}/made") }).to_string();
                    let headers = [("Content-Type", "application/json")];
                    traversal::raw(
                        server.addr,
                        &host,
                        "POST",
                        "/api/files/folder",
                        &headers,
                        body.as_bytes(),
                    )
                    .await
                }
                "POST upload" => {
                    let (content_type, upload) = multipart(&[Part::File("files", "dropped.txt", b"ESCAPED")]);
                    let target = format!("/api/files/upload?path={payload}");
                    let headers = [("Content-Type", content_type.as_str())];
                    traversal::raw(server.addr, &host, "POST", &target, &headers, &upload).await
                }
                _ => {
                    let query = format!("/api/files?path={payload}");
                    traversal::raw(server.addr, &host, method, &query, &[], b"").await
                }
            };
            tried += 1;
            // A listing of the folder outside would name the secret file as an entry (refusals echo the
            // payload, which names it too, so look for the entry).
            let listed_outside = text.contains(&format!("\"name\":\"{}\"", traversal::SECRET_FILE));
            if traversal::leaked(&text) || listed_outside {
                escapes.push(format!("{method} {payload} → {status}"));
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
    assert!(files.join("keep.txt").exists());
    println!("files API traversal: {tried} requests, {} escapes", escapes.len());
    assert!(escapes.is_empty(), "escapes: {escapes:#?}");
    server.stop().await;
}
