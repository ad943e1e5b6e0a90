// End-to-end tests of instructions served from elsewhere (issue 14), in Chromium: a workshop whose
// definition sets `applications.workshop.proxy` shows the doc server's page through lectern's
// `/workshop/content/`; one that sets `applications.workshop.url` shows that (other-origin) site, its
// `$(…)` tokens substituted. Neither has pages of its own, so lectern's page navigation is hidden.
import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { shot, startServer, test, until } from "./harness.mjs";

/** A doc server on 127.0.0.1 whose every page names its path. */
async function docServer() {
  const server = createServer((request, response) => {
    // Under /workshop/ (proxied) it refuses framing: lectern replaces that with its own frame-ancestors.
    const framing = request.url.startsWith("/workshop/") ? { "x-frame-options": "DENY" } : {};
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", ...framing });
    response.end(`<!doctype html><title>Docs</title><h1 id="doc">Doc server page ${request.url}</h1>`);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}

function workshopWith(applicationsYaml) {
  const dir = mkdtempSync(path.join(tmpdir(), "lectern-e2e-elsewhere-"));
  mkdirSync(path.join(dir, "resources"));
  const indented = applicationsYaml
    .split("\n")
    .map((line) => `      ${line}`)
    .join("\n");
  writeFileSync(
    path.join(dir, "resources", "workshop.yaml"),
    `spec:\n  title: Elsewhere\n  session:\n    applications:\n${indented}\n`,
  );
  return dir;
}

async function instructionsText(browser, server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  await page.goto(`${server.url}/dashboard/`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 20000 });
  const frame = page.frameLocator("iframe.instructions-frame");
  await until("the doc page in the instructions pane", async () => (await frame.locator("#doc").count()) === 1);
  const text = await frame.locator("#doc").textContent();
  const navHidden = await page.evaluate(() => document.querySelector("nav.page-nav")?.hidden === true);
  if (!navHidden) throw new Error("lectern's page navigation is shown for instructions from elsewhere");
  return { context, page, text };
}

export async function elsewhereSuite(browser) {
  await test("instructions from a proxied doc server and from a remote site", async () => {
    const docs = await docServer();
    const proxied = await startServer(workshopWith(`workshop:\n  proxy:\n    host: 127.0.0.1\n    port: ${docs.port}`));
    try {
      const { context, page, text } = await instructionsText(browser, proxied);
      if (text !== "Doc server page /workshop/content/") throw new Error(`proxied pane shows ${JSON.stringify(text)}`);
      await shot(page, "instructions-proxied");
      await context.close();
    } finally {
      await proxied.stop();
    }
    // Another origin than the dashboard's (localhost vs 127.0.0.1), as a real remote site is.
    const remote = await startServer(
      workshopWith(`workshop:\n  url: http://localhost:${docs.port}/guide/$(session_name)/`),
      { SESSION_NAME: "e2e-s1" },
    );
    try {
      const { context, text } = await instructionsText(browser, remote);
      if (text !== "Doc server page /guide/e2e-s1/") throw new Error(`remote pane shows ${JSON.stringify(text)}`);
      await context.close();
    } finally {
      await remote.stop();
      await docs.close();
    }
  });
}
