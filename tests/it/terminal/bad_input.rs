//! Hostile and broken clients: malformed frames, unknown types, huge frames, absurd sizes and bad
//! names each get a clear error, and neither the server nor another terminal notices.

use lectern::terminal::protocol::ServerMsg;
use tokio_tungstenite::tungstenite;

use super::client::{Client, Incoming, server_with_script};
use crate::support::TestServer;

/// Echo off, output untouched; prints `R`, then each line it reads in brackets.
const LINES: &str = "stty -echo -opost\nprintf R\nwhile read -r l; do printf '[%s]\\n' \"$l\"; done\n";

/// The error code of the next message, which must be an error.
async fn error_code(client: &mut Client) -> (String, String) {
    match client.msg().await {
        ServerMsg::Error { code, message } => (code.to_string(), message),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// Round trip through terminal `other`: proves the server and that terminal are fine.
async fn still_alive(witness: &mut Client, token: &str) {
    witness.input(format!("{token}\n").as_bytes()).await;
    witness.read_until(&format!("[{token}]\n")).await;
}

async fn setup() -> (tempfile::TempDir, TestServer, Client) {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), LINES, 1 << 20).await;
    let (mut witness, _) = Client::attach(&server, "other", None).await;
    witness.read_until("R").await;
    (dir, server, witness)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_unknown_messages_get_errors_and_the_connection_stays() {
    let (_dir, server, mut witness) = setup().await;
    let (mut client, _) = Client::attach(&server, "victim", None).await;
    client.read_until("R").await;
    let cases = [
        ("not json", "bad-message"),
        ("{", "bad-message"),
        ("[1,2,3]", "bad-message"),
        ("{}", "bad-message"),
        (r#"{"type":42}"#, "bad-message"),
        (r#"{"type":"resize"}"#, "bad-message"),
        (
            r#"{"type":"resize","cols":80,"rows":24,"extra":1}"#,
            "bad-message",
        ),
        (r#"{"type":"resize","cols":-1,"rows":24}"#, "bad-message"),
        (r#"{"type":"ping","id":"x"}"#, "bad-message"),
        (r#"{"type":"dance"}"#, "unknown-type"),
        (r#"{"type":"DATA","data":"x"}"#, "unknown-type"),
        (r#"{"type":0,"id":"1","args":{}}"#, "bad-message"),
        (r#"{"type":"resize","cols":0,"rows":0}"#, "bad-size"),
        (r#"{"type":"resize","cols":100000,"rows":24}"#, "bad-size"),
        (r#"{"type":"resize","cols":80,"rows":100000}"#, "bad-size"),
        (r#"{"type":"resize","cols":4294967296,"rows":24}"#, "bad-size"),
        (r#"{"type":"resize","cols":1.5,"rows":24}"#, "bad-message"),
        (r#"{"type":"ack","seq":-1}"#, "bad-message"),
        (r#"{"type":"restart"}"#, "running"),
        (
            r#"{"type":"hello","version":1,"cols":80,"rows":24}"#,
            "duplicate-hello",
        ),
    ];
    for (text, code) in cases {
        client.text(text).await;
        let (got, message) = error_code(&mut client).await;
        assert_eq!(got, code, "{text}: {message}");
        assert!(!message.is_empty());
    }
    // Binary garbage is input, not a protocol error: the program simply reads it.
    client.input(b"\xff\xfe\x00garbage\n").await;
    client.read_until("garbage]\n").await;
    client.json(serde_json::json!({"type":"ping","id":9})).await;
    assert_eq!(client.msg().await, ServerMsg::Pong { id: 9 });
    client.json(serde_json::json!({"type":"ping"})).await;
    assert_eq!(client.msg().await, ServerMsg::Pong { id: 0 });
    still_alive(&mut witness, "after-malformed").await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_hellos_close_with_1008() {
    let (_dir, server, mut witness) = setup().await;
    let cases = [
        (
            r#"{"type":"hello","version":1,"last_seq":null,"cols":0,"rows":0}"#,
            "bad-size",
        ),
        (
            r#"{"type":"hello","version":1,"last_seq":null,"cols":100000,"rows":24}"#,
            "bad-size",
        ),
        (
            r#"{"type":"hello","version":9,"last_seq":null,"cols":80,"rows":24}"#,
            "unsupported-version",
        ),
        (r#"{"type":"hello","version":1}"#, "bad-message"),
        (r#"{"type":"resize","cols":80,"rows":24}"#, "expected-hello"),
        (r#"{"type":"nope"}"#, "expected-hello"),
        (r#"{"type":"ping","id":1}"#, "expected-hello"),
        ("garbage", "expected-hello"),
        ("[1]", "expected-hello"),
        (
            r#"{"type":"hello","version":3,"colour":"red"}"#,
            "unsupported-version",
        ),
        // Issue 11: the protocol stays version 1 for the clients written to it; newer abilities are
        // hello `features`, so a version 2 hello is refused, and a feature is never a field of its own.
        (
            r#"{"type":"hello","version":2,"last_seq":null,"cols":80,"rows":24}"#,
            "unsupported-version",
        ),
        (
            r#"{"type":"hello","version":1,"last_seq":null,"cols":80,"rows":24,"snapshots":true}"#,
            "bad-message",
        ),
        (
            r#"{"type":"hello","version":1,"last_seq":null,"cols":80,"rows":24,"features":"stream"}"#,
            "bad-message",
        ),
        (r#"{"type":"hello","version":-1}"#, "bad-message"),
        (
            r#"{"type":"hello","version":1,"last_seq":-1,"cols":80,"rows":24}"#,
            "bad-message",
        ),
        (
            r#"{"type":"hello","version":1,"last_seq":null,"cols":80,"rows":24,"window":-5}"#,
            "bad-message",
        ),
    ];
    for (text, code) in cases {
        let mut client = Client::connect(&server, "/terminal/ws/victim")
            .await
            .expect("connect");
        client.text(text).await;
        let (got, message) = error_code(&mut client).await;
        assert_eq!(got, code, "{text}: {message}");
        match client.next().await {
            Incoming::Closed(Some(frame)) => assert_eq!(u16::from(frame.code), 1008, "{text}"),
            other => panic!("{text}: expected close 1008, got {other:?}"),
        }
    }
    still_alive(&mut witness, "after-bad-hellos").await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_frames_are_refused_without_harm() {
    let (_dir, server, mut witness) = setup().await;
    let huge = vec![b'x'; 2 * 1024 * 1024];
    // After hello (input) and before hello (text): both end that connection only.
    for before_hello in [false, true] {
        let mut client = if before_hello {
            Client::connect(&server, "/terminal/ws/victim")
                .await
                .expect("connect")
        } else {
            let (mut client, _) = Client::attach(&server, "victim", None).await;
            client.read_until("R").await;
            client
        };
        let sent = client.try_binary(huge.clone()).await;
        // The server closes right after its error, so the client may see the error and a 1009
        // close, or (when the reset overtakes them) just a dropped connection; never a hang.
        let mut saw_close = !sent;
        while !saw_close {
            match client.next().await {
                Incoming::Msg(ServerMsg::Error { code, .. }) => assert_eq!(code, "too-big"),
                Incoming::Msg(other) => panic!("unexpected {other:?}"),
                Incoming::Output(..) => {}
                Incoming::Closed(frame) => {
                    if let Some(frame) = frame {
                        assert_eq!(u16::from(frame.code), 1009);
                    }
                    saw_close = true;
                }
            }
        }
    }
    // A message just under the limit is accepted as input.
    let (mut client, _) = Client::attach(&server, "victim", None).await;
    let mut line = vec![b'y'; 1000];
    line.push(b'\n');
    client.input(&line).await;
    client.read_until(&format!("[{}]\n", "y".repeat(1000))).await;
    still_alive(&mut witness, "after-huge").await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_names_and_modes_are_refused_before_upgrading() {
    let (_dir, server, mut witness) = setup().await;
    let long = "a".repeat(33);
    for (path, status) in [
        ("/terminal/ws/..".to_string(), 400),
        ("/terminal/ws/%2E%2E".to_string(), 400),
        ("/terminal/ws/a%2Fb".to_string(), 400),
        ("/terminal/ws/a%2F..%2F..%2Fetc".to_string(), 400),
        ("/terminal/ws/Upper".to_string(), 400),
        ("/terminal/ws/%00".to_string(), 400),
        (format!("/terminal/ws/{long}"), 400),
        ("/terminal/ws/ok?mode=admin".to_string(), 400),
    ] {
        match Client::connect(&server, &path).await {
            Err(tungstenite::Error::Http(response)) => {
                assert_eq!(response.status().as_u16(), status, "{path}");
                let body =
                    String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).to_string();
                assert!(
                    body.contains("invalid terminal name") || body.contains("invalid mode"),
                    "{path}: {body}"
                );
            }
            Err(other) => panic!("{path}: expected HTTP {status}, got {other}"),
            Ok(_) => panic!("{path}: upgraded"),
        }
    }
    // A 32-character name is fine.
    let (mut client, _) = Client::attach(&server, &"a".repeat(32), None).await;
    client.read_until("R").await;
    still_alive(&mut witness, "after-names").await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_client_is_closed_after_the_hello_timeout() {
    let (_dir, server, mut witness) = setup().await;
    let mut client = Client::connect(&server, "/terminal/ws/victim")
        .await
        .expect("connect");
    let (code, message) = error_code(&mut client).await;
    assert_eq!(code, "expected-hello", "{message}");
    match client.next().await {
        Incoming::Closed(Some(frame)) => assert_eq!(u16::from(frame.code), 1008),
        other => panic!("expected close 1008, got {other:?}"),
    }
    still_alive(&mut witness, "after-silence").await;
    server.stop().await;
}
