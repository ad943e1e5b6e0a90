// TerminalView loads xterm.js lazily (issue 21: the dashboard's mobile blocking time): nothing of xterm.js
// runs for a view that is not shown, the chunk is imported once for every view, and each view opens in a
// task of its own.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const created: string[] = [];
/** How many terminals existed when the microtasks of each creation's task ran. */
const seenAfter: number[] = [];
let imports = 0;

vi.mock("../src/xterm", () => {
  imports++;
  class Addon {
    activate(): void {}
    dispose(): void {}
    fit(): void {}
  }
  class Terminal {
    cols = 80;
    rows = 24;
    options: Record<string, unknown>;
    unicode = { activeVersion: "6" };
    constructor(options: Record<string, unknown>) {
      this.options = options;
      created.push(String(options.theme && (options.theme as { background: string }).background));
      // Runs before the next task: sees a terminal created in the same task too, not one of a later task.
      queueMicrotask(() => seenAfter.push(created.length));
    }
    loadAddon(): void {}
    onData(): void {}
    onBinary(): void {}
    attachCustomKeyEventHandler(): void {}
    open(parent: HTMLElement): void {
      parent.append(Object.assign(document.createElement("div"), { className: "xterm" }));
    }
    focus(): void {}
    dispose(): void {}
  }
  return { Terminal, FitAddon: Addon, SearchAddon: Addon, Unicode11Addon: Addon, WebLinksAddon: Addon };
});
vi.mock("@xterm/addon-webgl", () => ({ WebglAddon: class {} }));
vi.mock("@xterm/addon-canvas", () => ({ CanvasAddon: class {} }));

class FakeSocket {
  static OPEN = 1;
  readyState = 0;
  onopen: (() => void) | null = null;
  constructor(readonly url: string) {}
  send(): void {}
  close(): void {}
}

/**
 * ResizeObserver as the browser runs it: after layout, every observer with a box to report in the same
 * rendering step (one task), and once per `observe` of an element that has a box.
 */
class FakeResizeObserver {
  static pending: Array<() => void> = [];
  constructor(private readonly callback: () => void) {}
  observe(el: HTMLElement): void {
    if (FakeResizeObserver.pending.length === 0)
      setTimeout(() => FakeResizeObserver.pending.splice(0).forEach((report) => report()), 0);
    FakeResizeObserver.pending.push(() => el.offsetWidth > 0 && this.callback());
  }
  unobserve(): void {}
  disconnect(): void {}
}

/** Gives `el` a box (happy-dom lays nothing out). */
function sized(el: HTMLElement, size: number): void {
  Object.defineProperty(el, "offsetWidth", { configurable: true, get: () => size });
  Object.defineProperty(el, "offsetHeight", { configurable: true, get: () => size });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("terminal views load xterm.js lazily", () => {
  beforeEach(() => {
    created.length = 0;
    seenAfter.length = 0;
    vi.stubGlobal("WebSocket", FakeSocket);
    vi.stubGlobal("ResizeObserver", FakeResizeObserver);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.replaceChildren();
  });

  it("opens xterm.js only for a started view that has a size, once per view, each in a task of its own", async () => {
    const { TerminalView, loadXterm } = await import("../src/terminal");
    const hidden = new TerminalView("1", "light");
    document.body.append(hidden.element);
    hidden.start();
    for (let i = 0; i < 5; i++) await settle();
    expect(hidden.term).toBeNull();
    expect(created).toEqual([]);
    hidden.focus(); // remembered for when it opens

    await loadXterm();
    const first = new TerminalView("2", "dark");
    const second = new TerminalView("3", "light");
    for (const view of [first, second]) {
      sized(view.element, 300);
      document.body.append(view.element);
      view.start();
      view.start();
    }
    await vi.waitFor(() => expect(created).toEqual(["#1b1e24", "#fbfbfb"]));
    // The two views shown at once opened in separate tasks (not one long task for both).
    expect(seenAfter).toEqual([1, 2]);
    expect(first.element.querySelector(".xterm")).not.toBeNull();
    expect(second.element.dataset.opened).toBe("true");
    expect(hidden.term).toBeNull();
    expect(imports).toBe(1);
  });

  it("opens a view laid out but invisible (a phone's hidden pane) at the resize its pane switch brings", async () => {
    const { TerminalView, loadXterm } = await import("../src/terminal");
    const view = new TerminalView("5", "light");
    sized(view.element, 300);
    let visible = false;
    view.element.checkVisibility = () => visible;
    document.body.append(view.element);
    view.start();
    await loadXterm();
    for (let i = 0; i < 5; i++) await settle();
    expect(view.term).toBeNull();
    visible = true;
    view.resize();
    await vi.waitFor(() => expect(view.term).not.toBeNull());
  });

  it("keeps the theme and screen-reader mode set before it opened", async () => {
    const { TerminalView } = await import("../src/terminal");
    const view = new TerminalView("4", "light");
    view.setTheme("dark");
    view.setScreenReader(true);
    sized(view.element, 300);
    document.body.append(view.element);
    view.start();
    await vi.waitFor(() => expect(view.term).not.toBeNull());
    expect(view.term?.options.screenReaderMode).toBe(true);
    expect(created.at(-1)).toBe("#1b1e24");
  });
});
