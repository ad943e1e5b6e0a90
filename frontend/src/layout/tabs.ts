// The work-area tabs (ARIA tabs pattern: roving tabindex, arrow keys, Home/End). Terminal tabs hold one or
// more TerminalViews; other tabs hold an iframe loaded on first show. Tabs created at run time can be closed.

import type { TabConfig } from "../config";
import { slug } from "../actions/catalogue";
import { TerminalView } from "../terminal";
import { FileBrowser } from "../files";

/** One tab and its panel. */
export interface Tab {
  config: TabConfig;
  button: HTMLButtonElement;
  panel: HTMLElement;
  transient: boolean;
  terminals: TerminalView[];
  iframe?: HTMLIFrameElement;
  /** The Files tab's browser (kind `files`). */
  files?: FileBrowser;
}

/** Terminal split sizes (flex-grow) by layout. */
const SPLITS: Record<string, number[]> = { split: [60, 40], "split/2": [50, 25, 25] };

/** The tab strip and panels of the work area. */
export class Tabs {
  readonly list: HTMLElement;
  readonly panels: HTMLElement;
  private readonly tabs: Tab[] = [];
  private active: Tab | null = null;
  private readonly listeners: Array<(tab: Tab) => void> = [];

  constructor(
    private readonly makeTerminal: (name: string) => TerminalView,
    private readonly terminalLayout: string,
  ) {
    this.list = document.createElement("div");
    this.list.className = "tab-list";
    this.list.setAttribute("role", "tablist");
    this.list.setAttribute("aria-label", "Work area");
    this.panels = document.createElement("div");
    this.panels.className = "tab-panels";
    this.list.addEventListener("keydown", (event) => this.onKey(event));
  }

  /** Called whenever a tab is shown. */
  onShow(listener: (tab: Tab) => void): void {
    this.listeners.push(listener);
  }

  /** All tabs in order. */
  all(): Tab[] {
    return [...this.tabs];
  }

  /** The shown tab. */
  current(): Tab | null {
    return this.active;
  }

  /** Finds a tab by id, label or slug of the label (case-insensitive). */
  find(name: string): Tab | undefined {
    const id = slug(name);
    return this.tabs.find((t) => t.config.id === name || t.config.id === id || t.config.label.toLowerCase() === name.toLowerCase());
  }

  /** Adds a tab; `transient` tabs get a close button. */
  add(config: TabConfig, transient = false): Tab {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "tab";
    button.id = `tab-${config.id}`;
    button.setAttribute("role", "tab");
    button.setAttribute("aria-selected", "false");
    button.setAttribute("aria-controls", `panel-${config.id}`);
    button.tabIndex = -1;
    button.dataset.tab = config.id;
    const label = document.createElement("span");
    label.textContent = config.label;
    button.append(label);
    const panel = document.createElement("div");
    panel.className = `tab-panel tab-panel-${config.kind}`;
    panel.id = `panel-${config.id}`;
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", button.id);
    panel.hidden = true;
    const tab: Tab = { config, button, panel, transient, terminals: [] };
    if (config.kind === "terminal") {
      const names = config.terminals?.length ? config.terminals : ["1"];
      const sizes = config.id === "terminal" ? SPLITS[this.terminalLayout] : undefined;
      panel.classList.add("terminal-stack");
      names.forEach((name, i) => {
        const view = this.makeTerminal(name);
        view.element.style.flexGrow = String(sizes?.[i] ?? 1);
        panel.append(view.element);
        tab.terminals.push(view);
      });
    } else if (config.kind === "files") {
      tab.files = new FileBrowser();
      panel.append(tab.files.element);
    } else if (config.kind !== "workshop") {
      const iframe = document.createElement("iframe");
      iframe.title = config.label;
      iframe.dataset.src = config.url ?? "about:blank";
      iframe.setAttribute("allow", "clipboard-read; clipboard-write; fullscreen");
      panel.append(iframe);
      tab.iframe = iframe;
    }
    button.addEventListener("click", () => this.select(tab.config.id, true));
    if (transient) {
      const close = document.createElement("span");
      close.className = "tab-close";
      close.setAttribute("role", "button");
      close.setAttribute("aria-label", `Close ${config.label}`);
      close.title = `Close ${config.label}`;
      close.textContent = "×";
      close.addEventListener("click", (event) => {
        event.stopPropagation();
        this.remove(config.id);
      });
      button.append(close);
      button.dataset.transient = "true";
    }
    this.list.append(button);
    this.panels.append(panel);
    this.tabs.push(tab);
    if (!this.active) this.select(config.id, false);
    return tab;
  }

  /** Shows a tab; `focus` moves keyboard focus to it. */
  select(id: string, focus: boolean): Tab | undefined {
    const tab = this.tabs.find((t) => t.config.id === id);
    if (!tab) return undefined;
    for (const other of this.tabs) {
      const on = other === tab;
      other.button.setAttribute("aria-selected", String(on));
      other.button.tabIndex = on ? 0 : -1;
      other.panel.hidden = !on;
    }
    this.active = tab;
    if (tab.iframe && !tab.iframe.src) tab.iframe.src = tab.iframe.dataset.src ?? "about:blank";
    for (const view of tab.terminals) view.start();
    tab.files?.show();
    requestAnimationFrame(() => tab.terminals.forEach((v) => v.resize()));
    if (focus) tab.button.focus();
    for (const listener of this.listeners) listener(tab);
    return tab;
  }

  /** Removes a transient tab (its terminals' shells keep running on the server). */
  remove(id: string): void {
    const index = this.tabs.findIndex((t) => t.config.id === id);
    if (index < 0) throw new Error("Dashboard does not exist");
    const tab = this.tabs[index];
    if (!tab.transient) throw new Error("Dashboard cannot be deleted");
    tab.terminals.forEach((v) => v.dispose());
    tab.button.remove();
    tab.panel.remove();
    this.tabs.splice(index, 1);
    if (this.active === tab) {
      this.active = null;
      const next = this.tabs[Math.max(0, index - 1)];
      if (next) this.select(next.config.id, false);
    }
  }

  /** Reloads a tab: reconnects its terminals, or reloads its iframe (at `url` when given). */
  reload(tab: Tab, url?: string): void {
    tab.terminals.forEach((v) => v.reconnect());
    if (tab.files) void tab.files.load(tab.files.path);
    if (tab.iframe) {
      if (url) tab.iframe.dataset.src = url;
      tab.iframe.src = "about:blank";
      tab.iframe.src = tab.iframe.dataset.src ?? "about:blank";
    }
  }

  private onKey(event: KeyboardEvent): void {
    const index = this.tabs.findIndex((t) => t.button === document.activeElement);
    if (index < 0) return;
    let next = index;
    if (event.key === "ArrowRight") next = (index + 1) % this.tabs.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + this.tabs.length) % this.tabs.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = this.tabs.length - 1;
    else if (event.key === "Delete" && this.tabs[index].transient) {
      this.remove(this.tabs[index].config.id);
      this.active?.button.focus();
      event.preventDefault();
      return;
    } else return;
    event.preventDefault();
    this.select(this.tabs[next].config.id, true);
  }
}
