//! 200 terminals at once, each a real shell echoing what its client types; a second round reattaches
//! to the same 200 shells.

use std::sync::Arc;

use lectern::terminal::protocol::ServerMsg;

use crate::support::fixture;
use crate::support::spawned::Spawned;
use crate::terminal::client::{Client, HEAVY};

/// Terminals opened at once.
const TERMINALS: usize = 200;

async fn one_terminal(server: Arc<Spawned>, index: usize, round: usize, all_open: Arc<tokio::sync::Barrier>) {
    let path = format!("/terminal/ws/load-{index}");
    let mut client = Client::connect_to(server.addr, &path)
        .await
        .unwrap_or_else(|error| panic!("terminal {index}: {error}"));
    client
        .json(serde_json::json!({"type":"hello","version":1,"last_seq":null,"cols":80,"rows":24}))
        .await;
    assert!(
        matches!(client.msg().await, ServerMsg::Welcome { .. }),
        "terminal {index}: no welcome"
    );
    // The shell computes the marker, so finding it proves the command ran (not just the echo, and
    // not the replay of an earlier round).
    client
        .input(format!("echo ok-{round}-{index}-$((6*7))\r").as_bytes())
        .await;
    client.read_until(&format!("ok-{round}-{index}-42")).await;
    all_open.wait().await;
    client
        .input(format!("echo again-{round}-{index}-$((6*7))\r").as_bytes())
        .await;
    client.read_until(&format!("again-{round}-{index}-42")).await;
    client.close().await;
}

/// One round: every terminal attached, echoing, all open at once, then detached.
async fn round(server: &Arc<Spawned>, round: usize) {
    let all_open = Arc::new(tokio::sync::Barrier::new(TERMINALS));
    let clients: Vec<_> = (0..TERMINALS)
        .map(|index| tokio::spawn(one_terminal(server.clone(), index, round, all_open.clone())))
        .collect();
    for client in clients {
        client.await.expect("terminal client");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_terminals_echo_at_once_and_memory_comes_back() {
    let _heavy = HEAVY.lock().await;
    let home = tempfile::tempdir().expect("home");
    let max = (TERMINALS + 8).to_string();
    let server = Arc::new(
        Spawned::start(
            &fixture("minimal"),
            home.path(),
            &["--terminal-shell", "sh", "--max-terminals", &max, "--no-watch"],
            &[],
        )
        .await,
    );
    // Warm-up: one terminal, so one-time allocations are part of the baseline.
    one_terminal(
        server.clone(),
        TERMINALS,
        0,
        Arc::new(tokio::sync::Barrier::new(1)),
    )
    .await;
    let before = super::settled(&server).await;
    round(&server, 1).await;
    let peak = server.memory();
    let after = super::settled(&server).await;
    round(&server, 2).await;
    let again = super::settled(&server).await;
    super::check_rounds(
        "200 terminals",
        super::Rounds {
            before,
            peak,
            after,
            again,
        },
    );
    let health = crate::support::http_client()
        .get(server.url("/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
}
