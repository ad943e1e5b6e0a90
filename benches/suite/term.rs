//! Websocket terminal clients for the three servers compared: lectern (protocol v1), ttyd (its `tty`
//! subprotocol) and wetty (socket.io v4 over a websocket). One interface: send input, receive
//! output chunks until exit or close.

#![allow(dead_code)]

use std::net::SocketAddr;

use anyhow::{Context, Result, anyhow, bail};
use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Which server a client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// lectern, `/terminal/ws/{name}`.
    Lectern,
    /// ttyd, `/ws`.
    Ttyd,
    /// wetty, `/wetty/socket.io/`.
    Wetty,
}

impl Flavor {
    /// The peer name used in results.
    pub fn name(self) -> &'static str {
        match self {
            Flavor::Lectern => "lectern",
            Flavor::Ttyd => "ttyd",
            Flavor::Wetty => "wetty",
        }
    }
}

/// Something received.
#[derive(Debug)]
pub enum Event {
    /// Output bytes.
    Output(Vec<u8>),
    /// The program exited (lectern: `exit`; wetty: `logout`).
    Exit,
    /// Any other control message (ignored by the cases).
    Other,
    /// The connection ended.
    Closed,
}

/// A connected terminal client.
pub struct Term {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    flavor: Flavor,
    /// lectern: seq just past the last byte received.
    pub next_seq: u64,
    /// lectern: seq last acknowledged.
    acked: u64,
    /// A message already taken off the socket (to see whether anything was waiting) and not yet handled.
    pending: Option<Message>,
    /// lectern: output bytes skipped (`lost`) because this client fell behind.
    pub skipped: u64,
    /// lectern: the acknowledgement window of its hello; `None` for a lossless viewer (no window: it
    /// takes part in lectern's flow control and gets every byte, never skipped — docs/terminal-protocol.md 7).
    window: Option<u64>,
}

/// lectern: the acknowledgement window the bench asks for, the same as the dashboard's (an ack goes
/// out every quarter window, on receipt: this client draws nothing). wetty's client likewise
/// acknowledges what it received (`commit`); ttyd's has no acknowledgements.
pub const ACK_WINDOW: u64 = 256 * 1024;

impl Term {
    /// Connects to terminal `name` (lectern) or to the server's single command (ttyd, wetty).
    pub async fn connect(flavor: Flavor, addr: SocketAddr, name: &str) -> Result<Self> {
        Self::connect_from(flavor, addr, name, None).await
    }

    /// `connect`, resuming after `last_seq` (lectern only).
    pub async fn connect_from(
        flavor: Flavor,
        addr: SocketAddr,
        name: &str,
        last_seq: Option<u64>,
    ) -> Result<Self> {
        Self::connect_with(flavor, addr, name, last_seq, Some(ACK_WINDOW)).await
    }

    /// `connect_from` as a lossless viewer (lectern: no window, so the program waits for it instead of
    /// skipping it ahead when it falls behind): what the cases measuring throughput and byte-exact
    /// delivery compare with ttyd and wetty, whose clients hold their programs up too.
    pub async fn connect_lossless(
        flavor: Flavor,
        addr: SocketAddr,
        name: &str,
        last_seq: Option<u64>,
    ) -> Result<Self> {
        Self::connect_with(flavor, addr, name, last_seq, None).await
    }

    async fn connect_with(
        flavor: Flavor,
        addr: SocketAddr,
        name: &str,
        last_seq: Option<u64>,
        window: Option<u64>,
    ) -> Result<Self> {
        let url = match flavor {
            Flavor::Lectern => format!("ws://{addr}/terminal/ws/{name}"),
            Flavor::Ttyd => format!("ws://{addr}/ws"),
            Flavor::Wetty => format!("ws://{addr}/wetty/socket.io/?EIO=4&transport=websocket"),
        };
        let mut request = url.as_str().into_client_request()?;
        if flavor == Flavor::Ttyd {
            request
                .headers_mut()
                .insert("Sec-WebSocket-Protocol", "tty".parse()?);
        }
        // No Nagle: small input frames (and wetty's acknowledgements) go out at once.
        let (ws, _) = tokio_tungstenite::connect_async_with_config(request, None, true)
            .await
            .with_context(|| format!("connect {url}"))?;
        let mut term = Self {
            ws,
            flavor,
            next_seq: last_seq.unwrap_or(0),
            acked: 0,
            pending: None,
            skipped: 0,
            window,
        };
        term.handshake(last_seq).await?;
        Ok(term)
    }

