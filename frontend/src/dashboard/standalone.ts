// The original's standalone terminal page, `/terminal/session/<name>` (the server sends the dashboard's
// page there): one terminal in the whole window — no header, instructions or tabs — for links, a second
// browser window, and Educates tooling that opens it. Keys, drops and themes are the dashboard's.

import { TerminalViews } from "./terminals";
import { ThemeState } from "./theme";

/** The terminal this page shows when it is `/terminal/session/<name>`, else null. */
export function standaloneTerminal(path: string): string | null {
  const match = /^\/terminal\/session\/([a-z0-9-]{1,32})$/.exec(path);
  return match ? match[1] : null;
}

/** Shows terminal `name` alone in the window. */
export function showStandaloneTerminal(name: string, uploads: boolean): void {
  const theme = new ThemeState();
  document.documentElement.setAttribute("data-theme", theme.current);
  document.title = `Terminal ${name}`;
  const views = new TerminalViews(theme);
  views.uploads = uploads;
  const view = views.make(name);
  views.onScreen = () => [view];
  const app = document.getElementById("app") ?? document.body.appendChild(document.createElement("div"));
  app.className = "app standalone-terminal";
  const main = document.createElement("main");
  main.className = "terminal-stack";
  main.setAttribute("aria-label", `Terminal ${name}`);
  main.append(view.element, views.keyBar.element);
  app.replaceChildren(main);
  window.addEventListener("resize", () => views.fitAll());
  view.start();
  view.focus();
}
