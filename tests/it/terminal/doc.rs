//! docs/terminal-protocol.md is executable: every JSON example parses as the message it claims to
//! be, every message type and error code is documented, and every transcript is replayed against a
//! real server running the document's own stand-in shell.

use std::collections::{BTreeSet, HashMap};

use lectern::terminal::protocol::{self, ServerMsg, parse_client};
use lectern::terminal::{MAX_COLS, MAX_ROWS};
use serde_json::Value;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::{self, Message};

use super::client::{Client, Incoming, server_with_script};
use crate::support::{TestServer, http_client, repo_root};

/// A fenced block: its info string and its text.
struct Block {
    info: String,
    text: String,
}

fn document() -> String {
    std::fs::read_to_string(repo_root().join("docs/terminal-protocol.md")).expect("read the protocol doc")
}

fn blocks(doc: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String, String)> = None;
    for line in doc.lines() {
        let trimmed = line.trim_start();
        match current.take() {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let indent = line.len() - trimmed.len();
                    current = Some((info.trim().to_string(), String::new(), " ".repeat(indent)));
                }
            }
            Some((info, mut text, indent)) => {
                if trimmed.starts_with("```") {
                    blocks.push(Block { info, text });
                } else {
                    text.push_str(line.strip_prefix(indent.as_str()).unwrap_or(line));
                    text.push('\n');
                    current = Some((info, text, indent));
                }
            }
        }
    }
    blocks
}

#[test]
fn json_examples_parse_and_cover_every_message() {
    let doc = document();
    let mut client_types = BTreeSet::new();
    let mut server_types = BTreeSet::new();
    for block in blocks(&doc) {
        match block.info.as_str() {
            "json client" => {
                let message = parse_client(block.text.trim())
                    .unwrap_or_else(|e| panic!("client example {:?} does not parse: {e}", block.text));
                let value: Value = serde_json::from_str(&block.text).expect("json");
                client_types.insert(value["type"].as_str().expect("type").to_string());
                let _ = message;
            }
            "json server" => {
                let message: ServerMsg = serde_json::from_str(block.text.trim())
                    .unwrap_or_else(|e| panic!("server example {:?} does not parse: {e}", block.text));
                let written: Value = serde_json::from_str(&message.to_json()).expect("json");
                let shown: Value = serde_json::from_str(&block.text).expect("json");
                assert_eq!(written, shown, "the server writes this example exactly so");
                server_types.insert(shown["type"].as_str().expect("type").to_string());
            }
            _ => {}
        }
    }
    let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(client_types, set(&["ack", "hello", "ping", "resize", "restart"]));
    assert_eq!(
        server_types,
        set(&[
            "error",
            "exit",
            "lost",
            "pong",
            "restarted",
            "snapshot",
            "welcome"
        ])
    );
}

/// The frontend's `ERROR_CODES` (frontend/src/protocol.ts) is `ErrorCode::ALL`, in order: one list of codes,
/// mirrored, never two that drift.
#[test]
fn error_codes_are_mirrored_in_the_frontend() {
    let codes: Vec<&str> = protocol::ErrorCode::ALL
        .iter()
        .map(|code| code.as_str())
        .collect();
    assert_eq!(
        frontend_list("ERROR_CODES"),
        codes,
        "ERROR_CODES in frontend/src/protocol.ts must list ErrorCode::ALL of src/terminal/protocol.rs"
    );
}

/// The hello features (issue 11: the protocol stays version 1, new abilities are features): the
/// frontend's `FEATURES` is `Feature::ALL`, in order, and the document's table names each of them.
#[test]
fn features_are_documented_and_mirrored_in_the_frontend() {
    let features: Vec<&str> = protocol::Feature::ALL
        .iter()
        .map(|feature| feature.as_str())
        .collect();
    assert_eq!(
        frontend_list("FEATURES"),
        features,
        "FEATURES in frontend/src/protocol.ts must list Feature::ALL of src/terminal/protocol.rs"
    );
    let doc = document();
    for feature in features {
        assert!(
            doc.contains(&format!("| `{feature}` |")),
            "docs/terminal-protocol.md does not describe feature {feature}"
        );
    }
}

