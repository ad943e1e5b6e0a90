// End-to-end tests of the session services in Chromium: the Files tab (browse, upload by drag and drop,
// download, new folder, delete with confirmation, keyboard) against lectern's file API, and the session
// lifecycle — Terminate and Finish against a fake training portal, and in local mode (final page, shells
// stopped).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, axe, copyWorkshop, shot, startServer, test, until } from "./harness.mjs";
import { CLIENT_ID, CLIENT_SECRET, startPortal } from "./portal.mjs";

const QUIET = path.join(ROOT, "tests", "fixtures", "minimal");

async function open(browser, server, viewport = { width: 1280, height: 720 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.log(`     page error: ${error.message}`));
  await page.goto(`${server.url}/dashboard/`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 20000 });
  return page;
}

const names = (page) => page.locator("#panel-files .files-entry").evaluateAll((rows) => rows.map((r) => r.dataset.name));

async function listed(page, want) {
  await until(`files list ${JSON.stringify(want)}`, async () => JSON.stringify(await names(page)) === JSON.stringify(want));
}

export async function filesSuite(browser) {
  const files = mkdtempSync(path.join(tmpdir(), "lectern-e2e-files-"));
  mkdirSync(path.join(files, "docs"));
  writeFileSync(path.join(files, "docs", "inside.md"), "# inside\n");
  writeFileSync(path.join(files, "hello.txt"), "hello from the files folder\n");
  writeFileSync(path.join(files, ".secret"), "hidden\n");
  const server = await startServer(copyWorkshop(QUIET), { FILES_DIR: files, ENABLE_FILES: "true" });
  const page = await open(browser, server);
  try {
    await test("files tab: lists the files folder, folders first, no dot-files", async () => {
      await page.locator("[role=tab]", { hasText: "Files" }).click();
      await listed(page, ["docs", "hello.txt"]);
      const size = await page.locator('#panel-files [data-name="hello.txt"] .files-size').textContent();
      if (size !== "28 B") throw new Error(`size ${size}`);
      await shot(page, "files-tab");
    });

    await test("files tab: navigate into a folder and back by breadcrumb and keyboard", async () => {
      await page.getByRole("button", { name: "Open folder docs" }).click();
      await listed(page, ["inside.md"]);
      const crumbs = await page.locator("#panel-files .files-crumbs").textContent();
      if (crumbs !== "Files/docs") throw new Error(`crumbs ${crumbs}`);
      // Focus is on the first entry; Backspace goes up.
      await page.keyboard.press("Backspace");
      await listed(page, ["docs", "hello.txt"]);
      await page.getByRole("button", { name: "Open folder docs" }).focus();
      await page.keyboard.press("Enter");
      await listed(page, ["inside.md"]);
      await page.locator("#panel-files .files-crumb", { hasText: "Files" }).click();
      await listed(page, ["docs", "hello.txt"]);
    });

    await test("files tab: new folder from the keyboard", async () => {
      await page.locator("#panel-files [data-files=new-folder]").click();
      await page.keyboard.type("made");
      await page.keyboard.press("Enter");
      await listed(page, ["docs", "made", "hello.txt"]);
      if (!existsSync(path.join(files, "made"))) throw new Error("folder not created on disk");
      const focused = await page.evaluate(() => document.activeElement?.closest(".files-entry")?.dataset.name);
      if (focused !== "made") throw new Error(`focus on ${focused}`);
    });

    await test("files tab: upload several files by drag and drop, with progress", async () => {
      await page.getByRole("button", { name: "Open folder made" }).click();
      await listed(page, []);
      const dataTransfer = await page.evaluateHandle(() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(["first dropped file\n"], "one.txt", { type: "text/plain" }));
        transfer.items.add(new File([new Uint8Array(300000).fill(65)], "two.bin"));
        return transfer;
      });
      const zone = page.locator("#panel-files .files");
      await zone.dispatchEvent("dragenter", { dataTransfer });
      if (!(await zone.evaluate((el) => el.classList.contains("dropping")))) throw new Error("no drop highlight");
      await zone.dispatchEvent("dragover", { dataTransfer });
      await zone.dispatchEvent("drop", { dataTransfer });
      await listed(page, ["one.txt", "two.bin"]);
      await until("upload status", async () => (await page.locator("#panel-files .files-status").textContent()) === "Uploaded 2 files.");
      if (readFileSync(path.join(files, "made", "one.txt"), "utf8") !== "first dropped file\n") throw new Error("one.txt content");
      if (readFileSync(path.join(files, "made", "two.bin")).length !== 300000) throw new Error("two.bin size");
      if (await zone.evaluate((el) => el.classList.contains("dropping"))) throw new Error("highlight stayed");
    });

    await test("files tab: download a file", async () => {
      await page.locator("#panel-files .files-crumb", { hasText: "Files" }).click();
      await listed(page, ["docs", "made", "hello.txt"]);
      const [download] = await Promise.all([
        page.waitForEvent("download", { timeout: 15000 }),
        page.getByRole("link", { name: "Download hello.txt" }).click(),
      ]);
      if (download.suggestedFilename() !== "hello.txt") throw new Error(`name ${download.suggestedFilename()}`);
      const saved = await download.path();
      if (readFileSync(saved, "utf8") !== "hello from the files folder\n") throw new Error("downloaded content");
    });

    await test("files tab: delete asks first; cancel keeps, confirm removes", async () => {
      await page.getByRole("button", { name: "Delete made" }).click();
      await until("confirm dialog", () => page.locator("#files-delete-dialog[open]").count());
      const text = await page.locator("#files-delete-dialog .dialog-body").textContent();
      if (!text.includes("made and everything in it")) throw new Error(`dialog says ${text}`);
      await shot(page, "files-delete-dialog");
      await page.locator("#files-delete-dialog button[value=cancel]").click();
      await until("dialog closed", async () => (await page.locator("#files-delete-dialog[open]").count()) === 0);
      if (!existsSync(path.join(files, "made", "one.txt"))) throw new Error("cancel deleted");
      await page.getByRole("button", { name: "Delete made" }).click();
      await page.locator("#files-delete-dialog button[value=confirm]").click();
      await listed(page, ["docs", "hello.txt"]);
      if (existsSync(path.join(files, "made"))) throw new Error("folder still on disk");
      if (!existsSync(path.join(files, ".secret"))) throw new Error("dot-file touched");
    });

    await test("files tab: an error is shown, not swallowed", async () => {
      await page.locator("#panel-files [data-files=new-folder]").click();
      await page.keyboard.type("docs");
      await page.keyboard.press("Enter");
      await until("conflict shown", async () => {
        const status = page.locator("#panel-files .files-status.error");
        return (await status.count()) && (await status.textContent()).includes("already exists");
      });
      await page.keyboard.press("Escape");
    });

    await test("files tab: no serious accessibility violations; usable on a phone", async () => {
      const violations = await axe(page);
      if (violations.length) throw new Error(violations.join("\n"));
      const phone = await open(browser, server, { width: 390, height: 844 });
      // Phones hide the tab strip; the pane switcher has a button per tab (layout/panes.ts).
      await phone.locator(".pane-switcher .pane-button", { hasText: "Files" }).click();
      await listed(phone, ["docs", "hello.txt"]);
      const overflow = await phone.locator("#panel-files .files").evaluate((el) => el.scrollWidth > el.clientWidth + 1);
      if (overflow) throw new Error("the list scrolls sideways on a phone");
      await shot(phone, "files-phone");
      await phone.context().close();
    });
  } finally {
    await page.context().close();
    await server.stop();
  }
}

