// Keyboard help around the terminals, kept outside terminal.ts: a way out of a terminal for keyboard users
// (Escape, then Tab or Shift+Tab, moves the focus on instead of typing a tab) and, on touch screens, the
// on-screen key bar with the keys a phone keyboard lacks (Esc, Tab, Ctrl, Alt, arrows, | ~ /).

import type { TerminalView } from "../terminal";

/** Bytes a key of the bar sends. Arrows take Alt as an ESC prefix like xterm does. */
export const KEYBAR: Array<{ label: string; name: string; bytes?: string }> = [
  { label: "Esc", name: "Escape", bytes: "\x1b" },
  { label: "Tab", name: "Tab", bytes: "\t" },
  { label: "Ctrl", name: "Control" },
  { label: "Alt", name: "Alt" },
  { label: "←", name: "Left", bytes: "\x1b[D" },
  { label: "↑", name: "Up", bytes: "\x1b[A" },
  { label: "↓", name: "Down", bytes: "\x1b[B" },
  { label: "→", name: "Right", bytes: "\x1b[C" },
  { label: "|", name: "Pipe", bytes: "|" },
  { label: "~", name: "Tilde", bytes: "~" },
  { label: "/", name: "Slash", bytes: "/" },
];

/** What `key` sends with Ctrl held: the C0 control for letters and @[\]^_, else the key itself. */
export function withCtrl(key: string): string {
  if (key.length !== 1) return key;
  const code = key.toUpperCase().charCodeAt(0);
  if (code >= 64 && code <= 95) return String.fromCharCode(code - 64);
  if (key === "?") return "\x7f";
  if (key === " ") return "\x00";
  return key;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), iframe, [tabindex]:not([tabindex="-1"])';

/** Moves the focus to the next (or previous) focusable element after `from` in the dashboard. */
function moveFocus(from: Element, backwards: boolean): void {
  const all = [...document.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => (el.offsetWidth > 0 || el.offsetHeight > 0) && !el.closest(".xterm") && !el.closest("[hidden]"),
  );
  const after = all.filter((el) => from.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  const before = all.filter((el) => from.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
  const target = backwards ? before[before.length - 1] : after[0];
  (target ?? (backwards ? all[all.length - 1] : all[0]))?.focus();
}

/** Escape then Tab leaves the terminal (Escape itself still reaches the program, e.g. vi). */
export function keyboardExit(view: TerminalView): void {
  let escaped = false;
  view.element.addEventListener(
    "keydown",
    (event) => {
      if (!(event.target instanceof HTMLElement) || !event.target.closest(".xterm")) return;
      if (event.key === "Tab" && escaped && !event.ctrlKey && !event.altKey && !event.metaKey) {
        event.preventDefault();
        event.stopPropagation();
        escaped = false;
        moveFocus(view.element, event.shiftKey);
        return;
      }
      if (event.key !== "Shift") escaped = event.key === "Escape";
    },
    true,
  );
  view.element.addEventListener("focusout", () => (escaped = false));
}

/** The on-screen key bar under the work area, acting on the terminal `target()` returns. */
export class KeyBar {
  readonly element: HTMLElement;
  private ctrl = false;
  private alt = false;
  private readonly buttons = new Map<string, HTMLButtonElement>();

  constructor(private readonly target: () => TerminalView | undefined) {
    this.element = document.createElement("div");
    this.element.className = "key-bar";
    this.element.setAttribute("role", "toolbar");
    this.element.setAttribute("aria-label", "Terminal keys");
    for (const key of KEYBAR) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "key-bar-key";
      button.textContent = key.label;
      button.dataset.key = key.name;
      if (!key.bytes) button.setAttribute("aria-pressed", "false");
      else if (!/^[A-Za-z]+$/.test(key.label)) button.setAttribute("aria-label", key.name);
      // Keep the focus (and the phone's keyboard) in the terminal.
      button.addEventListener("pointerdown", (event) => event.preventDefault());
      button.addEventListener("click", () => this.press(key.name, key.bytes));
      this.buttons.set(key.name, button);
      this.element.append(button);
    }
  }

  /** Lets typed keys take the sticky Ctrl/Alt of the bar (a phone keyboard has neither). */
  watch(view: TerminalView): void {
    const typed = (event: Event, key: string | null | undefined): void => {
      if ((!this.ctrl && !this.alt) || !key || key.length !== 1) return;
      event.preventDefault();
      event.stopPropagation();
      this.send(view, key);
    };
    view.element.addEventListener(
      "keydown",
      (event) => {
        if (!event.ctrlKey && !event.altKey && !event.metaKey) typed(event, event.key);
      },
      true,
    );
    view.element.addEventListener("beforeinput", (event) => typed(event, event.data), true);
  }

  private press(name: string, bytes: string | undefined): void {
    const view = this.target();
    if (name === "Control" || name === "Alt") {
      if (name === "Control") this.ctrl = !this.ctrl;
      else this.alt = !this.alt;
      this.sync();
      return;
    }
    if (view && bytes) this.send(view, bytes);
  }

  private send(view: TerminalView, key: string): void {
    let bytes = this.ctrl ? withCtrl(key) : key;
    if (this.alt) bytes = `\x1b${bytes}`;
    this.ctrl = false;
    this.alt = false;
    this.sync();
    view.term?.input(bytes, true);
  }

  private sync(): void {
    this.buttons.get("Control")?.setAttribute("aria-pressed", String(this.ctrl));
    this.buttons.get("Alt")?.setAttribute("aria-pressed", String(this.alt));
  }
}
