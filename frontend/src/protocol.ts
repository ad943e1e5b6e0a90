// Terminal websocket protocol v1 with its optional features — see the Rust version, src/terminal/protocol.rs, and
// docs/terminal-protocol.md. Text frames are JSON control messages; binary server frames are an 8-byte
// big-endian seq (byte offset of the first byte) followed by output bytes; binary client frames are input.

/** Protocol version this client speaks (the only one; newer abilities are `FEATURES`). */
export const VERSION = 1;
/**
 * Every optional feature of the protocol — the mirror of `Feature` in src/terminal/protocol.rs, in the same
 * order (a Rust test, tests/it/terminal/doc.rs, checks they agree). The dashboard asks for all of them.
 */
export const FEATURES = ["stream", "snapshots"] as const;

/** An optional protocol feature. */
export type Feature = (typeof FEATURES)[number];
/** Bytes of the seq prefix on output frames. */
export const SEQ_PREFIX = 8;
/**
 * Acknowledgement window asked for in hello: the server keeps at most this much output sent but not yet
 * parsed by xterm.js, so Ctrl-C shows its effect promptly and a flood cannot pile up in the browser.
 */
export const ACK_WINDOW = 256 * 1024;

/**
 * Decides when to acknowledge: after `processed` advanced by a quarter window since the last ack, and
 * whenever everything `received` so far is processed (caught up: a lagging view is caught up by the server
 * only once all it was sent is acknowledged, so a remainder must not wait for the next quarter window).
 */
export function ackDue(processed: number, lastAcked: number, window = ACK_WINDOW, received = Infinity): boolean {
  return processed - lastAcked >= window / 4 || (processed > lastAcked && processed >= received);
}

/** Client → server control messages. */
export type ClientMsg =
  | {
      type: "hello";
      version: number;
      last_seq: number | null;
      cols: number;
      rows: number;
      window?: number;
      /** Optional features this client understands; the welcome answers which this connection uses. */
      features?: readonly Feature[];
      /** The `stream` of the welcome `last_seq` belongs to (feature `stream`). */
      stream?: string;
    }
  | { type: "ack"; seq: number }
  | { type: "resize"; cols: number; rows: number }
  | { type: "ping"; id: number }
  | { type: "restart" };

/**
 * Every `code` of a server `error` message — the mirror of `ErrorCode` in src/terminal/protocol.rs, in the
 * same order (a Rust test, tests/it/terminal/doc.rs, checks they agree).
 */
export const ERROR_CODES = [
  "expected-hello",
  "unsupported-version",
  "duplicate-hello",
  "bad-message",
  "unknown-type",
  "bad-size",
  "readonly",
  "exited",
  "running",
  "busy",
  "bad-ack",
  "too-big",
  "bad-name",
  "disabled",
  "too-many-terminals",
  "spawn-failed",
  "shutdown",
  "closed",
] as const;

/** A server error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Error codes that come with the end of the connection because the terminal went away on purpose. */
export const GOODBYE_CODES: readonly ErrorCode[] = ["shutdown", "closed"];

/** Server → client control messages. */
export type ServerMsg =
  | {
      type: "welcome";
      terminal: string;
      seq: number;
      readonly: boolean;
      running: boolean;
      features?: Feature[];
      stream?: string;
    }
  | { type: "lost"; from: number; to: number }
  | { type: "exit"; code: number | null; signal: number | null; seq: number }
  | { type: "restarted"; seq: number }
  | { type: "snapshot"; seq: number; from: number | null; cols: number; rows: number; data: string }
  | { type: "error"; code: ErrorCode; message: string }
  | { type: "pong"; id: number };

/** Splits a binary output frame into its seq and payload. */
export function decodeOutput(frame: ArrayBuffer): { seq: number; data: Uint8Array } | null {
  if (frame.byteLength < SEQ_PREFIX) return null;
  const view = new DataView(frame);
  const seq = Number(view.getBigUint64(0, false));
  return { seq, data: new Uint8Array(frame, SEQ_PREFIX) };
}

/** The part of a frame at `seq` not yet seen by a client that has everything before `have`. */
export function unseen(seq: number, data: Uint8Array, have: number): Uint8Array {
  if (seq + data.length <= have) return new Uint8Array(0);
  if (seq >= have) return data;
  return data.subarray(have - seq);
}

/**
 * Bytes (or UTF-16 units) xterm.js is given per `write`. It parses a write in one go and yields to
 * input and drawing only between writes (at most every 12 ms), so a 64 KiB frame or a snapshot parsed
 * whole can keep a keystroke in another terminal waiting for tens of milliseconds on a slow machine.
 */
export const WRITE_PIECE = 16 * 1024;

/** `data` cut into pieces of at most `size` (a string never between the two halves of a surrogate pair). */
export function pieces<T extends Uint8Array | string>(data: T, size = WRITE_PIECE): T[] {
  if (data.length <= size) return [data];
  const out: T[] = [];
  for (let at = 0; at < data.length; ) {
    let end = Math.min(at + size, data.length);
    if (typeof data === "string" && end < data.length && end - at > 1) {
      const code = data.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end--;
    }
    out.push((typeof data === "string" ? data.slice(at, end) : data.subarray(at, end)) as T);
    at = end;
  }
  return out;
}

/** Human-readable byte count ("12.3 MB"). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

/**
 * What a client writes for a `snapshot` that replaces output it already showed part of (`from` set):
 * leave the alternate screen, soft-reset modes, push the current screen into the scrollback, then a quiet
 * note of what was skipped with a link to the full output, pushed there too — then the snapshot's data
 * (which starts with its history lines, so the note sits where the output was skipped).
 */
export function skipNotice(skipped: number, rows: number, outputUrl: string): string {
  const push = "\r\n".repeat(Math.max(1, rows));
  return (
    "\x1b[?1049l\x1b[!p\x1b[0m" +
    push +
    `\x1b[2m── ${formatBytes(skipped)} of output skipped to keep up · full output: ${outputUrl} ──\x1b[0m` +
    push +
    "\x1b[H"
  );
}

/** Parses a server text frame; null when it is not a known message. */
export function parseServerMsg(text: string): ServerMsg | null {
  try {
    const value = JSON.parse(text) as { type?: unknown };
    return value && typeof value.type === "string" ? (value as ServerMsg) : null;
  } catch {
    return null;
  }
}
