//! Protocol edges of issue 11, finding 11: a client's Close is answered, invalid UTF-8 is refused with
//! 1007, a busy terminal refuses input at once while the connection keeps answering, an `ack` beyond
//! what was sent is an error that leaves the window in force, and input a client sent before it left (a
//! Close or a dropped connection) still reaches the program, every byte in order.

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

/// Reads nothing until the test creates `go`, then copies its input to `got`.
const LATE_READER: &str =
    "stty raw -echo\nprintf R\nwhile [ ! -e go ]; do sleep 0.05; done\nexec cat > got\n";

/// How a client leaves its terminal.
enum Leave {
    /// A websocket Close frame.
    Close,
    /// Its TCP connection just ends, without a Close.
    Drop,
}

/// Sends more input than the PTY and the terminal's queue (64 writes) take while the program reads
/// nothing — less than the connection's 1 MiB, so the server reads all of it — then a mark (a Ctrl-C in
/// real life), and leaves at once. Only once the server saw it leave does the program start reading:
/// it must get every byte, in order.
async fn input_sent_before_leaving_reaches_the_program(leave: Leave) {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), LATE_READER, 1 << 20).await;
    let (mut client, _) = Client::attach(&server, "1", None).await;
    client.read_until("R").await;
    let chunk = vec![b'x'; 4096];
    for _ in 0..200 {
        client.input(&chunk).await;
    }
    client.input(b"END-MARK").await;
    match leave {
        Leave::Close => {
            client.send_raw(Message::Close(None)).await;
            // Answered once the server has read everything sent before it.
            while !matches!(client.next().await, Incoming::Closed(_)) {}
        }
        Leave::Drop => {
            drop(client);
            // The connection's viewer is gone once the server has read up to the end of the stream.
            let deadline = std::time::Instant::now() + super::client::GUARD;
            while viewers(&server).await > 0 {
                assert!(std::time::Instant::now() < deadline, "the viewer never left");
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
    }
    std::fs::write(dir.path().join("go"), "").expect("go");
    let expected = 200 * 4096 + 8;
    let deadline = std::time::Instant::now() + super::client::GUARD;
    let got = loop {
        let got = std::fs::read(dir.path().join("got")).unwrap_or_default();
        if got.len() >= expected || std::time::Instant::now() > deadline {
            break got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(
        got.len(),
        expected,
        "the program got {} of {expected} bytes",
        got.len()
    );
    assert!(got.ends_with(b"END-MARK"), "the mark comes last");
    assert!(
        got[..expected - 8].iter().all(|&b| b == b'x'),
        "nothing else came"
    );
    server.stop().await;
}

/// Viewers attached to the server's terminals (`/metrics`).
async fn viewers(server: &crate::support::TestServer) -> u64 {
    let text = crate::support::get_text(&server.url("/metrics")).await;
    text.lines()
        .find_map(|line| line.strip_prefix("lectern_terminal_viewers "))
        .and_then(|value| value.trim().parse().ok())
        .expect("lectern_terminal_viewers in /metrics")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_sent_before_a_close_still_reaches_the_program() {
    input_sent_before_leaving_reaches_the_program(Leave::Close).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_sent_before_the_connection_dropped_still_reaches_the_program() {
    input_sent_before_leaving_reaches_the_program(Leave::Drop).await;
}
