//! Replay safety and stream identity (issue 21): replayed output carries no terminal query (they are
//! blanked with NUL bytes of the same length, so a client's terminal never answers an old query into
//! the shell), live output keeps them; a welcome names the stream when the hello asks for the
//! `stream` feature, and seqs of another stream (a restarted server) are ignored.

use lectern::terminal::protocol::ServerMsg;
use lectern::terminal::queries::QueryScanner;

use super::client::{Client, Incoming, server_with_script};

/// Prints terminal queries between markers on each input line.
const QUERIES: &str = "stty -echo -opost\nprintf R\nwhile read -r l; do printf 'A\\033[6nB\\033[cC\\033]11;?\\007D\\033P$qm\\033\\\\E\\033[31mF\\n'; done\n";

fn queries(data: &[u8]) -> usize {
    let mut count = 0;
    QueryScanner::new().scan(data, 0, |_, _| count += 1);
    count
}

/// Reads output until `needle`; returns (first seq, bytes).
async fn output_until(client: &mut Client, needle: &[u8]) -> (u64, Vec<u8>) {
    let mut first = None;
    let mut seen = Vec::new();
    loop {
        match client.next().await {
            Incoming::Output(seq, data) => {
                first.get_or_insert(seq);
                seen.extend_from_slice(&data);
                if seen.windows(needle.len()).any(|w| w == needle) {
                    return (first.unwrap_or(0), seen);
                }
            }
            Incoming::Msg(ServerMsg::Pong { .. }) => {}
            other => panic!("waiting for {needle:?}, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_blanks_queries_and_live_output_keeps_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(dir.path(), QUERIES, 1 << 20).await;
    let (mut live, _) = Client::attach(&server, "1", None).await;
    let (start, mut raw) = output_until(&mut live, b"R").await;
    assert_eq!(start, 0);
    live.input(b"go\n").await;
    raw.extend(output_until(&mut live, b"F\n").await.1);
    assert_eq!(queries(&raw), 4, "live output keeps its queries: {raw:?}");

    // A second viewer (replay from the start) and a resuming one (replay from seq 1).
    for last_seq in [None, Some(1)] {
        let (mut late, _) = Client::attach(&server, "1", last_seq).await;
        let (seq, replayed) = output_until(&mut late, b"F\n").await;
        assert_eq!(seq, last_seq.unwrap_or(0));
        let original = &raw[seq as usize..seq as usize + replayed.len()];
        let mut query_bytes = 0;
        QueryScanner::new().scan(original, 0, |from, to| query_bytes += to - from);
        assert!(query_bytes > 0);
        assert_eq!(queries(&replayed), 0, "replay holds a query: {replayed:?}");
        assert_eq!(
            replayed.iter().filter(|&&b| b == 0).count() as u64,
            query_bytes,
            "queries become NUL bytes of the same length"
        );
        assert!(
            replayed.iter().zip(original).all(|(r, o)| r == o || *r == 0),
            "only queries change: {replayed:?} vs {original:?}"
        );
        // Output after the attach is live again: its queries arrive as the program wrote them.
        late.input(b"again\n").await;
        let (_, fresh) = output_until(&mut late, b"F\n").await;
        assert_eq!(queries(&fresh), 4, "live output after a replay: {fresh:?}");
        late.close().await;
        raw.extend(output_until(&mut live, b"F\n").await.1);
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_feature_names_the_stream_and_other_streams_start_over() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_script(
        dir.path(),
        "stty -echo -opost\nprintf R\nwhile read -r l; do printf '[%s]' \"$l\"; done\n",
        1 << 20,
    )
    .await;
    let hello = |last_seq: Option<u64>, stream: Option<&str>| serde_json::json!({"type":"hello","version":1,"last_seq":last_seq,"cols":80,"rows":24,"features":["stream"],"stream":stream});
    let mut first = Client::connect(&server, "/terminal/ws/1").await.expect("connect");
    first.json(hello(None, None)).await;
    let ServerMsg::Welcome {
        stream: Some(stream), ..
    } = first.msg().await
    else {
        panic!("a welcome names its stream when the hello asks for the feature");
    };
    first.read_until("R").await;
    first.input(b"one\n").await;
    first.read_until("[one]").await;

    // Same stream: resume after "R" (seq 1); nothing before it comes again.
    let mut same = Client::connect(&server, "/terminal/ws/1").await.expect("connect");
    same.json(hello(Some(1), Some(&stream))).await;
    assert!(matches!(same.msg().await, ServerMsg::Welcome { seq: 6, .. }));
    match same.next().await {
        Incoming::Output(1, data) => assert_eq!(data, b"[one]"),
        other => panic!("expected the replay from seq 1, got {other:?}"),
    }
    // Another stream with a seq beyond this one's end (a client of a server that restarted): from the start.
    let mut other = Client::connect(&server, "/terminal/ws/1").await.expect("connect");
    other.json(hello(Some(1), Some("0123456789abcdef-1"))).await;
    assert!(matches!(other.msg().await, ServerMsg::Welcome { seq: 6, .. }));
    match other.next().await {
        Incoming::Output(0, data) => assert_eq!(data, b"R[one]"),
        other => panic!("expected the replay from seq 0, got {other:?}"),
    }
    // A hello without features gets the welcome as first documented: no stream, no features.
    let (_, welcome) = Client::attach(&server, "1", None).await;
    assert!(matches!(
        welcome,
        ServerMsg::Welcome {
            stream: None,
            features: None,
            ..
        }
    ));
    server.stop().await;
}
