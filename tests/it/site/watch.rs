//! Live reload: an edit on disk reaches `/api/events` as `content-changed`, also when a ConfigMap-style
//! `..data` symlink swap replaces the folder; `--no-watch` switches it off. Latencies are printed, not asserted.

use std::path::Path;
use std::time::Instant;

use clap::Parser;
use lectern::cli::{Cli, Command};
use lectern::config::Config;
use serde_json::Value;

use super::{SseClient, WAIT, serve_dir, three_page_workshop, write};
use crate::support::get_text;

fn changed_pages(data: &str) -> Vec<String> {
    let value: Value = serde_json::from_str(data).expect("json data");
    value["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .map(|key| key.as_str().expect("key").to_string())
        .collect()
}

#[tokio::test]
async fn editing_a_page_sends_content_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    three_page_workshop(dir.path());
    let server = serve_dir(dir.path()).await;
    let mut events = SseClient::connect(&server).await;
    wait_for_watcher(&dir.path().join("workshop/content"), &mut events).await;
    let started = Instant::now();
    write(
        dir.path(),
        "workshop/content/02-second.md",
        "---\ntitle: Second\n---\n\nEdited text.\n",
    );
    let event = events
        .next_named("content-changed", WAIT)
        .await
        .expect("content-changed within the wait");
    let latency = started.elapsed();
    eprintln!("reload latency (edit → SSE event, file events): {latency:?}");
    assert_eq!(changed_pages(&event.data), ["02-second"]);
    let html = get_text(&server.url("/workshop/content/02-second/")).await;
    assert!(html.contains("Edited text."), "{html}");
    // A new page changes the navigation: every page is reported (an empty list).
    write(
        dir.path(),
        "workshop/content/04-fourth.md",
        "---\ntitle: Fourth\n---\n\nNew.\n",
    );
    let event = events
        .next_named("content-changed", WAIT)
        .await
        .expect("content-changed for a new page");
    assert!(changed_pages(&event.data).is_empty(), "{event:?}");
    // An image the pages show: same pages, but all of them reload.
    write(
        dir.path(),
        "workshop/content/images/logo.png",
        "\u{89}PNG changed",
    );
    let event = events
        .next_named("content-changed", WAIT)
        .await
        .expect("content-changed for an image");
    assert!(changed_pages(&event.data).is_empty(), "{event:?}");
    // A learner's file outside the instructions is not an instructions change: the next event is the edit.
    write(dir.path(), "exercises/notes.txt", "learner work");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    write(
        dir.path(),
        "workshop/content/01-first.md",
        "---\ntitle: First\n---\n\nEdited first.\n",
    );
    let event = events
        .next_named("content-changed", WAIT)
        .await
        .expect("content-changed for the first page");
    assert_eq!(
        changed_pages(&event.data),
        ["01-first"],
        "no event for exercises/"
    );
    drop(events);
    server.stop().await;
}

/// ConfigMap layout: `ws/..2024_a/workshop/…`, `ws/..data -> ..2024_a`, `ws/workshop -> ..data/workshop`.
fn configmap_version(ws: &Path, version: &str, text: &str) {
    let data = ws.join(version);
    three_page_workshop(&data);
    write(&data, "workshop/content/01-first.md", text);
}

#[tokio::test]
async fn configmap_symlink_swap_is_seen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(&ws).expect("mkdir");
    configmap_version(&ws, "..2024_a", "---\ntitle: First\n---\n\nVersion A.\n");
    std::os::unix::fs::symlink("..2024_a", ws.join("..data")).expect("..data");
    std::os::unix::fs::symlink("..data/workshop", ws.join("workshop")).expect("workshop");
    let server = serve_dir(&ws).await;
    let page = || async { get_text(&server.url("/workshop/content/01-first/")).await };
    assert!(page().await.contains("Version A."));
    let mut events = SseClient::connect(&server).await;
    wait_for_watcher(&ws.join("workshop/content"), &mut events).await;
    // What the kubelet does: write a new version folder, point a temporary link at it, rename it over `..data`.
    configmap_version(&ws, "..2024_b", "---\ntitle: First\n---\n\nVersion B.\n");
    let started = Instant::now();
    std::os::unix::fs::symlink("..2024_b", ws.join("..data_tmp")).expect("..data_tmp");
    std::fs::rename(ws.join("..data_tmp"), ws.join("..data")).expect("swap");
    std::fs::remove_dir_all(ws.join("..2024_a")).expect("old version");
    let event = events
        .next_named("content-changed", WAIT)
        .await
        .expect("content-changed after the swap");
    eprintln!(
        "reload latency (ConfigMap symlink swap → SSE event): {:?}",
        started.elapsed()
    );
    assert_eq!(changed_pages(&event.data), ["01-first"]);
    assert!(page().await.contains("Version B."));
    server.stop().await;
}

