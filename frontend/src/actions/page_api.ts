// The original's in-page API, `window.educates` inside an instructions page (its educates-bundle exports),
// for workshop scripts (`workshop-instructions.js`, theme scripts): terminal and dashboard helpers with
// optional `(done, fail)` callbacks, `preview_image`, `session_owner`, `register_action` for custom actions,
// and `editor` (the editor operations). Everything goes through the same dispatcher as the clickable
// actions, so a script call behaves exactly like the matching action block.

import type { Host } from "./api";
import type { Args } from "./catalogue";
import { type CustomOptions, registerAction } from "./custom";
import { dispatch } from "./dispatch";
import type { Page } from "./blocks";

type Done = () => void;
type Fail = (error: string) => void;

/** Runs `work`, then calls `done` or `fail(message)` as the original's helpers do. */
function settle(work: () => unknown, done?: Done, fail?: Fail): void {
  Promise.resolve()
    .then(work)
    .then(
      () => done?.(),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (fail) fail(message);
        else console.warn("lectern:", message);
      },
    );
}

/** Editor helpers: method name → action type and the names of its positional parameters. */
const EDITOR: Record<string, [string, string[]]> = {
  open_file: ["open-file", ["file", "line"]],
  create_file: ["create-file", ["file", "text"]],
  create_directory: ["create-directory", ["directory"]],
  select_matching_text: ["select-matching-text", ["file", "text", "start", "stop", "isRegex", "group", "before", "after"]],
  replace_text_selection: ["replace-text-selection", ["file", "text"]],
  delete_text_selection: ["delete-text-selection", ["file"]],
  insert_lines_before_selection: ["insert-lines-before-selection", ["file", "text"]],
  append_lines_after_selection: ["append-lines-after-selection", ["file", "text"]],
  replace_matching_text: ["replace-matching-text", ["file", "match", "replacement", "start", "stop", "isRegex", "group", "count"]],
  append_lines_to_file: ["append-lines-to-file", ["file", "text"]],
  prepend_lines_to_file: ["prepend-lines-to-file", ["file", "text"]],
  insert_lines_before_line: ["insert-lines-before-line", ["file", "line", "text"]],
  insert_lines_after_line: ["insert-lines-after-line", ["file", "line", "text"]],
  append_lines_after_line: ["append-lines-after-line", ["file", "line", "text"]],
  append_lines_after_match: ["append-lines-after-match", ["file", "match", "text"]],
  insert_lines_before_match: ["insert-lines-before-match", ["file", "match", "text"]],
  select_lines_in_range: ["select-lines-in-range", ["file", "start", "stop"]],
  delete_lines_in_range: ["delete-lines-in-range", ["file", "start", "stop"]],
  delete_matching_lines: ["delete-matching-lines", ["file", "match", "isRegex", "before", "after"]],
  replace_lines_in_range: ["replace-lines-in-range", ["file", "start", "stop", "text"]],
  copy_file: ["copy-file", ["src", "dest", "open"]],
  rename_file: ["rename-file", ["src", "dest", "open"]],
  close_file: ["close-file", ["file"]],
  delete_file: ["delete-file", ["file"]],
  insert_value_into_yaml: ["insert-value-into-yaml", ["file", "path", "value"]],
  set_yaml_value: ["set-yaml-value", ["file", "path", "value"]],
  add_yaml_item: ["add-yaml-item", ["file", "path", "value"]],
  insert_yaml_item: ["insert-yaml-item", ["file", "path", "index", "value"]],
  replace_yaml_item: ["replace-yaml-item", ["file", "path", "value"]],
  delete_yaml_value: ["delete-yaml-value", ["file", "path"]],
  merge_yaml_values: ["merge-yaml-values", ["file", "path", "value"]],
  select_yaml_path: ["select-yaml-path", ["file", "path"]],
  execute_command: ["execute-command", ["command", "args"]],
  open_terminal: ["open-terminal", ["session"]],
  close_terminal: ["close-terminal", ["session"]],
  send_to_terminal: ["send-to-terminal", ["session", "text", "endl"]],
  interrupt_terminal: ["interrupt-terminal", ["session"]],
  clear_terminal: ["clear-terminal", ["session"]],
};

