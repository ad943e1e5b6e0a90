// One terminal view: xterm.js (webgl renderer, canvas fallback) bound to /terminal/ws/{name}, speaking
// protocol v1 with the `stream` and `snapshots` features. Reconnects with back-off and resumes from the last byte seen (replay, no duplicates); when
// the welcome names another stream (lectern restarted) it clears the screen, says "new session" and takes
// the new stream from its start. Shows "connecting…", "reconnecting…" and "shell exited — restart"
// states, resizes with its box. xterm.js itself is a chunk of its own (xterm.ts), loaded when a view is
// first shown: the view's element exists at once, its terminal and connection once it is visible.

import type { ITheme, Terminal } from "@xterm/xterm";
import type { FitAddon } from "@xterm/addon-fit";
import type { SearchAddon } from "@xterm/addon-search";
import "@xterm/xterm/css/xterm.css";
import {
  ACK_WINDOW,
  FEATURES,
  GOODBYE_CODES,
  VERSION,
  ackDue,
  decodeOutput,
  parseServerMsg,
  pieces,
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

let xtermChunk: Promise<typeof import("./xterm")> | null = null;

/** The xterm.js chunk, fetched once for every view (a failed fetch is retried by the next view). */
export function loadXterm(): Promise<typeof import("./xterm")> {
  xtermChunk ??= import("./xterm").catch((error: unknown) => {
    xtermChunk = null;
    throw error;
  });
  return xtermChunk;
}

let webglOnGpu: boolean | null = null;

/**
 * True when WebGL runs on a GPU. On a software rasteriser (SwiftShader, llvmpipe: a VM or a browser
 * without GPU) the webgl renderer blocks the page for hundreds of milliseconds per terminal drawing its
 * glyph atlas (measured in headless Chromium: 250–480 ms, against 60–100 ms for the DOM renderer).
 */
function hardwareWebgl(): boolean {
  if (webglOnGpu === null) {
    let name = "";
    try {
      const gl = document.createElement("canvas").getContext("webgl2");
      if (gl) {
        const info = gl.getExtension("WEBGL_debug_renderer_info");
        name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? "webgl");
        gl.getExtension("WEBGL_lose_context")?.loseContext();
      }
    } catch {
      name = "";
    }
    webglOnGpu = name !== "" && !SOFTWARE_GL.test(name);
  }
  return webglOnGpu;
}

/** Renderer names of software WebGL implementations. */
export const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** Resolves in a task of its own, so work after it does not lengthen the task that awaited it. */
const nextTask = () => new Promise<void>((resolve) => window.setTimeout(resolve, 0));

