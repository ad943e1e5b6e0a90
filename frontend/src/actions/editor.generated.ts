// generated from the Rust editor types (src/editor/request.rs, src/editor/bridge.rs) by
// `cargo test --lib editor::generated` — do not edit: change the Rust types and run the test.

/** A whole number (also accepted as a numeric string). */
export type Int = number;

/** true or false (also "true"/"false"). */
export type Flag = boolean;

/** A name (numbers are taken as their text). */
export type Name = string;

/** open-file */
export type OpenFile = { 
/**
 * The file (`~/…`, `$HOME/…`, relative to the home folder, or absolute).
 */
file: string, 
/**
 * 1-based line.
 */
line?: Int, };

/** create-file */
export type CreateFile = { 
/**
 * The file.
 */
file: string, 
/**
 * Its whole content.
 */
text?: string, };

/** create-directory */
export type CreateDirectory = { 
/**
 * The folder.
 */
directory: string, };

/** append-to-file, prepend-to-file, *-selection */
export type FileText = { 
/**
 * The file.
 */
file: string, 
/**
 * The text.
 */
text?: string, };

/** delete-text-selection, close-file, delete-file */
export type FileOnly = { 
/**
 * The file.
 */
file: string, };

/** insert-before-line, append-after-line */
export type AtLine = { 
/**
 * The file.
 */
file: string, 
/**
 * 1-based line.
 */
line: Int, 
/**
 * Lines to insert.
 */
text?: string, };

/** insert-after-match, insert-before-match */
export type AtMatch = { 
/**
 * The file.
 */
file: string, 
/**
 * Text a line must contain.
 */
match: string, 
/**
 * Lines to insert.
 */
text?: string, };

/** select-matching-text */
export type SelectMatchingText = { 
/**
 * The file.
 */
file: string, 
/**
 * Text (or pattern) to find; may span lines.
 */
text: string, 
/**
 * Whole lines before the match to select too (-1: all).
 */
before?: Int, 
/**
 * Whole lines after the match to select too (-1: all).
 */
after?: Int, 
/**
 * First line searched (0-based as the original; negative counts from the end).
 */
start?: Int, 
/**
 * Line where the search stops (excluded; negative counts from the end).
 */
stop?: Int, 
/**
 * The text to find is a regular expression.
 */
isRegex?: Flag, 
/**
 * Capture group to select or replace (regular expressions).
 */
group?: Int, };

/** replace-matching-text */
export type ReplaceMatchingText = { 
/**
 * The file.
 */
file: string, 
/**
 * Text (or pattern) to find.
 */
match: string, 
/**
 * Text put in its place.
 */
replacement: string, 
/**
 * How many matches (default 1; -1: all).
 */
count?: Int, 
/**
 * First line searched (0-based as the original; negative counts from the end).
 */
start?: Int, 
/**
 * Line where the search stops (excluded; negative counts from the end).
 */
stop?: Int, 
/**
 * The text to find is a regular expression.
 */
isRegex?: Flag, 
/**
 * Capture group to select or replace (regular expressions).
 */
group?: Int, };

/** select-lines-in-range, delete-lines */
export type LineRange = { 
/**
 * The file.
 */
file: string, 
/**
 * First line (1-based).
 */
start: Int, 
/**
 * Last line (1-based, included).
 */
stop?: Int, };

/** replace-lines */
export type ReplaceLines = { 
/**
 * The file.
 */
file: string, 
/**
 * First line (1-based).
 */
start: Int, 
/**
 * Last line (1-based, included; default `start`).
 */
stop?: Int, 
/**
 * The new lines.
 */
text?: string, };

/** delete-matching-lines */
export type DeleteMatchingLines = { 
/**
 * The file.
 */
file: string, 
/**
 * Text (or pattern) a line must contain.
 */
match: string, 
/**
 * `match` is a regular expression.
 */
isRegex?: Flag, 
/**
 * Lines before to delete too (-1: all).
 */
before?: Int, 
/**
 * Lines after to delete too (-1: all).
 */
after?: Int, };

/** copy-file, rename-file */
export type CopyFile = { 
/**
 * The file to copy or move.
 */
src: string, 
/**
 * Where to.
 */
dest: string, 
/**
 * Show `dest` in the editor afterwards (default yes).
 */
open?: Flag, };

/** set-yaml-value, add-yaml-item, replace-yaml-item, merge-yaml-values */
export type YamlValue = { 
/**
 * The YAML file.
 */
file: string, 
/**
 * Path: `a.b[0][name=x]["k.with.dots"]`.
 */
path: string, 
/**
 * The value (any YAML value; a mapping for `merge-yaml-values`).
 */
value: unknown, };

/** insert-yaml-item */
export type YamlInsert = { 
/**
 * The YAML file.
 */
file: string, 
/**
 * Path of a sequence.
 */
path: string, 
/**
 * Position (0-based; past the end appends).
 */
index?: Int, 
/**
 * The item.
 */
value: unknown, };

/** delete-yaml-value, select-yaml-path */
export type YamlPath = { 
/**
 * The YAML file.
 */
file: string, 
/**
 * Path.
 */
path?: string, };

/** paste (insert-value-into-yaml) */
export type Paste = { 
/**
 * The YAML file.
 */
file: string, 
/**
 * Path of a mapping or sequence.
 */
yamlPath: string, 
/**
 * The value: YAML text, or any value (dumped as YAML).
 */
paste: unknown, };

