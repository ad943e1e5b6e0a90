// The page gate: a page that requires its checks (`data-require-checks` on the body: front matter
// `lectern.require_checks`, a Killercoda `verify`) keeps Next disabled until every visible
// examiner:execute-test block on it has passed once. A pass is remembered for the browser session
// (sessionStorage, shared with the dashboard, which disables its own Next button through `pageGate`).

import type { Host } from "./api";

/** sessionStorage key of a page whose checks passed. */
export function passedKey(pageKey: string): string {
  return `lectern:checks-passed:${pageKey}`;
}

/** Whether the checks of `pageKey` passed in this browser session. */
export function checksPassed(pageKey: string): boolean {
  try {
    return sessionStorage.getItem(passedKey(pageKey)) === "1";
  } catch {
    return false;
  }
}

function remember(pageKey: string): void {
  try {
    sessionStorage.setItem(passedKey(pageKey), "1");
  } catch {
    /* no storage: the gate opens for this page view only */
  }
}

/** The in-page links and buttons that lead to the next page. */
function nextLinks(doc: Document): HTMLElement[] {
  return Array.from(doc.querySelectorAll<HTMLElement>("a[rel=next], .lectern-finish"));
}

/** The gate of one page. `locked()` says whether Next is held back now. */
export interface Gate {
  locked(): boolean;
}

/** Watches the checks of the page in `doc`; returns the gate (open when the page requires nothing). */
export function watchGate(doc: Document, host: Host, pageKey: string): Gate {
  const checks = Array.from(doc.querySelectorAll<HTMLElement>('.lectern-action[data-action-type="examiner:execute-test"]')).filter(
    (el) => !el.hasAttribute("data-action-hidden"),
  );
  const required = doc.body.hasAttribute("data-require-checks") && checks.length > 0;
  let open = !required || checksPassed(pageKey);
  const hint = doc.createElement("p");
  hint.className = "lectern-gate-hint";
  hint.setAttribute("role", "status");
  hint.textContent = checks.length > 1 ? "Pass this page's checks to go on." : "Pass this page's check to go on.";

  const block = (event: Event) => {
    if (open) return;
    event.preventDefault();
    event.stopImmediatePropagation();
  };
  const show = () => {
    for (const link of nextLinks(doc)) {
      if (open) {
        link.removeAttribute("aria-disabled");
        link.classList.remove("lectern-gated");
      } else {
        link.setAttribute("aria-disabled", "true");
        link.classList.add("lectern-gated");
      }
    }
    if (open) hint.remove();
    else (doc.querySelector(".lectern-page-footer") ?? doc.body).prepend(hint);
    host.dashboard?.pageGate(pageKey, !open);
  };
  for (const link of nextLinks(doc)) link.addEventListener("click", block, true);
  // The finish button is added after the page loads: catch clicks on it too.
  doc.addEventListener("click", (event) => {
    const target = event.target as HTMLElement | null;
    if (target?.closest(".lectern-finish, a[rel=next]")) block(event);
  }, true);
  if (required && !open) {
    const observer = new MutationObserver(() => {
      if (checks.every((el) => el.getAttribute("data-action-state") === "done")) {
        open = true;
        remember(pageKey);
        observer.disconnect();
        show();
      }
    });
    for (const el of checks) observer.observe(el, { attributes: true, attributeFilter: ["data-action-state"] });
  }
  show();
  return { locked: () => !open };
}
