//! Floods: 50 runs byte-exact to two viewers, 100 reconnects mid-flood, a stalled viewer that must
//! not slow another one.

use std::time::Instant;

use lectern::terminal::protocol::ServerMsg;

use super::client::{Client, Incoming, generate, read_to_exit, server_with_script, sha256};

/// Bytes per flood run.
const FLOOD_BYTES: usize = 10 * 1000 * 1000;
/// Runs of the flood program.
const RUNS: usize = 50;

/// `R` (ready: stty is done), then wait for a line, then the data file.
const CAT_SCRIPT: &str = "stty -echo -opost\nprintf R\nread x\ncat data\n";

/// Waits until the program printed its ready mark `R` at `seq`.
async fn wait_ready(client: &mut Client, seq: u64) {
    match client.next().await {
        Incoming::Output(at, data) => {
            assert_eq!((at, data.as_slice()), (seq, &b"R"[..]), "ready mark");
        }
        other => panic!("expected the ready mark, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_floods_arrive_byte_exact_at_two_viewers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = generate(FLOOD_BYTES, 7);
    std::fs::write(dir.path().join("data"), &data).expect("write data");
    let expected = sha256(&data);
    // The ring holds a whole run, so the comparison measures the pipeline, not the ring size
    // (falling off the ring is tested in `stalled_viewer_does_not_slow_another`).
    let server = server_with_script(dir.path(), CAT_SCRIPT, 16 * 1024 * 1024).await;
    let (mut a, _) = Client::attach(&server, "flood", None).await;
    let (mut b, _) = Client::attach(&server, "flood", None).await;
    let mut start = 0u64;
    let began = Instant::now();
    for run in 0..RUNS {
        if run > 0 {
            a.json(serde_json::json!({"type":"restart"})).await;
            for viewer in [&mut a, &mut b] {
                assert_eq!(viewer.msg().await, ServerMsg::Restarted { seq: start }, "run {run}");
            }
        }
        wait_ready(&mut a, start).await;
        wait_ready(&mut b, start).await;
        a.input(b"go\n").await;
        let (got_a, got_b) = tokio::join!(read_to_exit(&mut a, start + 1), read_to_exit(&mut b, start + 1));
        let end = start + 1 + FLOOD_BYTES as u64;
        for got in [got_a, got_b] {
            assert_eq!(got.bytes.len(), FLOOD_BYTES, "run {run}: length");
            assert_eq!(sha256(&got.bytes), expected, "run {run}: sha256");
            assert_eq!(got.exit, ServerMsg::Exit { code: Some(0), signal: None, seq: end }, "run {run}");
        }
        start = end;
    }
    let seconds = began.elapsed().as_secs_f64();
    eprintln!(
        "flood: {RUNS} runs x {FLOOD_BYTES} bytes to 2 viewers in {seconds:.1}s ({:.0} MB/s per viewer)",
        (RUNS * FLOOD_BYTES) as f64 / seconds / 1e6
    );
    a.close().await;
    b.close().await;
    server.stop().await;
}
