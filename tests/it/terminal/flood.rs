//! Floods: 50 runs byte-exact to two viewers, 100 reconnects mid-flood, a stalled viewer that must
//! not hold another one up (the speed ratio itself is the benchmark suite's `fanout` case).

use std::time::Instant;

use lectern::terminal::protocol::ServerMsg;

use super::client::{Client, HEAVY, Incoming, generate, read_to_exit, server_with_script, sha256};

/// Bytes per flood run.
const FLOOD_BYTES: usize = 10 * 1000 * 1000;
/// Bytes per run in the stalled-viewer comparison: large against what a stalled viewer's socket
/// buffers absorb before it stops costing anything (a few MB on loopback).
const STALL_BYTES: usize = 30 * 1000 * 1000;
/// Rounds per condition in the stalled-viewer comparison.
const ROUNDS: usize = 3;
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
    let _heavy = HEAVY.lock().await;
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
                assert_eq!(
                    viewer.msg().await,
                    ServerMsg::Restarted { seq: start },
                    "run {run}"
                );
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
            assert_eq!(
                got.exit,
                ServerMsg::Exit {
                    code: Some(0),
                    signal: None,
                    seq: end
                },
                "run {run}"
            );
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

/// `seq 1 3000000` in 300 slices with short pauses, so the flood lasts seconds.
const SLOW_SEQ_SCRIPT: &str = "stty -echo -opost\nprintf R\nread x\ni=0\nwhile [ $i -lt 300 ]; do seq $((i*10000+1)) $((i*10000+10000)); sleep 0.01; i=$((i+1)); done\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_reconnects_mid_flood_lose_and_duplicate_nothing() {
    let _heavy = HEAVY.lock().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let expected: Vec<u8> = (1..=3_000_000u32)
        .flat_map(|n| format!("{n}\n").into_bytes())
        .collect();
    // Default-sized ring (2 MiB): a reconnect is far quicker than the ring fills.
    let server = server_with_script(dir.path(), SLOW_SEQ_SCRIPT, 2 * 1024 * 1024).await;
    let (mut client, _) = Client::attach(&server, "reconnect", None).await;
    wait_ready(&mut client, 0).await;
    client.input(b"go\n").await;
    let mut received: Vec<u8> = Vec::new();
    let mut next = 1u64;
    let mut reconnects_before_exit = 0;
    let mut exit = None;
    for round in 0..100 {
        let mut this_connection = 0usize;
        while this_connection < 64 * 1024 && exit.is_none() {
            match client.next().await {
                Incoming::Output(seq, data) => {
                    assert_eq!(seq, next, "round {round}: no gap and no duplicate");
                    next += data.len() as u64;
                    this_connection += data.len();
                    received.extend_from_slice(&data);
                }
                Incoming::Msg(msg @ ServerMsg::Exit { .. }) => exit = Some(msg),
                other => panic!("round {round}: unexpected {other:?}"),
            }
        }
        if exit.is_none() {
            reconnects_before_exit += 1;
        }
        if round % 2 == 0 {
            client.close().await;
        } else {
            drop(client);
        }
        let (resumed, welcome) = Client::attach(&server, "reconnect", Some(next)).await;
        assert!(
            matches!(welcome, ServerMsg::Welcome { seq, .. } if seq >= next),
            "{welcome:?}"
        );
        client = resumed;
    }
    let rest = read_to_exit(&mut client, next).await;
    received.extend_from_slice(&rest.bytes);
    let end = 1 + expected.len() as u64;
    assert_eq!(received.len(), expected.len(), "total length");
    assert!(received == expected, "stream content differs from seq 1 3000000");
    assert_eq!(
        rest.exit,
        ServerMsg::Exit {
            code: Some(0),
            signal: None,
            seq: end
        }
    );
    eprintln!("reconnect: 100 reconnects, {reconnects_before_exit} while the program was still writing");
    client.close().await;
    server.stop().await;
}

/// Runs one flood for `a` (after a restart unless it is the first) and returns A's throughput in
/// bytes per second; with `stalled`, a second viewer attaches first and does not read until A is
/// done, then must account for every byte (received or reported `lost`).
async fn measured_round(
    server: &crate::support::TestServer,
    a: &mut Client,
    start: &mut u64,
    first: bool,
    stalled: bool,
) -> f64 {
    if !first {
        a.json(serde_json::json!({"type":"restart"})).await;
        assert_eq!(a.msg().await, ServerMsg::Restarted { seq: *start });
    }
    wait_ready(a, *start).await;
    let mut b = if stalled {
        Some(Client::attach(server, "stall", Some(*start + 1)).await.0)
    } else {
        None
    };
    a.input(b"go\n").await;
    // Time the second half only: by then a stalled viewer's socket buffers are full and it has
    // stopped costing anything, which is the steady state the comparison is about.
    let half = *start + 1 + (STALL_BYTES / 2) as u64;
    let mut next = *start + 1;
    let mut began = None;
    loop {
        match a.next().await {
            Incoming::Output(seq, data) => {
                assert_eq!(seq, next, "viewer A: contiguous");
                next += data.len() as u64;
                if began.is_none() && next >= half {
                    began = Some((Instant::now(), next));
                }
            }
            Incoming::Msg(ServerMsg::Exit { .. }) => break,
            other => panic!("viewer A: unexpected {other:?}"),
        }
    }
    let (began, from) = began.expect("passed the half-way mark");
    let throughput = (next - from) as f64 / began.elapsed().as_secs_f64();
    assert_eq!(next, *start + 1 + STALL_BYTES as u64, "viewer A got everything");
    let end = *start + 1 + STALL_BYTES as u64;
    if let Some(b) = b.as_mut() {
        let mut next = *start + 1;
        let mut lost = 0u64;
        loop {
            match b.next().await {
                Incoming::Output(seq, data) => {
                    assert_eq!(seq, next, "stalled viewer: frames continue after gaps");
                    next += data.len() as u64;
                }
                Incoming::Msg(ServerMsg::Lost { from, to }) => {
                    assert_eq!(from, next, "lost starts where the viewer was");
                    lost += to - from;
                    next = to;
                }
                Incoming::Msg(ServerMsg::Exit { seq, .. }) => {
                    assert_eq!((seq, next), (end, end), "every byte accounted for");
                    break;
                }
                other => panic!("stalled viewer: unexpected {other:?}"),
            }
        }
        eprintln!("stalled viewer: {lost} bytes reported lost");
    }
    if let Some(b) = b {
        b.close().await;
    }
    *start = end;
    throughput
}

