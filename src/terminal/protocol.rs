//! Terminal websocket protocol v1 (docs/terminal-protocol.md): JSON control messages, the optional
//! features a hello may ask for, and the binary output frame layout. The TypeScript mirror in the
//! frontend follows this file.

use serde::{Deserialize, Serialize};

use super::Seq;

/// The protocol version: the only one a hello may name. Abilities added since are optional
/// [`Feature`]s a client asks for, so a client written for the first contract keeps working unchanged.
pub const VERSION: u64 = 1;
/// Bytes of the big-endian `Seq` that prefixes every binary output frame.
pub const SEQ_PREFIX: usize = 8;
/// Most output bytes in one binary frame (64 KiB); clients must accept any size up to 1 MiB.
pub const MAX_OUTPUT_PAYLOAD: usize = 64 * 1024;
/// Largest websocket message accepted from a client (1 MiB); bigger ones close with 1009.
pub const MAX_CLIENT_MESSAGE: usize = 1024 * 1024;

/// Close code: normal closure.
pub const CLOSE_NORMAL: u16 = 1000;
/// Close code: going away — the server is shutting down, or the terminal was closed.
pub const CLOSE_GOING_AWAY: u16 = 1001;
/// Close code: a text message that is not valid UTF-8.
pub const CLOSE_BAD_DATA: u16 = 1007;
/// Close code: the client broke the protocol (no hello, unsupported version).
pub const CLOSE_POLICY: u16 = 1008;
/// Close code: a message larger than `MAX_CLIENT_MESSAGE`.
pub const CLOSE_TOO_BIG: u16 = 1009;
/// Close code: the server could not attach (shell failed to start, too many terminals).
pub const CLOSE_INTERNAL: u16 = 1011;

/// Every error code the server sends in `{"type":"error","code":..}` (docs/terminal-protocol.md, section 5.4).
/// The TypeScript mirror is `ERROR_CODES` in `frontend/src/protocol.ts`; a test checks they agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// The first message was not a hello, or none came in time.
    ExpectedHello,
    /// The hello asked for a version this server does not speak.
    UnsupportedVersion,
    /// A second hello.
    DuplicateHello,
    /// Not JSON, wrong fields, a negative number, or a text frame that is not UTF-8.
    BadMessage,
    /// A JSON object of a type this server does not know.
    UnknownType,
    /// A terminal size out of range.
    BadSize,
    /// Input, resize or restart on a read-only connection.
    Readonly,
    /// Input while the shell has exited.
    Exited,
    /// Restart while the shell runs.
    Running,
    /// The program does not read its input.
    Busy,
    /// An ack beyond the output sent.
    BadAck,
    /// A message over the size limit.
    TooBig,
    /// An invalid terminal name.
    BadName,
    /// Terminals are switched off.
    Disabled,
    /// The session holds its maximum number of terminals.
    TooManyTerminals,
    /// The shell could not be started.
    SpawnFailed,
    /// The server is shutting down: the terminal's processes are ended, the connection closes.
    Shutdown,
    /// The terminal was closed (or reaped): its processes are ended, the connection closes.
    Closed,
}

impl ErrorCode {
    /// Every code, in the order of the documentation's table.
    pub const ALL: &[ErrorCode] = &[
        ErrorCode::ExpectedHello,
        ErrorCode::UnsupportedVersion,
        ErrorCode::DuplicateHello,
        ErrorCode::BadMessage,
        ErrorCode::UnknownType,
        ErrorCode::BadSize,
        ErrorCode::Readonly,
        ErrorCode::Exited,
        ErrorCode::Running,
        ErrorCode::Busy,
        ErrorCode::BadAck,
        ErrorCode::TooBig,
        ErrorCode::BadName,
        ErrorCode::Disabled,
        ErrorCode::TooManyTerminals,
        ErrorCode::SpawnFailed,
        ErrorCode::Shutdown,
        ErrorCode::Closed,
    ];