/// The strings of `export const NAME = [...] as const` in frontend/src/protocol.ts.
fn frontend_list(name: &str) -> Vec<String> {
    let source = std::fs::read_to_string(repo_root().join("frontend/src/protocol.ts")).expect("protocol.ts");
    let start = source
        .find(&format!("export const {name} = ["))
        .unwrap_or_else(|| panic!("protocol.ts declares {name}"));
    let list = &source[start..start + source[start..].find("] as const").expect("end of the list")];
    list.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn error_codes_and_limits_are_documented() {
    let doc = document();
    for code in protocol::ErrorCode::ALL {
        assert!(
            doc.contains(&format!("| `{code}`")) || doc.contains(&format!(", `{code}`")),
            "error code {code} is not in the table of section 5.4"
        );
        let json = serde_json::to_string(code).expect("json");
        assert_eq!(json, format!("\"{code}\""), "serde and as_str agree");
    }
    for close in [
        protocol::CLOSE_NORMAL,
        protocol::CLOSE_GOING_AWAY,
        protocol::CLOSE_BAD_DATA,
        protocol::CLOSE_POLICY,
        protocol::CLOSE_TOO_BIG,
        protocol::CLOSE_INTERNAL,
    ] {
        assert!(
            doc.contains(&format!("| {close} |")),
            "close code {close} is not documented"
        );
    }
    assert!(doc.contains(&format!("1..={MAX_COLS} × 1..={MAX_ROWS}")));
    assert_eq!(protocol::MAX_CLIENT_MESSAGE, 1024 * 1024, "doc says 1 MiB");
    assert_eq!(protocol::MAX_OUTPUT_PAYLOAD, 64 * 1024, "doc says 64 KiB");
    assert_eq!(protocol::SEQ_PREFIX, 8, "doc says 8-byte seq");
    assert_eq!(
        lectern::config::TerminalConfig::default().replay_bytes,
        2 * 1024 * 1024,
        "doc says 2 MiB"
    );
}

/// One connection of a transcript, with output received but not yet matched.
struct Conn {
    client: Client,
    pending: Vec<u8>,
    /// Seq of `pending[0]`.
    pos: u64,
}

impl Conn {
    async fn expect_output(&mut self, line: &str, seq: u64, expected: Option<&[u8]>, len: usize) {
        while self.pending.len() < len {
            match self.client.next().await {
                Incoming::Output(at, data) => {
                    if self.pending.is_empty() {
                        self.pos = at;
                    }
                    assert_eq!(
                        at,
                        self.pos + self.pending.len() as u64,
                        "{line}: output is not contiguous"
                    );
                    self.pending.extend_from_slice(&data);
                }
                other => panic!("{line}: expected output, got {other:?}"),
            }
        }
        assert_eq!(self.pos, seq, "{line}: output seq");
        let got: Vec<u8> = self.pending.drain(..len).collect();
        if let Some(expected) = expected {
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(expected),
                "{line}"
            );
        }
        self.pos += len as u64;
    }
}

impl Conn {
    /// Discards output (and `lost` gaps) before `seq`.
    async fn skip_to(&mut self, line: &str, seq: u64) {
        let drop = (seq.saturating_sub(self.pos) as usize).min(self.pending.len());
        self.pending.drain(..drop);
        self.pos += drop as u64;
        while self.pending.is_empty() && self.pos < seq {
            match self.client.next().await {
                Incoming::Output(at, data) => {
                    let end = at + data.len() as u64;
                    if end > seq {
                        let keep = (end - seq) as usize;
                        self.pending.extend_from_slice(&data[data.len() - keep..]);
                    }
                    self.pos = end.min(seq);
                }
                Incoming::Msg(ServerMsg::Lost { to, .. }) if to <= seq => self.pos = to,
                other => panic!("{line}: got {other:?} while skipping"),
            }
        }
    }
}

/// `expected` with `"..."` standing for any value.
fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(s), _) if s == "..." => true,
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len() && e.iter().all(|(k, v)| a.get(k).is_some_and(|av| matches(v, av)))
        }
        _ => expected == actual,
    }
}

fn string_literal(text: &str, line: &str) -> Vec<u8> {
    serde_json::from_str::<String>(text.trim())
        .unwrap_or_else(|e| panic!("{line}: bad string literal: {e}"))
        .into_bytes()
}

