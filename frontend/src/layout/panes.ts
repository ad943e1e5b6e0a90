// The phone layout's pane switcher. Below NARROW_PX the instructions pane and the work area cannot sit
// side by side, so one of them fills the screen and a row of buttons switches: "Instructions", then one
// button per work-area tab (mirrored from the tab strip, which hides on phones). Running an action from
// the instructions keeps them on screen and marks the tab that got output, so the learner reads on and
// looks when they want; Next/Previous bring the instructions back.

import type { Tabs } from "./tabs";

/** Width (CSS px) below which the dashboard shows one pane at a time. */
export const NARROW_PX = 700;

/** Which pane a phone shows. */
export type Pane = "instructions" | "work";

/** The switcher row and the pane state it drives (`data-pane` on the dashboard body). */
export class PaneSwitcher {
  readonly element: HTMLElement;
  private readonly media: MediaQueryList;
  private pane: Pane = "instructions";
  private readonly instructionsButton: HTMLButtonElement;

  constructor(
    private readonly body: HTMLElement,
    private readonly tabs: Tabs,
    /** Makes the instructions pane visible (it may be collapsed by the split). */
    private readonly revealInstructions: () => void,
    /** Called after the visible pane changed (terminals refit). */
    private readonly changed: () => void,
  ) {
    this.element = document.createElement("nav");
    this.element.className = "pane-switcher";
    this.element.setAttribute("aria-label", "Show");
    this.instructionsButton = this.button("Instructions", () => this.show("instructions"));
    this.instructionsButton.dataset.pane = "instructions";
    this.media = window.matchMedia(`(max-width: ${NARROW_PX - 0.02}px)`);
    this.media.addEventListener("change", () => this.apply());
    // The tab strip is the one truth about tabs: follow it (tabs added, removed, selected).
    new MutationObserver(() => this.render()).observe(tabs.list, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["aria-selected"],
    });
    this.render();
    this.apply();
  }

  /** True when the layout shows one pane at a time. */
  get narrow(): boolean {
    return this.media.matches;
  }

  /** The pane a phone shows. */
  get current(): Pane {
    return this.pane;
  }

  /** Shows `pane` (on a phone; on wider screens both are visible and only the state is kept). */
  show(pane: Pane): void {
    if (pane === "instructions") this.revealInstructions();
    this.pane = pane;
    if (pane === "work") this.tabs.current()?.button.removeAttribute("data-activity");
    this.apply();
    this.render();
  }

  /** A tab got output the learner has not looked at (an action ran while the instructions were shown). */
  markActivity(): void {
    if (!this.narrow || this.pane === "work") return;
    this.tabs.current()?.button.setAttribute("data-activity", "true");
    this.render();
  }

  private apply(): void {
    this.body.dataset.pane = this.pane;
    this.changed();
  }

  private render(): void {
    const active = this.tabs.current();
    const buttons = [this.instructionsButton];
    this.instructionsButton.setAttribute("aria-pressed", String(this.pane === "instructions"));
    for (const tab of this.tabs.all()) {
      const label = tab.button.querySelector("span")?.textContent ?? tab.config.label;
      const button = this.button(label, () => {
        this.tabs.select(tab.config.id, false);
        this.show("work");
      });
      button.dataset.tab = tab.config.id;
      button.setAttribute("aria-pressed", String(this.pane === "work" && tab === active));
      if (tab.button.dataset.activity) {
        button.dataset.activity = "true";
        button.setAttribute("aria-label", `${label} (new output)`);
      }
      buttons.push(button);
    }
    const focused = (document.activeElement as HTMLElement | null)?.dataset;
    const refocus = focused && this.element.contains(document.activeElement) ? (focused.tab ?? focused.pane) : null;
    this.element.replaceChildren(...buttons);
    if (refocus)
      buttons.find((b) => b.dataset.tab === refocus || b.dataset.pane === refocus)?.focus({ preventScroll: true });
  }

  private button(label: string, onClick: () => void): HTMLButtonElement {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "pane-button";
    button.textContent = label;
    button.addEventListener("click", onClick);
    return button;
  }
}