// ---------------- the session lifecycle ----------------

async function typeLine(page, line) {
  await page.locator(".terminal-view").first().click();
  await page.keyboard.type(`${line}\n`);
}

async function connected(page) {
  await until("terminal connected", () =>
    page.evaluate(() => document.querySelector('.terminal-view[data-terminal="1"]')?.dataset.state === "connected"),
  );
}

const alive = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !stat.includes(") Z ");
  } catch {
    return false;
  }
};

async function shellPid(page, dir) {
  const file = path.join(dir, `pid-${Date.now()}`);
  await connected(page);
  await typeLine(page, `echo $$ > ${file}`);
  return until("the shell's pid", () => (existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : 0));
}

export async function lifecycleSuite(browser) {
  const scratch = mkdtempSync(path.join(tmpdir(), "lectern-e2e-life-"));
  {
    const server = await startServer(copyWorkshop(QUIET));
    const page = await open(browser, server);
    const other = await open(browser, server);
    try {
      await test("local mode: Terminate stops the terminals and shows the final page in every dashboard", async () => {
        const pid = await shellPid(page, scratch);
        if (!alive(pid)) throw new Error("no shell");
        await page.getByRole("button", { name: "Terminate" }).click();
        await until("terminate dialog", () => page.locator("#terminate-dialog[open]").count());
        await page.locator("#terminate-dialog button[value=confirm]").click();
        await until("final page", () => page.locator('#session-ended[data-reason="terminate"]').count());
        const text = await page.locator("#session-ended").textContent();
        if (!text.includes("Session terminated") || !text.includes("terminals have been stopped")) throw new Error(text);
        await until("the shell is gone", () => !alive(pid));
        await until("the other dashboard shows it too", () => other.locator('#session-ended[data-reason="terminate"]').count());
        await shot(page, "session-terminated");
        // A reload still shows the final page, and no terminal starts again.
        await page.reload();
        await until("final page after reload", () => page.locator("#session-ended").count());
        if (await page.locator(".terminal-view").count()) throw new Error("terminal views after the end");
      });
    } finally {
      await page.context().close();
      await other.context().close();
      await server.stop();
    }
  }
  {
    const server = await startServer(copyWorkshop(QUIET));
    const page = await open(browser, server);
    try {
      await test("local mode: Finish (last page) ends the session with the finish page", async () => {
        const pid = await shellPid(page, scratch);
        await page.getByRole("button", { name: "Finish", exact: true }).click();
        await until("finish dialog", () => page.locator("#finish-dialog[open]").count());
        await page.locator("#finish-dialog button[value=confirm]").click();
        await until("final page", () => page.locator('#session-ended[data-reason="finish"]').count());
        await until("the shell is gone", () => !alive(pid));
        const status = await (await fetch(`${server.url}/session/status`)).json();
        if (status.ended?.reason !== "finish") throw new Error(JSON.stringify(status));
      });
    } finally {
      await page.context().close();
      await server.stop();
    }
  }
  {
    // The tests' one fake portal (tests/it/support/portal.rs); this suite never opens its session page.
    const portal = await startPortal("http://127.0.0.1:9/");
    const env = {
      LECTERN_AUTH: "oauth",
      PORTAL_CLIENT_ID: CLIENT_ID,
      PORTAL_CLIENT_SECRET: CLIENT_SECRET,
      PORTAL_URL: portal.url,
      PORTAL_API_URL: portal.url,
      SESSION_NAME: "s1",
      RESTART_URL: `${portal.url}/workshops/session/s1/delete/`,
      ENABLE_COUNTDOWN: "true",
      LECTERN_COOKIE_SECRET: "e2e-cookie-secret-that-is-long-enough-0000",
    };
    {
      // The original's switches: without RESTART_URL there is no Terminate, without ENABLE_COUNTDOWN no
      // countdown (and `/` goes to DEFAULT_PAGE).
      const { RESTART_URL, ENABLE_COUNTDOWN, ...bare } = env;
      const server = await startServer(copyWorkshop(QUIET), { ...bare, DEFAULT_PAGE: "workshop" });
      const page = await open(browser, server);
      try {
        await test("portal mode without RESTART_URL and ENABLE_COUNTDOWN: no Terminate, no countdown; / goes to DEFAULT_PAGE", async () => {
          await connected(page);
          if (await page.locator("#terminate-session").isVisible()) throw new Error("Terminate shown without RESTART_URL");
          if (await page.locator("button.countdown").isVisible()) throw new Error("countdown shown without ENABLE_COUNTDOWN");
          await page.goto(`${server.url}/`);
          await until("DEFAULT_PAGE=workshop", () => new URL(page.url()).pathname.startsWith("/workshop/"));
        });
      } finally {
        await page.context().close();
        await server.stop();
      }
    }
    const server = await startServer(copyWorkshop(QUIET), env);
    const page = await open(browser, server);
    try {
      await test("portal mode with ENABLE_COUNTDOWN: the countdown shows the portal's expiry", async () => {
        await connected(page);
        const countdown = page.locator("button.countdown");
        await until("countdown shown", async () => /^(59|1:00):\d\d$/.test((await countdown.textContent()) ?? ""));
        if (!(await page.locator("#terminate-session").isVisible())) throw new Error("no Terminate with RESTART_URL");
      });
      await test("portal mode: Terminate sends the event to the portal and goes to its RESTART_URL", async () => {
        await connected(page);
        await page.getByRole("button", { name: "Terminate" }).click();
        await page.locator("#terminate-dialog button[value=confirm]").click();
        await until("the portal's delete page", () => page.url().startsWith(`${portal.url}/workshops/session/s1/delete/`));
        const { events } = await portal.record();
        if (!events.includes("Workshop/Terminate")) throw new Error(`portal got ${events}`);
      });
      await test("portal mode: Finish sends the event to the portal and goes to its RESTART_URL", async () => {
        await page.goto(`${server.url}/dashboard/`);
        await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 20000 });
        await page.getByRole("button", { name: "Finish", exact: true }).click();
        await page.locator("#finish-dialog button[value=confirm]").click();
        await until("the portal's delete page", () => page.url().startsWith(`${portal.url}/workshops/session/s1/delete/`));
        const { events, visits } = await portal.record();
        if (!events.includes("Workshop/Finish")) throw new Error(`portal got ${events}`);
        if (visits.length !== 2) throw new Error(`visits ${visits}`);
      });
    } finally {
      await page.context().close();
      await server.stop();
      portal.stop();
    }
  }
}
