// generated from src/web/shared.rs by the tidy test `cargo test --test it tidy::` (ts-rs) — do not edit:
// change the Rust types and run the test, which rewrites this file.

/** Every event name the dashboard sends. */
export type SessionEventName = "Workshop/Load" | "Workshop/Start" | "Workshop/First" | "Workshop/View" | "Workshop/Last" | "Workshop/Finish" | "Workshop/Terminate" | "Workshop/Expired" | "Workshop/Error" | "Terminal/Connect" | "Terminal/Reconnect" | "Terminal/Exited" | "Terminal/Closed" | "Action/Event";

export type SessionEventBody = { 
/**
 * The event.
 */
event: SessionEvent, };

export type SessionEvent = { 
/**
 * `Workshop/Finish`, `Terminal/Connect`, … (`EVENT_NAMES`).
 */
name: SessionEventName, 
/**
 * Event details (`{}` when there are none).
 */
data: Record<string, unknown>, };

export type EventReceipt = { 
/**
 * Whether the training portal has it.
 */
portal: PortalDelivery, 
/**
 * Set when this event ended the session here (no portal: lectern ends it itself).
 */
ended: SessionEnd | null, };

export type PortalDelivery = "sent" | "queued" | "none";

export type EndReason = "terminate" | "finish" | "expired";

export type SessionEnd = { 
/**
 * Why.
 */
reason: EndReason, 
/**
 * What happened, for the learner.
 */
message: string, };

export type PortalStatus = { 
/**
 * There is a training portal (oauth mode); without one the session ends here, in lectern.
 */
present: boolean, 
/**
 * The last call to the portal got an answer (always true without a portal).
 */
reachable: boolean, 
/**
 * Events waiting to be delivered (retried with backoff).
 */
pending: number, };

export type SessionStatus = { 
/**
 * Set once the session has ended here (its terminals are stopped).
 */
ended: SessionEnd | null, 
/**
 * The training portal.
 */
portal: PortalStatus, 
/**
 * Where the browser goes after Terminate, Finish or expiry (`RESTART_URL`), when set.
 */
restart_url: string | null, };

export type ServerClosing = { 
/**
 * Why, in words for the learner.
 */
reason: string, };

export type FileListing = { 
/**
 * The folder, relative to the files folder (`""` is the files folder itself).
 */
path: string, 
/**
 * Its entries: folders first, then files, each by name.
 */
entries: Array<FileEntry>, };

export type FileEntry = { 
/**
 * Its name.
 */
name: string, 
/**
 * File or folder.
 */
kind: FileKind, 
/**
 * Size in bytes (0 for folders).
 */
size: number, 
/**
 * Last change, seconds since 1970 (absent when unknown).
 */
modified: number | null, };

export type FileKind = "file" | "folder";

export type NewFolder = { 
/**
 * The new folder, relative to the files folder; its parent must exist.
 */
path: string, };
