// Stand-in for the site and content areas (routed downloads are cancelled by Chromium, so the download
// test runs only against the real server), used only while they have not landed in this build: serves the
// fixture's Markdown pages as the COMMON.md page shell with `lectern-action` markup (flat YAML bodies only),
// plus /api/workshop, /examiner/test/* and /files/*, through Playwright request routing.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

function flatYaml(text) {
  const out = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    let value = m[2];
    if (value === "true" || value === "false") value = value === "true";
    else if (/^-?\d+$/.test(value)) value = Number(value);
    out[m[1]] = value;
  }
  return out;
}

function render(markdown) {
  const body = markdown.replace(/^---\n[\s\S]*?\n---\n/, "");
  let index = 0;
  const html = body.replace(/```([\w:-]+)\n([\s\S]*?)```/g, (_all, type, text) => {
    index += 1;
    const args = flatYaml(text);
    const shown = args.command ?? args.text ?? args.url ?? "";
    const attrs = `${args.autostart ? " data-action-autostart" : ""}${args.hidden ? " data-action-hidden" : ""}${args.cascade ? " data-action-cascade" : ""}`;
    return `<div class="lectern-action" data-action-type="${type}" data-action-index="${index}" data-action-line="1" data-action-args='${esc(JSON.stringify(args))}'${attrs} tabindex="0" role="button"><div class="lectern-action-title"><span class="lectern-action-glyph" aria-hidden="true"></span>${esc(type)}: ${esc(args.title ?? args.name ?? "")}</div><pre class="lectern-action-body"><code>${esc(String(shown))}</code></pre></div>`;
  });
  return html
    .split(/\n{2,}/)
    .map((chunk) => (chunk.trim().startsWith("<div") ? chunk : `<p>${chunk.trim()}</p>`))
    .join("\n");
}

/** Installs the stand-in routes on a browser context for the workshop at `dir`. */
export async function installContract(context, dir) {
  const content = path.join(dir, "workshop", "content");
  const keys = () => readdirSync(content).filter((f) => f.endsWith(".md")).sort().map((f) => f.replace(/\.md$/, ""));
  await context.route("**/api/workshop", (route) => {
    const list = keys();
    const pages = list.map((key, i) => ({ key, title: key, source: key, prev: list[i - 1] ?? null, next: list[i + 1] ?? null }));
    return route.fulfill({ json: { title: "contract", format: "hugo", pages, first: list[0] } });
  });
  await context.route("**/workshop/content/**", (route) => {
    const key = decodeURIComponent(new URL(route.request().url()).pathname.replace("/workshop/content/", ""));
    const md = readFileSync(path.join(content, `${key}.md`), "utf8");
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${key}</title><link rel="stylesheet" href="/static/instructions.css"><script src="/static/instructions.js" defer></script></head><body><main>${render(md)}</main></body></html>`;
    return route.fulfill({ body: page, contentType: "text/html" });
  });
  await context.route("**/examiner/test/**", (route) => {
    const name = route.request().url().split("/examiner/test/")[1];
    const success = name === "pass-test";
    return route.fulfill({ json: { success, message: success ? "Test successfully completed" : "Test failed to complete" } });
  });
  await context.route("**/files/**", (route) => {
    const rel = decodeURIComponent(new URL(route.request().url()).pathname.replace("/files/", ""));
    return route.fulfill({
      body: readFileSync(path.join(dir, rel)),
      contentType: "text/plain",
      headers: { "content-disposition": `attachment; filename="${path.basename(rel)}"` },
    });
  });
}