/** A terminal panel element plus its connection. */
export class TerminalView {
  readonly name: string;
  readonly element: HTMLElement;
  /** xterm.js, from the first time the view is shown (null until then). */
  term: Terminal | null = null;
  private fit: FitAddon | null = null;
  private search: SearchAddon | null = null;
  private theme: "light" | "dark";
  private screenReaderMode = false;
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
  private opening = false;
  /** `focus()` came before xterm.js was open. */
  private focusWhenOpen = false;
  private lastSize = "";
  private readonly status: HTMLElement;
  /** Built on first use (Ctrl+Shift+F). */
  private searchBar: HTMLElement | null = null;
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
    const badge = document.createElement("span");
    badge.className = "terminal-badge";
    badge.setAttribute("aria-hidden", "true");
    badge.textContent = name;
    this.element.append(screen, badge, this.status);
    this.theme = theme;
    this.screen = screen;
    this.sizeWatch.observe(this.element);
    this.setState("connecting");
  }

  private readonly screen: HTMLElement;
  /** After layout, whenever the view's box changes (and once per `observe` of a view with a box): fits an
   * open view, opens a started one that is visible. */
  private readonly sizeWatch = new ResizeObserver(() => (this.term ? this.resize() : void this.open()));

  /** xterm.js of a view that connects: connections start only once it is open. */
  private get live(): Terminal {
    if (!this.term) throw new Error(`terminal ${this.name} is not open`);
    return this.term;
  }

  /**
   * Wants the terminal on screen: call once the element is attached (even if hidden). xterm.js opens and
   * the connection starts once the element is visible (after the next layout, or at a later `resize()`,
   * which every layout change calls), so a view in a hidden pane (the terminal of a phone showing the instructions) costs
   * nothing until it is shown.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.openAfterLayout();
  }

  /** Observing anew reports the box after the next layout, where `open()` reads it without forcing a
   * layout of a half-built page (a box of no size reports nothing; showing it later does). */
  private openAfterLayout(): void {
    this.sizeWatch.unobserve(this.element);
    this.sizeWatch.observe(this.element);
  }

  private async open(): Promise<void> {
    if (!this.started || this.opening || this.term || this.closed || !this.shown()) return;
    this.opening = true;
    try {
      const xterm = await loadXterm();
      // Every view opens in a task of its own (two terminals shown at once are two short tasks, not one long one).
      await nextTask();
      if (!this.closed) this.create(xterm);
    } catch {
      this.setState("failed", "Terminal could not load");
    } finally {
      this.opening = false;
    }
  }

  /** Has a box and is visible (a phone's hidden pane stays laid out, `visibility: hidden`). */
  private shown(): boolean {
    const el = this.element;
    return el.isConnected && el.offsetWidth > 0 && el.offsetHeight > 0 && (el.checkVisibility?.({ visibilityProperty: true }) ?? true);
  }

  private create(xterm: typeof import("./xterm")): void {
    const term = new xterm.Terminal({
      allowProposedApi: true,
      cursorBlink: true,
      fontFamily: 'ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      // Programs' colours (a red prompt, dim text) stay readable on either theme: WCAG AA contrast.
      minimumContrastRatio: 4.5,
      scrollback: 10000,
      screenReaderMode: this.screenReaderMode,
      theme: THEMES[this.theme],
    });
    this.fit = new xterm.FitAddon();
    this.search = new xterm.SearchAddon();
    term.loadAddon(this.fit);
    term.loadAddon(this.search);
    term.loadAddon(new xterm.WebLinksAddon((_event, uri) => window.open(uri, "_blank", "noopener")));
    term.loadAddon(new xterm.Unicode11Addon());
    term.unicode.activeVersion = "11";
    term.onData((data) => this.send(this.encoder.encode(data)));
    term.onBinary((data) => this.send(Uint8Array.from(data, (c) => c.charCodeAt(0))));
    term.attachCustomKeyEventHandler((event) => {
      if (event.type !== "keydown" || !event.ctrlKey || !event.shiftKey) return true;
      const key = event.key.toLowerCase();
      if (key === "f") {
        this.openSearch();
        return false;
      }
      if (key === "c" && term.hasSelection()) {
        void navigator.clipboard?.writeText(term.getSelection()).catch(() => undefined);
        return false;
      }
      return true;
    });
    this.term = term;
    term.open(this.screen);
    this.element.dataset.opened = "true";
    if (this.focusWhenOpen) term.focus();
    this.connect();
    // The GPU renderer in a task of its own (xterm's DOM renderer draws meanwhile).
    void nextTask().then(() => this.loadRenderer());
  }

  // The GPU renderers are loaded on demand (separate chunks): webgl when it runs on a GPU, canvas when
  // webgl is missing or loses its context, xterm's DOM renderer until then, when both fail, and without a
  // GPU (software webgl and canvas both spend far longer drawing their glyph atlas than the DOM renderer).
  private loadRenderer(): void {
    this.element.dataset.renderer = "dom";
    if (!hardwareWebgl()) return;
    import("@xterm/addon-webgl")
      .then(({ WebglAddon }) => {
        if (this.closed || !this.term) return;
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
        if (this.closed || !this.term) return;
        this.term.loadAddon(new CanvasAddon());
        this.element.dataset.renderer = "canvas";
      })
      .catch(() => (this.element.dataset.renderer = "dom"));
  }

  /** Applies a colour theme. */
  setTheme(theme: "light" | "dark"): void {
    this.theme = theme;
    if (this.term) this.term.options.theme = THEMES[theme];
  }

  /** Turns xterm.js's screen-reader mode (an accessible live copy of the output) on or off. */
  setScreenReader(on: boolean): void {
    this.screenReaderMode = on;
    if (this.term) this.term.options.screenReaderMode = on;
  }

  /** Focuses the terminal (as soon as it is open, when it is not yet). */
  focus(): void {
    if (this.term) this.term.focus();
    else this.focusWhenOpen = true;
  }

  /** Clears the local scrollback and screen. */
  clear(): void {
    this.term?.clear();
  }

  /** Current connection state. */
  get connectionState(): TerminalState {
    return this.state;
  }

  /** Reconnects now if the connection is down (or always when `force`). */
  reconnect(force = false): void {
    if (!this.term) {
      void this.open(); // after a failed load of xterm.js, the Reconnect button tries again
      return;
    }
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
    this.sizeWatch.disconnect();
    this.socket?.close();
    this.term?.dispose();
    this.element.remove();
  }

  /** Fits to the box and tells the server when the size changed (opens a started view first shown now). */
  resize(): void {
    if (!this.term || !this.fit) {
      if (this.started) this.openAfterLayout();
      return;
    }
    if (this.element.offsetWidth === 0 || this.element.offsetHeight === 0) return;
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
    if (this.closed || !this.term) return;
    const socket = new WebSocket(this.url());
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onopen = () => {
      try {
        this.fit?.fit();
      } catch {
        /* hidden: keep xterm's size */
      }
      this.lastSize = `${this.live.cols}x${this.live.rows}`;
      this.acked = 0;
      this.control({
        type: "hello",
        version: VERSION,
        last_seq: this.have,
        cols: this.live.cols,
        rows: this.live.rows,
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
    if (fresh.length > 0 && !document.hidden) this.write(fresh, () => this.ack(socket, end));
    else {
      if (fresh.length > 0) this.write(fresh);
      this.ack(socket, end);
    }
  }

  /** Writes to xterm.js in `pieces`, so that it yields to input between them; `done` once all is parsed. */
  private write(data: Uint8Array | string, done?: () => void): void {
    const all = pieces(data);
    all.forEach((piece, i) => this.live.write(piece, i === all.length - 1 ? done : undefined));
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
    if (msg.from === null || this.have === null) this.live.reset();
    else {
      const url = `${location.origin}/terminal/${encodeURIComponent(this.name)}/output`;
      preamble = skipNotice(msg.seq - msg.from, this.live.rows, url);
      this.element.dataset.skipped = String(Number(this.element.dataset.skipped ?? 0) + (msg.seq - msg.from));
    }
    this.have = msg.seq;
    this.write(preamble + msg.data, () => this.ack(socket, msg.seq));
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
        this.live.write(`\r\n\x1b[2m[${msg.to - msg.from} bytes of output were dropped]\x1b[0m\r\n`);
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
        this.live.write(`\r\n\x1b[${GOODBYE_CODES.includes(msg.code) ? 2 : 31}m${msg.message}\x1b[0m\r\n`);
        break;
      case "pong":
        break;
    }
  }

  /** The server restarted: its seqs start over, and the old screen belongs to a shell that is gone. */
  private newSession(): void {
    this.have = null;
    this.live.reset();
    this.live.write("\x1b[2m── new session: lectern restarted, this is a new shell ──\x1b[0m\r\n");
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
      this.search?.findNext(input.value);
    });
    prev.addEventListener("click", () => this.search?.findPrevious(input.value));
    const hide = () => {
      bar.hidden = true;
      this.search?.clearDecorations();
      this.focus();
    };
    close.addEventListener("click", hide);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") hide();
    });
    input.addEventListener("input", () => this.search?.findNext(input.value, { incremental: true }));
    return bar;
  }

  /** Shows the search bar. */
  openSearch(): void {
    if (!this.searchBar) {
      this.searchBar = this.buildSearchBar();
      this.status.before(this.searchBar);
    }
    this.searchBar.hidden = false;
    this.searchBar.querySelector("input")?.focus();
  }
}