function editorApi(host: Host): Record<string, (...params: unknown[]) => void> {
  const api: Record<string, (...params: unknown[]) => void> = {};
  for (const [method, [op, names]] of Object.entries(EDITOR)) {
    api[method] = (...params: unknown[]) => {
      const args: Args = {};
      names.forEach((name, i) => {
        if (params[i] !== undefined) args[name] = params[i];
      });
      const [done, fail] = params.slice(names.length) as [Done?, Fail?];
      settle(() => dispatch(`editor:${op}`, args, host), done, fail);
    };
  }
  return api;
}

/** Shows an image in a dialog of the page itself (the original's fallback outside the dashboard). */
function localPreview(doc: Document, src: string, title: string): void {
  const dialog = doc.createElement("dialog");
  dialog.className = "lectern-preview";
  const heading = doc.createElement("h2");
  heading.textContent = title || "Image";
  const img = doc.createElement("img");
  img.src = src;
  img.alt = title;
  const close = doc.createElement("button");
  close.type = "button";
  close.textContent = "Close";
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  dialog.append(heading, img, close);
  doc.body.append(dialog);
  dialog.showModal();
}

/** Builds the page's `educates` object. `page` is the block controller (null before it exists). */
export function pageApi(host: Host, doc: Document, page: () => Page | null): Record<string, unknown> {
  const run = (type: string, args: Args, done?: Done, fail?: Fail) => settle(() => dispatch(type, args, host), done, fail);
  const needDashboard = <T>(f: (d: NonNullable<Host["dashboard"]>) => T) => () => {
    if (!host.dashboard) throw new Error("Dashboard is not available");
    return f(host.dashboard);
  };
  return {
    paste_to_terminal: (text: string, id = "1", done?: Done, fail?: Fail) =>
      run("terminal:input", { text, session: String(id), endl: false }, done, fail),
    execute_in_terminal: (command: string, id = "1", clear = false, done?: Done, fail?: Fail) =>
      run("terminal:execute", { command, session: String(id), clear }, done, fail),
    execute_in_all_terminals: (command: string, clear = false, done?: Done, fail?: Fail) =>
      run("terminal:execute-all", { command, clear }, done, fail),
    clear_terminal: (id = "1", done?: Done, fail?: Fail) => run("terminal:clear", { session: String(id) }, done, fail),
    clear_all_terminals: (done?: Done, fail?: Fail) => run("terminal:clear-all", {}, done, fail),
    interrupt_terminal: (id = "1", done?: Done, fail?: Fail) => run("terminal:interrupt", { session: String(id) }, done, fail),
    interrupt_all_terminals: (done?: Done, fail?: Fail) => run("terminal:interrupt-all", {}, done, fail),
    expose_terminal: (id = "1", done?: Done, fail?: Fail) =>
      settle(
        needDashboard((d) => {
          if (!d.exposeTerminal(String(id))) throw new Error("Terminal does not exist");
        }),
        done,
        fail,
      ),
    expose_dashboard: (name: string, done?: Done, fail?: Fail) => run("dashboard:open-dashboard", { name }, done, fail),
    create_dashboard: (name: string, url: string, focus = true, done?: Done, fail?: Fail) =>
      run("dashboard:create-dashboard", { name, url, focus }, done, fail),
    delete_dashboard: (name: string, done?: Done, fail?: Fail) => run("dashboard:delete-dashboard", { name }, done, fail),
    reload_dashboard: (name: string, url?: string, focus = true, done?: Done, fail?: Fail) =>
      run("dashboard:reload-dashboard", url ? { name, url, focus } : { name, focus }, done, fail),
    collapse_workshop: (done?: Done, fail?: Fail) => settle(needDashboard((d) => d.collapseWorkshop()), done, fail),
    reload_workshop: (done?: Done, fail?: Fail) => settle(needDashboard((d) => d.reloadWorkshop()), done, fail),
    finished_workshop: () => host.dashboard?.finishedWorkshop(),
    terminate_session: () => host.dashboard?.terminateSession(),
    preview_image: (src: string, title = "") =>
      host.dashboard ? host.dashboard.previewImage(src, title) : localPreview(doc, src, title),
    session_owner: () => host.dashboard?.sessionOwner(),
    register_action: (options: CustomOptions) => registerAction(options, doc, page()),
    editor: editorApi(host),
    /** lectern's own: run any action type with arguments, as a block would. */
    dispatch: (type: string, args: Args) => dispatch(type, args, host),
  };
}
