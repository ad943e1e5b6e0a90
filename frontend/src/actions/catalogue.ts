// The clickable-action catalogue: which types exist, their default cooldowns, cascade pause and glyphs.
// Titles and bodies are rendered by the server (src/content); the browser only needs behaviour knobs.

/** Arguments of an action block: the YAML body as JSON, or {text} for raw-text bodies. */
export type Args = Record<string, unknown>;

/** Behaviour knobs of one action type. */
export interface ActionKind {
  /** Default cooldown in seconds (0 = no re-click protection, Infinity = once). */
  cooldown: number;
  /** Default pause before cascading, milliseconds. */
  pause: number;
  /** Glyph name used by the stylesheet (data-glyph). */
  glyph: string;
}

const TERMINAL: ActionKind = { cooldown: 1, pause: 750, glyph: "run" };

const EDITOR_TYPES = [
  "open-file", "create-file", "create-directory", "select-matching-text", "replace-text-selection",
  "delete-text-selection", "insert-lines-before-selection", "append-lines-after-selection",
  "replace-matching-text", "append-lines-to-file", "prepend-lines-to-file", "insert-lines-before-line",
  "append-lines-after-line", "insert-lines-after-line", "append-lines-after-match", "insert-lines-before-match",
  "select-lines-in-range", "delete-lines-in-range", "delete-matching-lines", "replace-lines-in-range", "copy-file", "rename-file",
  "close-file", "delete-file", "insert-value-into-yaml", "set-yaml-value", "add-yaml-item", "insert-yaml-item",
  "replace-yaml-item", "delete-yaml-value", "merge-yaml-values", "select-yaml-path", "execute-command",
  "open-terminal", "close-terminal", "send-to-terminal", "interrupt-terminal", "clear-terminal",
];

const KINDS: Record<string, ActionKind> = {
  execute: TERMINAL,
  "execute-1": TERMINAL,
  "execute-2": TERMINAL,
  "execute-3": TERMINAL,
  "execute-all": TERMINAL,
  copy: { cooldown: 0, pause: 750, glyph: "copy" },
  "copy-and-edit": { cooldown: 0, pause: 750, glyph: "edit" },
  "terminal:execute": TERMINAL,
  "terminal:execute-all": TERMINAL,
  "terminal:clear": TERMINAL,
  "terminal:clear-all": TERMINAL,
  "terminal:interrupt": TERMINAL,
  "terminal:interrupt-all": TERMINAL,
  "terminal:input": TERMINAL,
  "terminal:select": { cooldown: 1, pause: 750, glyph: "terminal" },
  "workshop:copy": { cooldown: 0, pause: 750, glyph: "copy" },
  "workshop:copy-and-edit": { cooldown: 0, pause: 750, glyph: "edit" },
  "dashboard:open-dashboard": { cooldown: 1, pause: 750, glyph: "eye" },
  "dashboard:expose-dashboard": { cooldown: 1, pause: 750, glyph: "eye" },
  "dashboard:create-dashboard": { cooldown: 1, pause: 750, glyph: "plus" },
  "dashboard:delete-dashboard": { cooldown: 1, pause: 750, glyph: "trash" },
  "dashboard:reload-dashboard": { cooldown: 1, pause: 750, glyph: "reload" },
  "dashboard:open-url": { cooldown: 3, pause: 750, glyph: "external" },
  "examiner:execute-test": { cooldown: 1, pause: 750, glyph: "test" },
  "files:download-file": { cooldown: 1, pause: 750, glyph: "download" },
  "files:copy-file": { cooldown: 1, pause: 750, glyph: "copy" },
  "files:upload-file": { cooldown: 3, pause: 750, glyph: "upload" },
  "files:upload-files": { cooldown: 3, pause: 750, glyph: "upload" },
  "section:heading": { cooldown: 0, pause: 750, glyph: "info" },
  "section:begin": { cooldown: 0, pause: 750, glyph: "chevron" },
  "section:end": { cooldown: 0, pause: 0, glyph: "end" },
};
for (const name of EDITOR_TYPES) KINDS[`editor:${name}`] = { cooldown: 3, pause: 750, glyph: "editor" };

/** The behaviour of `type`, or undefined for an unknown type. */
export function kindOf(type: string): ActionKind | undefined {
  return KINDS[type];
}

/** Every known action type. */
export function knownTypes(): string[] {
  return Object.keys(KINDS);
}

/** A YAML number as the renderer gives it (numbers, "Infinity", ".inf" strings). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (text === "infinity" || text === ".inf" || text === "+.inf") return Infinity;
    if (text === "-infinity" || text === "-.inf") return -Infinity;
    if (text !== "" && !Number.isNaN(Number(text))) return Number(text);
  }
  return undefined;
}

/** Cooldown in seconds for a block: YAML `cooldown` overrides; negative or infinite means "once". */
export function cooldownOf(type: string, args: Args): number {
  const given = asNumber(args.cooldown);
  const value = given ?? kindOf(type)?.cooldown ?? 1;
  return value < 0 || !Number.isFinite(value) ? Infinity : value;
}

/** Pause before cascading in milliseconds. */
export function pauseOf(type: string, args: Args): number {
  const given = asNumber(args.pause);
  if (given !== undefined && given >= 0 && Number.isFinite(given)) return given;
  return kindOf(type)?.pause ?? 750;
}

/** A YAML boolean as the renderer gives it. */
export function asBool(value: unknown, fallback = false): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (["true", "yes", "on"].includes(text)) return true;
    if (["false", "no", "off"].includes(text)) return false;
  }
  return fallback;
}

/** A string argument (numbers are stringified, as the original interpolates them). */
export function asString(value: unknown, fallback = ""): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return fallback;
}

/** Tab id from a dashboard name: lowercase, keep [a-z0-9 -], whitespace → "-", collapse and trim "-". */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9 \t-]/g, "")
    .replace(/\s+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}
