// dashboard.js: the learner's dashboard. Reads /api/dashboard and builds the page: header, instructions
// pane, work-area tabs and terminals. The parts live in dashboard/: header.ts (top bar), navigation.ts
// (instructions iframe and page navigation), theme.ts, terminals.ts (terminal views), api.ts (the API
// the instructions iframe calls, `window.lectern` / `window.educates`, and server messages).

import "./styles/dashboard.css";
import { FALLBACK, type DashboardConfig } from "./config";
import { listen, loadOverrides } from "./events";
import type { SessionStatus } from "./api.generated";
import { SessionControls, showFinalPage } from "./layout/session";
import { PaneSwitcher } from "./layout/panes";
import { Split } from "./layout/split";
import { Tabs } from "./layout/tabs";
import { dashboardApi, handleMessage, installGlobal, messageHost, type Workspace } from "./dashboard/api";
import { $, getJson } from "./dashboard/dom";
import { buildHeader } from "./dashboard/header";
import { showStandaloneTerminal, standaloneTerminal } from "./dashboard/standalone";
import { Navigation } from "./dashboard/navigation";
import { TerminalViews } from "./dashboard/terminals";
import type { TerminalView } from "./terminal";
import { ThemeState } from "./dashboard/theme";

/** The dashboard page, built from its configuration. */
class Dashboard implements Workspace {
  readonly theme = new ThemeState();
  readonly terminals = new TerminalViews(this.theme);
  readonly tabs: Tabs;
  readonly navigation: Navigation;
  readonly session: SessionControls;
  split: Split | null = null;
  panes: PaneSwitcher | null = null;

  constructor(readonly config: DashboardConfig) {
    document.documentElement.setAttribute("data-theme", this.theme.current);
    document.title = config.workshop.title || "Workshop";
    const app = document.getElementById("app") ?? document.body.appendChild($("div"));
    app.replaceChildren();
    app.className = "app";
    const workshopLayout = config.layout.workshop || "default";
    const terminalLayout = config.layout.terminal || "default";
    const withPane = workshopLayout === "default" || workshopLayout === "left";
    const withInstructions = workshopLayout !== "none";

    let iframe: HTMLIFrameElement | null = null;
    if (withInstructions) {
      iframe = $<HTMLIFrameElement>("iframe", "instructions-frame");
      iframe.title = "Workshop instructions";
      iframe.name = "instructions";
    }
    this.navigation = new Navigation(iframe, {
      theme: () => this.theme.current,
      finish: () => void this.session.finish(),
      reveal: () => {
        if (this.split?.isCollapsed) this.split.toggle(false);
        if (this.panes && this.panes.current !== "instructions") this.panes.show("instructions");
      },
    });
    this.theme.follow((theme) => this.navigation.applyTheme(theme));
    const { header, countdown } = buildHeader(config, withPane, this.navigation.element, {
      toggleInstructions: () => this.split?.toggle(),
      extendSession: () => void this.session.extend(),
      toggleTheme: () => this.theme.toggle(),
      toggleScreenReader: () => {
        this.terminals.setScreenReader(!this.terminals.screenReader);
        return this.terminals.screenReader;
      },
      screenReader: () => this.terminals.screenReader,
      reload: (shift) => {
        if (shift) this.reloadInstructions(true);
        else {
          const tab = this.tabs.current();
          if (tab) this.tabs.reload(tab);
          this.terminals.reconnectAll();
        }
      },
      terminate: () => void this.session.terminate(),
    });
    app.append(header);

    const body = $("div", "dashboard");
    app.append(body);
    this.terminals.uploads = config.features.uploads;
    this.tabs = new Tabs((name) => this.terminals.make(name), terminalLayout);
    const work = $("main", "workarea");
    work.id = "workarea";
    work.setAttribute("aria-label", "Work area");
    const upper = $("div", "workarea-tabs");
    upper.append(this.tabs.list, this.tabs.panels);
    work.append(upper);
    const lowerViews: TerminalView[] = [];
    this.terminals.onScreen = () => [...(this.tabs.current()?.terminals ?? []), ...lowerViews];
    const keyBar = this.terminals.keyBar.element;
    const showKeyBar = () => (keyBar.hidden = this.terminals.onScreen().length === 0);
    this.tabs.onShow(showKeyBar);

    if (withPane && iframe) {
      const pane = $("aside", "instructions-pane");
      pane.id = "instructions-pane";
      pane.setAttribute("aria-label", "Instructions");
      pane.append(iframe);
      body.append(pane, work);
      this.split = new Split(body, pane, work, "Resize instructions");
      this.panes = new PaneSwitcher(
        body,
        this.tabs,
        () => this.split?.isCollapsed && this.split.toggle(false),
        () => this.terminals.fitAll(),
      );
      app.insertBefore(this.panes.element, body);
      this.split.onChange(() => {
        this.terminals.fitAll();
        document.getElementById("toggle-instructions")?.setAttribute("aria-expanded", String(!this.split?.isCollapsed));
      });
    } else {
      body.append(work);
    }
    if (workshopLayout === "tab" && iframe) {
      const tab = this.tabs.add({ id: "workshop", label: "Workshop", kind: "workshop" });
      tab.panel.append(iframe);
    }
    for (const tab of config.tabs) {
      if (terminalLayout === "none" && tab.id === "terminal") continue;
      this.tabs.add(tab);
    }
    void this.avoidUnavailableFirstTab();
    if (terminalLayout === "lower") {
      const lower = $("section", "workarea-lower terminal-stack");
      lower.setAttribute("aria-label", "Terminal");
      const view = this.terminals.make("1");
      lowerViews.push(view);
      lower.append(view.element);
      work.append(lower);
      work.classList.add("has-lower");
      requestAnimationFrame(() => view.start());
    }
    work.append(keyBar);
    showKeyBar();
    if (this.tabs.all().length === 0) {
      const empty = $("p", "empty-work", "Nothing to show here.");
      this.tabs.panels.append(empty);
    }
    this.session = new SessionControls(config, countdown);
    window.addEventListener("resize", () => this.terminals.fitAll());
  }