    /// The code as sent (`"too-big"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ExpectedHello => "expected-hello",
            ErrorCode::UnsupportedVersion => "unsupported-version",
            ErrorCode::DuplicateHello => "duplicate-hello",
            ErrorCode::BadMessage => "bad-message",
            ErrorCode::UnknownType => "unknown-type",
            ErrorCode::BadSize => "bad-size",
            ErrorCode::Readonly => "readonly",
            ErrorCode::Exited => "exited",
            ErrorCode::Running => "running",
            ErrorCode::Busy => "busy",
            ErrorCode::BadAck => "bad-ack",
            ErrorCode::TooBig => "too-big",
            ErrorCode::BadName => "bad-name",
            ErrorCode::Disabled => "disabled",
            ErrorCode::TooManyTerminals => "too-many-terminals",
            ErrorCode::SpawnFailed => "spawn-failed",
            ErrorCode::Shutdown => "shutdown",
            ErrorCode::Closed => "closed",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// An optional ability a client asks for in its hello `features` and the welcome confirms
/// (docs/terminal-protocol.md, section 5.1). A client that asks for none gets the protocol as first
/// written. The TypeScript mirror is `FEATURES` in `frontend/src/protocol.ts`; a test checks they agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Feature {
    /// The welcome names the terminal's output stream, and a hello's `stream` says which stream its
    /// `last_seq` counts in (section 11): for clients that outlive a server restart.
    Stream,
    /// A lagging viewer is caught up with a `snapshot` instead of `lost` and the tail, and a client
    /// attaches by snapshot when that is smaller than the replay (section 12). Such a viewer never
    /// holds the program up, with or without a window.
    Snapshots,
}

impl Feature {
    /// Every feature this server supports, in the documentation's order.
    pub const ALL: &[Feature] = &[Feature::Stream, Feature::Snapshots];

    /// The name as sent (`"snapshots"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Feature::Stream => "stream",
            Feature::Snapshots => "snapshots",
        }
    }

    /// The features of `asked` this server supports, in [`Feature::ALL`] order, each once. Names it
    /// does not know are left out, not refused: a newer client may ask for more than this server has.
    pub fn negotiate(asked: &[String]) -> Vec<Feature> {
        Feature::ALL
            .iter()
            .copied()
            .filter(|feature| asked.iter().any(|name| name == feature.as_str()))
            .collect()
    }
}

/// A JSON text message from client to server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ClientMsg {
    /// First message on every connection: attach, optionally resuming after `last_seq`.
    Hello {
        /// Always [`VERSION`].
        version: u64,
        /// Seq just past the last output byte the client already has; `null` for a fresh client.
        #[serde(default)]
        last_seq: Option<Seq>,
        /// Client terminal width in columns.
        cols: u64,
        /// Client terminal height in rows.
        rows: u64,
        /// View only: no input, resize or restart. `?mode=readonly` on the URL makes the connection
        /// read-only whatever this says (`false` does not lift it).
        #[serde(default)]
        readonly: Option<bool>,
        /// Flow control by acknowledgement: the client promises `ack` messages and the server keeps
        /// at most this many output bytes sent but not acknowledged (clamped to
        /// [`MIN_WINDOW`]..=[`MAX_WINDOW`]). Absent: the socket alone limits what is in flight.
        #[serde(default)]
        window: Option<u64>,
        /// Optional features the client understands (names of [`Feature`]); the welcome answers
        /// which of them this connection uses. Unknown names are ignored.
        #[serde(default)]
        features: Option<Vec<String>>,
        /// Feature `stream`: the `stream` of the welcome the client's `last_seq` belongs to. When it
        /// is not this terminal's stream (the server restarted), `last_seq` is ignored.
        #[serde(default)]
        stream: Option<String>,
    },
    /// The client has processed (drawn) every output byte before `seq`.
    Ack {
        /// Seq just past the last byte processed.
        seq: Seq,
    },
    /// The client terminal changed size.
    Resize {
        /// Columns.
        cols: u64,
        /// Rows.
        rows: u64,
    },
    /// Liveness check; answered with `pong` carrying the same id.
    Ping {
        /// Any number the client chooses (0 when absent).
        #[serde(default)]
        id: u64,
    },
    /// Start a new shell in an exited terminal (output seq continues).
    Restart,
}

