// instructions.js: runs inside each instructions page (the /workshop/content/{key} iframe). Wires the
// clickable actions and talks to the dashboard through `window.parent.lectern` (alias `educates`).

import "./styles/instructions.css";
import type { DashboardApi, Host } from "./actions/api";
import { initPage, type Page } from "./actions/blocks";
import { pageApi } from "./actions/page_api";
import { watchGate } from "./actions/gate";

declare global {
  interface Window {
    lectern?: unknown;
    educates?: unknown;
    lecternInstructions?: { setTheme(theme: string): void; page: Page | null };
  }
}

function parentApi(): DashboardApi | null {
  try {
    if (window.parent === window) return null;
    const api = (window.parent as Window).lectern as { dashboard?: DashboardApi } | undefined;
    return api?.dashboard ?? null;
  } catch {
    return null; // cross-origin parent
  }
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    /* fall back below: clipboard API refused (permissions, insecure context) */
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("Copy to clipboard failed");
}

const host: Host = {
  dashboard: parentApi(),
  fetch: (input, init) => fetch(input, { credentials: "same-origin", ...init }),
  copy: copyText,
  openWindow: (url) => void window.open(url, "_blank", "noopener"),
  download: (href, filename) => {
    const a = document.createElement("a");
    a.href = href;
    a.download = filename;
    a.rel = "noopener";
    document.body.appendChild(a);
    a.click();
    a.remove();
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function pageKey(): string {
  return decodeURIComponent(location.pathname.replace(/^\/workshop\/content\//, "").replace(/\/$/, ""));
}

function setTheme(theme: string): void {
  document.documentElement.setAttribute("data-theme", theme);
}

function enhanceContent(): void {
  // Links to other hosts open in a new tab; images open in the dashboard's preview dialog.
  for (const a of Array.from(document.querySelectorAll<HTMLAnchorElement>("a[href]"))) {
    try {
      if (new URL(a.href, location.href).host !== location.host) {
        a.target = "_blank";
        a.rel = "noopener";
      }
    } catch {
      /* leave odd hrefs alone */
    }
  }
  for (const img of Array.from(document.querySelectorAll<HTMLImageElement>("main img, article img"))) {
    if (img.closest("a")) continue;
    img.style.cursor = "zoom-in";
    img.addEventListener("click", () => host.dashboard?.previewImage(img.src, img.alt));
  }
  // Inline copy markers: copy the <code> just before them.
  for (const mark of Array.from(document.querySelectorAll<HTMLElement>(".inline-copy"))) {
    mark.setAttribute("role", "button");
    mark.tabIndex = 0;
    mark.setAttribute("aria-label", "Copy to clipboard");
    mark.addEventListener("click", () => {
      const code = mark.previousElementSibling;
      if (code?.tagName === "CODE") void host.copy(code.textContent ?? "");
    });
  }
}

function start(): void {
  const asked = new URLSearchParams(location.search).get("theme");
  const theme = host.dashboard?.theme() ?? (asked === "light" || asked === "dark" ? asked : undefined);
  if (theme) setTheme(theme);
  if (host.dashboard) {
    document.documentElement.setAttribute("data-embedded", "");
    const last = document.querySelector(".lectern-last-page");
    if (last) {
      const finish = document.createElement("button");
      finish.type = "button";
      finish.className = "lectern-finish";
      finish.textContent = "Finish workshop";
      finish.addEventListener("click", () => host.dashboard?.finishedWorkshop());
      last.after(finish);
    }
  }
  enhanceContent();
  const key = pageKey();
  // The server types the page's foreground script and starts a scenario the first time a page opens.
  if (document.body.hasAttribute("data-page-opened"))
    void host.fetch(`/api/workshop/opened/${key.split("/").map(encodeURIComponent).join("/")}`, { method: "POST" }).catch(() => undefined);
  const page = initPage(document, host, key);
  watchGate(document, host, key);
  window.lecternInstructions = { setTheme, page };
  // The original's in-page API for workshop scripts (they run after this one: both are deferred, in order).
  const api = pageApi(host, document, () => page);
  const own = window as unknown as { educates?: unknown; lecternPage?: unknown };
  own.educates = api;
  own.lecternPage = api;
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
