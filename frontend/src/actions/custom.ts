// Custom actions a workshop registers from its scripts with `educates.register_action(options)`, as in
// the original: every code block whose language (Markdown) or role (AsciiDoc) is the action's name becomes
// an action block that works like the built-in ones — click, keyboard, Shift+click copy, cooldown, cascade,
// autostart, hidden, sections — and runs the workshop's `handler(args, element, done, fail)`.

import type { Args } from "./catalogue";
import { registerKind } from "./catalogue";

/** The options of `register_action` (the original's names and defaults). */
export interface CustomOptions {
  name?: string;
  glyph?: string;
  /** How the block's text becomes `args`: "text" (default), "yaml", "json" or a function of the text. */
  args?: "text" | "yaml" | "json" | ((text: string) => unknown);
  title?: string | ((args: unknown) => string);
  body?: string | ((args: unknown) => string | ((set: (text: string) => void) => void));
  handler?: (args: unknown, element: HTMLElement, done: () => void, fail: (error?: unknown) => void) => void;
  waiting?: string;
  spinner?: boolean;
  success?: string;
  failure?: string;
  setup?: (args: unknown, element: HTMLElement) => void;
  trigger?: (args: unknown, element: HTMLElement) => void;
  finish?: (args: unknown, element: HTMLElement, error?: unknown) => void;
  pause?: number;
  cooldown?: number;
}

type Resolved = Required<Omit<CustomOptions, "args" | "body" | "waiting" | "success" | "failure">> &
  Pick<CustomOptions, "args" | "body" | "waiting" | "success" | "failure">;

const DEFAULTS: Resolved = {
  name: "",
  glyph: "fa-bug",
  title: "Action: Invalid action definition",
  handler: (_args, _element, _done, fail) => fail("Invalid action definition"),
  spinner: false,
  setup: () => undefined,
  trigger: () => undefined,
  finish: () => undefined,
  pause: 750,
  cooldown: 1,
};

const registry = new Map<string, Resolved>();
/** The parsed arguments of each custom block (what the handler gets: text, or the parsed body). */
const handlerArgs = new WeakMap<HTMLElement, unknown>();

/** The registered custom action named `type`. */
export function customAction(type: string): Resolved | undefined {
  return registry.get(type);
}

/** What a page offers to adopt converted blocks (blocks.ts). */
export interface Adopter {
  adopt(el: HTMLElement, replaced: HTMLElement): void;
}

/** A minimal YAML reader for flat `key: value` bodies (names without a server-parsed body). */
function flatYaml(text: string): Args {
  const out: Args = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z0-9_-]+)\s*:\s*(.*)$/.exec(line.trim());
    if (!match) continue;
    let value: unknown = match[2].trim();
    const quoted = /^(["'])(.*)\1$/.exec(value as string);
    if (quoted) value = quoted[2];
    else if (/^(true|false)$/i.test(value as string)) value = (value as string).toLowerCase() === "true";
    else if (value !== "" && !Number.isNaN(Number(value))) value = Number(value);
    out[match[1]] = value;
  }
  return out;
}

function parseArgs(kind: CustomOptions["args"], text: string, serverYaml: string | null): unknown {
  if (kind === "json") return JSON.parse(text.trim() || "{}");
  if (kind === "yaml") return serverYaml ? JSON.parse(serverYaml) : flatYaml(text);
  if (typeof kind === "function") return kind(text);
  return text;
}

/** The code elements that name `name`: Markdown `code.language-NAME`, AsciiDoc `.listingblock.NAME`. */
function targets(doc: Document, name: string): Array<{ code: HTMLElement; root: HTMLElement; yaml: string | null }> {
  const escaped = CSS.escape(name);
  const found: Array<{ code: HTMLElement; root: HTMLElement; yaml: string | null }> = [];
  for (const code of Array.from(doc.querySelectorAll<HTMLElement>(`code.language-${escaped}`))) {
    const pre = code.parentElement;
    if (!pre || pre.closest(".lectern-action")) continue;
    found.push({ code, root: pre, yaml: pre.getAttribute("data-action-yaml") });
  }
  for (const root of Array.from(doc.querySelectorAll<HTMLElement>(`.listingblock.${escaped}`))) {
    const code = root.querySelector<HTMLElement>(".content pre");
    if (code && !root.closest(".lectern-action")) found.push({ code, root, yaml: null });
  }
  return found;
}

