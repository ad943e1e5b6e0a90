// The dashboard's API for the instructions iframe (`window.lectern`, alias `window.educates`, as the
// original's `parent.educates`): terminals, tabs, session, previews, autostart bookkeeping; plus the host
// that runs `{action, data}` messages (postMessage, broadcasts) through the action dispatcher.

import type { DashboardApi, Host } from "../actions/api";
import { dispatch } from "../actions/dispatch";
import { slug } from "../actions/catalogue";
import type { DashboardConfig, TabConfig } from "../config";
import { ask } from "../layout/dialogs";
import type { SessionControls } from "../layout/session";
import type { PaneSwitcher } from "../layout/panes";
import type { Split } from "../layout/split";
import type { Tab, Tabs } from "../layout/tabs";
import { $ } from "./dom";
import type { TerminalViews } from "./terminals";
import type { Theme, ThemeState } from "./theme";

/** The parts of the dashboard the API acts on. */
export interface Workspace {
  readonly config: DashboardConfig;
  readonly tabs: Tabs;
  readonly split: Split | null;
  readonly panes: PaneSwitcher | null;
  readonly session: SessionControls;
  readonly terminals: TerminalViews;
  readonly theme: ThemeState;
  readonly navigation: { setGate(key: string, locked: boolean): void };
  reloadInstructions(keepScroll: boolean): void;
}

/** Whether an action that shows a terminal may also move the keyboard focus into it: not when the action
 * was run from the keyboard (focus stays on it, Tab goes on through the page), not on touch screens (the
 * on-screen keyboard would cover the page) and not while a phone shows the instructions. */
function mayFocusTerminal(ws: Workspace): boolean {
  if (window.matchMedia?.("(pointer: coarse)").matches) return false;
  if (ws.panes?.narrow && ws.panes.current === "instructions") return false;
  const active = document.activeElement;
  if (active instanceof HTMLIFrameElement) {
    try {
      const inner = active.contentDocument?.activeElement;
      if (inner && inner !== active.contentDocument?.body && inner.matches(":focus-visible")) return false;
    } catch {
      /* cross-origin frame */
    }
  }
  return true;
}

function tabOfTerminal(tabs: Tabs, name: string): Tab | undefined {
  return tabs.all().find((tab) => tab.terminals.some((t) => t.name === name));
}

function createTab(tabs: Tabs, name: string, url: string, focus: boolean): void {
  if (!name) throw new Error("No dashboard name provided");
  if (tabs.find(name)) throw new Error("Dashboard already exists");
  const terminal = /^terminal:(.+)$/.exec(url);
  const config: TabConfig = terminal
    ? { id: slug(name) || name, label: name, kind: "terminal", terminals: [terminal[1]] }
    : { id: slug(name) || name, label: name, kind: "url", url };
  const tab = tabs.add(config, true);
  if (focus) tabs.select(tab.config.id, false);
}

/** The API the instructions iframe (and workshop scripts) call. */
export function dashboardApi(ws: Workspace): DashboardApi {
  const { tabs, terminals, session } = ws;
  const autostarted = new Set<string>();
  return {
    terminalNames: () => {
      const tab = tabs.find("terminal");
      const names = tab?.terminals.map((t) => t.name) ?? [];
      return names.length ? names : terminals.names();
    },
    exposeTerminal: (name, create = false) => {
      if (!terminals.find(name) && create && !tabs.find(`Terminal ${name}`))
        createTab(tabs, `Terminal ${name}`, `terminal:${name}`, true);
      const view = terminals.find(name);
      if (!view) return false;
      const tab = tabOfTerminal(tabs, name);
      if (tab) tabs.select(tab.config.id, false);
      view.start();
      ws.panes?.markActivity();
      if (mayFocusTerminal(ws)) view.focus();
      return true;
    },
    clearTerminal: (name) => terminals.named(name).forEach((v) => v.clear()),
    redrawTerminal: (name) => terminals.find(name)?.term?.input("\x0c", false),
    openDashboard: (name) => {
      const tab = tabs.find(name);
      if (!tab) throw new Error("Dashboard does not exist");
      tabs.select(tab.config.id, false);
    },
    createDashboard: (name, url, focus = true) => createTab(tabs, name, url, focus),
    deleteDashboard: (name) => {
      const tab = tabs.find(name);
      if (!tab) throw new Error("Dashboard does not exist");
      tabs.remove(tab.config.id);
    },
    reloadDashboard: (name, url, focus = true) => {
      const tab = tabs.find(name);
      if (!tab) return createTab(tabs, name, url ?? "about:blank", focus);
      if (tab.config.id === "terminal") terminals.reconnectAll();
      tabs.reload(tab, url);
      if (focus) tabs.select(tab.config.id, false);
    },
    finishedWorkshop: () => void session.finish(),
    terminateSession: () => void session.terminate(),
    collapseWorkshop: () => ws.split?.toggle(true),
    reloadWorkshop: () => ws.reloadInstructions(true),
    previewImage: (src, title) => {
      const { dialog, body } = session.dialogs.image;
      const img = $<HTMLImageElement>("img", "preview-image");
      img.src = src;
      img.alt = title;
      body.replaceChildren(img);
      dialog.querySelector("h2")!.textContent = title || "Image";
      void ask(dialog);
    },
    event: (name, data) => session.event(name, data),
    autostartOnce: (key) => {
      const storeKey = `lectern:autostart:${key}`;
      if (autostarted.has(key) || sessionStorage.getItem(storeKey)) return false;
      autostarted.add(key);
      sessionStorage.setItem(storeKey, "1");
      return true;
    },
    theme: () => ws.theme.current,
    editorAvailable: () => ws.config.features.editor,
    sessionOwner: () => ws.config.auth.owner ?? ws.config.auth.user ?? "",
    pageGate: (key, locked) => ws.navigation.setGate(key, locked),
  };
}

