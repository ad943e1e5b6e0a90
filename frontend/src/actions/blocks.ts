// Drives the `.lectern-action` blocks of an instructions page (markup contract in COMMON.md): click and
// keyboard activation, running/done/failed state, cooldown, cascade, autostart (once per browser session),
// section collapse, copy-to-clipboard, upload forms and file previews.

import type { Host } from "./api";
import { asBool, asString, cooldownOf, pauseOf, type Args } from "./catalogue";
import { dispatch, fileSource } from "./dispatch";
import { markEditorBlocks } from "./editor";

/** Run state shown on a block (data-action-state). */
export type BlockState = "idle" | "running" | "done" | "failed";

interface Block {
  el: HTMLElement;
  type: string;
  args: Args;
  running: boolean;
  /** When the last run ended (ms since the epoch, 0 = never): the cooldown counts from here. */
  lastEnd: number;
  form?: HTMLFormElement;
  /** Extra arguments collected at run time (examiner `inputs` forms). */
  inputs?: () => Args;
}

interface Section {
  name: string;
  begin: Block;
  end: Block;
  open: boolean;
  content: HTMLElement[];
  parent?: Section;
}

/** Everything the page controller knows; returned for tests and for the page's own scripts. */
export interface Page {
  blocks: Block[];
  sections: Section[];
  /** Runs block `el` as if clicked (respecting cooldown). */
  trigger(el: HTMLElement): Promise<void>;
  /** Wires a block made after the page started (a custom action) in place of element `replaced`. */
  adopt(el: HTMLElement, replaced: HTMLElement): void;
}

function parseArgs(el: HTMLElement): Args {
  const raw = el.getAttribute("data-action-args");
  if (!raw) return {};
  try {
    const value = JSON.parse(raw) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Args) : {};
  } catch {
    return {};
  }
}

function setState(block: Block, state: BlockState, message?: string): void {
  const el = block.el;
  el.setAttribute("data-action-state", state);
  el.setAttribute("aria-busy", state === "running" ? "true" : "false");
  let note = el.querySelector<HTMLElement>(":scope > .lectern-action-message");
  if (state === "failed" && message) {
    if (!note) {
      note = el.ownerDocument.createElement("div");
      note.className = "lectern-action-message";
      note.setAttribute("role", "alert");
      el.appendChild(note);
    }
    note.textContent = message;
  } else if (note) {
    note.remove();
  }
}

function bodyText(el: HTMLElement): string {
  return el.querySelector(".lectern-action-body")?.textContent ?? "";
}

function isHidden(block: Block): boolean {
  return block.el.hasAttribute("data-action-hidden") || asBool(block.args.hidden) || block.type === "section:end";
}

