// One terminal view: xterm.js (webgl renderer, canvas fallback) bound to /terminal/ws/{name}, speaking
// protocol v1 with the `stream` and `snapshots` features. Reconnects with back-off and resumes from the last byte seen (replay, no duplicates); when
// the welcome names another stream (lectern restarted) it clears the screen, says "new session" and takes
// the new stream from its start. Shows "connecting…", "reconnecting…" and "shell exited — restart"
// states, resizes with its box.

import { Terminal, type ITheme } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { SearchAddon } from "@xterm/addon-search";
import { Unicode11Addon } from "@xterm/addon-unicode11";
import "@xterm/xterm/css/xterm.css";
import {
  ACK_WINDOW,
  FEATURES,
  GOODBYE_CODES,
  VERSION,
  ackDue,
  decodeOutput,
  parseServerMsg,
  skipNotice,
  unseen,
  type ClientMsg,
  type ServerMsg,
} from "./protocol";

/** Connection state, mirrored on the view's data-state attribute. */
export type TerminalState = "connecting" | "connected" | "reconnecting" | "exited" | "failed";

const THEMES: Record<"light" | "dark", ITheme> = {
  dark: { background: "#1b1e24", foreground: "#e6e6e6", cursor: "#e6e6e6", selectionBackground: "#3e4a5e" },
  light: {
    background: "#fbfbfb",
    foreground: "#1f2328",
    cursor: "#1f2328",
    selectionBackground: "#c8d7ee",
    black: "#1f2328",
    brightBlack: "#57606a",
    white: "#6e7781",
    brightWhite: "#8c959f",
    yellow: "#8a6a00",
    brightYellow: "#6f5600",
  },
};

const MAX_BACKOFF_MS = 8000;

/** A terminal panel element plus its connection. */
export class TerminalView {
  readonly name: string;
  readonly element: HTMLElement;
  readonly term: Terminal;
  private readonly fit = new FitAddon();
  private readonly search = new SearchAddon();
  private socket: WebSocket | null = null;
  private have: number | null = null;
  /** The stream `have` counts in (welcome `stream`); another one means the server restarted. */
  private stream: string | null = null;
  /** Seq the client acknowledged last on this connection (`ack`, protocol flow control). */
  private acked = 0;
  private state: TerminalState = "connecting";
  private backoff = 500;
  private retryTimer: number | undefined;
  private pingTimer: number | undefined;
  private closed = false;
  private started = false;
  private lastSize = "";
  private readonly status: HTMLElement;
  private readonly searchBar: HTMLElement;
  private readonly encoder = new TextEncoder();

  constructor(name: string, theme: "light" | "dark") {
    this.name = name;
    this.element = document.createElement("section");
    this.element.className = "terminal-view";
    this.element.dataset.terminal = name;
    this.element.setAttribute("aria-label", `Terminal ${name}`);
    const screen = document.createElement("div");
    screen.className = "terminal-screen";
    this.status = document.createElement("div");
    this.status.className = "terminal-status";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.searchBar = this.buildSearchBar();
    const badge = document.createElement("span");
    badge.className = "terminal-badge";
    badge.setAttribute("aria-hidden", "true");
    badge.textContent = name;
    this.element.append(screen, badge, this.searchBar, this.status);
    this.term = new Terminal({
      allowProposedApi: true,
      cursorBlink: true,
      fontFamily: 'ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      scrollback: 10000,
      theme: THEMES[theme],
    });
    this.term.loadAddon(this.fit);
    this.term.loadAddon(this.search);
    this.term.loadAddon(new WebLinksAddon((_event, uri) => window.open(uri, "_blank", "noopener")));
    const unicode = new Unicode11Addon();
    this.term.loadAddon(unicode);
    this.term.unicode.activeVersion = "11";
    this.term.onData((data) => this.send(this.encoder.encode(data)));
    this.term.onBinary((data) => this.send(Uint8Array.from(data, (c) => c.charCodeAt(0))));
    this.term.attachCustomKeyEventHandler((event) => {
      if (event.type !== "keydown" || !event.ctrlKey || !event.shiftKey) return true;
      const key = event.key.toLowerCase();
      if (key === "f") {
        this.openSearch();
        return false;
      }
      if (key === "c" && this.term.hasSelection()) {
        void navigator.clipboard?.writeText(this.term.getSelection()).catch(() => undefined);
        return false;
      }
      return true;
    });
    this.screen = screen;
    new ResizeObserver(() => this.resize()).observe(this.element);
    this.setState("connecting");
  }

  private readonly screen: HTMLElement;

