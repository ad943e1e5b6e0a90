import { describe, expect, it } from "vitest";
import { KEYBAR, withCtrl } from "../src/dashboard/keys";
import { shellQuote } from "../src/dashboard/drop";

describe("on-screen key bar", () => {
  it("has the keys a phone keyboard lacks, with the bytes a terminal expects", () => {
    const bytes = Object.fromEntries(KEYBAR.map((k) => [k.name, k.bytes]));
    expect(bytes).toMatchObject({ Escape: "\x1b", Tab: "\t", Left: "\x1b[D", Up: "\x1b[A", Pipe: "|", Tilde: "~", Slash: "/" });
    expect(bytes.Control).toBeUndefined();
    expect(bytes.Alt).toBeUndefined();
  });
  it("Ctrl turns letters into C0 controls", () => {
    expect(withCtrl("c")).toBe("\x03");
    expect(withCtrl("D")).toBe("\x04");
    expect(withCtrl("[")).toBe("\x1b");
    expect(withCtrl("?")).toBe("\x7f");
    expect(withCtrl("1")).toBe("1");
    expect(withCtrl("\x1b[A")).toBe("\x1b[A");
  });
});

describe("dropped file paths", () => {
  it("are quoted for the shell only when needed", () => {
    expect(shellQuote("/home/me/uploads/a.txt")).toBe("/home/me/uploads/a.txt");
    expect(shellQuote("/tmp/drop me.txt")).toBe("'/tmp/drop me.txt'");
    expect(shellQuote("/tmp/it's")).toBe("'/tmp/it'\\''s'");
  });
});
