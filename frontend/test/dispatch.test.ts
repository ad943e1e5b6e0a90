import { describe, expect, it } from "vitest";
import { dispatch, downloadName, filesUrl } from "../src/actions/dispatch";
import { cooldownOf, knownTypes, pauseOf, slug } from "../src/actions/catalogue";
import { fakeHost } from "./fake";

describe("terminal actions", () => {
  it("terminal:execute posts the command to the session's input API and exposes it", async () => {
    const f = fakeHost();
    await dispatch("terminal:execute", { command: "ls -l", session: 2 }, f.host);
    expect(f.calls).toEqual([{ url: "/terminal/api/2/execute", method: "POST", body: { command: "ls -l", clear: false } }]);
    expect(f.log).toContain("expose 2 create");
  });

  it("session defaults to 1 and clear clears the local view too", async () => {
    const f = fakeHost();
    await dispatch("terminal:execute", { command: "date", clear: true }, f.host);
    expect(f.calls[0]).toMatchObject({ url: "/terminal/api/1/execute", body: { command: "date", clear: true } });
    expect(f.log).toContain("clear-local 1");
  });

  it("interrupt: true stops what runs first (Killercoda's {{exec interrupt}})", async () => {
    const f = fakeHost();
    await dispatch("terminal:execute", { command: "node app.js", session: "2", interrupt: true }, f.host);
    expect(f.calls.map((c) => c.url)).toEqual(["/terminal/api/2/interrupt", "/terminal/api/2/execute"]);
    expect(f.calls[1].body).toEqual({ command: "node app.js", clear: false });
  });

  it("<ctrl-c> as a command interrupts instead", async () => {
    const f = fakeHost();
    await dispatch("terminal:execute", { command: "<ctrl+c>" }, f.host);
    expect(f.calls.map((c) => c.url)).toEqual(["/terminal/api/1/interrupt"]);
  });

  it('session "*" and execute-all go to every dashboard terminal', async () => {
    const f = fakeHost();
    await dispatch("terminal:execute-all", { command: "pwd" }, f.host);
    expect(f.calls.map((c) => c.url)).toEqual(["/terminal/api/1/execute", "/terminal/api/2/execute"]);
  });

  it("legacy execute-N trims the text and picks terminal N", async () => {
    const f = fakeHost();
    await dispatch("execute-3", { text: "  echo hi\n" }, f.host);
    expect(f.calls[0]).toMatchObject({ url: "/terminal/api/3/execute", body: { command: "echo hi" } });
  });

  it("legacy execute-all without a dashboard uses terminal 1", async () => {
    const f = fakeHost({ dashboard: false });
    await dispatch("execute-all", { text: "id" }, f.host);
    expect(f.calls.map((c) => c.url)).toEqual(["/terminal/api/1/execute"]);
  });

  it("terminal:input pastes with a newline unless endl is false", async () => {
    const f = fakeHost();
    await dispatch("terminal:input", { text: "yes" }, f.host);
    await dispatch("terminal:input", { text: "no", endl: false }, f.host);
    expect(f.calls.map((c) => c.body)).toEqual([{ text: "yes\n" }, { text: "no" }]);
  });

  it("interrupt and clear", async () => {
    const f = fakeHost();
    await dispatch("terminal:interrupt", { session: "2" }, f.host);
    await dispatch("terminal:clear-all", {}, f.host);
    expect(f.calls.map((c) => c.url)).toEqual(["/terminal/api/2/interrupt", "/terminal/api/1/clear", "/terminal/api/2/clear"]);
    expect(f.log.filter((l) => l.startsWith("redraw"))).toEqual(["redraw 1", "redraw 2"]);
  });

  it("terminal:select fails for a terminal not on screen", async () => {
    const f = fakeHost();
    await expect(dispatch("terminal:select", { session: "9" }, f.host)).rejects.toThrow("Terminal does not exist");
  });

  it("an HTTP failure becomes a failure with the server's message", async () => {
    const f = fakeHost({ responses: { "/terminal/api/1/execute": [{ status: 409, body: "conflict: terminal 1 exited" }] } });
    await expect(dispatch("terminal:execute", { command: "ls" }, f.host)).rejects.toThrow("409: conflict: terminal 1 exited");
  });

  it("terminal names are URL-encoded", async () => {
    const f = fakeHost();
    await dispatch("terminal:execute", { command: "x", session: "a b" }, f.host);
    expect(f.calls[0].url).toBe("/terminal/api/a%20b/execute");
  });
});

describe("copy actions", () => {
  it("legacy copy trims, workshop:copy keeps the text exactly", async () => {
    const f = fakeHost();
    await dispatch("copy", { text: " a \n" }, f.host);
    await dispatch("workshop:copy-and-edit", { text: " b \n" }, f.host);
    expect(f.copied).toEqual(["a", " b \n"]);
  });
});

describe("dashboard actions", () => {
  it("create, open, reload and delete tabs", async () => {
    const f = fakeHost();
    await dispatch("dashboard:create-dashboard", { name: "Docs", url: "https://example.test/" }, f.host);
    await dispatch("dashboard:open-dashboard", { name: "Docs" }, f.host);
    await dispatch("dashboard:reload-dashboard", { name: "Docs", url: "/x" }, f.host);
    await dispatch("dashboard:delete-dashboard", { name: "Docs" }, f.host);
    expect(f.log).toEqual(["create Docs https://example.test/", "open Docs", "reload Docs /x", "delete Docs"]);
  });

  it("opening a missing tab or creating a duplicate fails", async () => {
    const f = fakeHost();
    await expect(dispatch("dashboard:open-dashboard", { name: "Nope" }, f.host)).rejects.toThrow("Dashboard does not exist");
    await expect(dispatch("dashboard:create-dashboard", { name: "editor", url: "/" }, f.host)).rejects.toThrow(
      "Dashboard already exists",
    );
  });

  it("without a dashboard, dashboard actions fail clearly", async () => {
    const f = fakeHost({ dashboard: false });
    await expect(dispatch("dashboard:open-dashboard", { name: "x" }, f.host)).rejects.toThrow("Dashboard is not available");
  });

  it("open-url opens a window", async () => {
    const f = fakeHost();
    await dispatch("dashboard:open-url", { url: "https://example.test/" }, f.host);
    expect(f.opened).toEqual(["https://example.test/"]);
  });
});

