//! The embedded demo workshop: served with no DIR, every action family present in its sources, its pages
//! render without errors, and its services (files, examiner) work out of the box.

use lectern::config::{Config, WorkshopSource};
use serde_json::{Value, json};

use crate::support::{TestServer, get, get_json, get_text, http_client};

/// Page sources of the embedded demo: (path, text).
fn demo_pages() -> Vec<(String, String)> {
    lectern::assets::Assets::iter()
        .filter(|name| name.starts_with("demo-workshop/workshop/content/") && name.ends_with(".md"))
        .map(|name| {
            let data = lectern::assets::get(&name).expect("embedded");
            (
                name.to_string(),
                String::from_utf8(data.into_owned()).expect("utf-8"),
            )
        })
        .collect()
}

#[test]
fn demo_shows_every_feature_family() {
    let pages = demo_pages();
    assert!((5..=7).contains(&pages.len()), "5–7 pages, found {}", pages.len());
    let all: String = pages.iter().map(|(_, text)| text.as_str()).collect();
    for family in [
        "```terminal:execute",
        "```terminal:interrupt",
        "```editor:",
        "```dashboard:",
        "```examiner:execute-test",
        "```files:download-file",
        "```files:upload-file",
        "```section:begin",
        "```section:end",
        "```workshop:copy",
        "{{< param ",
        "](images/",
        "```shell",
    ] {
        assert!(all.contains(family), "the demo lacks {family}");
    }
    for (name, text) in &pages {
        assert!(
            text.starts_with("---\ntitle: "),
            "{name} has Hugo front matter with a title"
        );
    }
    let tests: Vec<_> = lectern::assets::Assets::iter()
        .filter(|name| name.starts_with("demo-workshop/workshop/examiner/tests/"))
        .collect();
    assert!(!tests.is_empty(), "the demo ships examiner tests");
}

#[tokio::test]
async fn demo_is_served_without_a_folder() {
    let server = TestServer::start(Config::for_tests(WorkshopSource::Demo)).await;
    let client = http_client();
    assert_eq!(get(&server.url("/readyz")).await.status(), 200);
    let workshop: Value = get_json(&server.url("/api/workshop")).await;
    let pages = workshop["pages"].as_array().expect("pages");
    assert!(pages.len() >= 5, "{workshop}");
    let first = workshop["first"].as_str().expect("first");
    let html = get_text(&server.url(&format!("/workshop/content/{first}/"))).await;
    assert!(html.contains("/static/instructions.js"), "{html}");
    assert!(
        html.contains("/workshop/static/workshop-instructions.css"),
        "demo theme override: {html}"
    );
    let image = get(&server.url(&format!("/workshop/content/{first}/images/lectern.svg"))).await;
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/svg+xml");
    // Services the demo's pages use.
    let hello = get(&server.url("/files/hello.txt")).await;
    assert_eq!(hello.status(), 200);
    let marker = tempfile::NamedTempFile::new().expect("marker");
    let result: Value = client
        .post(server.url("/examiner/test/file-exists"))
        .json(&json!({"args": [marker.path().to_string_lossy()]}))
        .send()
        .await
        .expect("examiner")
        .json()
        .await
        .expect("json");
    assert_eq!(result["success"], true, "{result}");
    let result: Value = client
        .post(server.url("/examiner/test/file-exists"))
        .json(&json!({"args": ["/nonexistent/lectern"]}))
        .send()
        .await
        .expect("examiner")
        .json()
        .await
        .expect("json");
    assert_eq!(result["success"], false, "{result}");
    server.stop().await;
}

#[test]
fn demo_renders_without_errors() {
    let (store, diagnostics) =
        lectern::content::ContentStore::load_demo(Default::default()).expect("extract the demo");
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity == lectern::content::Severity::Error)
        .map(|d| d.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let root = store.root().to_path_buf();
    assert!(root.join("workshop/examiner/tests/file-exists").is_file());
    drop(store);
    assert!(!root.exists(), "the extracted demo is removed with the store");
}

/// Issue 21: `workshop_name` is the workshop's `metadata.name` when `WORKSHOP_NAME` is not set (it showed
/// "workshop"), else the folder's name; an explicit `WORKSHOP_NAME` still wins.
#[test]
fn workshop_name_is_the_workshops_name() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-workshop");
    let mut vars = lectern::content::Variables::new();
    vars.insert("workshop_name".into(), "workshop".into());
    let (workshop, _) = lectern::content::load_workshop(&demo, &vars);
    assert_eq!(workshop.variables["workshop_name"], "lectern-tour");
    let bare = tempfile::tempdir().expect("tempdir");
    let folder = bare.path().join("kubernetes-basics");
    std::fs::create_dir_all(folder.join("workshop/content")).expect("content");
    std::fs::write(folder.join("workshop/content/01-a.md"), "# A\n").expect("page");
    let (workshop, _) = lectern::content::load_workshop(&folder, &vars);
    assert_eq!(workshop.variables["workshop_name"], "kubernetes-basics");
    vars.insert("workshop_name".into(), "given".into());
    let (workshop, _) = lectern::content::load_workshop(&folder, &vars);
    assert_eq!(workshop.variables["workshop_name"], "given");
}
