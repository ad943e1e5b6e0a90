//! A minimal protocol-v1 terminal client and test helpers (server config, scripts, generators).

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use lectern::config::{Config, WorkshopSource};
use lectern::terminal::protocol::{ServerMsg, split_output_frame};
use sha2::{Digest, Sha256};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::{TestServer, fixture};

/// Held by the flood tests so they do not compete with each other for the two CPUs (the
/// throughput comparison would otherwise measure the neighbours' load).
pub static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Failure guard for any single wait (not a performance assertion).
pub const GUARD: Duration = Duration::from_secs(60);

/// Failure guard for one [`Client::read_until`] as a whole, when output keeps arriving without what it
/// waits for (each message alone is within [`GUARD`]); generous for a loaded machine.
pub const READ_DEADLINE: Duration = Duration::from_secs(300);

/// A server whose shells run `sh <dir>/run.sh` in `dir` (the script is written by the test).
pub async fn server_with_script(dir: &Path, script: &str, replay_bytes: usize) -> TestServer {
    std::fs::write(dir.join("run.sh"), script).expect("write script");
    let mut config = Config::for_tests(WorkshopSource::Dir(fixture("minimal")));
    config.terminal.shell = vec!["sh".into(), dir.join("run.sh").display().to_string()];
    config.terminal.shell_is_default = false;
    config.terminal.home = Some(dir.to_path_buf());
    config.terminal.replay_bytes = replay_bytes;
    TestServer::start(config).await
}

/// A server whose shells are `bash --norc --noprofile -i` in `dir`.
pub async fn server_with_bash(dir: &Path) -> TestServer {
    let mut config = Config::for_tests(WorkshopSource::Dir(fixture("minimal")));
    config.terminal.shell = ["bash", "--norc", "--noprofile", "-i"].map(String::from).to_vec();
    config.terminal.shell_is_default = false;
    config.terminal.home = Some(dir.to_path_buf());
    TestServer::start(config).await
}

/// Deterministic pseudo-random bytes (xorshift64), every byte value included.
pub fn generate(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Whether `pid` is a live process (a zombie waiting for its parent to reap it counts as gone).
pub fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let state = stat[stat.rfind(')').map_or(0, |at| at + 1)..]
            .split_whitespace()
            .next();
        !matches!(state, Some("Z" | "X"))
    })
}