  /** Opens xterm in the DOM and connects; call once the element is attached (even if hidden). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.term.open(this.screen);
    this.loadRenderer();
    this.connect();
  }

  // The GPU renderers are loaded on demand (separate chunks): webgl first, canvas when webgl is missing
  // or loses its context, xterm's DOM renderer until then or when both fail.
  private loadRenderer(): void {
    this.element.dataset.renderer = "dom";
    import("@xterm/addon-webgl")
      .then(({ WebglAddon }) => {
        if (this.closed) return;
        const webgl = new WebglAddon();
        webgl.onContextLoss(() => {
          webgl.dispose();
          this.loadCanvas();
        });
        this.term.loadAddon(webgl);
        this.element.dataset.renderer = "webgl";
      })
      .catch(() => this.loadCanvas());
  }

  private loadCanvas(): void {
    import("@xterm/addon-canvas")
      .then(({ CanvasAddon }) => {
        if (this.closed) return;
        this.term.loadAddon(new CanvasAddon());
        this.element.dataset.renderer = "canvas";
      })
      .catch(() => (this.element.dataset.renderer = "dom"));
  }

  /** Applies a colour theme. */
  setTheme(theme: "light" | "dark"): void {
    this.term.options.theme = THEMES[theme];
  }

  /** Focuses the terminal. */
  focus(): void {
    this.term.focus();
  }

  /** Clears the local scrollback and screen. */
  clear(): void {
    this.term.clear();
  }

  /** Current connection state. */
  get connectionState(): TerminalState {
    return this.state;
  }

  /** Reconnects now if the connection is down (or always when `force`). */
  reconnect(force = false): void {
    if (!force && (this.state === "connected" || this.state === "connecting")) return;
    this.socket?.close();
    this.socket = null;
    window.clearTimeout(this.retryTimer);
    this.backoff = 500;
    this.connect();
  }

