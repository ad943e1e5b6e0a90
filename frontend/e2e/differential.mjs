// The differential test of issue 23: recorded sessions (vim, less, top, colour output, wide and combining
// characters, the alternate screen, resizes) are fed in full to @xterm/headless, and through a real lectern
// to a viewer that lags (it never acknowledges until the end, so the server catches it up with a snapshot);
// after the snapshot, that viewer's screen — text, attributes, cursor, active buffer — must be identical.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { ROOT, startServer, test, until } from "./harness.mjs";
import { describe, differences, feed, headless, sessions, write } from "./sessions.mjs";

/** A protocol client on /terminal/ws/1: collects output and messages. */
async function connect(server, query, hello) {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/terminal/ws/1${query}`);
  ws.binaryType = "arraybuffer";
  const client = { ws, messages: [], frames: [], bytes: 0 };
  ws.onmessage = (event) => {
    if (typeof event.data === "string") client.messages.push(JSON.parse(event.data));
    else {
      const view = new DataView(event.data);
      const seq = Number(view.getBigUint64(0));
      const data = new Uint8Array(event.data, 8);
      client.frames.push({ seq, data });
      client.bytes = Math.max(client.bytes, seq + data.length);
    }
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  ws.send(JSON.stringify(hello));
  await until("welcome", () => client.messages.some((m) => m.type === "welcome"));
  return client;
}

async function one(session) {
  // The shell prints the chunk files it is told to, byte for byte (raw mode: no echo, no \r insertion).
  const dir = mkdtempSync(path.join(tmpdir(), "lectern-diff-"));
  const script = path.join(dir, "play.sh");
  writeFileSync(script, "stty raw -echo\nprintf R\nwhile IFS= read -r f; do cat \"$f\"; printf '%s' \"$f\" > /dev/null; done\n");
  const server = await startServer(path.join(ROOT, "tests", "fixtures", "minimal"), {
    LECTERN_TERMINAL_SHELL: `sh ${script}`,
    LECTERN_TERMINAL_LAG_BYTES: "1",
  });
  try {
    const driver = await connect(server, "", { type: "hello", version: 1, last_seq: null, cols: session.cols, rows: session.rows });
    await until("ready", () => driver.bytes >= 1);
    const lagging = await connect(server, "?mode=readonly", {
      type: "hello", version: 1, last_seq: null, cols: session.cols, rows: session.rows, window: 16384, features: ["snapshots"],
    });
    // First more output than the lagging viewer's window, so it lags whatever the session's size (the
    // whole-screen and scrollback clear after it leaves no trace of it).
    const filler = new TextEncoder().encode(`${"filler ".repeat(2400)}\x1b[H\x1b[2J\x1b[3J`);
    let expected = 1;
    let index = 0;
    for (const event of [["o", filler], ...session.events]) {
      if (event[0] === "r") {
        driver.ws.send(JSON.stringify({ type: "resize", cols: event[1], rows: event[2] }));
        continue;
      }
      const file = path.join(dir, `chunk-${index++}`);
      writeFileSync(file, event[1]);
      driver.ws.send(new TextEncoder().encode(`${file}\n`));
      expected += event[1].length;
      await until(`output up to ${expected}`, () => driver.bytes >= expected);
    }
    // The lagging viewer acknowledges what it has; the server catches it up with a snapshot.
    const got = lagging.bytes;
    lagging.ws.send(JSON.stringify({ type: "ack", seq: got }));
    const snapshot = await until("a snapshot", () => lagging.messages.find((m) => m.type === "snapshot"));
    if (snapshot.seq !== expected) throw new Error(`snapshot at ${snapshot.seq}, output ends at ${expected}`);
    driver.ws.close();
    lagging.ws.close();

    const full = headless(session.cols, session.rows);
    await write(full, "R");
    await write(full, filler);
    await feed(full, session);
    const viewer = headless(snapshot.cols, snapshot.rows);
    await write(viewer, snapshot.data);
    const diff = differences(describe(full), describe(viewer));
    if (diff.length && process.env.DIFF_DUMP) writeFileSync(process.env.DIFF_DUMP, snapshot.data);
    if (diff.length) throw new Error(`${session.name}: the screen after the snapshot differs:\n${diff.join("\n")}`);
    return snapshot.data.length;
  } finally {
    await server.stop();
  }
}

export async function differentialSuite() {
  for (const session of sessions()) {
    await test(`differential: ${session.name} through a lagging viewer's snapshot equals @xterm/headless fed in full`, async () => {
      await one(session);
    });
  }
}
