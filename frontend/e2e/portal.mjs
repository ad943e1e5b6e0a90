// Inside Educates (issue 19): the training portal's session page, on another origin, frames lectern in
// oauth mode; the OAuth round trip runs inside the frame, then the dashboard and a terminal work there, over
// http and with FRAME_ANCESTORS set, and the page's cross-origin /session/poll is answered. The portal is
// the tests' fake (tests/it/support/portal.rs, run by the fake_portal example); Chromium maps *.lectern.test
// to loopback, so portal.lectern.test and the session's s1.lectern.test are two origins of one site, as a
// portal and its sessions under one INGRESS_DOMAIN are. Also the original's standalone terminal page.
import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT, copyWorkshop, freePort, launch, shot, startServer, test, until } from "./harness.mjs";

const QUIET = path.join(ROOT, "tests", "fixtures", "minimal");
const TARGET = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, "target");
const PORTAL_BIN = process.env.LECTERN_FAKE_PORTAL ?? path.join(TARGET, "debug", "examples", "fake_portal");
// tests/it/support/portal.rs: the client the fake portal knows.
export const CLIENT_ID = "s1";
export const CLIENT_SECRET = "portal-secret-for-tests";

/**
 * Starts the tests' one fake portal (tests/it/support/portal.rs) for session s1 owned by alice, framing
 * `sessionUrl`. `record()` reads the events and `delete/` visits it has seen.
 */
export async function startPortal(sessionUrl) {
  const child = spawn(PORTAL_BIN, ["s1", "alice", sessionUrl], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const port = await until("fake portal listening", () => {
    if (child.exitCode !== null) throw new Error(`fake portal exited: ${out}`);
    return out.match(/listening (\d+)/)?.[1];
  });
  const url = `http://127.0.0.1:${port}`;
  const record = async () => (await fetch(`${url}/_fake/record`)).json();
  return { port, url, record, stop: () => child.kill("SIGTERM") };
}

export async function portalSuite() {
  const browser = await launch(["--host-resolver-rules=MAP *.lectern.test 127.0.0.1"]);
  for (const [label, extra] of [
    ["over http", {}],
    ["with FRAME_ANCESTORS set", { FRAME_ANCESTORS: "https://lms.example.org" }],
  ]) {
    await test(`the portal's session page frames lectern ${label}: login, dashboard and terminal in the frame`, async () => {
      const port = await freePort();
      const sessionUrl = `http://s1.lectern.test:${port}/`;
      const portal = await startPortal(sessionUrl);
      const portalUrl = `http://portal.lectern.test:${portal.port}`;
      const server = await startServer(
        copyWorkshop(QUIET),
        {
          LECTERN_AUTH: "oauth",
          PORTAL_CLIENT_ID: CLIENT_ID,
          PORTAL_CLIENT_SECRET: CLIENT_SECRET,
          PORTAL_URL: portalUrl,
          PORTAL_API_URL: `http://127.0.0.1:${portal.port}`,
          SESSION_NAME: "s1",
          INGRESS_DOMAIN: "lectern.test",
          INGRESS_PROTOCOL: "http",
          ...extra,
        },
        { port },
      );
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      context.setDefaultTimeout(15000);
      try {
        const page = await context.newPage();
        page.on("pageerror", (error) => console.log(`     page error: ${error.message}`));
        await page.goto(`${portalUrl}/workshops/session/s1/`);
        const frame = await until("the dashboard in the portal's frame", async () => {
          const found = page.frames().find((f) => f.url().startsWith(`${sessionUrl}dashboard/`));
          return found && (await found.evaluate(() => document.documentElement.dataset.ready === "true")) && found;
        }, 30000);
        await until("terminal 1 connected in the frame", () =>
          frame.evaluate(() => document.querySelector('.terminal-view[data-terminal="1"]')?.dataset.state === "connected"),
        );
        await frame.locator(".terminal-view").first().click();
        await page.keyboard.type("echo framed-$((40+2))\n");
        await until('"framed-42" in the framed terminal', async () =>
          (await frame.evaluate(() => window.lectern.terminalText("1"))).includes("framed-42"),
        );
        await until("the portal's cross-origin poll answered", async () =>
          (await page.evaluate(() => document.body.dataset.poll)) === "ok",
        );
        await shot(page, `portal-frame-${extra.FRAME_ANCESTORS ? "frame-ancestors" : "http"}`);
      } finally {
        await context.close();
        await server.stop();
        portal.stop();
      }
    });
  }
  await test("the original's standalone terminal page: /terminal/ opens terminal 1 alone in the window", async () => {
    const server = await startServer(copyWorkshop(QUIET));
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    context.setDefaultTimeout(15000);
    try {
      const page = await context.newPage();
      page.on("pageerror", (error) => console.log(`     page error: ${error.message}`));
      await page.goto(`${server.url}/terminal/`);
      if (new URL(page.url()).pathname !== "/terminal/session/1") throw new Error(`at ${page.url()}`);
      await until("terminal 1 connected", () =>
        page.evaluate(() => document.querySelector('.terminal-view[data-terminal="1"]')?.dataset.state === "connected"),
      );
      if (await page.locator("header, iframe, [role=tab]").count()) throw new Error("dashboard parts on the terminal page");
      const box = await page.locator(".terminal-view").boundingBox();
      if (!box || box.height < 600 || box.width < 1200) throw new Error(`terminal box ${JSON.stringify(box)}`);
      await page.locator(".terminal-view").click();
      await page.keyboard.type("echo standalone-$((6*7))\n");
      await until('"standalone-42" on terminal 1', async () =>
        (await page.evaluate(() => fetch("/terminal/1/screen").then((r) => r.text()))).includes("standalone-42"),
      );
      await shot(page, "standalone-terminal");
    } finally {
      await context.close();
      await server.stop();
    }
  });
  await browser.close();
}
