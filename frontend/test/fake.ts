// A fake Host and dashboard that record what the dispatcher did.
import type { DashboardApi, Host } from "../src/actions/api";

export interface Call {
  url: string;
  method: string;
  body: unknown;
}

export function fakeHost(options: { responses?: Record<string, Array<{ status: number; body: unknown }>>; dashboard?: boolean } = {}) {
  const calls: Call[] = [];
  const log: string[] = [];
  const copied: string[] = [];
  const downloads: Array<[string, string]> = [];
  const opened: string[] = [];
  const tabs = new Set(["terminal", "editor"]);
  const queues = options.responses ?? {};
  const dashboard: DashboardApi = {
    terminalNames: () => ["1", "2"],
    exposeTerminal: (name, create) => (log.push(`expose ${name}${create ? " create" : ""}`), name === "1" || name === "2"),
    clearTerminal: (name) => void log.push(`clear-local ${name}`),
    redrawTerminal: (name) => void log.push(`redraw ${name}`),
    openDashboard: (name) => {
      if (!tabs.has(name)) throw new Error("Dashboard does not exist");
      log.push(`open ${name}`);
    },
    createDashboard: (name, url) => {
      if (tabs.has(name)) throw new Error("Dashboard already exists");
      tabs.add(name);
      log.push(`create ${name} ${url}`);
    },
    deleteDashboard: (name) => {
      if (!tabs.delete(name)) throw new Error("Dashboard does not exist");
      log.push(`delete ${name}`);
    },
    reloadDashboard: (name, url) => void log.push(`reload ${name} ${url ?? ""}`),
    finishedWorkshop: () => void log.push("finished"),
    terminateSession: () => void log.push("terminate"),
    collapseWorkshop: () => void log.push("collapse"),
    reloadWorkshop: () => void log.push("reload-workshop"),
    previewImage: () => undefined,
    event: (name) => void log.push(`event ${name}`),
    autostartOnce: (() => {
      const seen = new Set<string>();
      return (key: string) => (seen.has(key) ? false : (seen.add(key), true));
    })(),
    theme: () => "light",
    editorAvailable: () => true,
    sessionOwner: () => "learner",
    pageGate: (key, locked) => void log.push(`gate ${key} ${locked ? "locked" : "open"}`),
  };
  const host: Host = {
    dashboard: options.dashboard === false ? null : dashboard,
    fetch: async (url, init) => {
      const method = init?.method ?? "GET";
      let body: unknown = init?.body;
      if (typeof body === "string") body = JSON.parse(body);
      calls.push({ url, method, body });
      const queue = queues[url];
      const next = queue && queue.length > 1 ? queue.shift()! : queue?.[0] ?? { status: method === "POST" ? 204 : 200, body: "" };
      const text = typeof next.body === "string" ? next.body : JSON.stringify(next.body);
      return new Response(next.status === 204 ? null : text, { status: next.status });
    },
    copy: async (text) => void copied.push(text),
    openWindow: (url) => void opened.push(url),
    download: (href, name) => void downloads.push([href, name]),
    sleep: async () => undefined,
  };
  return { host, calls, log, copied, downloads, opened };
}
