// The dashboard's top bar: instructions toggle, workshop title, the page navigation (built by
// navigation.ts), and the controls (countdown, theme, reload, terminate).

import type { DashboardConfig } from "../config";
import { $ } from "./dom";

/** What the header's buttons do. */
export interface HeaderActions {
  toggleInstructions(): void;
  extendSession(): void;
  toggleTheme(): void;
  /** Turns the terminals' screen-reader mode on or off; returns the new state. */
  toggleScreenReader(): boolean;
  /** Whether the screen-reader mode is on now. */
  screenReader(): boolean;
  /** The reload button; `shift` when Shift was held (reload the instructions instead of the tab). */
  reload(shift: boolean): void;
  terminate(): void;
}

/** The header element and the countdown button the session controls drive. */
export function buildHeader(
  config: DashboardConfig,
  withPane: boolean,
  nav: HTMLElement,
  actions: HeaderActions,
): { header: HTMLElement; countdown: HTMLButtonElement } {
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
    toggle.addEventListener("click", () => actions.toggleInstructions());
    header.append(toggle);
  }
  const title = $("h1", "workshop-title", config.workshop.title || "Workshop");
  if (config.workshop.description) title.title = config.workshop.description;
  header.append(title, nav);

  const controls = $("div", "controls");
  const countdown = $<HTMLButtonElement>("button", "button countdown");
  countdown.type = "button";
  countdown.hidden = true;
  countdown.addEventListener("click", () => actions.extendSession());
  const theme = $<HTMLButtonElement>("button", "icon-button");
  theme.type = "button";
  theme.id = "toggle-theme";
  theme.setAttribute("aria-label", "Switch between light and dark theme");
  theme.title = "Light / dark theme";
  theme.innerHTML = '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 1.5a6.5 6.5 0 1 0 0 13zM8 0a8 8 0 1 1 0 16A8 8 0 0 1 8 0"/></svg>';
  theme.addEventListener("click", () => actions.toggleTheme());
  const reader = $<HTMLButtonElement>("button", "icon-button");
  reader.type = "button";
  reader.id = "toggle-screen-reader";
  reader.setAttribute("aria-label", "Screen reader mode for terminals");
  reader.title = "Screen reader mode for terminals";
  reader.setAttribute("aria-pressed", String(actions.screenReader()));
  reader.innerHTML =
    '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 1.5A1.5 1.5 0 1 1 8 4.5 1.5 1.5 0 0 1 8 1.5zM2.5 5.5 8 6.5l5.5-1 .3 1.4-3.8.8v2.3l1.5 5.2-1.4.4L8.6 11h-1.2l-1.5 4.6-1.4-.4 1.5-5.2V7.7l-3.8-.8z"/></svg>';
  reader.addEventListener("click", () => reader.setAttribute("aria-pressed", String(actions.toggleScreenReader())));
  const refresh = $<HTMLButtonElement>("button", "icon-button");
  refresh.type = "button";
  refresh.setAttribute("aria-label", "Reload the current tab (Shift: reload the instructions)");
  refresh.title = "Reload tab (Shift: instructions)";
  refresh.innerHTML = '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M13.6 2.4v4h-4l1.6-1.6A4.5 4.5 0 1 0 12.5 8H14a6 6 0 1 1-1.7-4.3z"/></svg>';
  refresh.addEventListener("click", (event) => actions.reload(event.shiftKey));
  const terminate = $<HTMLButtonElement>("button", "button danger", "Terminate");
  terminate.type = "button";
  terminate.id = "terminate-session";
  terminate.hidden = !config.session.terminate;
  terminate.addEventListener("click", () => actions.terminate());
  controls.append(countdown, reader, theme, refresh, terminate);
  header.append(controls);
  return { header, countdown };
}