    async fn handshake(&mut self, last_seq: Option<u64>) -> Result<()> {
        match self.flavor {
            Flavor::Lectern => {
                let mut hello =
                    serde_json::json!({"type":"hello","version":1,"last_seq":last_seq,"cols":80,"rows":24});
                if let Some(window) = self.window {
                    hello["window"] = window.into();
                }
                self.ws.send(Message::text(hello.to_string())).await?;
                loop {
                    match self.ws.next().await {
                        Some(Ok(Message::Text(text))) => {
                            let value: serde_json::Value = serde_json::from_str(text.as_str())?;
                            if value["type"] == "welcome" {
                                if last_seq.is_none() {
                                    self.next_seq = 0;
                                }
                                return Ok(());
                            }
                            bail!("expected welcome, got {text}");
                        }
                        Some(Ok(_)) => {}
                        other => bail!("no welcome: {other:?}"),
                    }
                }
            }
            Flavor::Ttyd => {
                let hello = serde_json::json!({"AuthToken":"","columns":80,"rows":24});
                self.ws
                    .send(Message::binary(hello.to_string().into_bytes()))
                    .await?;
                Ok(())
            }
            Flavor::Wetty => {
                // engine.io open packet, then connect to the default namespace.
                loop {
                    match self.ws.next().await {
                        Some(Ok(Message::Text(text))) if text.starts_with('0') => break,
                        Some(Ok(_)) => {}
                        other => bail!("no engine.io open packet: {other:?}"),
                    }
                }
                self.ws.send(Message::text("40")).await?;
                loop {
                    match self.ws.next().await {
                        Some(Ok(Message::Text(text))) if text.starts_with("40") => break,
                        Some(Ok(Message::Text(text))) if text.as_str() == "2" => {
                            self.ws.send(Message::text("3")).await?;
                        }
                        Some(Ok(_)) => {}
                        other => bail!("no socket.io connect: {other:?}"),
                    }
                }
                let resize = serde_json::json!(["resize", {"cols":80,"rows":24}]);
                self.ws.send(Message::text(format!("42{resize}"))).await?;
                Ok(())
            }
        }
    }

    /// Sends input bytes (wetty: as text, so keep them UTF-8).
    pub async fn send(&mut self, data: &[u8]) -> Result<()> {
        let message = match self.flavor {
            Flavor::Lectern => Message::binary(data.to_vec()),
            Flavor::Ttyd => {
                let mut frame = vec![b'0'];
                frame.extend_from_slice(data);
                Message::binary(frame)
            }
            Flavor::Wetty => {
                let text = String::from_utf8_lossy(data);
                Message::text(format!("42{}", serde_json::json!(["input", text])))
            }
        };
        self.ws.send(message).await.context("send input")
    }