/** terminal-open, -close, -send, -interrupt, -clear */
export type Terminal = { 
/**
 * VS Code terminal name (default `educates`).
 */
session?: Name, 
/**
 * Text to send (`terminal-send`).
 */
text?: string, 
/**
 * Add a newline (`terminal-send`; default yes).
 */
endl?: Flag, };

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

/** The answer to a successful operation. */
export type Reply = { 
/**
 * The file acted on, as the learner knows it (`~/exercises/x.txt`), if any.
 */
file?: string, 
/**
 * The selection (or cursor) left in it.
 */
selection?: Range, 
/**
 * Whether the running editor was reached (`false`: it shows the change when it next opens).
 */
shown: boolean, };

/** Why an operation failed. */
export type FailureKind = "bad-request" | "outside" | "not-found" | "no-match" | "not-editable" | "editor-unavailable" | "editor-failed" | "io";

/** The answer to a failed operation. */
export type Failure = { 
/**
 * What went wrong and, where it helps, what to do.
 */
error: string, 
/**
 * Its kind.
 */
kind: FailureKind, };

/** What an operation needs: the disk, a computed selection, or the running editor. */
export type OpKind = "file" | "select" | "ui";

/** One editor:* action type: its endpoint below /code-server/editor/ (execute-command: /code-server/command/<id>),
 * what it needs, and whether it runs without showing the Editor tab. */
export interface EditorOp {
  endpoint: string;
  kind: OpKind;
  quiet: boolean;
}

/** Every editor:* action type. */
export const EDITOR_OPS: Readonly<Record<string, EditorOp>> = {
  "editor:open-file": { endpoint: "open-file", kind: "ui", quiet: false },
  "editor:create-file": { endpoint: "create-file", kind: "file", quiet: false },
  "editor:create-directory": { endpoint: "create-directory", kind: "file", quiet: false },
  "editor:select-matching-text": { endpoint: "select-matching-text", kind: "select", quiet: false },
  "editor:replace-text-selection": { endpoint: "replace-text-selection", kind: "file", quiet: false },
  "editor:delete-text-selection": { endpoint: "delete-text-selection", kind: "file", quiet: false },
  "editor:insert-lines-before-selection": { endpoint: "insert-before-selection", kind: "file", quiet: false },
  "editor:append-lines-after-selection": { endpoint: "append-after-selection", kind: "file", quiet: false },
  "editor:replace-matching-text": { endpoint: "replace-matching-text", kind: "file", quiet: false },
  "editor:append-lines-to-file": { endpoint: "append-to-file", kind: "file", quiet: false },
  "editor:prepend-lines-to-file": { endpoint: "prepend-to-file", kind: "file", quiet: false },
  "editor:insert-lines-before-line": { endpoint: "insert-before-line", kind: "file", quiet: false },
  "editor:append-lines-after-line": { endpoint: "append-after-line", kind: "file", quiet: false },
  "editor:insert-lines-after-line": { endpoint: "insert-after-line", kind: "file", quiet: false },
  "editor:append-lines-after-match": { endpoint: "insert-after-match", kind: "file", quiet: false },
  "editor:insert-lines-before-match": { endpoint: "insert-before-match", kind: "file", quiet: false },
  "editor:select-lines-in-range": { endpoint: "select-lines-in-range", kind: "select", quiet: false },
  "editor:delete-lines-in-range": { endpoint: "delete-lines", kind: "file", quiet: false },
  "editor:delete-matching-lines": { endpoint: "delete-matching-lines", kind: "file", quiet: false },
  "editor:replace-lines-in-range": { endpoint: "replace-lines", kind: "file", quiet: false },
  "editor:copy-file": { endpoint: "copy-file", kind: "file", quiet: false },
  "editor:rename-file": { endpoint: "rename-file", kind: "file", quiet: false },
  "editor:close-file": { endpoint: "close-file", kind: "ui", quiet: true },
  "editor:delete-file": { endpoint: "delete-file", kind: "file", quiet: true },
  "editor:insert-value-into-yaml": { endpoint: "paste", kind: "file", quiet: false },
  "editor:set-yaml-value": { endpoint: "set-yaml-value", kind: "file", quiet: false },
  "editor:add-yaml-item": { endpoint: "add-yaml-item", kind: "file", quiet: false },
  "editor:insert-yaml-item": { endpoint: "insert-yaml-item", kind: "file", quiet: false },
  "editor:replace-yaml-item": { endpoint: "replace-yaml-item", kind: "file", quiet: false },
  "editor:delete-yaml-value": { endpoint: "delete-yaml-value", kind: "file", quiet: false },
  "editor:merge-yaml-values": { endpoint: "merge-yaml-values", kind: "file", quiet: false },
  "editor:select-yaml-path": { endpoint: "select-yaml-path", kind: "select", quiet: false },
  "editor:execute-command": { endpoint: "command", kind: "ui", quiet: false },
  "editor:open-terminal": { endpoint: "terminal-open", kind: "ui", quiet: false },
  "editor:close-terminal": { endpoint: "terminal-close", kind: "ui", quiet: false },
  "editor:send-to-terminal": { endpoint: "terminal-send", kind: "ui", quiet: false },
  "editor:interrupt-terminal": { endpoint: "terminal-interrupt", kind: "ui", quiet: false },
  "editor:clear-terminal": { endpoint: "terminal-clear", kind: "ui", quiet: false },
};
