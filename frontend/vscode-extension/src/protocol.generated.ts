// generated from the Rust editor types (src/editor/request.rs, src/editor/bridge.rs) by
// `cargo test --lib editor::generated` — do not edit: change the Rust types and run the test.

/** A VS Code position (0-based line, UTF-16 character). */
export type Position = { 
/**
 * 0-based line.
 */
line: number, 
/**
 * 0-based UTF-16 offset in the line.
 */
character: number, };

/** A selection. */
export type Range = { 
/**
 * Where it starts.
 */
start: Position, 
/**
 * Where it ends.
 */
end: Position, };

/** A VS Code terminal action. */
export type TerminalAction = "open" | "close" | "send" | "interrupt" | "clear";

/** What lectern asks of the editor. */
export type UiOp = { "op": "reveal", 
/**
 * Absolute path.
 */
file: string, 
/**
 * What to select.
 */
selection?: Range, 
/**
 * The file changed on disk: show the new content before selecting.
 */
changed: boolean, } | { "op": "prepare", 
/**
 * Absolute path.
 */
file: string, } | { "op": "close", 
/**
 * Absolute path.
 */
file: string, } | { "op": "command", 
/**
 * Command id.
 */
command: string, 
/**
 * Its arguments.
 */
args: unknown[], } | { "op": "terminal", 
/**
 * What to do.
 */
action: TerminalAction, 
/**
 * Terminal name.
 */
session: string, 
/**
 * Text (`send`).
 */
text?: string, 
/**
 * Add a newline after `text`.
 */
endl: boolean, };

/** A message from lectern. */
export type ToExtension = { 
/**
 * Matches the reply.
 */
id: number, } & ({ "op": "reveal", 
/**
 * Absolute path.
 */
file: string, 
/**
 * What to select.
 */
selection?: Range, 
/**
 * The file changed on disk: show the new content before selecting.
 */
changed: boolean, } | { "op": "prepare", 
/**
 * Absolute path.
 */
file: string, } | { "op": "close", 
/**
 * Absolute path.
 */
file: string, } | { "op": "command", 
/**
 * Command id.
 */
command: string, 
/**
 * Its arguments.
 */
args: unknown[], } | { "op": "terminal", 
/**
 * What to do.
 */
action: TerminalAction, 
/**
 * Terminal name.
 */
session: string, 
/**
 * Text (`send`).
 */
text?: string, 
/**
 * Add a newline after `text`.
 */
endl: boolean, });

/** The extension's answer. */
export type FromExtension = { 
/**
 * The request's id.
 */
id: number, 
/**
 * Carried out.
 */
ok: boolean, 
/**
 * Why not.
 */
error?: string, 
/**
 * `prepare`: the file's selection in the editor (absent when the file is not open).
 */
selection?: Range, };