describe("examiner", () => {
  it("posts args and timeout; success resolves", async () => {
    const f = fakeHost({ responses: { "/examiner/test/check-it": [{ status: 200, body: { success: true, message: "ok" } }] } });
    await dispatch("examiner:execute-test", { name: "check-it", args: ["a", 1], timeout: 5 }, f.host);
    expect(f.calls[0]).toEqual({ url: "/examiner/test/check-it", method: "POST", body: { args: ["a", "1"], form: {}, timeout: 5 } });
  });

  it("retries on success:false, then fails with the message", async () => {
    const fail = { status: 200, body: { success: false, message: "not yet" } };
    const f = fakeHost({ responses: { "/examiner/test/t": [fail, fail, fail, fail] } });
    await expect(dispatch("examiner:execute-test", { name: "t", retries: 2 }, f.host)).rejects.toThrow("not yet");
    expect(f.calls).toHaveLength(3);
  });

  it("a retry that passes succeeds", async () => {
    const f = fakeHost({
      responses: { "/examiner/test/t": [{ status: 200, body: { success: false } }, { status: 200, body: { success: true } }] },
    });
    await dispatch("examiner:execute-test", { name: "t", retries: "Infinity" }, f.host);
    expect(f.calls).toHaveLength(2);
  });

  it("HTTP errors fail at once", async () => {
    const f = fakeHost({ responses: { "/examiner/test/t": [{ status: 404, body: "" }] } });
    await expect(dispatch("examiner:execute-test", { name: "t", retries: 5 }, f.host)).rejects.toThrow("404");
    expect(f.calls).toHaveLength(1);
  });
});

describe("files", () => {
  it("download by path uses /files/ and the basename", async () => {
    const f = fakeHost();
    await dispatch("files:download-file", { path: "dir/my file.txt" }, f.host);
    expect(f.downloads).toEqual([["/files/dir/my%20file.txt", "my file.txt"]]);
  });

  it("copy-file copies the fetched text", async () => {
    const f = fakeHost({ responses: { "/files/a.txt": [{ status: 200, body: "hello" }] } });
    await dispatch("files:copy-file", { path: "a.txt" }, f.host);
    expect(f.copied).toEqual(["hello"]);
  });

  it("upload needs a form", async () => {
    const f = fakeHost();
    await expect(dispatch("files:upload-file", { path: "x" }, f.host)).rejects.toThrow("Choose a file");
    const form = new FormData();
    form.set("directory", "d");
    await dispatch("files:upload-files", {}, f.host, { form });
    expect(f.calls[0].url).toBe("/upload/files");
  });

  it("helpers", () => {
    expect(filesUrl("/a/b c")).toBe("/files/a/b%20c");
    expect(downloadName("https://h.test/x/y.tgz")).toBe("y.tgz");
    expect(downloadName("https://h.test/")).toBe("h.test");
    expect(downloadName("https://h.test/", "z")).toBe("z");
  });
});

describe("catalogue", () => {
  it("cooldowns: defaults per type, YAML override, negative or infinite means once", () => {
    expect(cooldownOf("terminal:execute", {})).toBe(1);
    expect(cooldownOf("copy", {})).toBe(0);
    expect(cooldownOf("dashboard:open-url", {})).toBe(3);
    expect(cooldownOf("editor:open-file", {})).toBe(3);
    expect(cooldownOf("terminal:execute", { cooldown: 5 })).toBe(5);
    expect(cooldownOf("terminal:execute", { cooldown: -1 })).toBe(Infinity);
    expect(cooldownOf("terminal:execute", { cooldown: "Infinity" })).toBe(Infinity);
  });

  it("pause defaults to 750 ms, 0 for section:end", () => {
    expect(pauseOf("terminal:execute", {})).toBe(750);
    expect(pauseOf("section:end", {})).toBe(0);
    expect(pauseOf("terminal:execute", { pause: 10 })).toBe(10);
  });

  it("slug follows the original's rule", () => {
    expect(slug("My  Docs!")).toBe("my-docs");
    expect(slug(" -Ed-itor- ")).toBe("ed-itor");
  });

  it("the dispatcher runs every type of the generated Rust catalogue", async () => {
    expect(knownTypes()).toHaveLength(69);
    for (const type of knownTypes()) {
      const f = fakeHost({ responses: { "/examiner/test/t": [{ status: 200, body: { success: true } }] } });
      const args = { text: "x", command: "x", name: "t", url: "/x", path: "p", file: "f", session: "1" };
      const outcome = await dispatch(type, args, f.host).then(
        () => "ok",
        (error: Error) => error.message,
      );
      expect(outcome, type).not.toMatch(/Unknown action type/);
    }
  });

  it("section actions toggle on every click (no cooldown); section:end cascades at once", () => {
    expect(cooldownOf("section:begin", {})).toBe(0);
    expect(pauseOf("section:end", {})).toBe(0);
    expect(cooldownOf("mycorp:custom", {})).toBe(1);
  });

  it("unknown types fail", async () => {
    await expect(dispatch("nope:thing", {}, fakeHost().host)).rejects.toThrow("Unknown action type");
  });
});