/// Hex sha256.
pub fn sha256(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// What the client received.
#[derive(Debug)]
pub enum Incoming {
    /// An output frame.
    Output(u64, Vec<u8>),
    /// A JSON message.
    Msg(ServerMsg),
    /// The server closed (with its close frame, if any).
    Closed(Option<CloseFrame>),
}

/// One websocket connection to `/terminal/ws/{name}`.
pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Client {
    /// Connects (no hello yet).
    pub async fn connect(
        server: &TestServer,
        path: &str,
    ) -> Result<Self, tokio_tungstenite::tungstenite::Error> {
        Self::connect_to(server.addr, path).await
    }

    /// Connects to `path` on a server at `addr` (a spawned `lectern`, say); no hello yet.
    pub async fn connect_to(
        addr: std::net::SocketAddr,
        path: &str,
    ) -> Result<Self, tokio_tungstenite::tungstenite::Error> {
        let url = format!("ws://{addr}{path}");
        let (ws, _) = tokio_tungstenite::connect_async(url).await?;
        Ok(Self { ws })
    }

    /// Connects to terminal `name` and says hello; returns the client and the welcome.
    pub async fn attach(server: &TestServer, name: &str, last_seq: Option<u64>) -> (Self, ServerMsg) {
        Self::attach_sized(server, name, last_seq, 80, 24).await
    }

    /// `attach` with a size.
    pub async fn attach_sized(
        server: &TestServer,
        name: &str,
        last_seq: Option<u64>,
        cols: u32,
        rows: u32,
    ) -> (Self, ServerMsg) {
        let mut client = Self::connect(server, &format!("/terminal/ws/{name}"))
            .await
            .expect("connect");
        client
            .json(serde_json::json!({"type":"hello","version":1,"last_seq":last_seq,"cols":cols,"rows":rows}))
            .await;
        let welcome = client.msg().await;
        assert!(
            matches!(welcome, ServerMsg::Welcome { .. }),
            "expected welcome, got {welcome:?}"
        );
        (client, welcome)
    }

    /// Sends a JSON text message.
    pub async fn json(&mut self, value: serde_json::Value) {
        self.ws
            .send(Message::text(value.to_string()))
            .await
            .expect("send json");
    }

    /// Sends a raw text message.
    pub async fn text(&mut self, text: &str) {
        self.ws
            .send(Message::text(text.to_string()))
            .await
            .expect("send text");
    }

    /// Sends input bytes.
    pub async fn input(&mut self, data: &[u8]) {
        self.ws
            .send(Message::binary(data.to_vec()))
            .await
            .expect("send input");
    }

    /// Sends any websocket message (a Close, a ping, a raw frame).
    pub async fn send_raw(&mut self, message: Message) {
        self.ws.send(message).await.expect("send");
    }

    /// Waits for a websocket Pong (skipping output and messages); returns its payload.
    pub async fn pong(&mut self) -> Vec<u8> {
        loop {
            let message = tokio::time::timeout(GUARD, self.ws.next())
                .await
                .expect("no pong within the guard time");
            match message {
                Some(Ok(Message::Pong(payload))) => return payload.to_vec(),
                Some(Ok(Message::Close(frame))) => panic!("closed while waiting for a pong: {frame:?}"),
                None | Some(Err(_)) => panic!("connection failed while waiting for a pong"),
                Some(Ok(_)) => {}
            }
        }
    }

    /// Sends raw binary, reporting failure instead of panicking.
    pub async fn try_binary(&mut self, data: Vec<u8>) -> bool {
        self.ws.send(Message::binary(data)).await.is_ok()
    }

    /// The next thing received (guarded).
    pub async fn next(&mut self) -> Incoming {
        loop {
            let message = tokio::time::timeout(GUARD, self.ws.next())
                .await
                .expect("nothing received within the guard time");
            match message {
                None | Some(Err(_)) => return Incoming::Closed(None),
                Some(Ok(Message::Binary(frame))) => {
                    let (seq, payload) = split_output_frame(&frame).expect("output frame has a seq prefix");
                    return Incoming::Output(seq, payload.to_vec());
                }
                Some(Ok(Message::Text(text))) => {
                    let msg = serde_json::from_str(text.as_str()).expect("server JSON parses as ServerMsg");
                    return Incoming::Msg(msg);
                }
                Some(Ok(Message::Close(frame))) => return Incoming::Closed(frame),
                Some(Ok(_)) => {}
            }
        }
    }

    /// The next JSON message, skipping output.
    pub async fn msg(&mut self) -> ServerMsg {
        loop {
            match self.next().await {
                Incoming::Msg(msg) => return msg,
                Incoming::Output(..) => {}
                Incoming::Closed(frame) => panic!("closed while waiting for a message: {frame:?}"),
            }
        }
    }

    /// Reads output until `needle` appears in the text received since this call; returns it all. Output
    /// that keeps coming without the needle (a flood that did not stop) fails after [`READ_DEADLINE`]
    /// rather than reading, and holding, it for ever.
    pub async fn read_until(&mut self, needle: &str) -> String {
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + READ_DEADLINE;
        loop {
            if tokio::time::Instant::now() > deadline {
                let tail = String::from_utf8_lossy(&seen[seen.len().saturating_sub(300)..]).into_owned();
                panic!(
                    "no {needle:?} in {} bytes of output received over {READ_DEADLINE:?}; it ends {tail:?}",
                    seen.len()
                );
            }
            match self.next().await {
                Incoming::Output(_, data) => {
                    seen.extend_from_slice(&data);
                    let tail = &seen[seen.len().saturating_sub(needle.len() + data.len())..];
                    if String::from_utf8_lossy(tail).contains(needle) {
                        return String::from_utf8_lossy(&seen).into_owned();
                    }
                }
                Incoming::Msg(ServerMsg::Lost { .. } | ServerMsg::Pong { .. }) => {}
                Incoming::Msg(other) => panic!("waiting for {needle:?}, got {other:?}"),
                Incoming::Closed(frame) => panic!("closed while waiting for {needle:?}: {frame:?}"),
            }
        }
    }

    /// Closes the connection.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}

/// A contiguous stream read by one viewer until `exit`: checks every frame starts where the
/// previous ended and that nothing was lost.
pub struct Received {
    /// Bytes from `start`.
    pub bytes: Vec<u8>,
    /// Exit message.
    pub exit: ServerMsg,
}

/// Reads output starting at `start` until `exit`; panics on a gap, overlap or `lost`.
pub async fn read_to_exit(client: &mut Client, start: u64) -> Received {
    let mut bytes = Vec::new();
    let mut next = start;
    loop {
        match client.next().await {
            Incoming::Output(seq, data) => {
                assert_eq!(
                    seq, next,
                    "frame seq must continue the stream (no gap, no duplicate)"
                );
                next += data.len() as u64;
                bytes.extend_from_slice(&data);
            }
            Incoming::Msg(exit @ ServerMsg::Exit { .. }) => return Received { bytes, exit },
            Incoming::Msg(ServerMsg::Pong { .. }) => {}
            Incoming::Msg(other) => panic!("unexpected message at seq {next}: {other:?}"),
            Incoming::Closed(frame) => panic!("closed at seq {next}: {frame:?}"),
        }
    }
}