/// Waits until the watcher reports changes: writes a probe image under `content` until a `content-changed`
/// arrives (bounded), then drains stragglers. Robust on a loaded machine, unlike a fixed sleep.
async fn wait_for_watcher(content: &Path, events: &mut SseClient) {
    let deadline = Instant::now() + WAIT;
    let mut attempt = 0;
    loop {
        assert!(Instant::now() < deadline, "the watcher never reported a change");
        attempt += 1;
        write(content, "images/probe.png", &format!("probe {attempt}"));
        if events
            .next_named("content-changed", std::time::Duration::from_millis(1500))
            .await
            .is_some()
        {
            break;
        }
    }
    while events.next(std::time::Duration::from_millis(500)).await.is_some() {}
}

#[test]
fn no_watch_flag_turns_watching_off() {
    let cli = Cli::try_parse_from(["lectern", "serve", "--no-watch", "/tmp"]).expect("parse");
    let Command::Serve(args) = cli.command else {
        panic!("serve expected");
    };
    assert!(!Config::from_serve_args(&args).expect("config").watch);
    let cli = Cli::try_parse_from(["lectern", "serve", "/tmp"]).expect("parse");
    let Command::Serve(args) = cli.command else {
        panic!("serve expected");
    };
    assert!(Config::from_serve_args(&args).expect("config").watch);
}

#[tokio::test]
async fn polling_alone_sees_a_configmap_swap() {
    use lectern::content::ContentStore;
    use lectern::content::watch::{self, WatchOptions};
    use lectern::events::{Event, EventBus};

    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(&ws).expect("mkdir");
    configmap_version(&ws, "..2024_a", "---\ntitle: First\n---\n\nVersion A.\n");
    std::os::unix::fs::symlink("..2024_a", ws.join("..data")).expect("..data");
    std::os::unix::fs::symlink("..data/workshop", ws.join("workshop")).expect("workshop");
    let (store, _) = ContentStore::load(ws.clone(), Default::default());
    let events = EventBus::new();
    let mut receiver = events.subscribe();
    let options = WatchOptions {
        notify: false,
        ..WatchOptions::default()
    };
    let task = watch::spawn(store.clone(), events.clone(), options);
    // Armed once a probe image is reported (bounded), then drain stragglers.
    let content = ws.join("workshop/content");
    let deadline = Instant::now() + WAIT;
    for attempt in 0.. {
        assert!(Instant::now() < deadline, "the poller never reported a change");
        write(&content, "images/probe.png", &format!("probe {attempt}"));
        let wait = std::time::Duration::from_millis(2500);
        if tokio::time::timeout(wait, receiver.recv()).await.is_ok() {
            break;
        }
    }
    while tokio::time::timeout(std::time::Duration::from_millis(1500), receiver.recv())
        .await
        .is_ok()
    {}
    configmap_version(&ws, "..2024_b", "---\ntitle: First\n---\n\nVersion B.\n");
    let started = Instant::now();
    std::os::unix::fs::symlink("..2024_b", ws.join("..data_tmp")).expect("..data_tmp");
    std::fs::rename(ws.join("..data_tmp"), ws.join("..data")).expect("swap");
    let event = tokio::time::timeout(WAIT, receiver.recv())
        .await
        .expect("an event within the wait")
        .expect("event");
    eprintln!(
        "reload latency (ConfigMap swap → event, polling only): {:?}",
        started.elapsed()
    );
    assert_eq!(
        event,
        Event::ContentChanged {
            pages: vec!["01-first".to_string()]
        }
    );
    let page = store
        .current()
        .pages
        .iter()
        .find(|p| p.key == "01-first")
        .cloned()
        .expect("page");
    assert!(page.html.contains("Version B."));
    task.abort();
}
