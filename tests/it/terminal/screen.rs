//! The server-side screen model (issue 23): `GET /terminal/{name}/screen` as text and JSON, after
//! ordinary output, a full-screen program and a flood far faster than the model parses.

use super::client::{Client, server_with_script};
use crate::support::{TestServer, http_client};

/// Echo off, output untouched; runs each line it reads as a shell command.
const SHELL: &str = "stty -echo -opost\nprintf 'R\\r\\n'\nwhile read -r l; do eval \"$l\"; done\n";

async fn get(server: &TestServer, path: &str) -> (u16, String) {
    let response = http_client().get(server.url(path)).send().await.expect("get");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// Waits (guarded) until the screen text satisfies `ready`; returns it.
async fn screen_until(server: &TestServer, path: &str, ready: impl Fn(&str) -> bool) -> String {
    let started = std::time::Instant::now();
    loop {
        let (status, body) = get(server, path).await;
        assert_eq!(status, 200, "{body}");
        if ready(&body) {
            return body;
        }
        assert!(
            started.elapsed() < super::client::GUARD,
            "screen never got there: {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screen_is_served_as_text_and_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), SHELL, 1 << 20).await;
    let (status, body) = get(&server, "/terminal/1/screen").await;
    assert_eq!((status, body.as_str()), (404, "not found: no terminal named 1"));
    let (mut client, _) = Client::attach_sized(&server, "1", None, 40, 5).await;
    client.read_until("R\r\n").await;
    client
        .input(b"printf 'one\\r\\ntwo\\r\\n\\033]0;the title\\007$ '\n")
        .await;
    let text = screen_until(&server, "/terminal/1/screen", |t| t.contains("two\n$")).await;
    assert_eq!(text, "R\none\ntwo\n$\n\n");
    let (status, json) = get(&server, "/terminal/1/screen?format=json").await;
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(json["cols"], 40);
    assert_eq!(json["rows"], 5);
    assert_eq!(
        json["cursor"],
        serde_json::json!({"col": 2, "row": 3, "visible": true})
    );
    assert_eq!(json["title"], "the title");
    assert_eq!(json["alternate"], false);
    assert_eq!(json["lines"][1], "one");
    // The api/ form serves every name, and the alternate screen is reported.
    client.input(b"printf '\\033[?1049h\\033[Hfull screen'\n").await;
    let json = screen_until(&server, "/terminal/api/1/screen?format=json", |t| {
        t.contains("full screen")
    })
    .await;
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(json["alternate"], true);
    let (status, _) = get(&server, "/terminal/1/screen?format=xml").await;
    assert_eq!(status, 400);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_flood_the_screen_shows_its_end() {
    let _heavy = super::client::HEAVY.lock().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), SHELL, 1 << 20).await;
    let (mut client, _) = Client::attach_sized(&server, "1", None, 80, 10).await;
    client.read_until("R\r\n").await;
    client
        .input(b"seq 1 2000000 | sed 's/$/\\r/'; printf 'END-%s\\r\\n' 42\n")
        .await;
    drop(client);
    let text = screen_until(&server, "/terminal/1/screen", |t| t.contains("END-42")).await;
    assert!(text.contains("1999999\n2000000\nEND-42\n"), "{text}");
    assert_eq!(text.lines().count(), 10, "{text}");
    server.stop().await;
}
