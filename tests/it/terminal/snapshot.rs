//! Lagging viewers get a snapshot, not the backlog (issue 23): the PTY never waits for a viewer that
//! acknowledges or asks for the `snapshots` feature; when such a viewer falls behind it is caught up
//! with one `snapshot` (feature `snapshots`) or a `lost` and the tail (a plain version-1 viewer with a
//! window); a new client with the feature attaches by snapshot when that is smaller than the replay.

use std::path::Path;

use lectern::terminal::protocol::ServerMsg;
use lectern::terminal::queries::QueryScanner;

use super::client::{Client, HEAVY, Incoming, server_with_script};
use super::process::wait_for_file;

/// Runs each line it reads as a shell command (no echo; `\n` becomes `\r\n` as on a real terminal).
const SHELL: &str = "stty -echo\nprintf 'R\\n'\nwhile read -r l; do eval \"$l\"; done\n";

/// Sends a version-1 hello, asking for the `snapshots` feature when `snapshots`; answers the welcome.
async fn hello(client: &mut Client, snapshots: bool, window: Option<u64>) -> ServerMsg {
    let features: &[&str] = if snapshots { &["snapshots"] } else { &[] };
    client
        .json(serde_json::json!({"type":"hello","version":1,"last_seq":null,"cols":80,"rows":24,"window":window,"features":features}))
        .await;
    let welcome = client.msg().await;
    let confirmed = if snapshots {
        vec![lectern::terminal::protocol::Feature::Snapshots]
    } else {
        vec![]
    };
    assert!(
        matches!(&welcome, ServerMsg::Welcome { features: Some(f), stream: None, .. } if *f == confirmed),
        "the welcome confirms the features asked for: {welcome:?}"
    );
    welcome
}

