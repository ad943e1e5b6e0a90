//! A real interactive bash: Ctrl-C during a flood, `stty size` and the PTY size rule, exit and
//! restart, read-only viewers, lossless exit, asciicast recording.

use std::time::Duration;

use lectern::config::{Config, WorkshopSource};
use lectern::terminal::protocol::ServerMsg;

use super::client::{Client, Incoming, read_to_exit, server_with_bash, server_with_script};
use crate::support::{TestServer, fixture, http_client};

/// Failure guard for waits on a loaded machine (not a performance assertion: the speed of Ctrl-C is
/// measured by the benchmark suite, `browser_flood`).
const GUARD: Duration = super::client::GUARD;

/// Runs `command` and waits for its marked output; the marker is computed by the shell so the
/// echoed command line never matches it.
async fn run(client: &mut Client, command: &str, tag: &str) -> String {
    client
        .input(format!("{command}; echo {tag}-$((40+2))\r").as_bytes())
        .await;
    let seen = client.read_until(&format!("{tag}-42")).await;
    let start = seen.rfind(command).map_or(0, |at| at + command.len());
    seen[start..].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_a_flood_promptly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_bash(dir.path()).await;
    let (mut client, _) = Client::attach(&server, "1", None).await;
    client.input(b"yes flooding-the-terminal\r").await;
    client
        .read_until("flooding-the-terminal\r\nflooding-the-terminal")
        .await;
    client.input(b"\x03").await;
    // The shell answers after Ctrl-C (each read is guarded; how fast is the benchmark suite's question).
    run(&mut client, "true", "back").await;
    client.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pty_size_follows_the_most_recently_active_writer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_bash(dir.path()).await;
    let (mut a, _) = Client::attach_sized(&server, "1", None, 100, 30).await;
    assert!(run(&mut a, "stty size", "s1").await.contains("30 100"));
    a.json(serde_json::json!({"type":"resize","cols":132,"rows":43}))
        .await;
    assert!(run(&mut a, "stty size", "s2").await.contains("43 132"));
    // A second writer attaching takes over with its size …
    let (mut b, _) = Client::attach_sized(&server, "1", None, 90, 20).await;
    assert!(run(&mut b, "stty size", "s3").await.contains("20 90"));
    // … until the first one types again.
    assert!(run(&mut a, "stty size", "s4").await.contains("43 132"));
    // A read-only viewer never changes the size, and neither does the HTTP input API.
    let mut ro = Client::connect(&server, "/terminal/ws/1?mode=readonly")
        .await
        .expect("connect");
    ro.json(serde_json::json!({"type":"hello","version":1,"last_seq":null,"cols":40,"rows":10}))
        .await;
    assert!(matches!(
        ro.msg().await,
        ServerMsg::Welcome { readonly: true, .. }
    ));
    let response = http_client()
        .post(server.url("/terminal/api/1/execute"))
        .json(&serde_json::json!({"command":"stty size; echo s5-$((40+2))"}))
        .send()
        .await
        .expect("http");
    assert_eq!(response.status().as_u16(), 204);
    let seen = a.read_until("s5-42").await;
    let tail = &seen[seen.rfind("s5-$((40+2))").unwrap_or(0)..];
    assert!(tail.contains("43 132"), "{tail:?}");
    for client in [a, b, ro] {
        client.close().await;
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_then_restart_continues_the_stream() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_bash(dir.path()).await;
    let (mut client, _) = Client::attach(&server, "1", None).await;
    run(&mut client, "true", "up").await;
    client.input(b"exit 7\r").await;
    let ServerMsg::Exit { code, signal, seq } = client.msg().await else {
        panic!("expected exit");
    };
    assert_eq!((code, signal), (Some(7), None));
    // Input to an exited shell is refused; a reconnecting viewer learns it is not running.
    client.input(b"ls\r").await;
    assert!(matches!(client.msg().await, ServerMsg::Error { code, .. } if code == "exited"));
    let (other, welcome) = Client::attach(&server, "1", Some(seq)).await;
    assert!(matches!(welcome, ServerMsg::Welcome { running: false, seq: s, .. } if s == seq));
    other.close().await;
    client.json(serde_json::json!({"type":"restart"})).await;
    assert_eq!(client.msg().await, ServerMsg::Restarted { seq });
    let after = run(&mut client, "echo $((1+1))", "again").await;
    assert!(after.contains('2'));
    client.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_viewer_sees_everything_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_bash(dir.path()).await;
    let (mut writer, _) = Client::attach(&server, "1", None).await;
    let mut ro = Client::connect(&server, "/terminal/ws/1?mode=readonly")
        .await
        .expect("connect");
    ro.json(serde_json::json!({"type":"hello","version":1,"last_seq":null,"cols":80,"rows":24}))
        .await;
    assert!(matches!(
        ro.msg().await,
        ServerMsg::Welcome { readonly: true, .. }
    ));
    // `"readonly": true` in the hello does the same.
    let mut ro2 = Client::connect(&server, "/terminal/ws/1").await.expect("connect");
    ro2.json(
        serde_json::json!({"type":"hello","version":1,"last_seq":null,"cols":80,"rows":24,"readonly":true}),
    )
    .await;
    assert!(matches!(
        ro2.msg().await,
        ServerMsg::Welcome { readonly: true, .. }
    ));
    for viewer in [&mut ro, &mut ro2] {
        viewer.input(b"touch written-by-viewer\r").await;
        viewer
            .json(serde_json::json!({"type":"resize","cols":50,"rows":10}))
            .await;
        viewer.json(serde_json::json!({"type":"restart"})).await;
        for _ in 0..3 {
            assert!(matches!(viewer.msg().await, ServerMsg::Error { code, .. } if code == "readonly"));
        }
    }
    run(&mut writer, "echo visible", "w").await;
    ro.read_until("visible").await;
    ro2.read_until("visible").await;
    assert!(!dir.path().join("written-by-viewer").exists());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_written_right_before_exit_arrives_before_the_exit() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A child writes 200 kB, the shell adds its last words and exits at once: every byte precedes
    // `exit`. (Background processes cannot write after the shell exits: Linux hangs the PTY up
    // when its session leader exits.)
    let script = "stty -echo -opost\nprintf R\nread x\nhead -c 200000 /dev/zero | tr '\\0' a\n\
                  printf LAST-WORDS\nexit 4\n";
    let server = server_with_script(dir.path(), script, 1 << 20).await;
    let (mut client, _) = Client::attach(&server, "1", None).await;
    let mut start = 0u64;
    for run in 0..5 {
        if run > 0 {
            client.json(serde_json::json!({"type":"restart"})).await;
            assert_eq!(client.msg().await, ServerMsg::Restarted { seq: start });
        }
        match client.next().await {
            Incoming::Output(seq, data) => assert_eq!((seq, data.as_slice()), (start, &b"R"[..])),
            other => panic!("expected the ready mark, got {other:?}"),
        }
        client.input(b"go\n").await;
        let got = read_to_exit(&mut client, start + 1).await;
        let mut expected = vec![b'a'; 200_000];
        expected.extend_from_slice(b"LAST-WORDS");
        assert_eq!(got.bytes.len(), expected.len(), "run {run}");
        assert!(got.bytes == expected, "run {run}: bytes differ");
        let end = start + 1 + expected.len() as u64;
        assert_eq!(
            got.exit,
            ServerMsg::Exit {
                code: Some(4),
                signal: None,
                seq: end
            }
        );
        start = end;
    }
    client.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_are_recorded_as_asciicast() {
    let dir = tempfile::tempdir().expect("tempdir");
    let casts = dir.path().join("casts");
    std::fs::write(
        dir.path().join("run.sh"),
        "stty -opost\nprintf R\nread x\nprintf 'hello-cast\\n'\nexit 0\n",
    )
    .expect("script");
    let mut config = Config::for_tests(WorkshopSource::Dir(fixture("minimal")));
    config.terminal.shell = vec!["sh".into(), dir.path().join("run.sh").display().to_string()];
    config.terminal.shell_is_default = false;
    config.terminal.home = Some(dir.path().to_path_buf());
    config.terminal.record_dir = Some(casts.clone());
    let server = TestServer::start(config).await;
    let (mut client, _) = Client::attach_sized(&server, "rec", None, 90, 25).await;
    client.read_until("R").await;
    client
        .json(serde_json::json!({"type":"resize","cols":100,"rows":30}))
        .await;
    client.input(b"go\r").await;
    loop {
        if let Incoming::Msg(ServerMsg::Exit { .. }) = client.next().await {
            break;
        }
    }
    // The writer task flushes after the exit; wait (bounded) for the closing marker.
    let deadline = tokio::time::Instant::now() + GUARD;
    let text = loop {
        let text = std::fs::read_dir(&casts)
            .ok()
            .and_then(|mut entries| entries.next())
            .and_then(|entry| entry.ok())
            .and_then(|entry| std::fs::read_to_string(entry.path()).ok())
            .unwrap_or_default();
        if text.contains("\"exit 0\"") || tokio::time::Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().expect("header")).expect("header JSON");
    assert_eq!(header["version"], 2);
    assert_eq!(header["title"], "rec");
    let events: Vec<serde_json::Value> = lines
        .map(|line| serde_json::from_str(line).expect("event JSON"))
        .collect();
    let output: String = events
        .iter()
        .filter(|e| e[1] == "o")
        .map(|e| e[2].as_str().expect("text").to_string())
        .collect();
    assert!(output.contains("hello-cast"), "{output:?}");
    assert!(
        events.iter().any(|e| e[1] == "r" && e[2] == "100x30"),
        "{events:?}"
    );
    assert_eq!(events.last().map(|e| e[2].clone()), Some("exit 0".into()));
    let times: Vec<f64> = events.iter().map(|e| e[0].as_f64().expect("time")).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "times never go back");
    client.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_stalled_viewer_does_not_hold_the_program() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Flow control follows the fastest viewer; when the only viewer stops reading, the reader
    // must stop waiting for it (after 1 s) so the program finishes.
    let script =
        "stty -echo -opost\nprintf R\nread x\nhead -c 32000000 /dev/zero\ntouch done\nexec sleep 1000\n";
    let server = server_with_script(dir.path(), script, 1 << 20).await;
    let (mut client, _) = Client::attach(&server, "1", None).await;
    client.read_until("R").await;
    client.input(b"go\n").await;
    // From here on the client never reads.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !dir.path().join("done").exists() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the program is still blocked behind a stalled viewer after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(client);
    server.stop().await;
}

/// Input written while the program is not reading fills the PTY and waits in the writer task's
/// queue; later input (which would otherwise go straight to the PTY) must not overtake it. The
/// program reads everything afterwards and the digest shows every byte arrived once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_stays_in_order_when_the_program_is_not_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_bash(dir.path()).await;
    let (mut client, _) = Client::attach(&server, "1", None).await;
    const LEN: usize = 100_000;
    client
        .input(
            format!("stty raw -echo; echo READY-$((1+1)); sleep 1; head -c {LEN} | sha256sum\r").as_bytes(),
        )
        .await;
    client.read_until("READY-2").await;
    let data: Vec<u8> = super::client::generate(LEN, 11)
        .into_iter()
        .map(|b| b'a' + b % 26)
        .collect();
    for chunk in data.chunks(997) {
        client.input(chunk).await;
    }
    let expected = super::client::sha256(&data);
    let seen = client.read_until(&expected[..16]).await;
    assert!(seen.contains(&expected), "{seen}");
    client.close().await;
    server.stop().await;
}
