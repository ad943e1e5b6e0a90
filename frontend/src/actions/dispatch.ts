// The action dispatcher: runs one clickable action (type + args) against the dashboard, the terminal input
// API, the examiner, the files service or the browser. Resolves on success, rejects with a message on failure.
// DOM state (running/done/failed, cooldown, cascade, sections) lives in blocks.ts.

import type { Host } from "./api";
import { asBool, asNumber, asString, type Args } from "./catalogue";
import { customAction, runCustom } from "./custom";
import { runEditor } from "./editor";

export { editorRequest } from "./editor";

/** A failure with a message meant for the learner. */
export class ActionError extends Error {}

const CTRL_C = /^<ctrl[-+]c>$/i;

function sessionOf(args: Args, fallback = "1"): string {
  return asString(args.session, fallback) || fallback;
}

async function post(host: Host, url: string, body: unknown): Promise<Response> {
  const response = await host.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const text = (await response.text().catch(() => "")).trim();
    throw new ActionError(text ? `${response.status}: ${text}` : `Unexpected HTTP error ${response.status}`);
  }
  return response;
}

function allTerminals(host: Host): string[] {
  const names = host.dashboard?.terminalNames() ?? [];
  return names.length > 0 ? names : ["1"];
}

function expose(host: Host, name: string): void {
  host.dashboard?.exposeTerminal(name, true);
}

/** Sends input to terminal `name` through the HTTP input API. */
async function terminalCall(host: Host, name: string, op: string, body: unknown): Promise<void> {
  await post(host, `/terminal/api/${encodeURIComponent(name)}/${op}`, body);
}

async function execute(host: Host, session: string, command: string, clear: boolean, interruptFirst = false): Promise<void> {
  const names = session === "*" ? allTerminals(host) : [session];
  for (const name of names) {
    if (CTRL_C.test(command.trim())) {
      await terminalCall(host, name, "interrupt", {});
    } else {
      // `interrupt: true` (Killercoda's `{{exec interrupt}}`): stop what runs in the terminal first.
      if (interruptFirst) await terminalCall(host, name, "interrupt", {});
      if (clear) host.dashboard?.clearTerminal(name);
      await terminalCall(host, name, "execute", { command, clear });
    }
  }
  expose(host, names[0]);
}

async function interrupt(host: Host, names: string[]): Promise<void> {
  for (const name of names) await terminalCall(host, name, "interrupt", {});
  expose(host, names[0]);
}

async function clear(host: Host, names: string[]): Promise<void> {
  for (const name of names) {
    host.dashboard?.clearTerminal(name);
    await terminalCall(host, name, "clear", {});
    // The clear reached every viewer; now the shell draws a fresh prompt on the empty screen.
    host.dashboard?.redrawTerminal?.(name);
  }
}

function needDashboard(host: Host) {
  if (!host.dashboard) throw new ActionError("Dashboard is not available");
  return host.dashboard;
}

function wrap(run: () => void): void {
  try {
    run();
  } catch (error) {
    throw new ActionError(error instanceof Error ? error.message : String(error));
  }
}

function basename(path: string): string {
  const parts = path.split("/").filter(Boolean);
  return parts[parts.length - 1] ?? "";
}

/** URL of a file in the workshop's files service. */
export function filesUrl(path: string): string {
  return "/files/" + path.replace(/^\/+/, "").split("/").map(encodeURIComponent).join("/");
}

/** Local file name for a download from `url`. */
export function downloadName(url: string, given?: string): string {
  if (given) return given;
  try {
    const parsed = new URL(url, "http://localhost/");
    return basename(parsed.pathname) || parsed.hostname || "download.txt";
  } catch {
    return "download.txt";
  }
}

async function fetchText(host: Host, url: string): Promise<string> {
  const response = await host.fetch(url);
  if (!response.ok) throw new ActionError(`Unexpected HTTP error ${response.status}`);
  return response.text();
}

/** The text a files:* block shows or copies. */
export function fileSource(args: Args): string {
  const url = asString(args.url);
  return url || filesUrl(asString(args.path));
}

/** Runs an examiner test with retries; resolves on success. */
async function examine(host: Host, args: Args): Promise<void> {
  const name = asString(args.name);
  if (!name) throw new ActionError("No test name provided");
  const url = asString(args.url) || `/examiner/test/${name.split("/").map(encodeURIComponent).join("/")}`;
  const timeout = asNumber(args.timeout) || 15;
  const retries = asNumber(args.retries) ?? 0;
  const delay = (asNumber(args.delay) ?? 1) * 1000;
  const testArgs = Array.isArray(args.args) ? args.args.map((a) => asString(a)) : [];
  const form = (args.form as Record<string, unknown> | undefined) ?? {};
  for (let attempt = 0; ; attempt++) {
    const response = await post(host, url, { args: testArgs, form, timeout });
    const result = (await response.json().catch(() => ({}))) as { success?: boolean; message?: string };
    if (result.success) return;
    const left = retries < 0 || !Number.isFinite(retries) ? Infinity : retries - attempt;
    if (left <= 0) throw new ActionError(result.message || "Test failed to complete");
    await host.sleep(delay);
  }
}

async function editor(host: Host, type: string, args: Args): Promise<void> {
  try {
    await runEditor(host, type, args);
  } catch (error) {
    throw new ActionError(error instanceof Error ? error.message : String(error));
  }
}

/** Per-block inputs: an upload form's data, the block element (custom actions' handlers get it). */
type Extra = { form?: FormData; element?: HTMLElement };
type FamilyRunner = (op: string, args: Args, host: Host, extra?: Extra) => Promise<void>;