/// Waits until the server's screen of terminal 1 shows `text` (guarded).
async fn screen_shows(server: &crate::support::TestServer, text: &str) {
    let deadline = tokio::time::Instant::now() + super::client::GUARD;
    loop {
        let screen = crate::support::http_client()
            .get(server.url("/terminal/1/screen"))
            .send()
            .await
            .expect("screen")
            .text()
            .await
            .expect("screen text");
        if screen.contains(text) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the screen never showed {text:?}: {screen}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// A flood that ends by creating `done` (so the test knows the program finished without reading it).
fn flood(done: &Path) -> Vec<u8> {
    format!("seq 1 300000; printf 'END-%s\\n' 42; touch {}\n", done.display()).into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_that_does_not_acknowledge_gets_a_snapshot_and_never_holds_the_pty() {
    let _heavy = HEAVY.lock().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), SHELL, 1 << 20).await;
    let mut client = Client::connect(&server, "/terminal/ws/1").await.expect("connect");
    let window = 64 * 1024;
    assert!(matches!(
        hello(&mut client, true, Some(window)).await,
        ServerMsg::Welcome { .. }
    ));
    client.read_until("R\r\n").await;
    client.json(serde_json::json!({"type":"ack","seq":3})).await;
    let done = dir.path().join("done");
    client.input(&flood(&done)).await;
    // Not one acknowledgement: the 2 MB flood still finishes (the PTY does not wait for this viewer).
    wait_for_file(&done).await;
    // The program is done; lectern may still be reading its last bytes from the PTY (a loaded machine).
    screen_shows(&server, "END-42").await;
    // What was sent is at most a window; acknowledging it brings a snapshot, not the backlog.
    let mut sent = 0u64;
    let mut next = 3u64;
    while sent < window {
        match client.next().await {
            Incoming::Output(seq, data) => {
                assert_eq!(seq, next);
                next += data.len() as u64;
                sent += data.len() as u64;
            }
            other => panic!("expected output, got {other:?}"),
        }
    }
    assert_eq!(sent, window);
    client.json(serde_json::json!({"type":"ack","seq":next})).await;
    match client.msg().await {
        ServerMsg::Snapshot {
            seq,
            from,
            cols,
            rows,
            data,
        } => {
            assert_eq!(from, Some(next));
            assert!(
                seq > next + 1_000_000,
                "skipped to the end, not the backlog: {seq}"
            );
            assert_eq!((cols, rows), (80, 24));
            assert!(data.contains("300000") && data.contains("END-42"), "{data}");
            let mut queries = 0;
            QueryScanner::new().scan(data.as_bytes(), 0, |_, _| queries += 1);
            assert_eq!(queries, 0);
            // Live output continues at the snapshot's seq.
            client.json(serde_json::json!({"type":"ack","seq":seq})).await;
            client.input(b"printf 'after\\n'\n").await;
            match client.next().await {
                Incoming::Output(at, text) => assert_eq!((at, text.as_slice()), (seq, &b"after\r\n"[..])),
                other => panic!("expected live output, got {other:?}"),
            }
        }
        other => panic!("expected a snapshot, got {other:?}"),
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lagging_viewer_with_a_window_and_no_snapshots_gets_lost_and_the_tail() {
    let _heavy = HEAVY.lock().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), SHELL, 1 << 20).await;
    let mut client = Client::connect(&server, "/terminal/ws/1").await.expect("connect");
    assert!(matches!(
        hello(&mut client, false, Some(16 * 1024)).await,
        ServerMsg::Welcome { .. }
    ));
    client.read_until("R\r\n").await;
    client.json(serde_json::json!({"type":"ack","seq":3})).await;
    let done = dir.path().join("done");
    client.input(&flood(&done)).await;
    wait_for_file(&done).await;
    let mut next = 3u64;
    let mut tail: Option<Vec<u8>> = None;
    loop {
        match client.next().await {
            Incoming::Output(seq, data) => {
                assert_eq!(seq, next);
                next += data.len() as u64;
                client.json(serde_json::json!({"type":"ack","seq":next})).await;
                if let Some(tail) = tail.as_mut() {
                    tail.extend_from_slice(&data);
                    if tail.ends_with(b"END-42\r\n") {
                        break;
                    }
                }
            }
            Incoming::Msg(ServerMsg::Lost { from, to }) if tail.is_none() => {
                assert_eq!(from, next);
                next = to;
                tail = Some(Vec::new());
            }
            other => panic!("expected output or one lost, got {other:?}"),
        }
    }
    let tail = tail.unwrap_or_default();
    assert!(
        tail.len() <= 17 * 1024,
        "the tail, not the backlog: {} bytes",
        tail.len()
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_client_with_snapshots_attaches_by_snapshot_when_it_is_smaller() {
    let _heavy = HEAVY.lock().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), SHELL, 1 << 20).await;
    let (mut first, _) = Client::attach(&server, "1", None).await;
    first.read_until("R\r\n").await;
    // A little output: replaying it is smaller than a snapshot.
    let mut small = Client::connect(&server, "/terminal/ws/1").await.expect("connect");
    hello(&mut small, true, None).await;
    match small.next().await {
        Incoming::Output(0, data) => assert_eq!(data, b"R\r\n"),
        other => panic!("expected the replay, got {other:?}"),
    }
    // A lot of output: the snapshot is smaller.
    first.input(b"seq 1 100000; printf 'END-%s\\n' 7\n").await;
    first.read_until("END-7\r\n").await;
    let mut late = Client::connect(&server, "/terminal/ws/1").await.expect("connect");
    let ServerMsg::Welcome { seq: end, .. } = hello(&mut late, true, None).await else {
        panic!("no welcome");
    };
    match late.msg().await {
        ServerMsg::Snapshot { seq, from, data, .. } => {
            assert_eq!((seq, from), (end, None));
            assert!(
                data.len() < 100_000 && data.contains("END-7"),
                "{} bytes",
                data.len()
            );
        }
        other => panic!("expected a snapshot, got {other:?}"),
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_full_output_and_the_recording_keep_every_byte_beside_a_lagging_viewer() {
    let _heavy = HEAVY.lock().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let records = tempfile::tempdir().expect("records");
    std::fs::write(dir.path().join("run.sh"), SHELL).expect("script");
    let mut config = lectern::config::Config::for_tests(lectern::config::WorkshopSource::Dir(
        crate::support::fixture("minimal"),
    ));
    config.terminal.shell = vec!["sh".into(), dir.path().join("run.sh").display().to_string()];
    config.terminal.shell_is_default = false;
    config.terminal.home = Some(dir.path().to_path_buf());
    config.terminal.record_dir = Some(records.path().to_path_buf());
    let server = crate::support::TestServer::start(config).await;
    let mut client = Client::connect(&server, "/terminal/ws/1").await.expect("connect");
    hello(&mut client, true, Some(16 * 1024)).await;
    client.read_until("R\r\n").await;
    let done = dir.path().join("done");
    client.input(&flood(&done)).await;
    wait_for_file(&done).await;
    let mut expected = b"R\r\n".to_vec();
    for n in 1..=300_000 {
        expected.extend_from_slice(format!("{n}\r\n").as_bytes());
    }
    expected.extend_from_slice(b"END-42\r\n");
    // The full output, over HTTP.
    let started = std::time::Instant::now();
    let body = loop {
        let response = crate::support::http_client()
            .get(server.url("/terminal/1/output"))
            .send()
            .await
            .expect("output");
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["x-lectern-output-start"], "0");
        let body = response.bytes().await.expect("body").to_vec();
        if body.len() >= expected.len() || started.elapsed() > super::client::GUARD {
            break body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(
        body == expected,
        "full output: {} bytes, expected {}",
        body.len(),
        expected.len()
    );
    // The recording: the same bytes in its output events.
    client.input(b"exit\n").await;
    let cast = loop {
        let files: Vec<_> = std::fs::read_dir(records.path())
            .expect("records")
            .flatten()
            .collect();
        let text = files
            .first()
            .map(|f| std::fs::read_to_string(f.path()).unwrap_or_default())
            .unwrap_or_default();
        if text.contains("\"m\",\"exit") || started.elapsed() > super::client::GUARD {
            break text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let mut recorded = String::new();
    for line in cast.lines().skip(1) {
        let event: serde_json::Value = serde_json::from_str(line).expect("event");
        if event[1] == "o" {
            recorded.push_str(event[2].as_str().expect("text"));
        }
    }
    let expected = String::from_utf8(expected).expect("utf-8");
    assert!(
        recorded.starts_with(&expected),
        "recording: {} bytes, expected {}",
        recorded.len(),
        expected.len()
    );
    server.stop().await;
}

/// A client acknowledges in steps (the dashboard: every quarter window, and when it has drawn all it got):
/// bytes it was sent and has not acknowledged yet, and output held back by its full window, do not make it
/// "late", however old. With a lag time of 1 ms, a viewer that never acknowledges still gets every small
/// output while its window has room, and one that acknowledges only a full window gets a whole flood
/// below the lag bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unacknowledged_bytes_within_the_window_do_not_make_a_viewer_lag() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("run.sh"), SHELL).expect("script");
    let mut config = lectern::config::Config::for_tests(lectern::config::WorkshopSource::Dir(
        crate::support::fixture("minimal"),
    ));
    config.terminal.shell = vec!["sh".into(), dir.path().join("run.sh").display().to_string()];
    config.terminal.shell_is_default = false;
    config.terminal.home = Some(dir.path().to_path_buf());
    config.terminal.lag_time = std::time::Duration::from_millis(1);
    let server = crate::support::TestServer::start(config).await;
    for (name, snapshots) in [("plain", false), ("snapshots", true)] {
        let mut client = Client::connect(&server, &format!("/terminal/ws/{name}"))
            .await
            .expect("connect");
        hello(&mut client, snapshots, Some(64 * 1024)).await;
        client.read_until("R\r\n").await;
        for n in 1..=5 {
            client.input(format!("echo line-$(({n}*11))\n").as_bytes()).await;
            client.read_until(&format!("line-{}\r\n", n * 11)).await;
        }
        // A flood below the lag bound, read by a client that acknowledges only every half window (so
        // what it was sent waits unacknowledged far longer than the lag time): every byte, nothing skipped.
        client.input(b"seq 1 50000; echo FLOOD-$((6*7))\n").await;
        let mut text = Vec::new();
        let (mut next, mut acked) = (None, 0u64);
        while !text.ends_with(b"FLOOD-42\r\n") {
            match client.next().await {
                Incoming::Output(seq, data) => {
                    assert!(next.is_none_or(|next| next == seq), "contiguous");
                    if next.is_none() {
                        acked = seq;
                    }
                    next = Some(seq + data.len() as u64);
                    text.extend_from_slice(&data);
                    let end = seq + data.len() as u64;
                    if end - acked >= 32 * 1024 {
                        acked = end;
                        client.json(serde_json::json!({"type":"ack","seq":end})).await;
                    }
                }
                other => panic!("{name}: expected every byte, got {other:?}"),
            }
        }
        let lines = String::from_utf8_lossy(&text);
        assert!(
            lines.starts_with("1\r\n") && lines.contains("\r\n50000\r\n"),
            "every line"
        );
        client.close().await;
    }
    server.stop().await;
}

/// Issue 23: a viewer asking for snapshots (the dashboard) is skipped at 512 KiB behind (or twice its window)
/// rather than at 3/4 of the ring, so Ctrl-C leaves at most that much backlog to draw; others keep the ring's
/// bound, and a configured bound applies to all.
#[test]
fn snapshot_viewers_lag_at_a_smaller_bound() {
    const KIB: u64 = 1024;
    let check = |configured: Option<usize>, snapshots: bool, window: Option<u64>, expected: u64| {
        let mut config = lectern::config::Config::for_tests(lectern::config::WorkshopSource::Dir(
            crate::support::fixture("minimal"),
        ));
        config.terminal.replay_bytes = 2 * 1024 * 1024;
        config.terminal.lag_bytes = configured;
        let got = config.terminal.viewer_lag_bytes(snapshots, window);
        assert_eq!(got, expected, "{configured:?} {snapshots} {window:?}");
    };
    check(None, false, Some(256 * KIB), 1536 * KIB);
    check(None, false, None, 1536 * KIB);
    check(None, true, Some(256 * KIB), 512 * KIB);
    check(None, true, None, 512 * KIB);
    check(None, true, Some(512 * KIB), 1024 * KIB);
    check(None, true, Some(4096 * KIB), 1536 * KIB);
    check(Some(100 * 1024), true, Some(256 * KIB), 100 * KIB);
    check(Some(100 * 1024), false, None, 100 * KIB);
}