/** Wires every `.lectern-action` under `root`. `pageKey` scopes autostart-once bookkeeping. */
export function initPage(root: ParentNode, host: Host, pageKey: string): Page {
  const doc = (root as Node).ownerDocument ?? (root as Document);
  const elements = Array.from(root.querySelectorAll<HTMLElement>(".lectern-action"));
  const blocks: Block[] = elements.map((el) => ({
    el,
    type: el.getAttribute("data-action-type") ?? "",
    args: parseArgs(el),
    running: false,
    lastEnd: 0,
  }));
  const byElement = new Map<HTMLElement, Block>(blocks.map((b) => [b.el, b]));
  const sections = pairSections(blocks);
  const containing = new Map<HTMLElement, Section[]>();
  const index = () => {
    containing.clear();
    for (const section of sections)
      for (const el of section.content) containing.set(el, [...(containing.get(el) ?? []), section]);
  };
  index();

  const visible = (el: HTMLElement) => (containing.get(el) ?? []).every((s) => s.open);

  function layout(): void {
    for (const section of sections) {
      section.begin.el.setAttribute("data-section-state", section.open ? "visible" : "hidden");
      buttonOf(section.begin.el).setAttribute("aria-expanded", String(section.open));
    }
    for (const [el] of containing) {
      const block = byElement.get(el);
      el.hidden = !visible(el) || (block !== undefined && isHidden(block));
      if (!visible(el)) el.setAttribute("data-content-hidden", "");
      else el.removeAttribute("data-content-hidden");
    }
  }

  function nextBlock(block: Block): Block | undefined {
    const index = blocks.indexOf(block);
    return blocks[index + 1];
  }

  async function autostart(candidates: Block[]): Promise<void> {
    for (const block of candidates) {
      if (!(block.el.hasAttribute("data-action-autostart") || asBool(block.args.autostart))) continue;
      if (!visible(block.el)) continue;
      const key = `${pageKey}#${block.el.getAttribute("data-action-index") ?? blocks.indexOf(block)}:${block.type}`;
      if (!autostartOnce(host, key)) continue;
      void run(block);
    }
  }

  function toggle(section: Section, open: boolean): void {
    section.open = open;
    if (!open) for (const other of sections) if (isInside(other, section)) other.open = false;
    layout();
    if (open) void autostart(blocks.filter((b) => section.content.includes(b.el)));
  }

  async function run(block: Block): Promise<void> {
    // The original's rule: with a cooldown, a click is ignored while the block runs and until
    // `cooldown` seconds after its run ended (successfully or not); 0 means no protection at all.
    const cooldown = cooldownOf(block.type, block.args) * 1000;
    if (cooldown !== 0 && (block.running || (block.lastEnd && Date.now() - block.lastEnd < cooldown))) return;
    block.running = true;
    setState(block, "running");
    if (block.args.event !== undefined)
      host.dashboard?.event("Action/Event", { page: pageKey, event_name: block.args.event });
    try {
      const section = sections.find((s) => s.begin === block);
      const ending = sections.find((s) => s.end === block);
      if (section) toggle(section, !section.open);
      else if (ending) {
        if (asBool(ending.end.args.toggle, true)) toggle(ending, false);
      } else {
        const args = block.inputs ? { ...block.args, form: block.inputs() } : block.args;
        await dispatch(block.type, args, host, { form: block.form ? new FormData(block.form) : undefined, element: block.el });
      }
      block.running = false;
      block.lastEnd = Date.now();
      setState(block, "done");
    } catch (error) {
      block.running = false;
      block.lastEnd = Date.now();
      setState(block, "failed", error instanceof Error ? error.message : String(error));
      return;
    }
    if (asBool(block.args.cascade)) {
      const next = nextBlock(block);
      if (next) {
        await host.sleep(pauseOf(block.type, block.args));
        await run(next);
      }
    }
  }

  for (const block of blocks) decorate(block, doc, host, run);
  if (host.dashboard) markEditorBlocks(blocks, host.dashboard.editorAvailable());
  layout();
  for (const block of blocks) if (isHidden(block)) block.el.hidden = true;
  for (const block of blocks) if (block.el.hasAttribute("data-action-hidden") || asBool(block.args.hidden)) block.el.setAttribute("data-action-hidden", "");
  void autostart(blocks);

  function adopt(el: HTMLElement, replaced: HTMLElement): void {
    const block: Block = { el, type: el.getAttribute("data-action-type") ?? "", args: parseArgs(el), running: false, lastEnd: 0 };
    // In document order, so cascades reach it.
    const at = blocks.findIndex((b) => (el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0);
    blocks.splice(at < 0 ? blocks.length : at, 0, block);
    byElement.set(el, block);
    for (const section of sections) section.content = section.content.map((c) => (c === replaced ? el : c));
    index();
    decorate(block, doc, host, run);
    layout();
    if (isHidden(block)) el.hidden = true;
    void autostart([block]);
  }

  return {
    blocks,
    sections,
    trigger: (el) => {
      const block = byElement.get(el);
      return block ? run(block) : Promise.resolve();
    },
    adopt,
  };
}

function autostartOnce(host: Host, key: string): boolean {
  if (host.dashboard) return host.dashboard.autostartOnce(key);
  try {
    const store = globalThis.sessionStorage;
    if (store.getItem(`lectern:autostart:${key}`)) return false;
    store.setItem(`lectern:autostart:${key}`, "1");
  } catch {
    /* no storage: run every time */
  }
  return true;
}

function isInside(inner: Section, outer: Section): boolean {
  for (let s = inner.parent; s; s = s.parent) if (s === outer) return true;
  return false;
}

/** Pairs section:begin / section:end blocks by name (default "*"), innermost first. */
function pairSections(blocks: Block[]): Section[] {
  const stack: Block[] = [];
  const sections: Section[] = [];
  for (const block of blocks) {
    if (block.type === "section:begin") stack.push(block);
    if (block.type !== "section:end") continue;
    const name = asString(block.args.name, "*") || "*";
    for (let i = stack.length - 1; i >= 0; i--) {
      const begin = stack[i];
      if ((asString(begin.args.name, "*") || "*") !== name) continue;
      stack.splice(i);
      const content: HTMLElement[] = [];
      for (let el = begin.el.nextElementSibling; el && el !== block.el; el = el.nextElementSibling)
        content.push(el as HTMLElement);
      content.push(block.el);
      sections.push({ name, begin, end: block, open: asBool(begin.args.open), content });
      break;
    }
  }
  for (const section of sections) {
    const parents = sections.filter((o) => o !== section && o.content.includes(section.begin.el));
    section.parent = parents.sort((a, b) => a.content.length - b.content.length)[0];
  }
  return sections;
}

/** Adds the copy button, keyboard and click handling, upload forms and previews to one block. */
function decorate(block: Block, doc: Document, host: Host, run: (b: Block) => Promise<void>): void {
  const el = block.el;
  // The block holds other controls (Copy, forms), so it cannot itself be a button (nested-interactive):
  // the title becomes the keyboard-focusable button and the block a labelled group.
  const button = buttonOf(el);
  if (button !== el) {
    el.removeAttribute("tabindex");
    el.setAttribute("role", "group");
    el.setAttribute("aria-label", (button.textContent ?? "").trim() || (el.getAttribute("data-action-type") ?? "action"));
    button.tabIndex = 0;
    button.setAttribute("role", "button");
  } else {
    if (!el.hasAttribute("tabindex")) el.tabIndex = 0;
    if (!el.hasAttribute("role")) el.setAttribute("role", "button");
  }
  el.setAttribute("data-action-state", "idle");
  const title = el.querySelector<HTMLElement>(".lectern-action-title");
  const text = bodyText(el);
  if (title && text.trim() !== "" && !block.type.startsWith("section:")) {
    const copy = doc.createElement("button");
    copy.type = "button";
    copy.className = "lectern-action-copy";
    copy.title = "Copy to clipboard";
    copy.setAttribute("aria-label", "Copy to clipboard");
    copy.textContent = "Copy";
    copy.addEventListener("click", (event) => {
      event.stopPropagation();
      void host.copy(bodyText(el).replace(/\n$/, "")).then(
        () => flash(copy, "Copied"),
        () => flash(copy, "Copy failed"),
      );
    });
    el.insertBefore(copy, title.nextSibling);
  }
  if (block.type === "files:upload-file" || block.type === "files:upload-files") block.form = uploadForm(block, doc, run);
  if (block.type === "examiner:execute-test" && block.args.inputs && typeof block.args.inputs === "object")
    inputsForm(block, doc, run);
  if ((block.type === "files:download-file" || block.type === "files:copy-file") && asBool(block.args.preview)) {
    const code = el.querySelector(".lectern-action-body code") ?? el.querySelector(".lectern-action-body");
    if (code)
      void host
        .fetch(fileSource(block.args))
        .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
        .then((body) => (code.textContent = body))
        .catch(() => undefined);
  }
  el.addEventListener("click", (event) => {
    const target = event.target as HTMLElement | null;
    if (target?.closest("form, input, button, a, select, textarea")) return;
    if (event.shiftKey) {
      void host.copy(bodyText(el).trim());
      return;
    }
    if (block.form || block.inputs) return;
    void run(block);
  });
  el.addEventListener("keydown", (event) => {
    if (event.target !== button) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      if (!block.form && !block.inputs) void run(block);
    }
  });
}