async fn run_transcript(script: &str, transcript: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let server: TestServer = server_with_script(dir.path(), script, 64 * 1024).await;
    let http = http_client();
    let mut conns: HashMap<String, Conn> = HashMap::new();
    // Status and body of the last HTTP request or refused upgrade.
    let mut last_response: Option<(u16, String)> = None;
    for line in transcript.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("connect ") {
            let (label, path) = rest.split_once(' ').expect("connect LABEL PATH");
            let client = match Client::connect(&server, path).await {
                Ok(client) => client,
                Err(tungstenite::Error::Http(response)) => {
                    let body = String::from_utf8_lossy(response.body().as_deref().unwrap_or_default());
                    last_response = Some((response.status().as_u16(), body.into_owned()));
                    continue;
                }
                Err(other) => panic!("{line}: {other}"),
            };
            conns.insert(
                label.to_string(),
                Conn {
                    client,
                    pending: Vec::new(),
                    pos: 0,
                },
            );
        } else if let Some(label) = line.strip_prefix("close ") {
            let conn = conns.remove(label).expect("close a known connection");
            conn.client.close().await;
        } else if let Some(rest) = line.strip_prefix("POST ") {
            let (path, body) = rest.split_once(' ').unwrap_or((rest, ""));
            let mut request = http.post(server.url(path));
            if !body.is_empty() {
                request = request
                    .header("content-type", "application/json")
                    .body(body.to_string());
            }
            let response = request.send().await.expect("http");
            let status = response.status().as_u16();
            last_response = Some((status, response.text().await.expect("body")));
        } else if let Some(expected) = line.strip_prefix("= ") {
            let (status, body) = expected.split_once(' ').unwrap_or((expected, ""));
            let (got_status, got_body) = last_response.take().expect("a response to check");
            assert_eq!(status.parse::<u16>().expect("status"), got_status, "{line}");
            match body.strip_suffix("...") {
                Some(prefix) => assert!(got_body.starts_with(prefix), "{line}: body {got_body:?}"),
                None if body.is_empty() => {}
                None => assert_eq!(body, got_body, "{line}"),
            }
        } else if let Some((label, rest)) = line.split_once("> ") {
            let conn = conns.get_mut(label).expect("known connection");
            if let Some(text) = rest.strip_prefix("input ") {
                conn.client.input(&string_literal(text, line)).await;
            } else if let Some(code) = rest.strip_prefix("close ") {
                let code: u16 = code.parse().expect("close CODE");
                let frame = CloseFrame {
                    code: code.into(),
                    reason: "".into(),
                };
                conn.client.send_raw(Message::Close(Some(frame))).await;
            } else if let Some(hex) = rest.strip_prefix("text-bytes ") {
                let bytes: Vec<u8> = hex
                    .split_whitespace()
                    .map(|byte| u8::from_str_radix(byte, 16).expect("hex byte"))
                    .collect();
                let frame = Frame::message(bytes, OpCode::Data(Data::Text), true);
                conn.client.send_raw(Message::Frame(frame)).await;
            } else {
                conn.client.text(rest).await;
            }
        } else if let Some((label, rest)) = line.split_once("< ") {
            let conn = conns.get_mut(label).expect("known connection");
            if let Some(seq) = rest.strip_prefix("skip to ") {
                conn.skip_to(line, seq.parse().expect("skip to SEQ")).await;
            } else if let Some(output) = rest.strip_prefix("output ") {
                let (seq, what) = output.split_once(' ').expect("output SEQ WHAT");
                let seq: u64 = seq.parse().expect("seq");
                if let Some(count) = what.strip_prefix('(') {
                    let len: usize = count.trim_end_matches(" bytes)").parse().expect("(N bytes)");
                    conn.expect_output(line, seq, None, len).await;
                } else {
                    let expected = string_literal(what, line);
                    conn.expect_output(line, seq, Some(&expected), expected.len())
                        .await;
                }
            } else if let Some(code) = rest.strip_prefix("close ") {
                assert!(conn.pending.is_empty(), "{line}: unmatched output before close");
                match conn.client.next().await {
                    Incoming::Closed(Some(frame)) => {
                        assert_eq!(u16::from(frame.code).to_string(), code, "{line}")
                    }
                    other => panic!("{line}: expected a close, got {other:?}"),
                }
            } else {
                assert!(
                    conn.pending.is_empty(),
                    "{line}: unmatched output before a message"
                );
                let expected: Value = serde_json::from_str(rest).expect("transcript JSON");
                let actual = match conn.client.next().await {
                    Incoming::Msg(message) => serde_json::to_value(&message).expect("value"),
                    other => panic!("{line}: expected a message, got {other:?}"),
                };
                assert!(matches(&expected, &actual), "{line}: got {actual}");
            }
        } else {
            panic!("transcript line not understood: {line}");
        }
    }
    for (label, conn) in conns {
        assert!(conn.pending.is_empty(), "{label}: output left unmatched");
        conn.client.close().await;
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transcripts_replay_against_a_real_server() {
    let doc = document();
    let all = blocks(&doc);
    let script = &all
        .iter()
        .find(|b| b.info == "sh")
        .expect("the stand-in shell script")
        .text;
    let transcripts: Vec<_> = all.iter().filter(|b| b.info == "transcript").collect();
    assert!(transcripts.len() >= 7, "expected the seven worked transcripts");
    for transcript in transcripts {
        run_transcript(script, &transcript.text).await;
    }
}
