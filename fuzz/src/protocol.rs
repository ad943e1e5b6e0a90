//! Target `protocol`: the terminal websocket protocol's client side as the server decodes it
//! (`lectern::terminal::protocol`, docs/terminal-protocol.md).
//!
//! Input: one client message. A websocket text frame must be UTF-8 (the websocket layer closes the
//! connection otherwise), so only UTF-8 reaches `parse_client`; every input is also split as a binary
//! output frame.
//!
//! Invariants: no panic; a decoded message encodes back to JSON that decodes to the same message;
//! an unknown `type` is reported as such only for a JSON object whose `type` is a string the server
//! does not know; a binary frame splits into a seq and a payload that join back to the same bytes.

use lectern::terminal::protocol::{self, ParseError};

/// Decodes one client message; panics when an invariant breaks.
pub fn run(data: &[u8]) {
    if let Some((seq, payload)) = protocol::split_output_frame(data) {
        let mut frame = protocol::output_frame_header(seq, payload.len());
        frame.extend_from_slice(payload);
        assert_eq!(frame, data, "binary frame round trip");
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match protocol::parse_client(text) {
        Ok(message) => {
            let json = serde_json::to_string(&message).expect("a client message encodes");
            let again = protocol::parse_client(&json).expect("its encoding decodes");
            assert_eq!(again, message, "client message round trip through {json}");
        }
        Err(ParseError::UnknownType(kind)) => {
            let value: serde_json::Value = serde_json::from_str(text).expect("unknown-type comes from JSON");
            assert_eq!(
                value.get("type").and_then(|t| t.as_str()),
                Some(kind.as_str()),
                "unknown-type names the message's type"
            );
            assert_eq!(ParseError::UnknownType(kind).code(), "unknown-type");
        }
        Err(error) => assert!(
            !error.code().as_str().is_empty(),
            "every error has a protocol code"
        ),
    }
}
