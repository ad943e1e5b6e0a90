// Editor actions against real code-server (installed by tests/support/install-code-server.sh), started and
// supervised by lectern with its VS Code extension: clicking blocks in the instructions shows the file at
// the right line in VS Code, selects text, shows appended lines, keeps YAML comments, runs a command, and
// drives an editor terminal. Skipped with a printed reason when code-server is not installed.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, copyWorkshop, shot, startServer, test, until } from "./harness.mjs";

const FIXTURE = path.join(ROOT, "tests", "fixtures", "e2e-editor");

function codeServer() {
  const candidates = [process.env.LECTERN_CODE_SERVER, path.join(ROOT, "target", "test-deps", "code-server", "node_modules", ".bin", "code-server")];
  return candidates.find((c) => c && existsSync(c));
}

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs the editor suite in `browser`. */
export async function editorSuite(browser) {
  const bin = codeServer();
  if (!bin) {
    console.log("note: code-server is not installed (tests/support/install-code-server.sh): editor browser tests skipped");
    return;
  }
  const home = mkdtempSync(path.join(tmpdir(), "lectern-e2e-editor-home-"));
  mkdirSync(path.join(home, "exercises"));
  writeFileSync(path.join(home, ".bashrc"), "");
  writeFileSync(path.join(home, "exercises", "notes.txt"), "first line\nsecond line\nthird line\nversion: 1.2.3\n");
  writeFileSync(path.join(home, "exercises", "app.yaml"), "# keep-this-comment\nspec:\n  replicas: 1 # count\n");
  const server = await startServer(copyWorkshop(FIXTURE), {
    HOME: home,
    TERMINAL_HOME: home,
    ENABLE_EDITOR: "true",
    EDITOR_PORT: String(await freePort()),
    LECTERN_EDITOR_COMMAND: bin,
    LECTERN_EDITOR_DATA_DIR: mkdtempSync(path.join(tmpdir(), "lectern-e2e-code-server-")),
    RUST_LOG: "info",
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(30000);
  const page = await context.newPage();
  const frame = () => page.frameLocator("iframe.instructions-frame");
  const vscode = () => page.frameLocator("#panel-editor iframe");
  const block = (type) => frame().locator(`.lectern-action[data-action-type="${type}"]`).first();
  const state = (type) => block(type).getAttribute("data-action-state");
  const statusBar = async () => (await vscode().locator(".statusbar").textContent().catch(() => "")) ?? "";
  // Every editor's visible lines (VS Code draws spaces as no-break spaces).
  const editorText = async () =>
    (await vscode().locator(".monaco-editor .view-lines").allTextContents().catch(() => [])).join("\n").replace(/\u00a0/g, " ");
  const run = async (type) => {
    await block(type).locator(".lectern-action-title").click();
    await until(`${type} finished`, async () => ["done", "failed"].includes(await state(type)), 120000);
    const result = await state(type);
    if (result !== "done") throw new Error(`${type}: ${await block(type).textContent()}`);
  };
  try {
    await until("code-server running (/readyz)", async () => (await fetch(`${server.url}/readyz`)).ok, 180000);
    await page.goto(`${server.url}/dashboard/`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 30000 });

    await test("editor: the Editor tab is there and open-file shows the file at its line", async () => {
      const tabs = await page.locator("[role=tab]").allTextContents();
      if (!tabs.includes("Editor")) throw new Error(`tabs: ${tabs}`);
      await run("editor:open-file");
      await until("notes.txt in VS Code", async () => (await vscode().locator(".tab", { hasText: "notes.txt" }).count()) > 0, 60000);
      await until("cursor on line 3", async () => /Ln 3, Col 1/.test(await statusBar()), 30000);
      await shot(page, "editor-open-file");
    });

    await test("editor: select-matching-text selects the text in VS Code", async () => {
      await run("editor:select-matching-text");
      await until("5 characters selected on line 4", async () => /Ln 4, Col 1[0-9] \(5 selected\)/.test(await statusBar()), 30000);
    });

    await test("editor: append-lines-to-file changes what the editor shows", async () => {
      await run("editor:append-lines-to-file");
      if (!readFileSync(path.join(home, "exercises", "notes.txt"), "utf8").includes("appended-by-e2e")) throw new Error("not on disk");
      await until("appended line in the editor", async () => (await editorText()).includes("appended-by-e2e"), 30000);
      await shot(page, "editor-append");
    });

    await test("editor: set-yaml-value keeps the file's comments", async () => {
      await run("editor:set-yaml-value");
      const yaml = readFileSync(path.join(home, "exercises", "app.yaml"), "utf8");
      if (yaml !== "# keep-this-comment\nspec:\n  replicas: 4 # count\n") throw new Error(JSON.stringify(yaml));
      await until("new value in the editor", async () => {
        const text = await editorText();
        return text.includes("replicas: 4") && text.includes("keep-this-comment");
      }, 30000);
    });

    await test("editor: execute-command runs a VS Code command", async () => {
      await run("editor:execute-command");
      await until("an untitled editor", async () => (await vscode().locator(".tab", { hasText: "Untitled-1" }).count()) > 0, 30000);
    });

    await test("editor: open-terminal and send-to-terminal drive an editor terminal", async () => {
      await run("editor:open-terminal");
      await run("editor:send-to-terminal");
      const proof = path.join(home, "exercises", "terminal-proof.txt");
      await until("the command ran in the editor terminal", () => existsSync(proof) && readFileSync(proof, "utf8").includes("editor-terminal-42"), 60000);
      await shot(page, "editor-terminal");
    });
  } finally {
    await context.close();
    await server.stop();
  }
}