/// A JSON text message from server to client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ServerMsg {
    /// Answer to `hello`.
    Welcome {
        /// Terminal name.
        terminal: String,
        /// Seq the next byte written by the PTY will get (the end of the stream at attach time);
        /// replay is complete once the client has received everything before it.
        seq: Seq,
        /// This connection may not send input, resize or restart.
        readonly: bool,
        /// A shell is running (false: it exited; send `restart`).
        running: bool,
        /// The features this connection uses: those of the hello's `features` this server supports
        /// (absent when the hello had no `features`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        features: Option<Vec<Feature>>,
        /// Feature `stream`: identity of this terminal's output stream; another value than before
        /// means the seqs started over (a new server process).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stream: Option<String>,
    },
    /// Bytes `[from, to)` were evicted before this client received them; output resumes at `to`.
    Lost {
        /// First missing byte.
        from: Seq,
        /// First byte delivered after the gap.
        to: Seq,
    },
    /// The shell exited; sent after every byte it wrote (`seq` = end of its output).
    Exit {
        /// Exit code, when it exited normally.
        code: Option<i32>,
        /// Signal number, when a signal killed it.
        signal: Option<i32>,
        /// Seq just past its last output byte.
        seq: Seq,
    },
    /// Feature `snapshots`: the terminal's state drawn from nothing, instead of output this client would not
    /// keep up with or did not have. The client resets its terminal (or, when `from` is set, starts a
    /// fresh screen below what it shows, with a note that output was skipped), writes `data`, and
    /// continues with the output at `seq`.
    Snapshot {
        /// The output continues at this seq.
        seq: Seq,
        /// The seq the client had reached: output `[from, seq)` was skipped (kept in the full
        /// output). `None`: the client had nothing (a new client).
        from: Option<Seq>,
        /// The size the screen was drawn for.
        cols: u16,
        /// Rows.
        rows: u16,
        /// Escape sequences and text that draw the screen, history first; never a terminal query.
        data: String,
    },
    /// A new shell started; its output begins at `seq`.
    Restarted {
        /// Seq of the new shell's first byte.
        seq: Seq,
    },
    /// Something the client sent could not be honoured.
    Error {
        /// Stable machine-readable code (docs/terminal-protocol.md lists them).
        code: ErrorCode,
        /// Human-readable explanation.
        message: String,
    },
    /// Answer to `ping`.
    Pong {
        /// The ping's id.
        id: u64,
    },
}

impl ServerMsg {
    /// An `error` message.
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        ServerMsg::Error {
            code,
            message: message.into(),
        }
    }

    /// The JSON text of this message.
    pub fn to_json(&self) -> String {
        // Serialising these plain enums cannot fail; fall back to a fixed error text anyway.
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"type":"error","code":"bad-message","message":"cannot encode message"}"#.to_string()
        })
    }
}

/// Why a client text message was rejected.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Not JSON, or a known type with wrong fields.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// A JSON object whose `type` this server does not know.
    #[error("unknown message type {0:?}")]
    UnknownType(String),
}

impl ParseError {
    /// The protocol error code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ParseError::Malformed(_) => ErrorCode::BadMessage,
            ParseError::UnknownType(_) => ErrorCode::UnknownType,
        }
    }
}

const CLIENT_TYPES: &[&str] = &["hello", "resize", "ping", "restart", "ack"];

/// Smallest acknowledgement window the server honours (a smaller hello `window` is raised to it).
pub const MIN_WINDOW: u64 = 16 * 1024;
/// Largest acknowledgement window (a larger hello `window` is lowered to it).
pub const MAX_WINDOW: u64 = 64 * 1024 * 1024;

/// Parses a client text message, telling an unknown `type` apart from a malformed message.
pub fn parse_client(text: &str) -> Result<ClientMsg, ParseError> {
    match serde_json::from_str::<ClientMsg>(text) {
        Ok(message) => Ok(message),
        Err(error) => {
            let kind = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|value| value.get("type").and_then(|t| t.as_str()).map(str::to_string));
            match kind {
                Some(kind) if !CLIENT_TYPES.contains(&kind.as_str()) => Err(ParseError::UnknownType(kind)),
                _ => Err(ParseError::Malformed(error.to_string())),
            }
        }
    }
}

/// Why a first message was not an acceptable hello: the error code and text, then close 1008.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelloError {
    /// The protocol error code (`expected-hello`, `unsupported-version`, `bad-message`).
    pub code: ErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