function unknown(family: string, op: string): ActionError {
  return new ActionError(`Unknown action type ${family}:${op}`);
}

async function terminal(op: string, args: Args, host: Host): Promise<void> {
  switch (op) {
    case "execute":
      return execute(host, sessionOf(args), asString(args.command), asBool(args.clear), asBool(args.interrupt));
    case "execute-all":
      return execute(host, "*", asString(args.command), asBool(args.clear), asBool(args.interrupt));
    case "input": {
      const name = sessionOf(args);
      const text = asString(args.text) + (asBool(args.endl, true) ? "\n" : "");
      await terminalCall(host, name, "paste", { text });
      return expose(host, name);
    }
    case "interrupt": {
      const name = sessionOf(args);
      return interrupt(host, name === "*" ? allTerminals(host) : [name]);
    }
    case "interrupt-all":
      return interrupt(host, allTerminals(host));
    case "clear": {
      const name = sessionOf(args);
      return clear(host, name === "*" ? allTerminals(host) : [name]);
    }
    case "clear-all":
      return clear(host, allTerminals(host));
    case "select": {
      const dashboard = needDashboard(host);
      if (!dashboard.exposeTerminal(sessionOf(args))) throw new ActionError("Terminal does not exist");
      return;
    }
    default:
      throw unknown("terminal", op);
  }
}

async function workshop(op: string, args: Args, host: Host): Promise<void> {
  if (op === "copy" || op === "copy-and-edit") return host.copy(asString(args.text));
  throw unknown("workshop", op);
}

async function dashboard(op: string, args: Args, host: Host): Promise<void> {
  switch (op) {
    case "open-dashboard":
    case "expose-dashboard":
      return wrap(() => needDashboard(host).openDashboard(asString(args.name)));
    case "create-dashboard":
      return wrap(() =>
        needDashboard(host).createDashboard(asString(args.name), asString(args.url), asBool(args.focus, true)),
      );
    case "delete-dashboard":
      return wrap(() => needDashboard(host).deleteDashboard(asString(args.name)));
    case "reload-dashboard":
      return wrap(() =>
        needDashboard(host).reloadDashboard(asString(args.name), asString(args.url) || undefined, asBool(args.focus, true)),
      );
    case "open-url": {
      const url = asString(args.url);
      if (!url) throw new ActionError("No URL provided");
      return host.openWindow(url);
    }
    // Message-only operations (postMessage and broadcasts), not clickable blocks.
    case "finished-workshop":
      return wrap(() => needDashboard(host).finishedWorkshop());
    case "terminate-session":
      return wrap(() => needDashboard(host).terminateSession());
    default:
      throw unknown("dashboard", op);
  }
}

async function examiner(op: string, args: Args, host: Host): Promise<void> {
  if (op === "execute-test") return examine(host, args);
  throw unknown("examiner", op);
}

async function files(op: string, args: Args, host: Host, extra?: Extra): Promise<void> {
  switch (op) {
    case "download-file": {
      const url = asString(args.url);
      if (url) {
        const text = await fetchText(host, url);
        const blob = URL.createObjectURL(new Blob([text], { type: "application/octet-stream" }));
        return host.download(blob, downloadName(url, asString(args.download)));
      }
      const path = asString(args.path);
      if (!path) throw new ActionError("No file path provided");
      return host.download(filesUrl(path), asString(args.download) || basename(path));
    }
    case "copy-file":
      return host.copy(await fetchText(host, fileSource(args)));
    case "upload-file":
    case "upload-files": {
      const form = extra?.form;
      if (!form) throw new ActionError("Choose a file first");
      const response = await host.fetch("/upload/files", { method: "POST", body: form });
      if (!response.ok) throw new ActionError(`Upload failed (HTTP ${response.status})`);
      return;
    }
    default:
      throw unknown("files", op);
  }
}

/** Sections only toggle (blocks.ts does that); running one is a success. */
async function section(op: string): Promise<void> {
  if (op === "heading" || op === "begin" || op === "end") return;
  throw unknown("section", op);
}

/** Who runs each action family (the part of the type before the colon). */
const FAMILIES: Record<string, FamilyRunner> = {
  terminal: (op, args, host) => terminal(op, args, host),
  workshop: (op, args, host) => workshop(op, args, host),
  dashboard: (op, args, host) => dashboard(op, args, host),
  editor: (op, args, host) => editor(host, `editor:${op}`, args),
  examiner: (op, args, host) => examiner(op, args, host),
  files: (op, args, host, extra) => files(op, args, host, extra),
  section: (op) => section(op),
};

/** Runs one action. `extra` carries per-block inputs (upload form data, the block). */
export async function dispatch(type: string, args: Args, host: Host, extra?: Extra): Promise<void> {
  const custom = customAction(type);
  if (custom) return runCustom(custom, extra?.element);
  const legacy = /^execute(-(\d+|all))?$/.exec(type);
  if (legacy) {
    const text = asString(args.text).trim();
    const session = legacy[2] === undefined ? "1" : legacy[2] === "all" ? "*" : legacy[2];
    return execute(host, session, text, false);
  }
  if (type === "copy" || type === "copy-and-edit") return host.copy(asString(args.text).trim());
  const colon = type.indexOf(":");
  const runner = colon > 0 && Object.prototype.hasOwnProperty.call(FAMILIES, type.slice(0, colon)) ? FAMILIES[type.slice(0, colon)] : undefined;
  if (!runner) throw new ActionError(`Unknown action type ${type}`);
  return runner(type.slice(colon + 1), args, host, extra);
}