#[tokio::test]
async fn stalled_viewer_does_not_slow_another() {
    let _heavy = HEAVY.lock().await;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("data"), generate(STALL_BYTES, 11)).expect("write data");
    let server = server_with_script(dir.path(), CAT_SCRIPT, 2 * 1024 * 1024).await;
    let (mut a, _) = Client::attach(&server, "stall", None).await;
    let mut start = 0;
    let (mut solo, mut shared) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        // Alternate the order so drift in machine load affects both alike; compare medians.
        let stalled_first = round % 2 == 1;
        for stalled in [stalled_first, !stalled_first] {
            let first = round == 0 && stalled == stalled_first;
            let speed = measured_round(&server, &mut a, &mut start, first, stalled).await;
            if stalled { &mut shared } else { &mut solo }.push(speed);
        }
    }
    let (solo, shared) = (median(&mut solo), median(&mut shared));
    eprintln!(
        "throughput (median of {ROUNDS}): solo {:.0} MB/s, beside a stalled viewer {:.0} MB/s ({:.0}%)",
        solo / 1e6,
        shared / 1e6,
        100.0 * shared / solo
    );
    // The speed comparison itself is the benchmark suite's `fanout` case (tests assert no timing:
    // on a shared machine this ratio swung from 0.57 to 1.1 between runs of the same binary). What
    // is asserted here is the behaviour: viewer A got every byte in order while B never read, and B
    // accounted for every byte as received or `lost` (measured_round).
    assert!(shared > 0.0 && solo > 0.0);
    a.close().await;
    server.stop().await;
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// With a hello `window`, no more than that many output bytes are sent unacknowledged: control
/// messages still flow (a ping is answered) while output waits, each `ack` lets more through, and
/// the stream stays byte-exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledgement_window_bounds_output_in_flight() {
    const WINDOW: u64 = 16 * 1024;
    const LEN: usize = 1_000_000;
    let dir = tempfile::tempdir().expect("tempdir");
    let data = generate(LEN, 5);
    std::fs::write(dir.path().join("data"), &data).expect("write data");
    let server = server_with_script(dir.path(), CAT_SCRIPT, 4 * 1024 * 1024).await;
    let mut client = Client::connect(&server, "/terminal/ws/acks")
        .await
        .expect("connect");
    client
        .json(serde_json::json!({"type":"hello","version":1,"last_seq":null,"cols":80,"rows":24,"window":WINDOW}))
        .await;
    assert!(matches!(client.msg().await, ServerMsg::Welcome { .. }));
    wait_ready(&mut client, 0).await;
    // The ready mark is acknowledged like everything else.
    client.json(serde_json::json!({"type":"ack","seq":1})).await;
    client.input(b"go\n").await;
    let mut received = Vec::new();
    let mut next = 1u64;
    let mut ping = 0u64;
    while received.len() < LEN {
        // Take what the window allows, then prove the server has nothing more to send before an ack:
        // the pong (sent on the same connection) comes after at most WINDOW unacknowledged bytes.
        ping += 1;
        client.json(serde_json::json!({"type":"ping","id":ping})).await;
        let mut unacked = 0u64;
        loop {
            match client.next().await {
                Incoming::Output(seq, bytes) => {
                    assert_eq!(seq, next, "contiguous");
                    next += bytes.len() as u64;
                    unacked += bytes.len() as u64;
                    received.extend_from_slice(&bytes);
                    assert!(unacked <= WINDOW, "{unacked} bytes sent without an ack");
                }
                Incoming::Msg(ServerMsg::Pong { id }) if id == ping => break,
                Incoming::Msg(ServerMsg::Pong { .. }) => {}
                Incoming::Msg(ServerMsg::Exit { seq, .. }) => {
                    assert_eq!(seq, next, "exit after the last byte");
                    break;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        client.json(serde_json::json!({"type":"ack","seq":next})).await;
    }
    assert_eq!(received.len(), LEN);
    assert_eq!(sha256(&received), sha256(&data), "byte-exact");
    client.close().await;
    server.stop().await;
}
