//! dashboard integration tests (real sockets, real files): `/api/dashboard` JSON, the dashboard shell and
//! the embedded bundle under `/static/`, layout flags.

use std::path::Path;

use lectern::cli::DashboardArgs;
use lectern::config::{Config, DashboardConfig, WorkshopSource};
use serde_json::{Value, json};

use crate::support::{TestServer, corpus_dir, fixture, get, get_json};

async fn dashboard_json(config: Config) -> Value {
    let server = TestServer::start(config).await;
    let response = get(&server.url("/api/dashboard")).await;
    assert_eq!(response.status(), 200);
    let value: Value = response.json().await.expect("json");
    server.stop().await;
    value
}

fn workshop_with(definition: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("resources")).expect("resources");
    std::fs::create_dir_all(dir.path().join("workshop/content")).expect("content");
    std::fs::write(dir.path().join("resources/workshop.yaml"), definition).expect("yaml");
    std::fs::write(dir.path().join("workshop/content/01-a.md"), "# A\n").expect("page");
    dir
}

fn config_for(dir: &Path) -> Config {
    Config::for_tests(WorkshopSource::Dir(dir.to_path_buf()))
}

fn tab_ids(value: &Value) -> Vec<String> {
    value["tabs"]
        .as_array()
        .expect("tabs")
        .iter()
        .map(|tab| tab["id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn defaults_for_a_bare_workshop() {
    let value = dashboard_json(config_for(&fixture("minimal"))).await;
    assert_eq!(
        value["layout"],
        json!({"workshop": "default", "terminal": "default"})
    );
    assert_eq!(
        value["tabs"],
        json!([{"id": "terminal", "label": "Terminal", "kind": "terminal", "terminals": ["1"]}])
    );
    assert_eq!(
        value["features"],
        json!({"editor": false, "console": false, "files": false, "uploads": false, "examiner": false, "slides": false})
    );
    assert_eq!(
        value["auth"],
        json!({"user": "anonymous", "staff": false, "owner": "anonymous"})
    );
    assert_eq!(value["session"]["expires"], Value::Null);
    assert_eq!(value["session"]["extendable"], json!(false));
    assert_eq!(value["session"]["name"], json!("workshop"));
    assert!(value["workshop"]["title"].is_string());
}

#[tokio::test]
async fn definition_gives_title_features_and_custom_tabs() {
    let value = dashboard_json(config_for(&fixture("e2e-dashboard"))).await;
    assert_eq!(value["workshop"]["title"], json!("Dashboard end-to-end"));
    assert_eq!(value["features"]["examiner"], json!(true));
    assert_eq!(value["features"]["files"], json!(true));
    assert_eq!(tab_ids(&value), ["terminal", "files", "notes"]);
    assert_eq!(
        value["tabs"][2],
        json!({"id": "notes", "label": "Notes", "kind": "url", "url": "/workshop/content/02-dashboard"})
    );
}

#[tokio::test]
async fn terminal_layouts_from_config() {
    let dir = workshop_with("spec: {}\n");
    for (layout, expected) in [
        ("split", Some(json!(["1", "2"]))),
        ("split/2", Some(json!(["1", "2", "3"]))),
        ("lower", None),
        ("none", None),
    ] {
        let mut config = config_for(dir.path());
        config.dashboard.terminal_layout = Some(layout.to_string());
        let value = dashboard_json(config).await;
        assert_eq!(value["layout"]["terminal"], json!(layout));
        match expected {
            Some(terminals) => assert_eq!(value["tabs"][0]["terminals"], terminals, "{layout}"),
            None => assert!(!tab_ids(&value).contains(&"terminal".to_string()), "{layout}"),
        }
    }
}

#[tokio::test]
async fn config_layout_beats_the_definition_and_bad_definition_values_fall_back() {
    let dir = workshop_with(
        "spec:\n  session:\n    applications:\n      workshop: {layout: tab}\n      terminal: {layout: sideways}\n",
    );
    let value = dashboard_json(config_for(dir.path())).await;
    assert_eq!(value["layout"], json!({"workshop": "tab", "terminal": "default"}));
    let mut config = config_for(dir.path());
    config.dashboard.workshop_layout = Some("none".to_string());
    let value = dashboard_json(config).await;
    assert_eq!(value["layout"]["workshop"], json!("none"));
}

#[tokio::test]
async fn disabled_terminals_mean_no_terminal_tab() {
    let dir = workshop_with("spec:\n  session:\n    applications:\n      terminal: {enabled: false}\n");
    let value = dashboard_json(config_for(dir.path())).await;
    assert_eq!(value["layout"]["terminal"], json!("none"));
    assert!(tab_ids(&value).is_empty());
}

#[tokio::test]
async fn custom_dashboards_place_builtins_like_the_original() {
    // A custom entry named like an enabled built-in puts the built-in there; unmentioned built-ins go last.
    let dir = workshop_with(
        "spec:\n  session:\n    applications:\n      editor: {enabled: true}\n      console: {enabled: true}\n    dashboards:\n    - name: My  Docs!\n      url: https://docs.test/\n    - name: Editor\n    - name: Shell Two\n      url: terminal:two\n    - name: No URL\n",
    );
    let value = dashboard_json(config_for(dir.path())).await;
    assert_eq!(
        tab_ids(&value),
        ["my-docs", "editor", "shell-two", "terminal", "console"]
    );
    assert_eq!(value["tabs"][1]["url"], json!("/editor/"));
    assert_eq!(
        value["tabs"][2],
        json!({"id": "shell-two", "label": "Shell Two", "kind": "terminal", "terminals": ["two"]})
    );
    // Without a built-in mentioned, built-ins come first.
    let dir = workshop_with("spec:\n  session:\n    dashboards:\n    - name: Site\n      url: /x/\n");
    assert_eq!(
        tab_ids(&dashboard_json(config_for(dir.path())).await),
        ["terminal", "site"]
    );
}

#[tokio::test]
async fn corpus_terminal_actions_workshop() {
    let dir = corpus_dir().join("educates__educates-training-platform__lab-terminal-actions");
    if !dir.is_dir() {
        // FIXME: the corpus is beside the repository in CI; without it there is nothing to check.
        return;
    }
    let value = dashboard_json(config_for(&dir)).await;
    assert_eq!(value["layout"]["terminal"], json!("split/2"));
    assert_eq!(value["tabs"][0]["terminals"], json!(["1", "2", "3"]));
    assert_eq!(
        value["tabs"][1],
        json!({"id": "terminal4", "label": "Terminal#4", "kind": "terminal", "terminals": ["4"]})
    );
}

#[test]
fn layout_flags_are_validated() {
    let ok = DashboardConfig::from_args(&DashboardArgs {
        workshop_layout: Some("tab".to_string()),
        terminal_layout: Some("split/2".to_string()),
        ..DashboardArgs::default()
    })
    .expect("valid");
    assert_eq!(ok.terminal_layout.as_deref(), Some("split/2"));
    let error = DashboardConfig::from_args(&DashboardArgs {
        workshop_layout: None,
        terminal_layout: Some("sideways".to_string()),
        ..DashboardArgs::default()
    })
    .expect_err("invalid");
    let message = error.to_string();
    assert!(
        message.contains("TERMINAL_LAYOUT") && message.contains("split/2"),
        "{message}"
    );
    let empty = DashboardConfig::from_args(&DashboardArgs {
        workshop_layout: Some(" ".to_string()),
        ..DashboardArgs::default()
    })
    .expect("empty is unset");
    assert_eq!(empty, DashboardConfig::default());
}

#[tokio::test]
async fn shell_and_bundle_are_served() {
    let server = TestServer::start(config_for(&fixture("minimal"))).await;
    let shell = get(&server.url("/dashboard/")).await;
    assert_eq!(shell.status(), 200);
    let html = shell.text().await.expect("html");
    assert!(
        html.contains("/static/dashboard.js") && html.contains("/static/dashboard.css"),
        "{html}"
    );
    for (path, kind) in [
        ("/static/dashboard.js", "text/javascript"),
        ("/static/dashboard.css", "text/css"),
        ("/static/instructions.js", "text/javascript"),
        ("/static/instructions.css", "text/css"),
    ] {
        let response = get(&server.url(path)).await;
        assert_eq!(response.status(), 200, "{path}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .to_string();
        assert!(content_type.starts_with(kind), "{path}: {content_type}");
    }
    for path in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/nope.js",
    ] {
        let response = get(&server.url(path)).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    let root = get(&server.url("/")).await;
    assert!(root.status().is_redirection());
    assert_eq!(root.headers()["location"], "/dashboard/");
    server.stop().await;
}

/// Issue 21: the chunks the dashboard imports on demand (xterm.js and its renderers, so the page paints
/// before them) are embedded under content-hashed names, sent precompressed and cached for a year; the
/// fixed-name entry points are revalidated on every load.
#[tokio::test]
async fn lazily_imported_chunks_are_served_and_cached_for_good() {
    let server = TestServer::start(config_for(&fixture("minimal"))).await;
    let client = reqwest::Client::new();
    let entry = std::fs::read_to_string("assets/dashboard/dashboard.js").expect("bundle");
    let mut chunks: Vec<&str> = entry
        .split(['"', '`', '\''])
        .filter(|s| s.starts_with("chunks/") || s.starts_with("./chunks/"))
        .map(|s| s.trim_start_matches("./"))
        .collect();
    chunks.sort_unstable();
    chunks.dedup();
    for name in ["xterm-", "addon-webgl-", "addon-canvas-"] {
        assert!(
            chunks.iter().any(|c| c.starts_with(&format!("chunks/{name}"))),
            "dashboard.js imports no {name} chunk: {chunks:?}"
        );
    }
    for chunk in &chunks {
        let response = client
            .get(server.url(&format!("/static/{chunk}")))
            .header("accept-encoding", "br")
            .send()
            .await
            .expect("chunk");
        assert_eq!(response.status(), 200, "{chunk}");
        assert_eq!(response.headers()["content-encoding"], "br", "{chunk}");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{chunk}"
        );
    }
    let entry_point = get(&server.url("/static/dashboard.js")).await;
    assert_eq!(entry_point.headers()["cache-control"], "no-cache");
    // xterm.js is not in the entry point: it arrives with the first terminal shown.
    assert!(
        !entry.contains("xterm-helper-textarea"),
        "xterm.js is bundled into dashboard.js"
    );
    server.stop().await;
}

/// Issue 21: the bundle is sent precompressed (brotli, else gzip) with an ETag, revalidates to 304, and the
/// favicon exists; the dashboard learns which theme overrides exist from `/api/dashboard` (no 404 probes).
#[tokio::test]
async fn bundle_is_precompressed_with_etags_and_overrides_are_announced() {
    let server = TestServer::start(config_for(&fixture("e2e-dashboard"))).await;
    let client = reqwest::Client::new();
    let raw = std::fs::read("assets/dashboard/dashboard.js").expect("bundle");
    let get = |accept: &'static str| {
        client
            .get(server.url("/static/dashboard.js"))
            .header("accept-encoding", accept)
            .send()
    };
    for (accept, encoding, file) in [
        ("gzip, deflate, br, zstd", Some("br"), "dashboard.js.br"),
        ("gzip;q=1.0, br;q=0", Some("gzip"), "dashboard.js.gz"),
        ("identity", None, "dashboard.js"),
    ] {
        let response = get(accept).await.expect("asset");
        assert_eq!(response.status(), 200, "{accept}");
        let headers = response.headers().clone();
        assert_eq!(
            headers
                .get("content-encoding")
                .map(|v| v.to_str().expect("ascii")),
            encoding,
            "{accept}"
        );
        assert_eq!(headers["vary"], "Accept-Encoding");
        assert!(
            headers["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("text/javascript")
        );
        let body = response.bytes().await.expect("body");
        let expected = std::fs::read(format!("assets/dashboard/{file}")).expect("variant");
        assert_eq!(body.len(), expected.len(), "{accept}");
        assert!(
            encoding.is_none() || body.len() < raw.len() / 3,
            "{accept}: {}",
            body.len()
        );
    }
    let etag = get("br").await.expect("asset").headers()["etag"].clone();
    let revalidated = client
        .get(server.url("/static/dashboard.js"))
        .header("if-none-match", etag.clone())
        .send()
        .await
        .expect("revalidate");
    assert_eq!(revalidated.status(), 304);
    assert_eq!(revalidated.headers()["etag"], etag);
    let favicon = client
        .get(server.url("/favicon.ico"))
        .send()
        .await
        .expect("favicon");
    assert_eq!(favicon.status(), 200);
    assert!(
        favicon.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("image/svg+xml")
    );

    let json: Value = get_json(&server.url("/api/dashboard")).await;
    assert_eq!(
        json["overrides"],
        json!({"css": "/workshop/static/workshop-dashboard.css", "js": "/workshop/static/workshop-dashboard.js"})
    );
    server.stop().await;
    assert_eq!(
        dashboard_json(config_for(&fixture("minimal"))).await["overrides"],
        json!({"css": null, "js": null})
    );
}