function flash(button: HTMLElement, label: string): void {
  const before = "Copy";
  button.textContent = label;
  setTimeout(() => (button.textContent = before), 1200);
}

function uploadForm(block: Block, doc: Document, run: (b: Block) => Promise<void>): HTMLFormElement {
  const form = doc.createElement("form");
  form.className = "lectern-upload";
  const multiple = block.type === "files:upload-files";
  const input = doc.createElement("input");
  input.type = "file";
  input.name = "files";
  input.required = true;
  input.multiple = multiple;
  input.setAttribute("aria-label", multiple ? "Files to upload" : "File to upload");
  const button = doc.createElement("button");
  button.type = "submit";
  button.textContent = "Upload";
  form.append(input, button);
  block.el.appendChild(form);
  const path = asString(block.args.path);
  const directory = multiple ? asString(block.args.directory) : path.split("/").slice(0, -1).join("/");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void run(block);
  });
  // FormData is built at run time from this form; give it the target directory and names.
  form.addEventListener("formdata", (event) => {
    const data = (event as FormDataEvent).formData;
    if (directory) data.set("directory", directory);
    if (!multiple && path) {
      const file = input.files?.[0];
      const name = path.split("/").pop() ?? "";
      if (file && name) {
        data.delete("files");
        data.append("files", file, name);
      }
    }
  });
  return form;
}