  /** The dashboard does not open on an editor or console that is not running: another tab is shown
   * (the unavailable one keeps its retrying "starting" panel for when the learner goes there). */
  private async avoidUnavailableFirstTab(): Promise<void> {
    const first = this.tabs.current();
    const url = first?.iframe?.dataset.src;
    if (!first || !url || !["editor", "console"].includes(first.config.kind)) return;
    const other = this.tabs.all().find((tab) => !["editor", "console"].includes(tab.config.kind));
    if (!other) return;
    const status = await fetch(url, { method: "HEAD", headers: { accept: "text/html" } }).then(
      (r) => r.status,
      () => 502,
    );
    if (status >= 502 && status <= 504 && this.tabs.current() === first) this.tabs.select(other.config.id, false);
  }

  reloadInstructions(keepScroll: boolean): void {
    this.navigation.reload(keepScroll);
  }
}

async function main(): Promise<void> {
  const [loaded, status] = await Promise.all([
    getJson<DashboardConfig>("/api/dashboard"),
    getJson<SessionStatus>("/session/status"),
  ]);
  if (status?.ended) {
    // The session ended before this page loaded: nothing to start, only the final page.
    showFinalPage(status.ended);
    document.documentElement.setAttribute("data-ready", "true");
    return;
  }
  const config = loaded ?? FALLBACK;
  const standalone = standaloneTerminal(location.pathname);
  if (standalone) {
    showStandaloneTerminal(standalone, config.features.uploads);
    document.documentElement.setAttribute("data-ready", "true");
    return;
  }
  const dashboard = new Dashboard(config);
  dashboard.session.onEnded = () => {
    for (const name of dashboard.terminals.names()) dashboard.terminals.named(name).forEach((view) => view.dispose());
  };
  if (status) dashboard.session.applyStatus(status);
  const api = dashboardApi(dashboard);
  const host = messageHost(api);
  installGlobal({
    config,
    api,
    host,
    terminals: dashboard.terminals,
    setTheme: (theme) => dashboard.theme.set(theme),
    showPage: (key) => dashboard.navigation.showPage(key),
  });
  listen({
    contentChanged: (pages) => void dashboard.navigation.contentChanged(pages),
    message: (message) => handleMessage(host, message),
    trustedOrigins: () => [config.layout.instructions, ...dashboard.tabs.all().map((tab) => tab.iframe?.dataset.src)],
    session: (status) => dashboard.session.applyStatus(status),
    serverClosing: (closing) => dashboard.session.serverClosing(closing.reason),
    serverBack: () => {
      void dashboard.session.loadStatus();
      dashboard.navigation.recover();
      dashboard.terminals.reconnectAll();
    },
  });
  // The original shows the countdown (and reads the portal's schedule) only with ENABLE_COUNTDOWN.
  if (config.session.countdown) dashboard.session.startCountdown();
  loadOverrides(config.overrides);
  await dashboard.navigation.load(config.layout.instructions);
  document.documentElement.setAttribute("data-ready", "true");
}

void main();
