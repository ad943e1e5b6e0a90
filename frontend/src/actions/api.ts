// The cross-frame API the dashboard exposes as `window.lectern` (alias `window.educates`), as seen by the
// instructions page. Kept in one interface so the dispatcher can be unit-tested against a fake.

import type { SessionEventName } from "../api.generated";

/** What the dashboard page offers to the instructions iframe. */
export interface DashboardApi {
  /** Names of the terminals shown in the dashboard's Terminal tab (e.g. ["1","2"]). */
  terminalNames(): string[];
  /** Shows the tab holding terminal `name` and focuses it; false when no such terminal is on screen. With
   * `create`, a terminal the layout does not show gets a tab of its own (its command must not run unseen). */
  exposeTerminal(name: string, create?: boolean): boolean;
  /** Clears the local view of terminal `name` (scrollback included). */
  clearTerminal(name: string): void;
  /** Asks the program in terminal `name` to redraw (Ctrl-L: a shell prints its prompt again after a clear). */
  redrawTerminal?(name: string): void;
  /** Shows the tab `name` (label or id); throws "Dashboard does not exist". */
  openDashboard(name: string): void;
  /** Adds a transient tab; throws "Dashboard already exists". */
  createDashboard(name: string, url: string, focus?: boolean): void;
  /** Removes a transient tab; throws if it is missing or static. */
  deleteDashboard(name: string): void;
  /** Reloads (or creates) a tab, optionally at a new URL. */
  reloadDashboard(name: string, url?: string, focus?: boolean): void;
  /** Opens the finish-workshop dialog. */
  finishedWorkshop(): void;
  /** Opens the terminate-session dialog. */
  terminateSession(): void;
  /** Collapses the instructions pane. */
  collapseWorkshop(): void;
  /** Reloads the instructions iframe. */
  reloadWorkshop(): void;
  /** Shows an image in the preview dialog. */
  previewImage(src: string, title: string): void;
  /** Records an analytics event (best effort). */
  event(name: SessionEventName, data: Record<string, unknown>): void;
  /** True the first time `key` is asked for in this browser session: autostart runs once per session. */
  autostartOnce(key: string): boolean;
  /** Current theme. */
  theme(): "light" | "dark";
  /** Editor tab URL when the editor is enabled. */
  editorAvailable(): boolean;
  /** Who is logged in to the session (the original's `session_owner()`), or "" when unknown. */
  sessionOwner(): string;
  /** The page `key` holds Next back until its checks pass (`locked`), or lets the learner go on. */
  pageGate(key: string, locked: boolean): void;
}

/** Effects the dispatcher needs besides the dashboard: network, clipboard, windows, time. */
export interface Host {
  /** The dashboard API, or null when the page is shown on its own. */
  dashboard: DashboardApi | null;
  /** fetch() (same origin). */
  fetch(input: string, init?: RequestInit): Promise<Response>;
  /** Writes text to the clipboard. */
  copy(text: string): Promise<void>;
  /** Opens a URL in a new browser tab. */
  openWindow(url: string): void;
  /** Saves `href` (a URL or blob URL) as `filename`. */
  download(href: string, filename: string): void;
  /** Waits `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}
