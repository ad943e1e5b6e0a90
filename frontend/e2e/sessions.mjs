// Recorded terminal sessions (tests/fixtures/terminal-sessions/*.json) and @xterm/headless: feed a session,
// and describe a screen as text, attributes and cursor, so two terminals can be compared cell by cell.
// Used by the differential test (differential.mjs) and the emulator comparison (benches/emulators).
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Terminal } = require("@xterm/headless");

export const SESSIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "tests", "fixtures", "terminal-sessions");

/** Every recorded session: { name, cols, rows, events: [["o", Uint8Array] | ["r", cols, rows]] }. */
export function sessions() {
  return readdirSync(SESSIONS)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const raw = JSON.parse(readFileSync(path.join(SESSIONS, f), "utf8"));
      const events = raw.events.map((e) => (e[0] === "o" ? ["o", new Uint8Array(Buffer.from(e[1], "base64"))] : e));
      return { name: f.replace(/\.json$/, ""), cols: raw.cols, rows: raw.rows, events, file: path.join(SESSIONS, f) };
    });
}

/** A headless xterm.js of the dashboard's settings. */
export function headless(cols, rows) {
  return new Terminal({ cols, rows, scrollback: 10000, allowProposedApi: true });
}

/** Writes and waits until xterm.js has parsed it. */
export function write(term, data) {
  return new Promise((resolve) => term.write(data, resolve));
}

/** Feeds a whole session (output and resizes) to `term`. */
export async function feed(term, session) {
  for (const event of session.events) {
    if (event[0] === "o") await write(term, event[1]);
    else term.resize(event[1], event[2]);
  }
}

/** The visible rows as text (trailing blanks trimmed). */
export function rows(term) {
  const buffer = term.buffer.active;
  const out = [];
  for (let y = 0; y < term.rows; y++) out.push((buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? ""));
  return out;
}

/** xterm.js colour modes: the 16-colour palette, and the 256-colour one. */
const P16 = 0x1000000;
const P256 = 0x2000000;

/**
 * A colour as drawn: `ESC[41m` and `ESC[48;5;1m` are the same palette entry (xterm.js keeps which form set
 * it; avt, and so a snapshot, does not — a snapshot writes the short form).
 */
function palette(mode, color) {
  return mode === P256 && color < 16 ? [P16, color] : [mode, color];
}

/** Every visible cell with its attributes, the cursor and the active buffer: what "identical" compares. */
export function describe(term) {
  const buffer = term.buffer.active;
  const cells = [];
  const cell = buffer.getNullCell();
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    for (let x = 0; x < term.cols; x++) {
      line?.getCell(x, cell);
      cells.push([
        cell.getChars() || " ",
        cell.getWidth(),
        ...palette(cell.getFgColorMode(), cell.getFgColor()),
        ...palette(cell.getBgColorMode(), cell.getBgColor()),
        cell.isBold(),
        cell.isItalic(),
        cell.isDim(),
        cell.isUnderline(),
        cell.isInverse(),
        cell.isStrikethrough(),
        cell.isInvisible(),
      ].join("|"));
    }
  }
  return { cols: term.cols, rows: term.rows, type: buffer.type, cursor: [buffer.cursorX, buffer.cursorY], cells };
}

/** Human-readable differences between two descriptions (empty when identical). */
export function differences(a, b, limit = 5) {
  const out = [];
  for (const key of ["cols", "rows", "type"]) if (a[key] !== b[key]) out.push(`${key}: ${a[key]} vs ${b[key]}`);
  if (a.cursor.join() !== b.cursor.join()) out.push(`cursor: ${a.cursor} vs ${b.cursor}`);
  for (let i = 0; i < Math.min(a.cells.length, b.cells.length) && out.length < limit; i++) {
    if (a.cells[i] !== b.cells[i]) out.push(`cell ${i % a.cols},${Math.floor(i / a.cols)}: ${JSON.stringify(a.cells[i])} vs ${JSON.stringify(b.cells[i])}`);
  }
  return out;
}
