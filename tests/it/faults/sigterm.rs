//! SIGTERM with live streams (a terminal, the event stream, a proxied websocket): the process exits
//! cleanly by itself and every stream ends (none is left hanging). Telling the terminal why (a close
//! frame with a reason) is the terminal drain's, still to come: today's behaviour is asserted.

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::proxy::{upstream, workshop};
use crate::support::spawned::Spawned;
use crate::terminal::client::{Client, Incoming};

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

    // The terminal's connection ends (it does not hang).
    let told = loop {
        match terminal.next().await {
            Incoming::Closed(frame) => break frame,
            Incoming::Output(..) | Incoming::Msg(_) => {}
        }
    };
    println!("fault sigterm: terminal close frame {told:?}");
    // FIXME(issue 11, terminal drain): today the socket is dropped without a close frame; once the
    // drain tells terminals why, assert `told` is a close frame with a reason.
    // The other streams end rather than hang.
    let ended = tokio::time::timeout(super::GUARD, async {
        while let Some(Ok(_)) = events.next().await {}
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
}
