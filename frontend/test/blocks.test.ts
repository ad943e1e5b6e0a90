import { beforeEach, describe, expect, it, vi } from "vitest";
import { initPage } from "../src/actions/blocks";
import { fakeHost } from "./fake";

function block(type: string, index: number, args: Record<string, unknown>, attrs = "", body = ""): string {
  const json = JSON.stringify(args).replace(/&/g, "&amp;").replace(/'/g, "&#39;");
  return `<div class="lectern-action" data-action-type="${type}" data-action-index="${index}" data-action-line="${index}" data-action-args='${json}' ${attrs} tabindex="0" role="button"><div class="lectern-action-title"><span class="lectern-action-glyph" aria-hidden="true"></span>T${index}</div><pre class="lectern-action-body"><code>${body}</code></pre></div>`;
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const blocks = () => Array.from(document.querySelectorAll<HTMLElement>(".lectern-action"));

beforeEach(() => {
  document.body.innerHTML = "";
  sessionStorage.clear();
});

describe("blocks", () => {
  it("a click runs the action and marks it done", async () => {
    document.body.innerHTML = block("terminal:execute", 1, { command: "ls" }, "", "ls");
    const f = fakeHost();
    initPage(document, f.host, "p");
    blocks()[0].click();
    await tick();
    expect(f.calls[0].url).toBe("/terminal/api/1/execute");
    expect(blocks()[0].getAttribute("data-action-state")).toBe("done");
  });

  it("Enter and Space activate a focused block", async () => {
    document.body.innerHTML = block("terminal:execute", 1, { command: "ls", cooldown: 0 });
    const f = fakeHost();
    initPage(document, f.host, "p");
    const title = blocks()[0].querySelector(".lectern-action-title")!;
    expect(title.getAttribute("role")).toBe("button");
    expect(title.getAttribute("tabindex")).toBe("0");
    expect(blocks()[0].getAttribute("role")).toBe("group");
    title.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await tick();
    title.dispatchEvent(new KeyboardEvent("keydown", { key: " ", bubbles: true }));
    await tick();
    expect(f.calls).toHaveLength(2);
  });

  it("a failure shows the message in an alert", async () => {
    document.body.innerHTML = block("dashboard:open-dashboard", 1, { name: "missing" });
    const f = fakeHost();
    initPage(document, f.host, "p");
    blocks()[0].click();
    await tick();
    expect(blocks()[0].getAttribute("data-action-state")).toBe("failed");
    expect(blocks()[0].querySelector("[role=alert]")?.textContent).toBe("Dashboard does not exist");
  });

  it("cooldown ignores a second click; once means once", async () => {
    document.body.innerHTML = block("terminal:execute", 1, { command: "a" }) + block("terminal:execute", 2, { command: "b", cooldown: -1 });
    const f = fakeHost();
    const page = initPage(document, f.host, "p");
    await page.trigger(blocks()[0]);
    await page.trigger(blocks()[0]);
    await page.trigger(blocks()[1]);
    await page.trigger(blocks()[1]);
    expect(f.calls.map((c) => (c.body as { command: string }).command)).toEqual(["a", "b"]);
  });

  it("cooldown counts from the end of a run, as the original's does", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      document.body.innerHTML = block("terminal:execute", 1, { command: "a" });
      const f = fakeHost();
      // Each run takes 5 s of (fake) clock time; the default cooldown is 1 s.
      const host = { ...f.host, fetch: (url: string, init?: RequestInit) => (vi.setSystemTime(Date.now() + 5000), f.host.fetch(url, init)) };
      const page = initPage(document, host, "p");
      await page.trigger(blocks()[0]);
      vi.setSystemTime(Date.now() + 500);
      await page.trigger(blocks()[0]);
      expect(f.calls).toHaveLength(1);
      vi.setSystemTime(Date.now() + 600);
      await page.trigger(blocks()[0]);
      expect(f.calls).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("cascade runs the next block", async () => {
    document.body.innerHTML =
      block("terminal:execute", 1, { command: "a", cascade: true }) + "<p>text</p>" + block("terminal:execute", 2, { command: "b" });
    const f = fakeHost();
    const page = initPage(document, f.host, "p");
    await page.trigger(blocks()[0]);
    expect(f.calls.map((c) => (c.body as { command: string }).command)).toEqual(["a", "b"]);
  });

  it("autostart runs once per session, not again on reload", async () => {
    document.body.innerHTML = block("terminal:execute", 1, { command: "auto" }, "data-action-autostart");
    const f = fakeHost();
    initPage(document, f.host, "p");
    await tick();
    initPage(document, f.host, "p");
    await tick();
    expect(f.calls).toHaveLength(1);
  });

  it("hidden blocks are not shown but still autostart", async () => {
    document.body.innerHTML = block("terminal:execute", 1, { command: "h" }, "data-action-hidden data-action-autostart");
    const f = fakeHost({ dashboard: false });
    initPage(document, f.host, "p2");
    await tick();
    expect(blocks()[0].hidden).toBe(true);
    expect(f.calls).toHaveLength(1);
  });

  it("sections collapse their content and autostart inside when opened", async () => {
    document.body.innerHTML =
      block("section:begin", 1, { title: "More" }) +
      "<p id=inside>inside</p>" +
      block("terminal:execute", 2, { command: "in" }, "data-action-autostart") +
      block("section:end", 3, {}) +
      "<p id=after>after</p>";
    const f = fakeHost();
    const page = initPage(document, f.host, "p");
    await tick();
    expect(document.getElementById("inside")!.hidden).toBe(true);
    expect(blocks()[1].hidden).toBe(true);
    expect(blocks()[2].hidden).toBe(true);
    expect(document.getElementById("after")!.hidden).toBe(false);
    expect(f.calls).toHaveLength(0);
    expect(blocks()[0].querySelector(".lectern-action-title")!.getAttribute("aria-expanded")).toBe("false");
    await page.trigger(blocks()[0]);
    await tick();
    expect(document.getElementById("inside")!.hidden).toBe(false);
    expect(blocks()[0].getAttribute("data-section-state")).toBe("visible");
    expect(blocks()[2].hidden).toBe(true);
    expect(f.calls).toHaveLength(1);
  });

  it("nested sections stay collapsed when the outer opens; a cascade into section:end collapses", async () => {
    document.body.innerHTML =
      block("section:begin", 1, { name: "outer", open: true }) +
      block("section:begin", 2, { name: "inner" }) +
      "<p id=deep>deep</p>" +
      block("section:end", 3, { name: "inner" }) +
      block("terminal:execute", 4, { command: "x", cascade: true }) +
      block("section:end", 5, { name: "outer" });
    const f = fakeHost();
    const page = initPage(document, f.host, "p");
    expect(blocks()[1].hidden).toBe(false);
    expect(document.getElementById("deep")!.hidden).toBe(true);
    await page.trigger(blocks()[3]);
    expect(blocks()[3].hidden).toBe(true);
    expect(blocks()[0].getAttribute("data-section-state")).toBe("hidden");
  });

  it("copy button and shift-click copy the body", async () => {
    document.body.innerHTML = block("terminal:execute", 1, { command: "echo hi" }, "", "echo hi");
    const f = fakeHost();
    initPage(document, f.host, "p");
    blocks()[0].querySelector<HTMLButtonElement>(".lectern-action-copy")!.click();
    blocks()[0].dispatchEvent(new MouseEvent("click", { shiftKey: true, bubbles: true }));
    await tick();
    expect(f.copied).toEqual(["echo hi", "echo hi"]);
    expect(f.calls).toHaveLength(0);
  });

  it("upload blocks get a form and only run from it", async () => {
    document.body.innerHTML = block("files:upload-files", 1, { directory: "in" });
    const f = fakeHost();
    initPage(document, f.host, "p");
    const form = blocks()[0].querySelector("form")!;
    expect(form.querySelector("input[type=file]")).not.toBeNull();
    blocks()[0].click();
    await tick();
    expect(f.calls).toHaveLength(0);
  });

  it("bad args JSON does not break the page", async () => {
    document.body.innerHTML =
      `<div class="lectern-action" data-action-type="terminal:execute" data-action-args='{oops'>x</div>` +
      block("terminal:execute", 2, { command: "ok" }, "data-action-autostart");
    const f = fakeHost();
    initPage(document, f.host, "p3");
    await tick();
    expect(f.calls).toHaveLength(1);
  });
});

describe("examiner inputs", () => {
  it("renders a form and sends its values as `form`", async () => {
    const inputs = {
      schema: { name: { type: "string", title: "Name:", default: "my-app", required: true }, count: { type: "integer", default: 2 } },
      form: ["*", { type: "submit", title: "Check" }],
    };
    document.body.innerHTML = block("examiner:execute-test", 1, { name: "t", inputs });
    const f = fakeHost({ responses: { "/examiner/test/t": [{ status: 200, body: { success: true } }] } });
    initPage(document, f.host, "p");
    blocks()[0].click();
    await tick();
    expect(f.calls).toHaveLength(0);
    const form = blocks()[0].querySelector("form")!;
    expect(form.querySelector("button")!.textContent).toBe("Check");
    form.querySelector<HTMLInputElement>("input[name=name]")!.value = "web";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await tick();
    expect(f.calls[0].body).toEqual({ args: [], form: { name: "web", count: 2 }, timeout: 15 });
  });
});
