//! The extension channel: refused without its secret (nothing answers unauthenticated, W12); with it, UI
//! operations reach the extension in the channel's protocol, file operations are revealed (or kept until
//! an editor connects), and the editor's own selection is used by the selection operations.

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::{FakeExtension, SECRET, post, session};

#[tokio::test]
async fn the_channel_refuses_connections_without_its_secret() {
    let session = session(true).await;
    for header in [
        None,
        Some("Bearer wrong-secret-wrong-secret"),
        Some(SECRET),
        Some("Basic abc"),
    ] {
        let mut request = format!("ws://{}/editor-channel", session.server.addr)
            .into_client_request()
            .unwrap();
        if let Some(value) = header {
            request
                .headers_mut()
                .insert("authorization", value.parse().unwrap());
        }
        let error = tokio_tungstenite::connect_async(request)
            .await
            .expect_err("refused");
        assert!(
            matches!(error, tokio_tungstenite::tungstenite::Error::Http(ref r) if r.status() == 401),
            "{header:?}: {error:?}"
        );
    }
    // A plain GET with the right secret is not a websocket.
    let response = crate::support::http_client()
        .get(session.server.url("/editor-channel"))
        .header("authorization", format!("Bearer {SECRET}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    session.server.stop().await;
}

#[tokio::test]
async fn ui_operations_reach_the_extension() {
    let session = session(true).await;
    std::fs::write(session.exercises("a.txt"), "one\ntwo\n").unwrap();
    // A reveal made before the editor connects is delivered when it does.
    let (status, reply) = session
        .post(
            "append-to-file",
            json!({"file": "~/exercises/a.txt", "text": "three"}),
        )
        .await;
    assert_eq!((status, reply["shown"].clone()), (200, Value::Bool(false)));
    let extension = FakeExtension::connect(&session.server, SECRET, FakeExtension::ok).await;
    let (status, reply) = session
        .post("open-file", json!({"file": "~/exercises/a.txt", "line": 2}))
        .await;
    assert_eq!(status, 200, "{reply}");
    let (status, _) = post(
        &session.server,
        "/code-server/command/workbench.action.toggleSidebarVisibility",
        json!([1]),
    )
    .await;
    assert_eq!(status, 200);
    for (op, body) in [
        ("terminal-open", json!({"session": 1})),
        ("terminal-send", json!({"text": "echo hi", "endl": false})),
        ("terminal-interrupt", json!({})),
        ("terminal-clear", json!({})),
        ("terminal-close", json!({})),
        ("close-file", json!({"file": "~/exercises/a.txt"})),
    ] {
        let (status, reply) = session.post(op, body).await;
        assert_eq!(status, 200, "{op}: {reply}");
    }
    let seen = extension.seen.lock().unwrap().clone();
    assert_eq!(seen[0]["op"], "reveal", "the kept reveal first: {seen:?}");
    assert_eq!(seen[0]["changed"], true);
    assert!(seen[0]["file"].as_str().unwrap().ends_with("/exercises/a.txt"));
    let open = seen
        .iter()
        .find(|m| m["op"] == "reveal" && m["changed"] == false)
        .unwrap();
    assert_eq!(open["selection"]["start"], json!({"line": 1, "character": 0}));
    let command = seen.iter().find(|m| m["op"] == "command").unwrap();
    assert_eq!(command["command"], "workbench.action.toggleSidebarVisibility");
    assert_eq!(command["args"], json!([1]));
    let terminals: Vec<(&str, &str)> = seen
        .iter()
        .filter(|m| m["op"] == "terminal")
        .map(|m| (m["action"].as_str().unwrap(), m["session"].as_str().unwrap()))
        .collect();
    assert_eq!(
        terminals,
        [
            ("open", "1"),
            ("send", "educates"),
            ("interrupt", "educates"),
            ("clear", "educates"),
            ("close", "educates")
        ]
    );
    let send = seen.iter().find(|m| m["action"] == "send").unwrap();
    assert_eq!(
        (send["text"].clone(), send["endl"].clone()),
        (json!("echo hi"), json!(false))
    );
    session.server.stop().await;
}

#[tokio::test]
async fn the_editors_selection_wins_and_failures_are_reported() {
    let session = session(true).await;
    std::fs::write(session.exercises("b.txt"), "alpha beta\n").unwrap();
    // The learner selected "beta" by hand in the editor.
    let _extension = FakeExtension::connect(&session.server, SECRET, |m| {
        if m["op"] == "prepare" {
            json!({"id": m["id"], "ok": true, "selection": {"start": {"line": 0, "character": 6}, "end": {"line": 0, "character": 10}}})
        } else if m["op"] == "command" {
            json!({"id": m["id"], "ok": false, "error": "command 'nope' not found"})
        } else {
            json!({"id": m["id"], "ok": true})
        }
    })
    .await;
    let (status, reply) = session
        .post(
            "replace-text-selection",
            json!({"file": "~/exercises/b.txt", "text": "gamma"}),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["shown"], true);
    assert_eq!(
        std::fs::read_to_string(session.exercises("b.txt")).unwrap(),
        "alpha gamma\n"
    );
    let (status, reply) = post(&session.server, "/code-server/command/nope", json!([])).await;
    assert_eq!(status, 502, "{reply}");
    assert!(
        reply["error"]
            .as_str()
            .unwrap()
            .contains("command 'nope' not found")
    );
    session.server.stop().await;
}
