// The instructions iframe and its navigation: the page list from /api/workshop, previous / next / page
// select, the page shown (remembered for this browser session), reloads that keep the scroll position,
// and content-change events from the server.

import { checksPassed } from "../actions/gate";
import type { PageEntry, WorkshopIndex } from "../config";
import { $, getJson } from "./dom";
import type { Theme } from "./theme";

/** What navigation needs from the rest of the dashboard. */
export interface NavigationHooks {
  /** The theme the instructions page should show. */
  theme(): Theme;
  /** Next on the last page: finish the workshop. */
  finish(): void;
  /** Make the instructions pane visible (before reloading it or showing another page). */
  reveal(): void;
}

/** The instructions iframe (null when the layout has none) and the page navigation in the header. */
export class Navigation {
  /** The `<nav>` element for the header. */
  readonly element: HTMLElement;
  private readonly prev: HTMLButtonElement;
  private readonly next: HTMLButtonElement;
  private readonly select: HTMLSelectElement;
  /** "3 / 14": where the learner is (the select's text is cut short on phones). */
  private readonly progress: HTMLElement;
  /** Index of the page shown last, so a page that disappears is replaced by its nearest neighbour. */
  private lastIndex = 0;
  private pages: PageEntry[] = [];
  private currentKey: string | null = null;
  /** The page last asked for; shown again when the server is back after a failed load. */
  private wantedKey: string | null = null;
  /** The iframe holds something other than a lectern page (the browser's error page while the server was down). */
  private failed = false;
  private pendingScroll: number | null = null;
  /** Pages whose gate the instructions reported: true while Next waits for their checks. */
  private readonly gates = new Map<string, boolean>();

  constructor(
    readonly iframe: HTMLIFrameElement | null,
    private readonly hooks: NavigationHooks,
  ) {
    const nav = $("nav", "page-nav");
    nav.setAttribute("aria-label", "Pages");
    this.prev = $<HTMLButtonElement>("button", "button", "‹ Previous");
    this.prev.type = "button";
    this.select = $<HTMLSelectElement>("select", "page-select");
    this.select.setAttribute("aria-label", "Go to page");
    this.next = $<HTMLButtonElement>("button", "button next-button", "Next ›");
    this.next.type = "button";
    this.prev.classList.add("prev-button");
    this.progress = $("span", "page-progress");
    this.progress.setAttribute("aria-hidden", "true"); // the select says the same to screen readers
    this.prev.addEventListener("click", () => this.step(-1));
    this.next.addEventListener("click", () => this.step(1));
    this.select.addEventListener("change", () => this.showPage(this.select.value));
    nav.append(this.prev, this.select, this.progress, this.next);
    nav.hidden = iframe === null;
    this.element = nav;
    iframe?.addEventListener("load", () => this.onLoad());
  }

  /**
   * Reads the page list and shows the remembered page (else the first). With `elsewhere` (instructions
   * served from another site or a proxied doc server, `layout.instructions`) the pane shows that page and
   * the page navigation is that site's own.
   */
  async load(elsewhere?: string): Promise<void> {
    if (!this.iframe) return;
    if (elsewhere) {
      this.element.hidden = true;
      this.iframe.src = elsewhere;
      return;
    }
    const index = await getJson<WorkshopIndex>("/api/workshop");
    this.pages = index?.pages ?? [];
    this.fillSelect();
    const saved = sessionStorage.getItem("lectern:page");
    const first = this.pages.find((p) => p.key === saved)?.key ?? index?.first ?? this.pages[0]?.key;
    if (saved && first !== saved) this.lastIndex = 0;
    if (first) this.showPage(first);
    else {
      this.iframe.srcdoc =
        '<p style="font:15px system-ui;padding:1rem">The instructions could not be loaded. Try reloading the page.</p>';
    }
  }

  /** Navigates the instructions to page `key`. */
  showPage(key: string): void {
    if (!this.iframe) return;
    this.hooks.reveal();
    this.wantedKey = key;
    this.iframe.removeAttribute("srcdoc");
    this.iframe.src = `/workshop/content/${key.split("/").map(encodeURIComponent).join("/")}`;
  }

  /** The server is back: a page that failed to load while it was away is loaded again. */
  recover(): void {
    const key = this.wantedKey ?? this.currentKey;
    if (this.failed && key) this.showPage(key);
  }

  /** Reloads the instructions iframe, keeping its scroll position when `keepScroll`. */
  reload(keepScroll: boolean): void {
    if (!this.iframe) return;
    this.hooks.reveal();
    try {
      this.pendingScroll = keepScroll ? (this.iframe.contentWindow?.scrollY ?? 0) : null;
      this.iframe.contentWindow?.location.reload();
    } catch {
      // Another origin (instructions from elsewhere) or the browser's error page: load it again.
      if (this.currentKey) this.showPage(this.currentKey);
      else this.iframe.src = this.iframe.src;
    }
  }