/** Host for messages (postMessage, broadcasts): same dispatcher as clickable actions. */
export function messageHost(api: DashboardApi): Host {
  return {
    dashboard: api,
    fetch: (input, init) => fetch(input, { credentials: "same-origin", ...init }),
    copy: (text) => navigator.clipboard.writeText(text),
    openWindow: (url) => void window.open(url, "_blank", "noopener"),
    download: () => undefined,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

/** Runs an {action, data} message from a broadcast or another frame (terminal:* and dashboard:* only). */
export function handleMessage(host: Host, message: unknown): void {
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

/** What `window.lectern` needs besides the API. */
export interface GlobalParts {
  config: DashboardConfig;
  api: DashboardApi;
  host: Host;
  terminals: TerminalViews;
  setTheme(theme: Theme): void;
  showPage(key: string): void;
}

/** Installs `window.lectern` and its educates-compatible alias `window.educates`. */
export function installGlobal({ config, api, host, terminals, setTheme, showPage }: GlobalParts): void {
  // `educates.dashboard` of the original (snake_case) beside lectern's own names, one object.
  const dashboard = {
    ...api,
    session_owner: () => api.sessionOwner(),
    expose_terminal: (name: string) => api.exposeTerminal(String(name)),
    expose_dashboard: (name: string) => api.openDashboard(name),
    create_dashboard: (name: string, url: string, focus = true) => api.createDashboard(name, url, focus),
    delete_dashboard: (name: string) => api.deleteDashboard(name),
    reload_dashboard: (name: string, url?: string, focus = true) => api.reloadDashboard(name, url, focus),
    collapse_workshop: () => api.collapseWorkshop(),
    reload_workshop: () => api.reloadWorkshop(),
    finished_workshop: () => api.finishedWorkshop(),
    terminate_session: () => api.terminateSession(),
    preview_image: (src: string, title: string) => api.previewImage(src, title),
  };
  const lectern = {
    version: 1,
    dashboard,
    config,
    /** The terminal's text: its whole buffer, or only the rows on screen when `visible`. */
    terminalText: (name: string, visible = false) => terminals.text(name, visible),
    /** Drops and re-opens every terminal connection (what a network blip does); replay resumes each. */
    reconnectTerminals: () => terminals.reconnectAll(true),
    setTheme,
    showPage,
    send: (message: unknown) => handleMessage(host, message),
    // educates-compatible names for workshop scripts written for the original dashboard.
    session_owner: dashboard.session_owner,
    expose_terminal: dashboard.expose_terminal,
    expose_dashboard: dashboard.expose_dashboard,
    create_dashboard: dashboard.create_dashboard,
    delete_dashboard: dashboard.delete_dashboard,
    reload_dashboard: dashboard.reload_dashboard,
    reload_workshop: dashboard.reload_workshop,
    collapse_workshop: dashboard.collapse_workshop,
    finished_workshop: dashboard.finished_workshop,
    terminate_session: dashboard.terminate_session,
    preview_image: dashboard.preview_image,
    terminals: {
      paste_to_terminal: (text: string, id = "1") => dispatch("terminal:input", { text, session: id, endl: false }, host),
      execute_in_terminal: (command: string, id = "1", clear = false) =>
        dispatch("terminal:execute", { command, session: id, clear }, host),
      execute_in_all_terminals: (command: string, clear = false) => dispatch("terminal:execute-all", { command, clear }, host),
      clear_terminal: (id = "1") => dispatch("terminal:clear", { session: id }, host),
      clear_all_terminals: () => dispatch("terminal:clear-all", {}, host),
      interrupt_terminal: (id = "1") => dispatch("terminal:interrupt", { session: id }, host),
      interrupt_all_terminals: () => dispatch("terminal:interrupt-all", {}, host),
      select_terminal: (id = "1") => api.exposeTerminal(String(id)),
      paste_to_all_terminals: (text: string) =>
        Promise.all(api.terminalNames().map((session) => dispatch("terminal:input", { text, session, endl: false }, host))),
      reconnect_terminal: () => api.reloadDashboard("terminal"),
    },
  };
  const global = window as unknown as Record<string, unknown>;
  global.lectern = lectern;
  global.educates = lectern;
}
