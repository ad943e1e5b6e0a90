// Behaviour knobs of action types, read from the table generated out of the Rust catalogue
// (catalogue.generated.ts; titles, bodies and glyphs come rendered from the server), and the coercions of
// YAML argument values the dispatcher and the blocks share.

import { CATALOGUE, type ActionKind } from "./catalogue.generated";

/** Arguments of an action block: the YAML body as JSON, or {text} for raw-text bodies. */
export type Args = Record<string, unknown>;

/** The original engine's defaults, for a type the catalogue does not know (a custom action). */
const ENGINE_DEFAULT: ActionKind = { body: "yaml", cooldown: 1, pause: 750 };

/** Behaviour of the custom actions workshop scripts register (custom.ts). */
const CUSTOM = new Map<string, ActionKind>();

/** Records the behaviour of a custom action type. */
export function registerKind(type: string, kind: ActionKind): void {
  CUSTOM.set(type, kind);
}

/** The behaviour of `type`, or undefined for an unknown type. */
export function kindOf(type: string): ActionKind | undefined {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, type) ? CATALOGUE[type] : CUSTOM.get(type);
}

/** Every known action type. */
export function knownTypes(): string[] {
  return Object.keys(CATALOGUE);
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
  const value = given ?? (kindOf(type) ?? ENGINE_DEFAULT).cooldown;
  return value < 0 || !Number.isFinite(value) ? Infinity : value;
}

/** Pause before cascading in milliseconds. */
export function pauseOf(type: string, args: Args): number {
  const given = asNumber(args.pause);
  if (given !== undefined && given >= 0 && Number.isFinite(given)) return given;
  return (kindOf(type) ?? ENGINE_DEFAULT).pause;
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
