import { beforeEach, describe, expect, it } from "vitest";
import { initPage } from "../src/actions/blocks";
import { pageApi } from "../src/actions/page_api";
import { fakeHost } from "./fake";

const tick = () => new Promise((r) => setTimeout(r, 0));

function customBlock(name: string, body: string, yaml?: Record<string, unknown>): string {
  const attr = yaml ? ` data-action-yaml='${JSON.stringify(yaml)}'` : "";
  return `<pre${attr}><code class="language-${name}">${body}</code></pre>`;
}

function builtin(type: string, index: number, args: Record<string, unknown>): string {
  return `<div class="lectern-action" data-action-type="${type}" data-action-index="${index}" data-action-args='${JSON.stringify(args)}'><div class="lectern-action-title"><span class="lectern-action-glyph"></span>T</div><pre class="lectern-action-body"><code></code></pre></div>`;
}

beforeEach(() => {
  document.body.innerHTML = "";
  sessionStorage.clear();
});

describe("register_action", () => {
  it("turns matching code blocks into actions whose handler runs on click", async () => {
    document.body.innerHTML =
      customBlock("demo:greet", "name: Ada", { name: "Ada" }) + customBlock("bash", "ls") + customBlock("demo:greet", "name: Bob\ncascade: true", { name: "Bob", cascade: true }) + builtin("terminal:execute", 0, { command: "after" });
    const f = fakeHost();
    const page = initPage(document, f.host, "p");
    const api = pageApi(f.host, document, () => page) as { register_action: (o: unknown) => number };
    const seen: unknown[] = [];
    const count = api.register_action({
      name: "demo:greet",
      args: "yaml",
      title: (a: { name: string }) => `Greet ${a.name}`,
      body: (a: { name: string }) => `hello ${a.name}`,
      handler: (args: unknown, _el: HTMLElement, done: () => void) => {
        seen.push(args);
        done();
      },
    });
    expect(count).toBe(2);
    const blocks = Array.from(document.querySelectorAll<HTMLElement>('.lectern-action[data-action-type="demo:greet"]'));
    expect(blocks.map((b) => b.querySelector(".lectern-action-title")!.textContent)).toEqual(["Greet Ada", "Greet Bob"]);
    expect(blocks[0].querySelector(".lectern-action-body")!.textContent).toBe("hello Ada");
    expect(document.querySelectorAll("code.language-bash")).toHaveLength(1);
    blocks[0].click();
    await tick();
    expect(seen).toEqual([{ name: "Ada" }]);
    expect(blocks[0].getAttribute("data-action-state")).toBe("done");
    // Cascade from a custom block into the built-in one after it (pause 750 ms by default: use the fake clock).
    blocks[1].click();
    for (let i = 0; i < 5; i++) await tick();
    expect(f.calls.map((c) => c.url)).toContain("/terminal/api/1/execute");
  });

  it("a failing handler marks the block failed with its message; text args by default", async () => {
    document.body.innerHTML = customBlock("demo:fail", "raw text");
    const f = fakeHost();
    const page = initPage(document, f.host, "p");
    const api = pageApi(f.host, document, () => page) as { register_action: (o: unknown) => number };
    let got: unknown;
    api.register_action({
      name: "demo:fail",
      handler: (args: unknown, _el: HTMLElement, _done: () => void, fail: (e: string) => void) => {
        got = args;
        fail("nope");
      },
    });
    const block = document.querySelector<HTMLElement>('.lectern-action[data-action-type="demo:fail"]')!;
    block.click();
    await tick();
    await tick();
    expect(got).toBe("raw text");
    expect(block.getAttribute("data-action-state")).toBe("failed");
    expect(block.querySelector(".lectern-action-message")!.textContent).toBe("nope");
  });

  it("helpers call back done and fail", async () => {
    const f = fakeHost();
    const api = pageApi(f.host, document, () => null) as Record<string, (...a: unknown[]) => void>;
    const result = await new Promise<string>((resolve) =>
      api.execute_in_terminal("ls", "2", false, () => resolve("done"), (e: unknown) => resolve(`fail ${e}`)),
    );
    expect(result).toBe("done");
    expect(f.calls.at(-1)!.url).toBe("/terminal/api/2/execute");
    expect(api.session_owner()).toBe("learner");
  });
});
