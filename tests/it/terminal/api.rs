//! The HTTP input API: paste, execute, interrupt and clear by name; unknown and invalid names; bad
//! bodies; an exited shell.

use lectern::terminal::protocol::ServerMsg;

use super::client::{Client, server_with_script};
use crate::support::{TestServer, http_client};

/// Echo off, output untouched; prints `R`, then each line it reads in brackets.
const LINES: &str = "stty -echo -opost\nprintf R\nwhile read -r l; do printf '[%s]\\n' \"$l\"; done\n";

async fn post(server: &TestServer, path: &str, body: Option<&str>) -> (u16, String) {
    let mut request = http_client().post(server.url(path));
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("http");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paste_execute_and_clear_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), LINES, 1 << 20).await;
    let (mut viewer, _) = Client::attach(&server, "1", None).await;
    viewer.read_until("R").await;

    let (status, _) = post(
        &server,
        "/terminal/api/1/execute",
        Some(r#"{"command":"echo hi"}"#),
    )
    .await;
    assert_eq!(status, 204);
    viewer.read_until("[echo hi]\n").await;

    let (status, _) = post(
        &server,
        "/terminal/api/1/paste",
        Some(r#"{"text":"a\nb\r\nc\n"}"#),
    )
    .await;
    assert_eq!(status, 204);
    viewer.read_until("[a]\n[b]\n[c]\n").await;

    let (status, _) = post(&server, "/terminal/api/1/clear", None).await;
    assert_eq!(status, 204);
    viewer.read_until("\x1b[H\x1b[2J\x1b[3J").await;

    let (status, _) = post(
        &server,
        "/terminal/api/1/execute",
        Some(r#"{"command":"after clear","clear":true}"#),
    )
    .await;
    assert_eq!(status, 204);
    let seen = viewer.read_until("[after clear]\n").await;
    assert!(
        seen.starts_with("\x1b[H\x1b[2J\x1b[3J"),
        "clear comes first: {seen:?}"
    );
    viewer.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupt_and_ctrl_c_command_send_sigint() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The program that prints the ready mark is the one Ctrl-C must kill: awk, exec'd in place of
    // the shell, prints `R` and then reads its input forever. (With a shell printing `R` before
    // running `cat`, a SIGINT landing between the two is deferred by dash until `cat` ends: never.)
    let script = "stty -echo -opost\nexec awk 'BEGIN { printf \"R\"; fflush() } { n++ }'\n";
    let server = server_with_script(dir.path(), script, 1 << 20).await;
    for (name, path, body) in [
        ("1", "/terminal/api/1/interrupt", None),
        (
            "2",
            "/terminal/api/2/execute",
            Some(r#"{"command":" <CTRL-C> "}"#),
        ),
    ] {
        let (mut viewer, _) = Client::attach(&server, name, None).await;
        viewer.read_until("R").await;
        let (status, text) = post(&server, path, body).await;
        assert_eq!(status, 204, "{path}: {text}");
        let exit = viewer.msg().await;
        let ServerMsg::Exit { code, signal, .. } = exit else {
            panic!("{path}: expected exit, got {exit:?}");
        };
        assert!(
            signal == Some(2) || code == Some(130),
            "{path}: killed by SIGINT, got code {code:?} signal {signal:?}"
        );
        // An exited shell refuses input with 409 until restarted.
        let (status, text) = post(&server, &format!("/terminal/api/{name}/interrupt"), None).await;
        assert_eq!(status, 409, "{text}");
        assert!(text.contains("has exited"), "{text}");
        viewer.close().await;
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_name_starts_a_terminal_and_keeps_the_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), LINES, 1 << 20).await;
    // Nobody is attached to `fresh-one`: the API creates it and the output waits in the ring.
    let (status, text) = post(
        &server,
        "/terminal/api/fresh-one/execute",
        Some(r#"{"command":"early"}"#),
    )
    .await;
    assert_eq!(status, 204, "{text}");
    let (mut viewer, _) = Client::attach(&server, "fresh-one", None).await;
    viewer.read_until("[early]\n").await;
    viewer.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_names_and_bodies_get_400_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), LINES, 1 << 20).await;
    let long = "a".repeat(33);
    for name in ["Upper", "a%2Fb", "a..b", "with.dot", "sp%20ace", long.as_str()] {
        for action in ["paste", "execute", "interrupt", "clear"] {
            let body = match action {
                "paste" => Some(r#"{"text":"x"}"#),
                "execute" => Some(r#"{"command":"x"}"#),
                _ => None,
            };
            let (status, text) = post(&server, &format!("/terminal/api/{name}/{action}"), body).await;
            assert_eq!(status, 400, "{name}/{action}: {text}");
            assert!(text.contains("invalid terminal name"), "{name}/{action}: {text}");
        }
    }
    let bad_bodies: [(&str, Option<&str>); 6] = [
        ("paste", None),
        ("paste", Some("not json")),
        ("paste", Some(r#"{"txt":"x"}"#)),
        ("paste", Some(r#"{"text":5}"#)),
        ("execute", Some(r#"{"command":"x","clear":"yes"}"#)),
        ("execute", Some("[]")),
    ];
    for (action, body) in bad_bodies {
        let (status, text) = post(&server, &format!("/terminal/api/1/{action}"), body).await;
        assert_eq!(status, 400, "{action} {body:?}: {text}");
        assert!(text.contains("invalid request body"), "{action} {body:?}: {text}");
    }
    // Without a content type.
    let response = http_client()
        .post(server.url("/terminal/api/1/paste"))
        .body(r#"{"text":"x"}"#)
        .send()
        .await
        .expect("http");
    assert_eq!(response.status().as_u16(), 400);
    // Nothing above created a terminal or broke the server.
    let (mut viewer, _) = Client::attach(&server, "1", None).await;
    viewer.read_until("R").await;
    viewer.close().await;
    server.stop().await;
}