  /** Closes the connection for good (tab removed). */
  dispose(): void {
    this.closed = true;
    this.element.dataset.disposed = "true";
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.pingTimer);
    this.socket?.close();
    this.term.dispose();
    this.element.remove();
  }

  /** Fits to the box and tells the server when the size changed. */
  resize(): void {
    if (!this.started || this.element.offsetWidth === 0 || this.element.offsetHeight === 0) return;
    try {
      this.fit.fit();
    } catch {
      return;
    }
    const size = `${this.term.cols}x${this.term.rows}`;
    if (size !== this.lastSize && this.socket?.readyState === WebSocket.OPEN) {
      this.lastSize = size;
      this.control({ type: "resize", cols: this.term.cols, rows: this.term.rows });
    }
  }

  private setState(state: TerminalState, message?: string): void {
    this.state = state;
    this.element.dataset.state = state;
    this.status.replaceChildren();
    this.status.hidden = state === "connected";
    if (state === "connected") return;
    const text = document.createElement("span");
    text.textContent =
      message ??
      { connecting: "Connecting…", reconnecting: "Reconnecting…", exited: "Shell exited", failed: "Disconnected" }[state];
    this.status.append(text);
    if (state === "exited" || state === "failed") {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "terminal-restart";
      button.textContent = state === "exited" ? "Restart" : "Reconnect";
      button.addEventListener("click", () => (state === "exited" ? this.restart() : this.reconnect(true)));
      this.status.append(button);
    }
  }

  private restart(): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.control({ type: "restart" });
    else this.reconnect(true);
  }

  private url(): string {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/terminal/ws/${encodeURIComponent(this.name)}`;
  }

  private connect(): void {
    if (this.closed) return;
    const socket = new WebSocket(this.url());
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onopen = () => {
      try {
        this.fit.fit();
      } catch {
        /* hidden: keep xterm's size */
      }
      this.lastSize = `${this.term.cols}x${this.term.rows}`;
      this.acked = 0;
      this.control({
        type: "hello",
        version: VERSION,
        last_seq: this.have,
        cols: this.term.cols,
        rows: this.term.rows,
        window: ACK_WINDOW,
        features: FEATURES,
        ...(this.stream ? { stream: this.stream } : {}),
      });
      window.clearInterval(this.pingTimer);
      let id = 0;
      this.pingTimer = window.setInterval(() => this.control({ type: "ping", id: ++id }), 15000);
    };
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      if (typeof event.data === "string") this.onControl(event.data, socket);
      else this.onOutput(event.data as ArrayBuffer, socket);
    };
    socket.onclose = () => {
      if (socket !== this.socket) return;
      window.clearInterval(this.pingTimer);
      this.socket = null;
      if (this.closed) return;
      if (this.state !== "exited") this.setState("reconnecting");
      this.retryTimer = window.setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    };
  }

  private onOutput(frame: ArrayBuffer, socket: WebSocket): void {
    const decoded = decodeOutput(frame);
    if (!decoded) return;
    const fresh = this.have === null ? decoded.data : unseen(decoded.seq, decoded.data, this.have);
    this.have = Math.max(this.have ?? 0, decoded.seq + decoded.data.length);
    const end = decoded.seq + decoded.data.length;
    // Acknowledge once xterm.js has parsed the bytes; a hidden tab acknowledges on receipt (its timers
    // are throttled, and holding the program back while nobody looks helps nobody).
    if (fresh.length > 0 && !document.hidden) this.term.write(fresh, () => this.ack(socket, end));
    else {
      if (fresh.length > 0) this.term.write(fresh);
      this.ack(socket, end);
    }
  }

  private ack(socket: WebSocket, processed: number): void {
    if (socket !== this.socket || !ackDue(processed, this.acked, ACK_WINDOW, this.have ?? processed)) return;
    this.acked = processed;
    this.control({ type: "ack", seq: processed });
  }

  /**
   * The server's screen in place of output this view could not keep up with (or did not have): a new
   * view starts from it; one that showed part of the output keeps that in its scrollback, below a note
   * of what was skipped with a link to the full output.
   */
  private onSnapshot(msg: Extract<ServerMsg, { type: "snapshot" }>, socket: WebSocket): void {
    let preamble = "";
    if (msg.from === null || this.have === null) this.term.reset();
    else {
      const url = `${location.origin}/terminal/${encodeURIComponent(this.name)}/output`;
      preamble = skipNotice(msg.seq - msg.from, this.term.rows, url);
      this.element.dataset.skipped = String(Number(this.element.dataset.skipped ?? 0) + (msg.seq - msg.from));
    }
    this.have = msg.seq;
    this.term.write(preamble + msg.data, () => this.ack(socket, msg.seq));
  }

  private onControl(text: string, socket: WebSocket): void {
    const msg = parseServerMsg(text);
    if (!msg) return;
    switch (msg.type) {
      case "snapshot":
        this.onSnapshot(msg, socket);
        break;
      case "welcome":
        this.backoff = 500;
        if (msg.stream && this.stream && msg.stream !== this.stream) this.newSession();
        this.stream = msg.stream ?? null;
        this.element.dataset.readonly = String(msg.readonly);
        if (msg.running) this.setState("connected");
        else this.setState("exited", "Shell exited — restart?");
        break;
      case "lost":
        this.term.write(`\r\n\x1b[2m[${msg.to - msg.from} bytes of output were dropped]\x1b[0m\r\n`);
        this.have = Math.max(this.have ?? 0, msg.to);
        break;
      case "exit": {
        const how = msg.signal != null ? `signal ${msg.signal}` : `code ${msg.code ?? "?"}`;
        this.setState("exited", `Shell exited (${how}) — restart?`);
        break;
      }
      case "restarted":
        this.setState("connected");
        this.focus();
        break;
      case "error":
        // A goodbye (lectern shutting down, the terminal closed) is news, not a mistake: dim, not red.
        this.term.write(`\r\n\x1b[${GOODBYE_CODES.includes(msg.code) ? 2 : 31}m${msg.message}\x1b[0m\r\n`);
        break;
      case "pong":
        break;
    }
  }

  /** The server restarted: its seqs start over, and the old screen belongs to a shell that is gone. */
  private newSession(): void {
    this.have = null;
    this.term.reset();
    this.term.write("\x1b[2m── new session: lectern restarted, this is a new shell ──\x1b[0m\r\n");
  }

  private control(msg: ClientMsg): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(msg));
  }

  private send(bytes: Uint8Array): void {
    if (this.socket?.readyState === WebSocket.OPEN && this.state !== "exited") this.socket.send(bytes);
  }

  private buildSearchBar(): HTMLElement {
    const bar = document.createElement("form");
    bar.className = "terminal-search";
    bar.hidden = true;
    bar.setAttribute("role", "search");
    const input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Search output";
    input.setAttribute("aria-label", "Search terminal output");
    const prev = document.createElement("button");
    prev.type = "button";
    prev.textContent = "↑";
    prev.setAttribute("aria-label", "Previous match");
    const next = document.createElement("button");
    next.type = "submit";
    next.textContent = "↓";
    next.setAttribute("aria-label", "Next match");
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "Close search");
    bar.append(input, prev, next, close);
    bar.addEventListener("submit", (event) => {
      event.preventDefault();
      this.search.findNext(input.value);
    });
    prev.addEventListener("click", () => this.search.findPrevious(input.value));
    const hide = () => {
      bar.hidden = true;
      this.search.clearDecorations();
      this.focus();
    };
    close.addEventListener("click", hide);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") hide();
    });
    input.addEventListener("input", () => this.search.findNext(input.value, { incremental: true }));
    return bar;
  }

  /** Shows the search bar. */
  openSearch(): void {
    this.searchBar.hidden = false;
    this.searchBar.querySelector("input")?.focus();
  }
}
