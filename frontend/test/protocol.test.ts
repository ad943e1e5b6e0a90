import { describe, expect, it } from "vitest";
import { ACK_WINDOW, ackDue, decodeOutput, formatBytes, parseServerMsg, pieces, skipNotice, unseen } from "../src/protocol";

describe("protocol v1 mirror", () => {
  it("decodes the 8-byte big-endian seq prefix", () => {
    const frame = new Uint8Array([0, 0, 0, 0, 0, 0, 1, 2, 104, 105]);
    const out = decodeOutput(frame.buffer);
    expect(out?.seq).toBe(258);
    expect(new TextDecoder().decode(out!.data)).toBe("hi");
    expect(decodeOutput(new Uint8Array(3).buffer)).toBeNull();
  });

  it("cuts writes into pieces, never inside a surrogate pair", () => {
    const bytes = new Uint8Array(10).map((_, i) => i);
    expect(pieces(bytes, 4).map((p) => Array.from(p))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(pieces(bytes, 10)).toEqual([bytes]);
    expect(pieces("abcde", 2)).toEqual(["ab", "cd", "e"]);
    // "a😀b": the emoji is two UTF-16 units and stays whole.
    expect(pieces("a\u{1F600}b", 2)).toEqual(["a", "\u{1F600}", "b"]);
    expect(pieces("a\u{1F600}b", 2).join("")).toBe("a\u{1F600}b");
  });

  it("cuts bytes the client already has", () => {
    const data = new Uint8Array([1, 2, 3, 4]);
    expect(Array.from(unseen(10, data, 10))).toEqual([1, 2, 3, 4]);
    expect(Array.from(unseen(10, data, 12))).toEqual([3, 4]);
    expect(unseen(10, data, 14).length).toBe(0);
    expect(unseen(10, data, 99).length).toBe(0);
  });

  it("parses server messages and ignores junk", () => {
    expect(parseServerMsg('{"type":"welcome","terminal":"1","seq":0,"readonly":false,"running":true}')?.type).toBe("welcome");
    expect(parseServerMsg("not json")).toBeNull();
    expect(parseServerMsg('{"no":"type"}')).toBeNull();
  });
});

describe("acknowledgements", () => {
  it("acknowledge every quarter window, never waiting for a whole one", () => {
    expect(ackDue(ACK_WINDOW / 4 - 1, 0)).toBe(false);
    expect(ackDue(ACK_WINDOW / 4, 0)).toBe(true);
    expect(ackDue(10_000_000, 0)).toBe(true);
    // A late callback for older bytes after a newer ack sends nothing.
    expect(ackDue(100, 500_000)).toBe(false);
    // Caught up (everything received is processed): the remainder is acknowledged too, once.
    expect(ackDue(1_000, 0, ACK_WINDOW, 1_000)).toBe(true);
    expect(ackDue(1_000, 0, ACK_WINDOW, 2_000)).toBe(false);
    expect(ackDue(1_000, 1_000, ACK_WINDOW, 1_000)).toBe(false);
  });
});

describe("snapshots", () => {
  it("keep what was shown, note the skipped output where it was, then draw the new screen", async () => {
    const { Terminal } = await import("@xterm/headless");
    const term = new Terminal({ cols: 40, rows: 4, scrollback: 100, allowProposedApi: true });
    const write = (data: string) => new Promise<void>((resolve) => term.write(data, resolve));
    await write("\x1b[?1049h\x1b[1;31mold screen");
    await write(skipNotice(12_345_678, term.rows, "http://x/terminal/1/output") + "history\r\n\n\n\n\x1b[Hnew screen");
    const buffer = term.buffer.active;
    const lines = Array.from({ length: buffer.length }, (_, i) => buffer.getLine(i)?.translateToString(true) ?? "");
    expect(buffer.type).toBe("normal");
    const notice = lines.findIndex((l) => l.includes("12.3 MB of output skipped"));
    expect(notice).toBeGreaterThan(-1);
    expect(lines.slice(notice, notice + 3).join("")).toContain("http://x/terminal/1/output");
    expect(lines.indexOf("history")).toBeGreaterThan(notice);
    expect(lines[buffer.viewportY]).toBe("new screen");
    // The soft reset dropped the old colour: the new screen is drawn in the default one.
    expect(buffer.getLine(buffer.viewportY)?.getCell(0)?.getFgColorMode()).toBe(0);
    expect(formatBytes(999)).toBe("999 bytes");
  });
});