    /// Asks lectern to start a new shell in the exited terminal.
    pub async fn restart(&mut self) -> Result<()> {
        if self.flavor != Flavor::Lectern {
            bail!("only lectern restarts");
        }
        self.ws
            .send(Message::text(r#"{"type":"restart"}"#))
            .await
            .context("send restart")
    }

    /// The next event.
    pub async fn recv(&mut self) -> Result<Event> {
        loop {
            let next = match self.pending.take() {
                Some(message) => Some(Ok(message)),
                None => self.ws.next().await,
            };
            let message = match next {
                None | Some(Err(_)) => return Ok(Event::Closed),
                Some(Ok(message)) => message,
            };
            match (self.flavor, message) {
                (_, Message::Close(_)) => return Ok(Event::Closed),
                (Flavor::Lectern, Message::Binary(frame)) => {
                    if frame.len() < 8 {
                        bail!("short output frame");
                    }
                    let mut head = [0u8; 8];
                    head.copy_from_slice(&frame[..8]);
                    let seq = u64::from_be_bytes(head);
                    if seq != self.next_seq {
                        bail!("output seq {seq}, expected {}", self.next_seq);
                    }
                    self.next_seq += (frame.len() - 8) as u64;
                    // As the protocol asks (docs/terminal-protocol.md, 5.3): every quarter window, and
                    // whenever everything received is processed (nothing more is waiting on the socket) —
                    // a lagging connection is caught up only once all it was sent is acknowledged.
                    let Some(window) = self.window else {
                        return Ok(Event::Output(frame[8..].to_vec()));
                    };
                    let quarter = self.next_seq - self.acked >= window / 4;
                    if !quarter && self.next_seq > self.acked {
                        match self.ws.next().now_or_never() {
                            Some(Some(Ok(message))) => self.pending = Some(message),
                            Some(_) => {}
                            None => self.pending = None,
                        }
                    }
                    if self.next_seq > self.acked && (quarter || self.pending.is_none()) {
                        self.acked = self.next_seq;
                        let ack = serde_json::json!({"type":"ack","seq":self.next_seq});
                        self.ws.send(Message::text(ack.to_string())).await?;
                    }
                    return Ok(Event::Output(frame[8..].to_vec()));
                }
                (Flavor::Lectern, Message::Text(text)) => {
                    let value: serde_json::Value = serde_json::from_str(text.as_str())?;
                    match value["type"].as_str() {
                        Some("exit") => return Ok(Event::Exit),
                        Some("restarted") => return Ok(Event::Other),
                        Some("lost") => {
                            let to = value["to"].as_u64().ok_or_else(|| anyhow!("lost without to"))?;
                            self.skipped += to.saturating_sub(self.next_seq);
                            self.next_seq = to;
                            return Ok(Event::Other);
                        }
                        Some("error") => bail!("server error: {text}"),
                        _ => return Ok(Event::Other),
                    }
                }
                (Flavor::Ttyd, Message::Binary(frame)) => match frame.first() {
                    Some(b'0') => return Ok(Event::Output(frame[1..].to_vec())),
                    _ => return Ok(Event::Other),
                },
                (Flavor::Wetty, Message::Text(text)) => {
                    if text.as_str() == "2" {
                        self.ws.send(Message::text("3")).await?;
                        continue;
                    }
                    let Some(payload) = text.strip_prefix("42") else {
                        continue;
                    };
                    let value: serde_json::Value = serde_json::from_str(payload)?;
                    match value[0].as_str() {
                        Some("data") => {
                            let data = value[1].as_str().unwrap_or_default();
                            // wetty pauses the PTY until the client acknowledges what it rendered.
                            let commit = serde_json::json!(["commit", data.encode_utf16().count()]);
                            self.ws.send(Message::text(format!("42{commit}"))).await?;
                            return Ok(Event::Output(data.as_bytes().to_vec()));
                        }
                        Some("logout") => return Ok(Event::Exit),
                        _ => return Ok(Event::Other),
                    }
                }
                _ => {}
            }
        }
    }

    /// Reads output until `needle` was seen; returns the bytes read.
    pub async fn read_until(&mut self, needle: &[u8]) -> Result<usize> {
        let mut window = Vec::new();
        let mut total = 0;
        loop {
            match self.recv().await? {
                Event::Output(data) => {
                    total += data.len();
                    if super::harness::scan_for(&mut window, &data, needle) {
                        return Ok(total);
                    }
                }
                Event::Exit | Event::Closed => {
                    bail!("ended before {:?}", String::from_utf8_lossy(needle))
                }
                Event::Other => {}
            }
        }
    }

    /// Reads exactly `want` output bytes (errors on exit/close first, and when lectern skipped this
    /// client ahead because it fell behind: the bytes it skipped never come, so waiting would hang).
    pub async fn read_bytes(&mut self, want: usize) -> Result<()> {
        let mut seen = 0;
        let skipped = self.skipped;
        while seen < want {
            match self.recv().await? {
                Event::Output(data) => seen += data.len(),
                Event::Exit | Event::Closed => bail!("ended after {seen} of {want} bytes"),
                Event::Other if self.skipped > skipped => bail!(
                    "skipped ahead by {} bytes after {seen} of {want}: the bench's client fell behind",
                    self.skipped - skipped
                ),
                Event::Other => {}
            }
        }
        Ok(())
    }

    /// Reads until `want` bytes of output have gone by, shown or skipped (lectern skips a windowed client
    /// that falls behind ahead): for cases that need the stream to have moved on, not every byte.
    pub async fn read_past(&mut self, want: usize) -> Result<()> {
        let (start, mut seen) = (self.skipped, 0);
        while seen + ((self.skipped - start) as usize) < want {
            match self.recv().await? {
                Event::Output(data) => seen += data.len(),
                Event::Exit | Event::Closed => bail!("ended after {seen} of {want} bytes"),
                Event::Other => {}
            }
        }
        Ok(())
    }

    /// Closes the connection.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