/** Registers a custom action and turns the page's blocks of that name into action blocks. */
export function registerAction(options: CustomOptions, doc: Document, page: Adopter | null): number {
  const action: Resolved = { ...DEFAULTS, ...options } as Resolved;
  if (!action.name) return 0;
  registry.set(action.name, action);
  registerKind(action.name, { body: action.args === "yaml" ? "yaml" : "text", cooldown: action.cooldown, pause: action.pause });
  let count = 0;
  for (const { code, root, yaml } of targets(doc, action.name)) {
    const text = code.textContent ?? "";
    let args: unknown;
    let error: string | undefined;
    try {
      args = parseArgs(action.args, text, yaml);
    } catch (e) {
      error = `Invalid ${String(action.args)} body: ${e instanceof Error ? e.message : String(e)}`;
    }
    const el = blockFor(doc, action, args, text, error);
    root.replaceWith(el);
    handlerArgs.set(el, args);
    page?.adopt(el, root);
    if (!error) action.setup(args, el);
    count++;
  }
  return count;
}

/** The action block markup (the contract of docs/content.md) for one custom block. */
function blockFor(doc: Document, action: Resolved, args: unknown, text: string, error?: string): HTMLElement {
  const el = doc.createElement("div");
  el.className = "lectern-action lectern-action-custom";
  el.setAttribute("data-action-type", action.name);
  el.setAttribute("data-action-glyph", action.glyph);
  const blockArgs = args && typeof args === "object" && !Array.isArray(args) ? (args as Args) : {};
  el.setAttribute("data-action-args", JSON.stringify(blockArgs));
  if (blockArgs.autostart === true) el.setAttribute("data-action-autostart", "");
  if (blockArgs.hidden === true) el.setAttribute("data-action-hidden", "");
  if (blockArgs.cascade === true) el.setAttribute("data-action-cascade", "");
  el.tabIndex = 0;
  el.setAttribute("role", "button");
  const title = doc.createElement("div");
  title.className = "lectern-action-title";
  const glyph = doc.createElement("span");
  glyph.className = "lectern-action-glyph";
  glyph.setAttribute("aria-hidden", "true");
  title.append(glyph, typeof action.title === "function" ? safe(() => String((action.title as (a: unknown) => string)(args)), action.name) : action.title);
  const pre = doc.createElement("pre");
  pre.className = "lectern-action-body";
  const code = doc.createElement("code");
  pre.append(code);
  el.append(title, pre);
  if (error) {
    el.setAttribute("data-action-error", error);
    code.textContent = text;
    return el;
  }
  const body = typeof action.body === "function" ? safe(() => (action.body as (a: unknown) => unknown)(args), "") : action.body;
  if (typeof body === "function") (body as (set: (t: string) => void) => void)((value) => (code.textContent = value));
  else if (typeof body === "string") code.textContent = body;
  return el;
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch (error) {
    console.warn("lectern: custom action:", error);
    return fallback;
  }
}

/** Runs a custom action's handler for block `el`: resolves on `done()`, rejects on `fail(error)`. */
export function runCustom(action: Resolved, el: HTMLElement | undefined): Promise<void> {
  if (!el) return Promise.reject(new Error(`${action.name} needs its block`));
  const invalid = el.getAttribute("data-action-error");
  if (invalid) return Promise.reject(new Error(invalid));
  const args = handlerArgs.get(el);
  const title = el.querySelector<HTMLElement>(":scope > .lectern-action-title");
  const setGlyph = (glyph: string, spin: boolean) => {
    el.setAttribute("data-action-glyph", glyph);
    el.classList.toggle("lectern-action-spin", spin);
  };
  if (action.success) title?.classList.remove(action.success);
  if (action.failure) title?.classList.remove(action.failure);
  if (action.waiting) setGlyph(action.waiting, action.spinner);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      if (action.success) title?.classList.add(action.success);
      setGlyph(action.glyph, false);
      safe(() => action.finish(args, el), undefined);
      resolve();
    };
    const fail = (error?: unknown) => {
      if (settled) return;
      settled = true;
      if (action.failure) title?.classList.add(action.failure);
      setGlyph(action.glyph, false);
      safe(() => action.finish(args, el, error), undefined);
      reject(new Error(error instanceof Error ? error.message : String(error ?? "Action failed")));
    };
    try {
      action.trigger(args, el);
      action.handler(args, el, done, fail);
    } catch (error) {
      fail(error);
    }
  });
}
