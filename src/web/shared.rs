//! The JSON that crosses between lectern and its dashboard, defined once: the server (de)serialises these
//! types and the dashboard imports their TypeScript twins from `frontend/src/api.generated.ts`, which a
//! tidy test (`tests/it/tidy.rs`) writes from them with `ts-rs` — so a body the dashboard sends is, by
//! construction, one the server accepts (wave 1 shipped a `/session/event` body the server refused).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every event name the dashboard and the instructions send (the original's, reference §9.5). The server
/// relays any well-formed name; the TypeScript type only allows these.
pub const EVENT_NAMES: &[&str] = &[
    "Workshop/Load",
    "Workshop/Start",
    "Workshop/First",
    "Workshop/View",
    "Workshop/Last",
    "Workshop/Finish",
    "Workshop/Terminate",
    "Workshop/Expired",
    "Workshop/Error",
    "Terminal/Connect",
    "Terminal/Reconnect",
    "Terminal/Exited",
    "Terminal/Closed",
    "Action/Event",
];

/// `POST /session/event`: the original's body, `{"event": {"name": …, "data": {…}}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SessionEventBody {
    /// The event.
    pub event: SessionEvent,
}

/// One analytics or lifecycle event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SessionEvent {
    /// `Workshop/Finish`, `Terminal/Connect`, … (`EVENT_NAMES`).
    #[ts(type = "SessionEventName")]
    pub name: String,
    /// Event details (`{}` when there are none).
    #[serde(default)]
    #[ts(type = "Record<string, unknown>")]
    pub data: serde_json::Map<String, serde_json::Value>,
}

/// What happened to an event: the answer of `POST /session/event`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EventReceipt {
    /// Whether the training portal has it.
    pub portal: PortalDelivery,
    /// Set when this event ended the session here (no portal: lectern ends it itself).
    pub ended: Option<SessionEnd>,
}

/// Delivery of an event to the training portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum PortalDelivery {
    /// The portal answered.
    Sent,
    /// The portal did not answer; lectern keeps the event and retries with backoff.
    Queued,
    /// There is no portal (not oauth mode, or no portal login): nothing to send.
    None,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum EndReason {
    /// The learner clicked Terminate.
    Terminate,
    /// The learner finished the workshop.
    Finish,
    /// Its time ran out, or it was idle too long.
    Expired,
}

/// A session that has ended here (its terminals are stopped).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SessionEnd {
    /// Why.
    pub reason: EndReason,
    /// What happened, for the learner.
    pub message: String,
}

/// The training portal as the dashboard sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PortalStatus {
    /// There is a training portal (oauth mode); without one the session ends here, in lectern.
    pub present: bool,
    /// The last call to the portal got an answer (always true without a portal).
    pub reachable: bool,
    /// Events waiting to be delivered (retried with backoff).
    pub pending: u32,
}

/// `GET /session/status` and the `session` server-sent event: where the session stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SessionStatus {
    /// Set once the session has ended here (its terminals are stopped).
    pub ended: Option<SessionEnd>,
    /// The training portal.
    pub portal: PortalStatus,
    /// Where the browser goes after Terminate, Finish or expiry (`RESTART_URL`), when set.
    pub restart_url: Option<String>,
}

/// The `closing` server-sent event, the last of `/api/events`: lectern is shutting down, and why. The
/// dashboard shows the reason until its event stream is back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ServerClosing {
    /// Why, in words for the learner.
    pub reason: String,
}

/// `GET /api/files?path=DIR`: one folder of the files folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FileListing {
    /// The folder, relative to the files folder (`""` is the files folder itself).
    pub path: String,
    /// Its entries: folders first, then files, each by name.
    pub entries: Vec<FileEntry>,
}

/// One entry of a [`FileListing`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FileEntry {
    /// Its name.
    pub name: String,
    /// File or folder.
    pub kind: FileKind,
    /// Size in bytes (0 for folders).
    #[ts(type = "number")]
    pub size: u64,
    /// Last change, seconds since 1970 (absent when unknown).
    #[ts(type = "number | null")]
    pub modified: Option<u64>,
}

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// A regular file.
    File,
    /// A folder.
    Folder,
}

/// `POST /api/files/folder`: a folder to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewFolder {
    /// The new folder, relative to the files folder; its parent must exist.
    pub path: String,
}

/// The TypeScript of every type above, as `frontend/src/api.generated.ts` holds it.
pub fn typescript() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let mut out = String::from(
        "// generated from src/web/shared.rs by the tidy test `cargo test --test it tidy::` (ts-rs) — do not edit:\n\
         // change the Rust types and run the test, which rewrites this file.\n\n",
    );
    let names: Vec<String> = EVENT_NAMES.iter().map(|name| format!("\"{name}\"")).collect();
    out.push_str("/** Every event name the dashboard sends. */\n");
    out.push_str(&format!(
        "export type SessionEventName = {};\n",
        names.join(" | ")
    ));
    let declarations = [
        SessionEventBody::decl(&cfg),
        SessionEvent::decl(&cfg),
        EventReceipt::decl(&cfg),
        PortalDelivery::decl(&cfg),
        EndReason::decl(&cfg),
        SessionEnd::decl(&cfg),
        PortalStatus::decl(&cfg),
        SessionStatus::decl(&cfg),
        ServerClosing::decl(&cfg),
        FileListing::decl(&cfg),
        FileEntry::decl(&cfg),
        FileKind::decl(&cfg),
        NewFolder::decl(&cfg),
    ];
    for declaration in declarations {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&declaration);
        out.push('\n');
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_original_event_body_is_accepted_and_others_are_not() {
        let body: SessionEventBody =
            serde_json::from_str(r#"{"event":{"name":"Workshop/Finish","data":{"page":"x"}}}"#).unwrap();
        assert_eq!(body.event.name, "Workshop/Finish");
        assert_eq!(body.event.data["page"], "x");
        let empty: SessionEventBody = serde_json::from_str(r#"{"event":{"name":"Workshop/Load"}}"#).unwrap();
        assert!(empty.event.data.is_empty());
        // Wave 1's dashboard sent this: the name where the event belongs.
        assert!(
            serde_json::from_str::<SessionEventBody>(r#"{"event":"Workshop/Finish","data":{}}"#).is_err()
        );
        assert!(serde_json::from_str::<SessionEventBody>(r#"{"event":{"name":"x","data":[]}}"#).is_err());
    }

    #[test]
    fn the_typescript_names_every_type() {
        let ts = typescript();
        for name in [
            "SessionEventBody",
            "SessionEvent",
            "EventReceipt",
            "FileListing",
            "NewFolder",
        ] {
            assert!(ts.contains(&format!("export type {name} =")), "{name}:\n{ts}");
        }
        assert!(ts.contains("\"Workshop/Terminate\""));
    }
}
