//! `lectern export` (issue 21): the demo workshop written as static HTML whose every relative reference
//! (stylesheets, images, links between pages) names a file of the copy, so it works from `file://`.
//! (Chromium opens the copy and prints a page to PDF in frontend/e2e/responsive.mjs.)

use std::path::Path;
use std::process::Command;

/// Every `href="…"` / `src="…"` that is not external, as written in `html`.
fn local_refs(html: &str) -> Vec<String> {
    let mut refs = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            let url = &rest[..end];
            if !(url.is_empty() || url.starts_with('#') || url.contains("://") || url.starts_with("data:")) {
                refs.push(url.split(['#', '?']).next().unwrap_or("").to_string());
            }
        }
    }
    refs
}

#[test]
fn the_demo_exports_to_files_whose_links_all_resolve() {
    let out = tempfile::tempdir().expect("tempdir");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-workshop");
    let status = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(["export"])
        .arg(&demo)
        .arg("--out")
        .arg(out.path())
        .status()
        .expect("run lectern export");
    assert!(status.success(), "{status}");
    let index = std::fs::read_to_string(out.path().join("index.html")).expect("index.html");
    assert!(index.contains("A tour of lectern"), "{index}");
    let mut pages = 0;
    let mut checked = 0;
    for entry in std::fs::read_dir(out.path()).expect("out") {
        let dir = entry.expect("entry").path();
        let page = dir.join("index.html");
        if !page.is_file() {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(&page).expect("page");
        assert!(
            !html.contains("\"/workshop/") && !html.contains("\"/static/"),
            "absolute URL left in {}",
            page.display()
        );
        for url in local_refs(&html) {
            let target = dir.join(&url);
            assert!(
                target.is_file(),
                "{}: {url} does not exist in the copy",
                page.display()
            );
            checked += 1;
        }
    }
    assert_eq!(pages, 7, "one folder per demo page");
    assert!(checked > 30, "only {checked} references checked");
    let authoring = std::fs::read_to_string(out.path().join("07-authoring/index.html")).expect("bundle page");
    assert!(
        authoring.contains("layout.svg"),
        "the page bundle's picture: {authoring}"
    );
    assert!(
        !out.path().join("01-welcome.md").exists(),
        "page sources are not copied"
    );
}
