// editor:* actions: the request each one posts (the original's paths, /code-server/editor/<endpoint> and
// /code-server/command/<id>), the learner-facing failure message from the server's Failure answer, and the
// note editor blocks carry before anyone clicks when the editor is not enabled. The endpoint table and
// the request/reply types are generated from the Rust definitions (editor.generated.ts).

import type { Host } from "./api";
import { asString, type Args } from "./catalogue";
import { EDITOR_OPS, type Failure, type Reply } from "./editor.generated";

/** A failure with a message meant for the learner (the dispatcher shows it in the block). */
export class EditorActionError extends Error {}

/** Fields every action takes; they are the block's, not the operation's. */
const COMMON = ["prefix", "title", "description", "autostart", "hidden", "cascade", "pause", "cooldown", "event"];

/** The request an editor:* action posts: its path and JSON body. */
export function editorRequest(type: string, args: Args): { path: string; body: unknown } {
  const op = EDITOR_OPS[type];
  if (!op) throw new EditorActionError(`Unknown action type ${type}`);
  if (type === "editor:execute-command") {
    const command = asString(args.command);
    if (!command) throw new EditorActionError("No command provided");
    return { path: `/code-server/command/${encodeURIComponent(command)}`, body: Array.isArray(args.args) ? args.args : [] };
  }
  if (type === "editor:insert-value-into-yaml")
    return { path: `/code-server/editor/${op.endpoint}`, body: { file: args.file, yamlPath: args.path ?? "", paste: args.value ?? null } };
  const body: Args = { ...args };
  for (const key of COMMON) delete body[key];
  return { path: `/code-server/editor/${op.endpoint}`, body };
}

/** Whether the action shows the Editor tab first (not for close-file and delete-file, as the original). */
export function showsEditor(type: string): boolean {
  return EDITOR_OPS[type]?.quiet === false;
}

/** The note shown on a block before anyone clicks it, when the editor is not enabled; null when none. */
export function unavailableNote(type: string, editorEnabled: boolean): string | null {
  const op = EDITOR_OPS[type];
  if (!op || editorEnabled) return null;
  return op.kind === "ui"
    ? "The editor is not enabled in this workshop session, so this step cannot run."
    : "The editor is not enabled in this workshop session: this step changes the file on disk only.";
}

async function failureMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const failure = JSON.parse(text) as Partial<Failure>;
    if (typeof failure.error === "string" && failure.error) return capitalise(failure.error);
  } catch {
    /* not JSON: below */
  }
  if (response.status === 404) return "Editor not available";
  return text.trim() ? `${response.status}: ${text.trim()}` : `Unexpected HTTP error ${response.status}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Runs an editor:* action; resolves with the server's reply, rejects with a learner-facing message. */
export async function runEditor(host: Host, type: string, args: Args): Promise<Reply> {
  const { path, body } = editorRequest(type, args);
  if (showsEditor(type) && host.dashboard?.editorAvailable()) {
    try {
      host.dashboard.openDashboard("editor");
    } catch {
      /* no Editor tab (hidden by the layout): the operation still runs */
    }
  }
  // A gateway in front of lectern may answer 504 while the session starts: retry for up to 25 seconds.
  for (let attempt = 0; ; attempt++) {
    const response = await host.fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.ok) return (await response.json().catch(() => ({ shown: false }))) as Reply;
    if (response.status === 504 && attempt < 25) {
      await host.sleep(1000);
      continue;
    }
    throw new EditorActionError(await failureMessage(response));
  }
}

/** Marks editor blocks with their note when the editor is not enabled (before anyone clicks). */
export function markEditorBlocks(blocks: Array<{ el: HTMLElement; type: string }>, editorEnabled: boolean): void {
  for (const { el, type } of blocks) {
    const note = unavailableNote(type, editorEnabled);
    if (!note) continue;
    el.setAttribute("data-editor-unavailable", EDITOR_OPS[type].kind === "ui" ? "ui" : "disk");
    const div = el.ownerDocument.createElement("div");
    div.className = "lectern-action-note";
    div.textContent = note;
    el.appendChild(div);
  }
}