  /** The server changed `pages` (none listed: everything): refresh the list, reload the page if it changed. */
  async contentChanged(pages: string[]): Promise<void> {
    const index = await getJson<WorkshopIndex>("/api/workshop");
    if (index) {
      this.pages = index.pages;
      this.fillSelect();
    }
    // The page shown was deleted or renamed: show its nearest neighbour instead of a "not found" page.
    if (index && this.currentKey !== null && !this.pages.some((p) => p.key === this.currentKey)) {
      const nearest = this.nearest();
      if (nearest) return this.showPage(nearest);
    }
    if (pages.length === 0 || (this.currentKey !== null && pages.includes(this.currentKey))) this.reload(true);
  }

  /** The page `key` holds Next back until its checks pass (`locked`), or lets the learner go on. */
  setGate(key: string, locked: boolean): void {
    this.gates.set(key, locked);
    this.update();
  }

  /** Whether the learner may not go past page `page` yet. */
  private held(page: PageEntry): boolean {
    const reported = this.gates.get(page.key);
    if (reported !== undefined) return reported;
    return page.require_checks === true && !checksPassed(page.key);
  }

  /** Shows the instructions in `theme` (called as the theme changes). */
  applyTheme(theme: Theme): void {
    try {
      this.iframe?.contentDocument?.documentElement.setAttribute("data-theme", theme);
    } catch {
      /* cross-origin */
    }
  }

  private fillSelect(): void {
    this.select.replaceChildren();
    this.pages.forEach((page, i) => {
      const option = $<HTMLOptionElement>("option", "", `${i + 1}. ${page.title}`);
      option.value = page.key;
      this.select.append(option);
    });
    this.update();
  }

  /** The page at the index shown last (or the last page when the workshop got shorter). */
  private nearest(): string | undefined {
    return this.pages[Math.min(this.lastIndex, this.pages.length - 1)]?.key;
  }

  private step(delta: number): void {
    const page = this.pages.find((p) => p.key === this.currentKey);
    if (!page) {
      // Not a page of the workshop (it went away): Previous/Next lead to the pages around where it was.
      const target = this.pages[Math.max(0, Math.min(this.pages.length - 1, this.lastIndex + (delta < 0 ? -1 : 0)))];
      if (target) this.showPage(target.key);
      return;
    }
    if (delta > 0 && this.held(page)) return;
    const target = delta < 0 ? page.prev : page.next;
    if (target) this.showPage(target);
    else if (delta > 0 && !page.next) this.hooks.finish();
  }

  private update(): void {
    const index = this.pages.findIndex((p) => p.key === this.currentKey);
    const page = this.pages[index];
    if (page) this.lastIndex = index;
    const lost = !page && this.pages.length > 0;
    this.prev.disabled = page ? !page.prev : !lost || this.lastIndex === 0;
    const held = page !== undefined && this.held(page);
    this.next.disabled = (!page && !lost) || held;
    this.next.title = held ? "Pass this page's check first" : "";
    this.next.textContent = page && !page.next ? "Finish" : "Next ›";
    // Pages after one whose checks have not passed cannot be chosen either.
    const firstHeld = this.pages.findIndex((p) => p.key !== this.currentKey && this.held(p));
    const current = this.pages.findIndex((p) => p.key === this.currentKey);
    const stop = [firstHeld, held ? current : -1].filter((i) => i >= 0);
    const limit = stop.length ? Math.min(...stop) : Infinity;
    Array.from(this.select.options).forEach((option, i) => (option.disabled = i > limit));
    if (page) this.select.value = page.key;
    else this.select.selectedIndex = -1;
    this.select.disabled = this.pages.length === 0;
    this.progress.textContent = this.pages.length ? `${page ? index + 1 : "–"} / ${this.pages.length}` : "";
  }

  private onLoad(): void {
    const frame = this.iframe;
    if (!frame) return;
    try {
      const path = frame.contentWindow?.location.pathname ?? "";
      const match = /^\/workshop\/content\/(.+?)\/?$/.exec(path);
      // The browser's own error page (server unreachable) is cross-origin: reading it throws below.
      this.failed = !match && !frame.hasAttribute("srcdoc");
      if (match) {
        this.currentKey = decodeURIComponent(match[1]);
        sessionStorage.setItem("lectern:page", this.currentKey);
      }
      const doc = frame.contentDocument;
      doc?.documentElement.setAttribute("data-theme", this.hooks.theme());
      if (this.pendingScroll !== null) frame.contentWindow?.scrollTo(0, this.pendingScroll);
    } catch {
      // Cross-origin: the browser's error page after a failed load (or a foreign page).
      this.failed = true;
    }
    this.pendingScroll = null;
    this.update();
  }
}
