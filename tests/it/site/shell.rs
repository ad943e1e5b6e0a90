//! The page shell, the JSON page API, files beside pages, theme overrides, containment and `/readyz`.

use serde_json::Value;

use super::{raw_get, serve_dir, three_page_workshop, write};
use crate::support::{get, get_json, get_text};

#[tokio::test]
async fn page_is_a_full_document_with_assets_and_neighbours() {
    let dir = tempfile::tempdir().expect("tempdir");
    three_page_workshop(dir.path());
    let server = serve_dir(dir.path()).await;
    for path in ["/workshop/content/02-second", "/workshop/content/02-second/"] {
        let response = get(&server.url(path)).await;
        assert_eq!(response.status(), 200, "{path}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .expect("type")
            .to_string();
        assert!(content_type.starts_with("text/html"), "{content_type}");
        let html = response.text().await.expect("body");
        assert!(html.starts_with("<!doctype html>"), "{html}");
        assert!(html.contains("<title>"), "{html}");
        assert!(html.contains(r#"href="/static/instructions.css""#), "{html}");
        assert!(html.contains(r#"src="/static/instructions.js""#), "{html}");
        assert!(html.contains("The second page."), "{html}");
        assert!(html.contains(r#"<main class="lectern-page""#), "{html}");
        assert!(
            html.contains(r#"rel="prev" href="/workshop/content/01-first/""#),
            "{html}"
        );
        assert!(
            html.contains(r#"rel="next" href="/workshop/content/03-third/""#),
            "{html}"
        );
        assert!(
            !html.contains("workshop-instructions.css"),
            "no override without the file: {html}"
        );
    }
    let first = get(&server.url("/workshop/content/01-first/")).await;
    let html = first.text().await.expect("body");
    assert!(
        html.contains("lectern-nav-disabled"),
        "no previous page on the first: {html}"
    );
    let missing = get(&server.url("/workshop/content/nope")).await;
    assert_eq!(missing.status(), 404);
    // Issue 21: a missing page links the nearest one and lists them all (a renamed page, an old bookmark).
    let renamed = get(&server.url("/workshop/content/02-renamed/")).await;
    assert_eq!(renamed.status(), 404);
    let html = renamed.text().await.expect("body");
    assert!(html.contains("data-nearest-page=\"02-"), "{html}");
    assert!(
        html.contains("lectern-page-list") && html.contains("/workshop/content/01-first/"),
        "{html}"
    );
    server.stop().await;
}

#[tokio::test]
async fn content_root_redirects_to_the_first_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    three_page_workshop(dir.path());
    let server = serve_dir(dir.path()).await;
    for path in ["/workshop/", "/workshop/content/"] {
        let response = get(&server.url(path)).await;
        assert!(
            response.status().is_redirection(),
            "{path}: {}",
            response.status()
        );
    }
    let response = get(&server.url("/workshop/content/")).await;
    assert_eq!(response.headers()["location"], "/workshop/content/01-first/");
    server.stop().await;
}

#[tokio::test]
async fn theme_overrides_are_linked_and_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    three_page_workshop(dir.path());
    write(
        dir.path(),
        "workshop/theme/workshop-instructions.css",
        "body { color: red }",
    );
    write(
        dir.path(),
        "workshop/theme/workshop-instructions.js",
        "console.log('hi')",
    );
    let server = serve_dir(dir.path()).await;
    let html = get_text(&server.url("/workshop/content/01-first/")).await;
    let css_at = html
        .find("/workshop/static/workshop-instructions.css")
        .expect("override css linked");
    assert!(
        css_at > html.find("/static/instructions.css").expect("base css"),
        "override after base"
    );
    assert!(
        html.contains(r#"src="/workshop/static/workshop-instructions.js""#),
        "{html}"
    );
    let css = get(&server.url("/workshop/static/workshop-instructions.css")).await;
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/css")
    );
    server.stop().await;
}

#[tokio::test]
async fn workshop_api_lists_pages_in_order_with_neighbours() {
    let dir = tempfile::tempdir().expect("tempdir");
    three_page_workshop(dir.path());
    let server = serve_dir(dir.path()).await;
    let workshop: Value = get_json(&server.url("/api/workshop")).await;
    assert_eq!(workshop["first"], "01-first");
    assert!(workshop["title"].is_string());
    assert_eq!(workshop["format"], "hugo");
    let pages = workshop["pages"].as_array().expect("pages");
    let keys: Vec<&str> = pages.iter().map(|p| p["key"].as_str().expect("key")).collect();
    assert_eq!(keys, ["01-first", "02-second", "03-third"]);
    assert_eq!(pages[0]["prev"], Value::Null);
    assert_eq!(pages[0]["next"], "02-second");
    assert_eq!(pages[2]["next"], Value::Null);
    assert!(
        pages[1]["source"]
            .as_str()
            .expect("source")
            .ends_with("02-second.md")
    );
    let page: Value = get_json(&server.url("/api/workshop/pages/02-second")).await;
    assert_eq!(page["key"], "02-second");
    assert_eq!(page["prev"], "01-first");
    assert_eq!(page["next"], "03-third");
    assert!(page["html"].as_str().expect("html").contains("The second page."));
    assert!(page["actions"].is_array());
    let missing = get(&server.url("/api/workshop/pages/nope")).await;
    assert_eq!(missing.status(), 404);
    server.stop().await;
}

#[tokio::test]
async fn files_beside_pages_are_served_with_their_types() {
    let dir = tempfile::tempdir().expect("tempdir");
    three_page_workshop(dir.path());
    write(dir.path(), "workshop/content/notes/.secret", "hidden");
    let server = serve_dir(dir.path()).await;
    // Relative to `/workshop/content/01-first` and to `/workshop/content/01-first/`.
    for path in [
        "/workshop/content/images/logo.png",
        "/workshop/content/01-first/images/logo.png",
    ] {
        let response = get(&server.url(path)).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], "image/png", "{path}");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    }
    for path in [
        "/workshop/content/01-first.md",
        "/workshop/content/notes/.secret",
        "/workshop/content/images",
    ] {
        let response = get(&server.url(path)).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    server.stop().await;
}

#[tokio::test]
async fn content_paths_cannot_leave_the_workshop() {
    let outside = tempfile::tempdir().expect("outside");
    write(outside.path(), "secret.txt", "TOP-SECRET");
    let parent = tempfile::tempdir().expect("parent");
    let root = parent.path().join("ws");
    three_page_workshop(&root);
    write(parent.path(), "secret.txt", "TOP-SECRET");
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        root.join("workshop/content/escape.txt"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), root.join("workshop/content/out")).expect("dir symlink");
    // A symlink that stays inside the workshop is fine.
    std::os::unix::fs::symlink(
        root.join("workshop/content/images/logo.png"),
        root.join("workshop/content/alias.png"),
    )
    .expect("inner symlink");
    let server = serve_dir(&root).await;
    for target in [
        "/workshop/content/../../../secret.txt",
        "/workshop/content/images/../../../../secret.txt",
        "/workshop/content/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/workshop/content/%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret.txt",
        "/workshop/content/..%5c..%5c..%5csecret.txt",
        "/workshop/content/escape.txt",
        "/workshop/content/out/secret.txt",
        "/workshop/static/..%2f..%2f..%2fsecret.txt",
        "/workshop/content/01-first/%2e%2e/%2e%2e/%2e%2e/secret.txt",
    ] {
        let (status, text) = raw_get(&server, target).await;
        assert!(status == 404 || status == 400, "{target}: {status}");
        assert!(!text.contains("TOP-SECRET"), "{target} leaked the file");
    }
    let (status, _) = raw_get(&server, "/workshop/content/alias.png").await;
    assert_eq!(status, 200, "symlink inside the workshop");
    server.stop().await;
}

#[tokio::test]
async fn readyz_waits_for_pages() {
    let empty = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(empty.path().join("workshop/content")).expect("mkdir");
    let server = serve_dir(empty.path()).await;
    let response = get(&server.url("/readyz")).await;
    assert_eq!(response.status(), 503);
    server.stop().await;

    let dir = tempfile::tempdir().expect("tempdir");
    three_page_workshop(dir.path());
    let server = serve_dir(dir.path()).await;
    let response = get(&server.url("/readyz")).await;
    assert_eq!(response.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn highlighted_code_has_its_stylesheet() {
    let dir = tempfile::tempdir().expect("tempdir");
    three_page_workshop(dir.path());
    let server = serve_dir(dir.path()).await;
    let html = get_text(&server.url("/workshop/content/01-first/")).await;
    assert!(html.contains(r#"href="/workshop/highlight.css""#), "{html}");
    let response = get(&server.url("/workshop/highlight.css")).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/css")
    );
    let css = response.text().await.expect("body");
    assert!(css.contains(".hl-"), "{css:.300}");
}