/// Parses the first text message of a connection. Anything that is not a JSON object of type `hello`
/// is `expected-hello`; a hello's `version` is checked before its other fields (so a newer client's
/// hello is told `unsupported-version`, not `bad-message`); then the fields are checked strictly
/// (an unknown field is `bad-message`; an unknown name in `features` is not).
pub fn parse_hello(text: &str) -> Result<ClientMsg, HelloError> {
    let expected = |what: &str| HelloError {
        code: ErrorCode::ExpectedHello,
        message: format!("the first message must be a hello, not {what}"),
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| expected("text that is not JSON"))?;
    match value.get("type").and_then(|t| t.as_str()) {
        Some("hello") => {}
        Some(other) => return Err(expected(&format!("{other:?}"))),
        None => return Err(expected("a JSON value without a type")),
    }
    match value.get("version").and_then(serde_json::Value::as_u64) {
        Some(VERSION) => {}
        Some(version) => {
            return Err(HelloError {
                code: ErrorCode::UnsupportedVersion,
                message: format!(
                    "protocol version {version} is not supported: use {VERSION} (newer abilities are hello `features`)"
                ),
            });
        }
        None => {
            return Err(HelloError {
                code: ErrorCode::BadMessage,
                message: "malformed message: hello needs a version (a non-negative integer)".to_string(),
            });
        }
    }
    serde_json::from_value(value).map_err(|error| {
        // serde lists every expected field after an unknown one; the close reason (≤123 bytes) carries this
        // same text, so keep it to the field that was wrong.
        let error = error.to_string();
        let error = error.split(", expected one of").next().unwrap_or_default();
        HelloError {
            code: ErrorCode::BadMessage,
            message: format!("malformed message: {error}"),
        }
    })
}

/// Starts a binary output frame: the 8-byte big-endian seq, payload to be appended.
pub fn output_frame_header(seq: Seq, payload_capacity: usize) -> Vec<u8> {
    let mut frame = Vec::with_capacity(SEQ_PREFIX + payload_capacity);
    frame.extend_from_slice(&seq.to_be_bytes());
    frame
}

/// Splits a binary output frame into its seq and payload (for clients and tests).
pub fn split_output_frame(frame: &[u8]) -> Option<(Seq, &[u8])> {
    let (head, payload) = frame.split_at_checked(SEQ_PREFIX)?;
    let seq = Seq::from_be_bytes(head.try_into().ok()?);
    Some((seq, payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_type_is_told_apart_from_malformed() {
        assert!(
            matches!(parse_client(r#"{"type":"dance"}"#), Err(ParseError::UnknownType(t)) if t == "dance")
        );
        assert!(matches!(parse_client("not json"), Err(ParseError::Malformed(_))));
        assert!(matches!(
            parse_client(r#"{"type":"resize","cols":"x"}"#),
            Err(ParseError::Malformed(_))
        ));
        assert_eq!(
            parse_client(r#"{"type":"restart"}"#).ok(),
            Some(ClientMsg::Restart)
        );
    }

    #[test]
    fn only_version_1_is_spoken_and_abilities_are_negotiated_features() {
        let hello = |rest: &str| {
            parse_hello(&format!(
                r#"{{"type":"hello","version":1,"cols":80,"rows":24{rest}}}"#
            ))
        };
        let refused = parse_hello(r#"{"type":"hello","version":2,"cols":80,"rows":24}"#).err();
        assert_eq!(refused.map(|e| e.code), Some(ErrorCode::UnsupportedVersion));
        assert!(hello(r#","features":["stream","snapshots"],"stream":"s-1""#).is_ok());
        assert_eq!(
            hello(r#","snapshots":true"#).err().map(|e| e.code),
            Some(ErrorCode::BadMessage)
        );
        assert_eq!(
            hello(r#","features":[1]"#).err().map(|e| e.code),
            Some(ErrorCode::BadMessage)
        );
        let asked = ["snapshots", "teleport", "stream", "snapshots"].map(String::from);
        assert_eq!(
            Feature::negotiate(&asked),
            vec![Feature::Stream, Feature::Snapshots]
        );
        assert_eq!(Feature::negotiate(&[]), Vec::<Feature>::new());
        let names: Vec<String> = Feature::ALL
            .iter()
            .map(|f| serde_json::to_string(f).unwrap_or_default())
            .collect();
        assert_eq!(names, ["\"stream\"", "\"snapshots\""]);
    }

    #[test]
    fn output_frame_round_trips() {
        let mut frame = output_frame_header(0x0102_0304_0506_0708, 3);
        frame.extend_from_slice(b"abc");
        assert_eq!(&frame[..8], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(
            split_output_frame(&frame),
            Some((0x0102_0304_0506_0708, &b"abc"[..]))
        );
        assert_eq!(split_output_frame(b"short"), None);
    }
}
