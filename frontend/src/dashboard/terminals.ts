// Every terminal view of the dashboard. One terminal may be shown in several tabs; each view is its own
// viewer of the same PTY, so lookups by name pick the view that is on screen.

import { TerminalView } from "../terminal";
import { dropUploads } from "./drop";
import { KeyBar, keyboardExit } from "./keys";
import type { ThemeState } from "./theme";

/** The dashboard's terminal views. */
export class TerminalViews {
  private views: TerminalView[] = [];
  /** The view that had the keyboard focus last (the key bar types into it). */
  private lastFocused: TerminalView | null = null;
  /** The on-screen key bar (shown on touch screens by CSS). */
  readonly keyBar = new KeyBar(() => this.keyTarget());
  /** xterm.js's screen-reader mode (an accessible live copy of the output), remembered in this browser. */
  screenReader = localStorage.getItem("lectern:screen-reader") === "on";
  /** Files dropped on a terminal are uploaded (set when the uploads service is on). */
  uploads = false;
  /** Which views are in the tab on screen (set by the dashboard). */
  onScreen: () => TerminalView[] = () => [];

  constructor(private readonly theme: ThemeState) {
    theme.follow((current) => this.views.forEach((view) => view.setTheme(current)));
  }

  /** A new view of terminal `name` in the current theme. */
  make(name: string): TerminalView {
    const view = new TerminalView(name, this.theme.current);
    this.views.push(view);
    view.setScreenReader(this.screenReader);
    keyboardExit(view);
    this.keyBar.watch(view);
    if (this.uploads) dropUploads(view);
    view.element.addEventListener("focusin", () => (this.lastFocused = view));
    return view;
  }

  /** The first on-screen view of terminal `name` (views of removed tabs are forgotten). */
  find(name: string): TerminalView | undefined {
    this.views = this.views.filter((v) => v.element.isConnected || !v.element.dataset.disposed);
    return this.views.find((v) => v.name === name && v.element.isConnected);
  }

  /** Every view of terminal `name`. */
  named(name: string): TerminalView[] {
    return this.views.filter((v) => v.name === name);
  }

  /** The names of every terminal with a view. */
  names(): string[] {
    return [...new Set(this.views.map((v) => v.name))];
  }

  /** Turns the screen-reader mode of every terminal on or off. */
  setScreenReader(on: boolean): void {
    this.screenReader = on;
    localStorage.setItem("lectern:screen-reader", on ? "on" : "off");
    this.views.forEach((view) => view.setScreenReader(on));
  }

  /** The terminal the key bar types into: the one focused last if it is on screen, else the first shown. */
  private keyTarget(): TerminalView | undefined {
    const shown = this.onScreen();
    return this.lastFocused && shown.includes(this.lastFocused) ? this.lastFocused : shown[0];
  }

  /** Refits every view to its box (after a layout change). */
  fitAll(): void {
    requestAnimationFrame(() => this.views.forEach((t) => t.resize()));
  }

  /** Reconnects every view (`force`: drop a live connection too, as a network blip would). */
  reconnectAll(force = false): void {
    this.views.forEach((v) => v.reconnect(force));
  }

  /** Text of terminal `name`'s buffer (for tests and accessibility tools). */
  text(name: string, visible = false): string {
    const view = this.find(name);
    if (!view?.term) return "";
    const buffer = view.term.buffer.active;
    // `visible`: only the rows on screen (cheap enough to poll while a flood is drawn, as browser_flood does).
    const [from, to] = visible ? [buffer.viewportY, buffer.viewportY + view.term.rows] : [0, buffer.length];
    const lines: string[] = [];
    for (let i = from; i < to; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
    return lines.join("\n");
  }
}
