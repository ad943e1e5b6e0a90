import { beforeEach, describe, expect, it } from "vitest";
import { initPage } from "../src/actions/blocks";
import { checksPassed, watchGate } from "../src/actions/gate";
import { fakeHost } from "./fake";

const tick = () => new Promise((r) => setTimeout(r, 0));

function check(index: number, attrs = ""): string {
  const args = JSON.stringify({ name: `t${index}`, prefix: "Check", title: "Is this step done?", cooldown: 0 });
  return `<div class="lectern-action" data-action-type="examiner:execute-test" data-action-index="${index}" data-action-line="0" data-action-args='${args}' ${attrs}><div class="lectern-action-title">Check</div><pre class="lectern-action-body"><code></code></pre></div>`;
}

function shell(body: string, requireChecks = true): void {
  if (requireChecks) document.body.setAttribute("data-require-checks", "");
  else document.body.removeAttribute("data-require-checks");
  document.body.innerHTML = `<main>${body}</main><footer class="lectern-page-footer"><a class="lectern-continue" rel="next" href="/workshop/content/next/">Continue</a></footer>`;
}

const result = (success: boolean) => ({ status: 200, body: { success, message: success ? "ok" : "Test failed to complete" } });

beforeEach(() => {
  sessionStorage.clear();
  document.body.innerHTML = "";
});

describe("page gate", () => {
  it("holds Next until the check passes, then remembers the pass", async () => {
    shell(check(0));
    const f = fakeHost({ responses: { "/examiner/test/t0": [result(false), result(true)] } });
    const page = initPage(document, f.host, "step1");
    const gate = watchGate(document, f.host, "step1");
    const next = document.querySelector<HTMLAnchorElement>("a[rel=next]")!;
    expect(gate.locked()).toBe(true);
    expect(next.getAttribute("aria-disabled")).toBe("true");
    expect(document.querySelector(".lectern-gate-hint")).not.toBeNull();
    expect(f.log).toContain("gate step1 locked");
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    next.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);

    const block = document.querySelector<HTMLElement>(".lectern-action")!;
    await page.trigger(block);
    await tick();
    expect(block.getAttribute("data-action-state")).toBe("failed");
    expect(gate.locked()).toBe(true);

    await page.trigger(block);
    await tick();
    expect(block.getAttribute("data-action-state")).toBe("done");
    expect(gate.locked()).toBe(false);
    expect(next.hasAttribute("aria-disabled")).toBe(false);
    expect(document.querySelector(".lectern-gate-hint")).toBeNull();
    expect(f.log).toContain("gate step1 open");
    expect(checksPassed("step1")).toBe(true);

    // Back on the page later in the session: open from the start.
    shell(check(0));
    expect(watchGate(document, f.host, "step1").locked()).toBe(false);
  });

  it("hidden examiner blocks (background scripts) are no checks", () => {
    shell(check(0, "data-action-hidden"));
    const f = fakeHost();
    expect(watchGate(document, f.host, "p").locked()).toBe(false);
  });

  it("pages that do not ask for it are never held", () => {
    shell(check(0), false);
    const f = fakeHost();
    expect(watchGate(document, f.host, "p").locked()).toBe(false);
    expect(document.querySelector("a[rel=next]")!.hasAttribute("aria-disabled")).toBe(false);
  });
});
