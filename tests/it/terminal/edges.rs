//! Protocol edges of issue 11, finding 11: a client's Close is answered, invalid UTF-8 is refused with
//! 1007, a busy terminal refuses input at once while the connection keeps answering, and an `ack`
//! beyond what was sent is an error that leaves the window in force.

use lectern::terminal::protocol::ServerMsg;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};

use super::client::{Client, Incoming, server_with_script};
use crate::support::http_client;

/// Echo off, output untouched; prints `R`, then each line it reads in brackets.
const LINES: &str = "stty -echo -opost\nprintf R\nwhile read -r l; do printf '[%s]\\n' \"$l\"; done\n";

fn close_code(incoming: Incoming) -> u16 {
    match incoming {
        Incoming::Closed(Some(frame)) => u16::from(frame.code),
        other => panic!("expected a close frame, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clients_close_is_answered_before_and_after_hello() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), LINES, 1 << 20).await;
    let (mut attached, _) = Client::attach(&server, "1", None).await;
    attached.read_until("R").await;
    let mut fresh = Client::connect(&server, "/terminal/ws/1").await.expect("connect");
    for client in [&mut attached, &mut fresh] {
        let bye = CloseFrame {
            code: CloseCode::Normal,
            reason: "bye".into(),
        };
        client.send_raw(Message::Close(Some(bye))).await;
        assert_eq!(close_code(client.next().await), 1000);
    }
    // The terminal itself goes on.
    let (mut again, _) = Client::attach(&server, "1", Some(1)).await;
    again.input(b"still\n").await;
    again.read_until("[still]\n").await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_text_gets_an_error_and_close_1007() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), LINES, 1 << 20).await;
    let (mut attached, _) = Client::attach(&server, "1", None).await;
    attached.read_until("R").await;
    let fresh = Client::connect(&server, "/terminal/ws/1").await.expect("connect");
    for mut client in [attached, fresh] {
        let bad = Frame::message(
            &b"{\"type\":\"ping\"}\xff\xfe"[..],
            OpCode::Data(Data::Text),
            true,
        );
        client.send_raw(Message::Frame(bad)).await;
        match client.msg().await {
            ServerMsg::Error { code, message } => {
                assert_eq!(code, "bad-message");
                assert!(message.contains("UTF-8"), "{message}");
            }
            other => panic!("expected an error, got {other:?}"),
        }
        assert_eq!(close_code(client.next().await), 1007);
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_terminal_refuses_input_at_once_and_the_connection_keeps_answering() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A program that never reads its input.
    let server = server_with_script(dir.path(), "stty raw -echo\nprintf R\nexec sleep 600\n", 1 << 20).await;
    let (mut client, _) = Client::attach(&server, "1", None).await;
    client.read_until("R").await;
    // More than the PTY, the terminal's queue (64 writes) and this connection's 1 MiB can hold.
    let chunk = vec![b'x'; 4096];
    for _ in 0..400 {
        client.input(&chunk).await;
    }
    match client.msg().await {
        ServerMsg::Error { code, .. } => assert_eq!(code, "busy"),
        other => panic!("expected busy, got {other:?}"),
    }
    client
        .send_raw(Message::Ping(b"after-busy".to_vec().into()))
        .await;
    assert_eq!(client.pong().await, b"after-busy");
    client.json(serde_json::json!({"type":"ping","id":5})).await;
    loop {
        match client.msg().await {
            ServerMsg::Pong { id } => {
                assert_eq!(id, 5);
                break;
            }
            ServerMsg::Error { code, .. } => assert_eq!(code, "busy"),
            other => panic!("expected busy errors then the pong, got {other:?}"),
        }
    }
    // The HTTP input API is refused too, without waiting another 10 s per request.
    let response = http_client()
        .post(server.url("/terminal/api/1/paste"))
        .header("content-type", "application/json")
        .body(r#"{"text":"z"}"#)
        .send()
        .await
        .expect("paste");
    assert_eq!(response.status().as_u16(), 503);
    let body = response.text().await.expect("body");
    assert_eq!(body, "unavailable: terminal 1 does not accept input right now");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ack_beyond_what_was_sent_is_an_error_and_the_window_holds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = "stty -echo -opost\nprintf R\nread -r l\nhead -c 200000 /dev/zero | tr '\\0' x\nsleep 600\n";
    let server = server_with_script(dir.path(), script, 1 << 20).await;
    let mut client = Client::connect(&server, "/terminal/ws/1").await.expect("connect");
    let window = 16 * 1024;
    client
        .json(serde_json::json!({"type":"hello","version":1,"last_seq":null,"cols":80,"rows":24,"window":window}))
        .await;
    assert!(matches!(client.msg().await, ServerMsg::Welcome { .. }));
    client.read_until("R").await;
    client.json(serde_json::json!({"type":"ack","seq":1})).await;
    client.input(b"go\n").await;
    let mut received = 0u64;
    while received < window {
        match client.next().await {
            Incoming::Output(_, data) => received += data.len() as u64,
            other => panic!("expected output, got {other:?}"),
        }
    }
    client
        .json(serde_json::json!({"type":"ack","seq":1_000_000_000}))
        .await;
    match client.msg().await {
        ServerMsg::Error { code, message } => {
            assert_eq!(code, "bad-ack");
            assert!(message.contains("1000000000"), "{message}");
        }
        other => panic!("expected bad-ack, got {other:?}"),
    }
    // Control messages are never held; output still is: nothing beyond the window came before the pong.
    client.json(serde_json::json!({"type":"ping","id":1})).await;
    loop {
        match client.next().await {
            Incoming::Output(_, data) => received += data.len() as u64,
            Incoming::Msg(ServerMsg::Pong { id: 1 }) => break,
            other => panic!("expected the pong, got {other:?}"),
        }
    }
    assert!(
        received <= window + 1,
        "{received} bytes in flight with a {window}-byte window"
    );
    // A real acknowledgement lets output flow again.
    client
        .json(serde_json::json!({"type":"ack","seq":1 + received}))
        .await;
    let more = received;
    while received == more {
        if let Incoming::Output(_, data) = client.next().await {
            received += data.len() as u64;
        }
    }
    server.stop().await;
}
