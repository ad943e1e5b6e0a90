//! SIGTERM with live streams (a terminal, the event stream, a proxied websocket): the process exits
//! cleanly by itself, every stream ends (none is left hanging), the terminal's viewer is told why (a
//! `shutdown` error, then close 1001 with the reason), the event stream's last event is `closing` with the
//! reason, and no process of the terminal survives —
//! background jobs included, one that ignores SIGHUP too (docs/terminal-protocol.md, section 13).

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use lectern::terminal::protocol::{CLOSE_GOING_AWAY, ErrorCode, ServerMsg};

use crate::proxy::{upstream, workshop};
use crate::support::spawned::Spawned;
use crate::terminal::client::{Client, Incoming, alive};

#[tokio::test]
async fn sigterm_exits_cleanly_and_ends_every_stream() {
    let up = upstream::start().await;
    let dir = workshop(&format!("ingresses:\n- name: up\n  port: {}\n", up.port()));
    let home = tempfile::tempdir().expect("home");
    let mut server = Spawned::start(
        dir.path(),
        home.path(),
        &["--terminal-shell", "sh", "--no-watch"],
        &[],
    )
    .await;

    let mut terminal = Client::connect_to(server.addr, "/terminal/ws/1")
        .await
        .expect("terminal");
    terminal
        .json(serde_json::json!({"type":"hello","version":1,"last_seq":null,"cols":80,"rows":24}))
        .await;
    terminal.msg().await;
    terminal.input(b"echo live-$((6*7))\r").await;
    terminal.read_until("live-42").await;
    // A background job, and one that ignores SIGHUP (only SIGKILL ends it); each prints its pid.
    let mut pids = Vec::new();
    for (tag, command) in [
        ("job", "sleep 1000 &"),
        ("deaf", "(trap '' HUP; exec sleep 1001) &"),
    ] {
        terminal
            .input(format!("{command} echo {tag}-$!-$((1+1))\r").as_bytes())
            .await;
        let seen = terminal.read_until("-2\r\n").await;
        let at = seen.rfind(&format!("{tag}-")).expect("pid line") + tag.len() + 1;
        let pid: i32 = seen[at..].split('-').next().expect("pid").parse().expect("a pid");
        pids.push(pid);
    }
    for pid in &pids {
        assert!(alive(*pid), "job {pid} runs before the SIGTERM");
    }
    let events = crate::support::http_client()
        .get(server.url("/api/events"))
        .send()
        .await
        .expect("events");
    assert_eq!(events.status(), 200);
    let mut events = events.bytes_stream();
    let (mut proxied, _) = tokio_tungstenite::connect_async(format!("ws://{}/ingress/up/ws", server.addr))
        .await
        .expect("proxied websocket");
    proxied.send(Message::text("ping")).await.expect("send");
    assert!(matches!(proxied.next().await, Some(Ok(Message::Text(_)))));

    server.signal(nix::sys::signal::Signal::SIGTERM);
    let status = server.wait().await;
    println!("fault sigterm: exit {status:?}");
    assert!(
        status.success(),
        "lectern exits cleanly on SIGTERM: {status:?}\n{}",
        server.log_text()
    );

    // The terminal's viewer is told why, then the connection closes with 1001 and the reason.
    let mut told = None;
    let frame = loop {
        match terminal.next().await {
            Incoming::Closed(frame) => break frame,
            Incoming::Msg(ServerMsg::Error { code, message }) => told = Some((code, message)),
            Incoming::Output(..) | Incoming::Msg(_) => {}
        }
    };
    println!("fault sigterm: terminal told {told:?}, close frame {frame:?}");
    let (code, message) = told.expect("the viewer gets an error saying why before the close");
    assert_eq!(code, ErrorCode::Shutdown);
    assert!(message.contains("shutting down"), "{message}");
    let frame = frame.expect("a close frame, not a dropped socket");
    assert_eq!(u16::from(frame.code), CLOSE_GOING_AWAY);
    assert!(frame.reason.contains("shutting down"), "{frame:?}");
    // No process of the terminal outlives lectern.
    for pid in pids {
        assert!(
            !alive(pid),
            "job {pid} of the terminal survived lectern's SIGTERM"
        );
    }
    // The other streams end rather than hang; the event stream's last event says why.
    let mut said = String::new();
    let ended = tokio::time::timeout(super::GUARD, async {
        while let Some(Ok(chunk)) = events.next().await {
            said.push_str(&String::from_utf8_lossy(&chunk));
        }
        while let Some(Ok(message)) = proxied.next().await {
            if message.is_close() {
                break;
            }
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the event stream and the proxied websocket end with the server"
    );
    let last = said
        .rsplit("\n\n")
        .find(|event| !event.trim().is_empty())
        .unwrap_or_default();
    println!("fault sigterm: the event stream's last event {last:?}");
    assert!(
        last.contains("event: closing") && last.contains("shutting down"),
        "the event stream's last event tells the dashboard why it ends: {said:?}"
    );
    let data = last
        .lines()
        .find_map(|line| line.strip_prefix("data: "))
        .expect("data");
    let closing: lectern::web::shared::ServerClosing = serde_json::from_str(data).expect("a ServerClosing");
    assert!(closing.reason.contains("shutting down"), "{closing:?}");
}
