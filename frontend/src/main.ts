// dashboard.js: the learner's dashboard. Reads /api/dashboard, builds header, instructions pane, work-area
// tabs and terminals, exposes `window.lectern` (alias `window.educates`) to the instructions iframe, and
// follows server events (content reloads, broadcast messages).

import "./styles/dashboard.css";
import type { DashboardApi, Host } from "./actions/api";
import { dispatch } from "./actions/dispatch";
import { slug } from "./actions/catalogue";
import { FALLBACK, type DashboardConfig, type PageEntry, type TabConfig, type WorkshopIndex } from "./config";
import { Split } from "./layout/split";
import { Tabs, type Tab } from "./layout/tabs";
import { ask } from "./layout/dialogs";
import { SessionControls } from "./layout/session";
import { TerminalView } from "./terminal";
import { listen, loadOverrides } from "./events";

type Theme = "light" | "dark";

const $ = <T extends HTMLElement = HTMLElement>(tag: string, className = "", text = ""): T => {
  const el = document.createElement(tag) as T;
  if (className) el.className = className;
  if (text) el.textContent = text;
  return el;
};

async function getJson<T>(url: string): Promise<T | null> {
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    return response.ok ? ((await response.json()) as T) : null;
  } catch {
    return null;
  }
}

function initialTheme(): Theme {
  const saved = localStorage.getItem("lectern:theme");
  if (saved === "light" || saved === "dark") return saved;
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

class Dashboard {
  private theme: Theme = initialTheme();
  /** Every terminal view; one terminal may be shown in several tabs (each view is its own viewer). */
  private views: TerminalView[] = [];
  private tabs!: Tabs;
  private split: Split | null = null;
  private iframe: HTMLIFrameElement | null = null;
  private pages: PageEntry[] = [];
  private currentKey: string | null = null;
  private pendingScroll: number | null = null;
  private nav!: { prev: HTMLButtonElement; next: HTMLButtonElement; select: HTMLSelectElement };
  private readonly autostarted = new Set<string>();
  private countdown!: HTMLButtonElement;
  private session!: SessionControls;

  constructor(private config: DashboardConfig) {}

  // ---------- construction ----------

  build(): void {
    document.documentElement.setAttribute("data-theme", this.theme);
    document.title = this.config.workshop.title || "Workshop";
    const app = document.getElementById("app") ?? document.body.appendChild($("div"));
    app.replaceChildren();
    app.className = "app";
    const workshopLayout = this.config.layout.workshop || "default";
    const terminalLayout = this.config.layout.terminal || "default";
    const withPane = workshopLayout === "default" || workshopLayout === "left";
    const withInstructions = workshopLayout !== "none";
    app.append(this.header(withInstructions, withPane));

    const body = $("div", "dashboard");
    app.append(body);
    this.tabs = new Tabs((name) => this.makeTerminal(name), terminalLayout);
    const work = $("main", "workarea");
    work.id = "workarea";
    work.setAttribute("aria-label", "Work area");
    const upper = $("div", "workarea-tabs");
    upper.append(this.tabs.list, this.tabs.panels);
    work.append(upper);

    if (withInstructions) {
      this.iframe = $<HTMLIFrameElement>("iframe", "instructions-frame");
      this.iframe.title = "Workshop instructions";
      this.iframe.name = "instructions";
      this.iframe.addEventListener("load", () => this.onInstructionsLoad());
    }
    if (withPane && this.iframe) {
      const pane = $("aside", "instructions-pane");
      pane.id = "instructions-pane";
      pane.setAttribute("aria-label", "Instructions");
      pane.append(this.iframe);
      body.append(pane, work);
      this.split = new Split(body, pane, work, "Resize instructions");
      this.split.onChange(() => {
        this.fitAll();
        document.getElementById("toggle-instructions")?.setAttribute("aria-expanded", String(!this.split?.isCollapsed));
      });
    } else {
      body.append(work);
    }
    if (workshopLayout === "tab" && this.iframe) {
      const tab = this.tabs.add({ id: "workshop", label: "Workshop", kind: "workshop" });
      tab.panel.append(this.iframe);
    }
    for (const config of this.config.tabs) {
      if (terminalLayout === "none" && config.id === "terminal") continue;
      this.tabs.add(config);
    }
    if (terminalLayout === "lower") {
      const lower = $("section", "workarea-lower terminal-stack");
      lower.setAttribute("aria-label", "Terminal");
      const view = this.makeTerminal("1");
      lower.append(view.element);
      work.append(lower);
      work.classList.add("has-lower");
      requestAnimationFrame(() => view.start());
    }
    if (this.tabs.all().length === 0) {
      const empty = $("p", "empty-work", "Nothing to show here.");
      this.tabs.panels.append(empty);
    }
    this.session = new SessionControls(this.config, this.countdown);
    window.addEventListener("resize", () => this.fitAll());
  }

  private header(withInstructions: boolean, withPane: boolean): HTMLElement {
    const header = $("header", "topbar");
    if (withPane) {
      const toggle = $<HTMLButtonElement>("button", "icon-button");
      toggle.id = "toggle-instructions";
      toggle.type = "button";
      toggle.title = "Show or hide the instructions";
      toggle.setAttribute("aria-label", "Show or hide the instructions");
      toggle.setAttribute("aria-controls", "instructions-pane");
      toggle.setAttribute("aria-expanded", "true");
      toggle.innerHTML = '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M2 3h12v1.5H2zm0 4.25h12v1.5H2zM2 11.5h12V13H2z"/></svg>';
      toggle.addEventListener("click", () => this.split?.toggle());
      header.append(toggle);
    }
    const title = $("h1", "workshop-title", this.config.workshop.title || "Workshop");
    if (this.config.workshop.description) title.title = this.config.workshop.description;
    header.append(title);

    const nav = $("nav", "page-nav");
    nav.setAttribute("aria-label", "Pages");
    const prev = $<HTMLButtonElement>("button", "button", "‹ Previous");
    prev.type = "button";
    const select = $<HTMLSelectElement>("select", "page-select");
    select.setAttribute("aria-label", "Go to page");
    const next = $<HTMLButtonElement>("button", "button", "Next ›");
    next.type = "button";
    prev.addEventListener("click", () => this.step(-1));
    next.addEventListener("click", () => this.step(1));
    select.addEventListener("change", () => this.showPage(select.value));
    nav.append(prev, select, next);
    nav.hidden = !withInstructions;
    this.nav = { prev, next, select };
    header.append(nav);

    const controls = $("div", "controls");
    this.countdown = $<HTMLButtonElement>("button", "button countdown");
    this.countdown.type = "button";
    this.countdown.hidden = true;
    this.countdown.addEventListener("click", () => void this.session.extend());
    const theme = $<HTMLButtonElement>("button", "icon-button");
    theme.type = "button";
    theme.id = "toggle-theme";
    theme.setAttribute("aria-label", "Switch between light and dark theme");
    theme.title = "Light / dark theme";
    theme.innerHTML = '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 1.5a6.5 6.5 0 1 0 0 13zM8 0a8 8 0 1 1 0 16A8 8 0 0 1 8 0"/></svg>';
    theme.addEventListener("click", () => this.setTheme(this.theme === "dark" ? "light" : "dark"));
    const refresh = $<HTMLButtonElement>("button", "icon-button");
    refresh.type = "button";
    refresh.setAttribute("aria-label", "Reload the current tab (Shift: reload the instructions)");
    refresh.title = "Reload tab (Shift: instructions)";
    refresh.innerHTML = '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M13.6 2.4v4h-4l1.6-1.6A4.5 4.5 0 1 0 12.5 8H14a6 6 0 1 1-1.7-4.3z"/></svg>';
    refresh.addEventListener("click", (event) => {
      if (event.shiftKey) this.reloadInstructions(true);
      else {
        const tab = this.tabs.current();
        if (tab) this.tabs.reload(tab);
        this.views.forEach((t) => t.reconnect());
      }
    });
    const terminate = $<HTMLButtonElement>("button", "button danger", "Terminate");
    terminate.type = "button";
    terminate.addEventListener("click", () => void this.session.terminate());
    controls.append(this.countdown, theme, refresh, terminate);
    header.append(controls);
    return header;
  }

  private makeTerminal(name: string): TerminalView {
    const view = new TerminalView(name, this.theme);
    this.views.push(view);
    return view;
  }

  /** The first on-screen view of terminal `name`. */
  private view(name: string): TerminalView | undefined {
    this.views = this.views.filter((v) => v.element.isConnected || !v.element.dataset.disposed);
    return this.views.find((v) => v.name === name && v.element.isConnected);
  }

  private fitAll(): void {
    requestAnimationFrame(() => this.views.forEach((t) => t.resize()));
  }

  // ---------- instructions ----------

  async loadInstructions(): Promise<void> {
    if (!this.iframe) return;
    const index = await getJson<WorkshopIndex>("/api/workshop");
    this.pages = index?.pages ?? [];
    this.fillPageSelect();
    const saved = sessionStorage.getItem("lectern:page");
    const first = this.pages.find((p) => p.key === saved)?.key ?? index?.first ?? this.pages[0]?.key;
    if (first) this.showPage(first);
    else {
      this.iframe.srcdoc =
        '<p style="font:15px system-ui;padding:1rem">The instructions could not be loaded. Try reloading the page.</p>';
    }
  }

  private fillPageSelect(): void {
    const select = this.nav.select;
    select.replaceChildren();
    this.pages.forEach((page, i) => {
      const option = $<HTMLOptionElement>("option", "", `${i + 1}. ${page.title}`);
      option.value = page.key;
      select.append(option);
    });
    this.updateNav();
  }

  /** Navigates the instructions to page `key`. */
  showPage(key: string): void {
    if (!this.iframe) return;
    this.iframe.removeAttribute("srcdoc");
    this.iframe.src = `/workshop/content/${key.split("/").map(encodeURIComponent).join("/")}`;
  }

  private step(delta: number): void {
    const page = this.pages.find((p) => p.key === this.currentKey);
    const target = delta < 0 ? page?.prev : page?.next;
    if (target) this.showPage(target);
    else if (delta > 0 && page && !page.next) void this.session.finish();
  }

  private updateNav(): void {
    const page = this.pages.find((p) => p.key === this.currentKey);
    this.nav.prev.disabled = !page?.prev;
    this.nav.next.disabled = !page;
    this.nav.next.textContent = page && !page.next ? "Finish" : "Next ›";
    if (page) this.nav.select.value = page.key;
    this.nav.select.disabled = this.pages.length === 0;
  }

  private onInstructionsLoad(): void {
    const frame = this.iframe;
    if (!frame) return;
    try {
      const path = frame.contentWindow?.location.pathname ?? "";
      const match = /^\/workshop\/content\/(.+?)\/?$/.exec(path);
      if (match) {
        this.currentKey = decodeURIComponent(match[1]);
        sessionStorage.setItem("lectern:page", this.currentKey);
      }
      const doc = frame.contentDocument;
      doc?.documentElement.setAttribute("data-theme", this.theme);
      if (this.pendingScroll !== null) frame.contentWindow?.scrollTo(0, this.pendingScroll);
    } catch {
      /* cross-origin page: nothing to read */
    }
    this.pendingScroll = null;
    this.updateNav();
  }

  /** Reloads the instructions iframe, keeping its scroll position. */
  reloadInstructions(keepScroll: boolean): void {
    if (!this.iframe) return;
    if (this.split?.isCollapsed) this.split.toggle(false);
    try {
      this.pendingScroll = keepScroll ? (this.iframe.contentWindow?.scrollY ?? 0) : null;
      this.iframe.contentWindow?.location.reload();
    } catch {
      if (this.currentKey) this.showPage(this.currentKey);
    }
  }

  private async onContentChanged(pages: string[]): Promise<void> {
    const index = await getJson<WorkshopIndex>("/api/workshop");
    if (index) {
      this.pages = index.pages;
      this.fillPageSelect();
    }
    if (pages.length === 0 || (this.currentKey !== null && pages.includes(this.currentKey))) this.reloadInstructions(true);
  }

  startCountdown(): void {
    this.session.startCountdown();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    localStorage.setItem("lectern:theme", theme);
    document.documentElement.setAttribute("data-theme", theme);
    this.views.forEach((t) => t.setTheme(theme));
    try {
      this.iframe?.contentDocument?.documentElement.setAttribute("data-theme", theme);
    } catch {
      /* cross-origin */
    }
  }

  // ---------- API for the instructions iframe ----------

  private tabOfTerminal(name: string): Tab | undefined {
    return this.tabs.all().find((tab) => tab.terminals.some((t) => t.name === name));
  }

  private createTab(name: string, url: string, focus: boolean): void {
    if (!name) throw new Error("No dashboard name provided");
    if (this.tabs.find(name)) throw new Error("Dashboard already exists");
    const terminal = /^terminal:(.+)$/.exec(url);
    const config: TabConfig = terminal
      ? { id: slug(name) || name, label: name, kind: "terminal", terminals: [terminal[1]] }
      : { id: slug(name) || name, label: name, kind: "url", url };
    const tab = this.tabs.add(config, true);
    if (focus) this.tabs.select(tab.config.id, false);
  }

  api(): DashboardApi {
    return {
      terminalNames: () => {
        const tab = this.tabs.find("terminal");
        const names = tab?.terminals.map((t) => t.name) ?? [];
        return names.length ? names : [...new Set(this.views.map((v) => v.name))];
      },
      exposeTerminal: (name) => {
        const view = this.view(name);
        if (!view) return false;
        const tab = this.tabOfTerminal(name);
        if (tab) this.tabs.select(tab.config.id, false);
        view.start();
        view.focus();
        return true;
      },
      clearTerminal: (name) => this.views.filter((v) => v.name === name).forEach((v) => v.clear()),
      openDashboard: (name) => {
        const tab = this.tabs.find(name);
        if (!tab) throw new Error("Dashboard does not exist");
        this.tabs.select(tab.config.id, false);
      },
      createDashboard: (name, url, focus = true) => this.createTab(name, url, focus),
      deleteDashboard: (name) => {
        const tab = this.tabs.find(name);
        if (!tab) throw new Error("Dashboard does not exist");
        this.tabs.remove(tab.config.id);
      },
      reloadDashboard: (name, url, focus = true) => {
        const tab = this.tabs.find(name);
        if (!tab) return this.createTab(name, url ?? "about:blank", focus);
        if (tab.config.id === "terminal") this.views.forEach((t) => t.reconnect());
        this.tabs.reload(tab, url);
        if (focus) this.tabs.select(tab.config.id, false);
      },
      finishedWorkshop: () => void this.session.finish(),
      terminateSession: () => void this.session.terminate(),
      collapseWorkshop: () => this.split?.toggle(true),
      reloadWorkshop: () => this.reloadInstructions(true),
      previewImage: (src, title) => {
        const { dialog, body } = this.session.dialogs.image;
        const img = $<HTMLImageElement>("img", "preview-image");
        img.src = src;
        img.alt = title;
        body.replaceChildren(img);
        dialog.querySelector("h2")!.textContent = title || "Image";
        void ask(dialog);
      },
      event: (name, data) => this.session.event(name, data),
      autostartOnce: (key) => {
        const storeKey = `lectern:autostart:${key}`;
        if (this.autostarted.has(key) || sessionStorage.getItem(storeKey)) return false;
        this.autostarted.add(key);
        sessionStorage.setItem(storeKey, "1");
        return true;
      },
      theme: () => this.theme,
      editorAvailable: () => this.config.features.editor,
    };
  }

  /** Host for messages (postMessage, broadcasts): same dispatcher as clickable actions. */
  host(api: DashboardApi): Host {
    return {
      dashboard: api,
      fetch: (input, init) => fetch(input, { credentials: "same-origin", ...init }),
      copy: (text) => navigator.clipboard.writeText(text),
      openWindow: (url) => void window.open(url, "_blank", "noopener"),
      download: () => undefined,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
  }

  /** Runs an {action, data} message from a broadcast or another frame. */
  handleMessage(host: Host, message: unknown): void {
    const msg = message as { action?: unknown; data?: unknown };
    if (!msg || typeof msg.action !== "string") return;
    const data = (msg.data && typeof msg.data === "object" ? msg.data : {}) as Record<string, unknown>;
    const allowed = /^(terminal|dashboard):/.test(msg.action);
    if (!allowed) return;
    const args = msg.action === "terminal:input" ? { endl: false, ...data } : data;
    const action = msg.action === "dashboard:preview-image" ? "" : msg.action;
    if (!action) return host.dashboard?.previewImage(String(data.src ?? ""), String(data.title ?? ""));
    dispatch(action, args, host).catch((error) => console.warn(`lectern: ${msg.action}:`, error));
  }

  listen(host: Host): void {
    listen({
      contentChanged: (pages) => void this.onContentChanged(pages),
      message: (message) => this.handleMessage(host, message),
      trustedOrigins: () => this.tabs.all().map((tab) => tab.iframe?.dataset.src),
    });
  }

  reconnectAll(): void {
    this.views.forEach((v) => v.reconnect(true));
  }

  /** Text of terminal `name`'s buffer (for tests and accessibility tools). */
  terminalText(name: string): string {
    const view = this.view(name);
    if (!view) return "";
    const buffer = view.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
    return lines.join("\n");
  }

  loadOverrides(): void {
    loadOverrides();
  }
}

async function main(): Promise<void> {
  const config = (await getJson<DashboardConfig>("/api/dashboard")) ?? FALLBACK;
  const dashboard = new Dashboard(config);
  dashboard.build();
  const api = dashboard.api();
  const host = dashboard.host(api);
  const lectern = {
    version: 1,
    dashboard: api,
    config,
    terminalText: (name: string) => dashboard.terminalText(name),
    /** Drops and re-opens every terminal connection (what a network blip does); replay resumes each. */
    reconnectTerminals: () => dashboard.reconnectAll(),
    setTheme: (theme: Theme) => dashboard.setTheme(theme),
    showPage: (key: string) => dashboard.showPage(key),
    send: (message: unknown) => dashboard.handleMessage(host, message),
    // educates-compatible names for workshop scripts written for the original dashboard.
    session_owner: () => config.auth.user,
    expose_terminal: (name: string) => api.exposeTerminal(String(name)),
    expose_dashboard: (name: string) => api.openDashboard(name),
    create_dashboard: (name: string, url: string, focus = true) => api.createDashboard(name, url, focus),
    delete_dashboard: (name: string) => api.deleteDashboard(name),
    reload_dashboard: (name: string, url?: string, focus = true) => api.reloadDashboard(name, url, focus),
    reload_workshop: () => api.reloadWorkshop(),
    collapse_workshop: () => api.collapseWorkshop(),
    finished_workshop: () => api.finishedWorkshop(),
    terminate_session: () => api.terminateSession(),
    preview_image: (src: string, title: string) => api.previewImage(src, title),
    terminals: {
      paste_to_terminal: (text: string, id = "1") => dispatch("terminal:input", { text, session: id, endl: false }, host),
      execute_in_terminal: (command: string, id = "1", clear = false) =>
        dispatch("terminal:execute", { command, session: id, clear }, host),
      execute_in_all_terminals: (command: string, clear = false) => dispatch("terminal:execute-all", { command, clear }, host),
      clear_terminal: (id = "1") => dispatch("terminal:clear", { session: id }, host),
      clear_all_terminals: () => dispatch("terminal:clear-all", {}, host),
      interrupt_terminal: (id = "1") => dispatch("terminal:interrupt", { session: id }, host),
      interrupt_all_terminals: () => dispatch("terminal:interrupt-all", {}, host),
      select_terminal: (id = "1") => dispatch("terminal:select", { session: id }, host),
      reconnect_terminal: () => api.reloadDashboard("terminal"),
    },
  };
  const global = window as unknown as Record<string, unknown>;
  global.lectern = lectern;
  global.educates = lectern;
  dashboard.listen(host);
  dashboard.startCountdown();
  dashboard.loadOverrides();
  await dashboard.loadInstructions();
  document.documentElement.setAttribute("data-ready", "true");
}

void main();
