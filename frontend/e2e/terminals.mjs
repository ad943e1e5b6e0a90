// End-to-end tests of the terminals in Chromium: lectern restarting under an open dashboard, and replay
// safety (a dashboard opened later must not answer the queries a program printed long ago).
import path from "node:path";
import { ROOT, copyWorkshop, shot, startServer, test, until } from "./harness.mjs";

const FIXTURE = path.join(ROOT, "tests", "fixtures", "e2e-dashboard");
/** No autostart actions: nothing but the test types into the terminal. */
const QUIET = path.join(ROOT, "tests", "fixtures", "minimal");

async function open(browser, server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.log(`     page error: ${error.message}`));
  await page.goto(`${server.url}/dashboard/`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 20000 });
  await connected(page);
  return page;
}

const text = (page, name = "1") => page.evaluate((n) => window.lectern.terminalText(n), name);

async function connected(page, name = "1") {
  await until(`terminal ${name} connected`, () =>
    page.evaluate((n) => document.querySelector(`.terminal-view[data-terminal="${n}"]`)?.dataset.state === "connected", name),
  );
}

async function typeLine(page, line) {
  await page.locator(".terminal-view").first().click();
  await page.keyboard.type(line);
  await page.keyboard.press("Enter");
}

async function shows(page, needle, name = "1") {
  await until(`"${needle}" in terminal ${name}`, async () => (await text(page, name)).includes(needle), 30000);
}

/** Path of the page shown in the instructions iframe, or null when it cannot be read (an error page). */
async function framePath(page) {
  return page.evaluate(() => {
    try {
      return document.querySelector("iframe.instructions-frame")?.contentWindow?.location.pathname ?? null;
    } catch {
      return null;
    }
  });
}

export async function terminalSuite(browser) {
  await test("lectern restarts: the terminal says new session and works, the instructions come back", async () => {
    const workshop = copyWorkshop(FIXTURE);
    let server = await startServer(workshop);
    const page = await open(browser, server);
    try {
      await typeLine(page, "echo before-$((40+1))-restart");
      await shows(page, "before-41-restart");
      const first = await framePath(page);
      await server.stop();
      await until("reconnecting", () =>
        page.evaluate(() => document.querySelector('.terminal-view[data-terminal="1"]')?.dataset.state === "reconnecting"),
      );
      // The event stream's last event said why: the learner reads it until lectern is back.
      const notice = page.locator(".portal-notice");
      await until("the page says lectern is shutting down", async () =>
        (await notice.isVisible()) && (await notice.textContent()).includes("shutting down"),
      );
      // Next while the server is down: the iframe gets the browser's error page.
      await page.getByRole("button", { name: "Next ›" }).click();
      await until("the instructions fail to load", async () => (await framePath(page)) === null);
      server = await startServer(workshop, {}, { port: server.port, home: server.home });
      await connected(page);
      await shows(page, "new session");
      await until("the shutdown notice goes once lectern is back", async () => !(await notice.isVisible()));
      await typeLine(page, "echo after-$((40+2))-restart");
      await shows(page, "after-42-restart");
      const screen = await text(page);
      if (screen.includes("before-41-restart")) throw new Error("the old session's screen was kept");
      await until("the instructions reload by themselves", async () => {
        const now = await framePath(page);
        return now !== null && now.startsWith("/workshop/content/") && now !== first;
      }, 30000);
      await shot(page, "terminal-after-restart");
    } finally {
      await page.context().close();
      await server.stop();
    }
  });

  await test("replay safety: a dashboard opened later does not answer old terminal queries", async () => {
    const server = await startServer(copyWorkshop(QUIET));
    const first = await open(browser, server);
    let second = null;
    try {
      // A program prints queries (cursor position, device attributes, background colour), takes the live
      // answers the first dashboard sends, then records every byte it reads until an X.
      await typeLine(
        first,
        "stty raw -echo; printf 'Q\\033[6n\\033[c\\033]11;?\\007'; sleep 1; " +
          "while IFS= read -r -t 0.5 -d '' junk; do :; done; printf 'LIVE-%s\\r\\n' DONE; " +
          "IFS= read -r -d X got; stty sane; printf '%s%s[%s]\\n' GO T \"$(printf %s \"$got\" | od -An -tx1 | tr -d ' \\n')\"",
      );
      await shows(first, "LIVE-DONE");
      // A second dashboard replays that output, queries included (blanked by the server). Its xterm.js
      // has parsed them once it shows what follows; its answers, if any, reach the shell before the X
      // typed after a round trip through the same connection order.
      second = await open(browser, server);
      await shows(second, "LIVE-DONE");
      await second.locator(".terminal-view").first().click();
      await second.keyboard.type("X");
      await shows(first, "GOT[");
      const screen = await text(first);
      const got = /GOT\[([0-9a-f]*)\]/.exec(screen)?.[1];
      if (got !== "") throw new Error(`the shell received ${got} after a dashboard replayed old queries:\n${screen.trim()}`);
    } finally {
      await second?.context().close();
      await first.context().close();
      await server.stop();
    }
  });
}