interface FieldSchema {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  required?: boolean;
  enum?: unknown[];
}

/** Renders the subset of jsonform the examiner uses: a schema of scalar fields, `"*"` and a submit button. */
function inputsForm(block: Block, doc: Document, run: (b: Block) => Promise<void>): void {
  const spec = block.args.inputs as { schema?: Record<string, unknown>; form?: unknown[] };
  const rawSchema = (spec.schema ?? {}) as Record<string, unknown>;
  const schema = (rawSchema.properties && typeof rawSchema.properties === "object" ? rawSchema.properties : rawSchema) as Record<
    string,
    FieldSchema
  >;
  const form = doc.createElement("form");
  form.className = "lectern-inputs";
  const fields: Array<[string, FieldSchema, HTMLInputElement | HTMLSelectElement]> = [];
  for (const [name, field] of Object.entries(schema)) {
    if (!field || typeof field !== "object") continue;
    const label = doc.createElement("label");
    label.textContent = field.title ?? name;
    let input: HTMLInputElement | HTMLSelectElement;
    if (Array.isArray(field.enum)) {
      input = doc.createElement("select");
      for (const option of field.enum) {
        const el = doc.createElement("option");
        el.value = el.textContent = String(option);
        input.append(el);
      }
    } else {
      input = doc.createElement("input");
      input.type = field.type === "boolean" ? "checkbox" : field.type === "number" || field.type === "integer" ? "number" : "text";
    }
    input.name = name;
    if (field.required) input.required = true;
    if (field.default !== undefined) {
      if (input instanceof HTMLInputElement && input.type === "checkbox") input.checked = Boolean(field.default);
      else input.value = String(field.default);
    }
    label.append(input);
    form.append(label);
    fields.push([name, field, input]);
  }
  const submitSpec = (spec.form ?? []).find((item) => item && typeof item === "object" && (item as { type?: string }).type === "submit") as
    | { title?: string }
    | undefined;
  const submit = doc.createElement("button");
  submit.type = "submit";
  submit.textContent = submitSpec?.title ?? "Submit";
  form.append(submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void run(block);
  });
  block.inputs = () => {
    const values: Args = {};
    for (const [name, field, input] of fields) {
      if (input instanceof HTMLInputElement && input.type === "checkbox") values[name] = input.checked;
      else if (field.type === "number" || field.type === "integer") values[name] = input.value === "" ? null : Number(input.value);
      else values[name] = input.value;
    }
    return values;
  };
  const body = block.el.querySelector(".lectern-action-body");
  block.el.insertBefore(form, body);
  if (body instanceof HTMLElement) body.hidden = true;
}

/** The element that acts as the block's button: its title when it has one. */
function buttonOf(el: HTMLElement): HTMLElement {
  return el.querySelector<HTMLElement>(":scope > .lectern-action-title") ?? el;
}
