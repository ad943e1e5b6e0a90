// End-to-end tests of the dashboard off the 1280-px path (issue 21): a phone (390x844, touch) with the pane
// switcher, page progress and the on-screen key bar; a tablet (action bodies wrap); keyboard only (a way out
// of the terminal, focus stays on an action run from the keyboard, xterm's screen-reader mode); IME
// composition; a page deleted under an open dashboard; axe on every layout in both themes.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { BIN, OUT, ROOT, axe, copyWorkshop, shot, startServer, test, until } from "./harness.mjs";

const FIXTURE = path.join(ROOT, "tests", "fixtures", "e2e-responsive");

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const TABLET = { viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 800 } };

async function open(browser, server, options, theme = "light") {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15000);
  await context.addInitScript((t) => localStorage.setItem("lectern:theme", t), theme);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.log(`     page error: ${error.message}`));
  await page.goto(`${server.url}/dashboard/`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 20000 });
  return page;
}

const frame = (page) => page.frameLocator("iframe.instructions-frame");
const text = (page, name = "1") => page.evaluate((n) => window.lectern.terminalText(n), name);
const shows = (page, needle) => until(`"${needle}" in the terminal`, async () => (await text(page)).includes(needle), 30000);
const connected = (page) =>
  until("terminal connected", () => page.evaluate(() => document.querySelector(".terminal-view")?.dataset.state === "connected"));
/** Ctrl+C, then proof the shell reads again: keys typed while bash handles the SIGINT can be lost (tests
 * typing "echo …" right after Ctrl+C got "cho: command not found" at load 15), so an echo of a fresh token
 * is typed until its answer shows. */
async function interrupt(page) {
  for (let attempt = 1; ; attempt++) {
    const token = Math.floor(Math.random() * 1e6);
    await page.keyboard.press("Control+C");
    await page.keyboard.type(`echo sync-${token}-$((${token}+1))\n`);
    try {
      await until("the shell answers after Ctrl+C", async () => (await text(page)).includes(`sync-${token}-${token + 1}`), 10000);
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}
const frameText = (page) => frame(page).locator("body").textContent();

/** The element on top at the centre of `locator` is the element itself (nothing lies over it). */
async function onTop(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return top === el || el.contains(top);
  });
}

export async function responsiveSuite(browser) {
  const server = await startServer(copyWorkshop(FIXTURE));
  try {
    await test("phone: header wraps, Next is tappable, progress counts pages", async () => {
      const page = await open(browser, server, PHONE);
      const next = page.getByRole("button", { name: /next/i });
      await until("page 1 shown", async () => (await frameText(page)).includes("RESPONSIVE-FIRST-PAGE"));
      await until("progress 1 / 3", async () => (await page.locator(".page-progress").textContent()) === "1 / 3");
      for (const el of [next, page.locator("#toggle-theme"), page.locator(".page-select")]) {
        const box = await el.boundingBox();
        if (!box || box.width < 24 || box.height < 24) throw new Error(`too small to tap: ${JSON.stringify(box)}`);
        if (!(await onTop(el))) throw new Error("something lies over a header control");
        if (box.x < 0 || box.x + box.width > 390) throw new Error(`off screen: ${JSON.stringify(box)}`);
      }
      const frameBox = await page.locator("iframe.instructions-frame").boundingBox();
      if (frameBox.width < 380 || frameBox.height < 500) throw new Error(`instructions get ${frameBox.width}x${frameBox.height}`);
      await shot(page, "phone-instructions");
      await next.tap();
      await until("page 2 shown", async () => (await frameText(page)).includes("RESPONSIVE-SECOND-PAGE"));
      await until("progress 2 / 3", async () => (await page.locator(".page-progress").textContent()) === "2 / 3");
      await page.context().close();
    });

    await test("phone: an action keeps the instructions on screen, the switcher shows the terminal", async () => {
      const page = await open(browser, server, PHONE);
      // xterm.js is a chunk of its own, loaded when a terminal is first shown (issue 21: mobile blocking time).
      const xtermLoaded = () =>
        page.evaluate(() => performance.getEntriesByType("resource").some((e) => e.name.includes("/static/chunks/xterm-")));
      await until("page 1 shown", async () => (await frameText(page)).includes("RESPONSIVE-FIRST-PAGE"));
      await frame(page).locator('.lectern-action[data-action-type="terminal:execute"]').first().locator(".lectern-action-body").tap();
      const action = frame(page).locator('.lectern-action[data-action-type="terminal:execute"]').first();
      await until("action done", async () => (await action.getAttribute("data-action-state")) === "done");
      const terminalButton = page.locator(".pane-switcher .pane-button", { hasText: "Terminal" });
      await until("activity mark", async () => (await terminalButton.getAttribute("data-activity")) === "true");
      if (!(await page.locator("iframe.instructions-frame").isVisible())) throw new Error("the instructions were hidden");
      if (await xtermLoaded()) throw new Error("xterm.js was loaded for a terminal nobody sees");
      await terminalButton.tap();
      await until("terminal shown", () => page.locator(".terminal-view").first().isVisible());
      await connected(page);
      // What the action ran while the pane was hidden is in the terminal once it is shown (replay).
      await shows(page, "responsive-21");
      if (!(await xtermLoaded())) throw new Error("no xterm.js chunk loaded for the terminal shown");
      const box = await page.locator(".terminal-view").first().boundingBox();
      if (box.width < 370 || box.height < 400) throw new Error(`terminal gets ${box.width}x${box.height}`);
      if (await page.locator("iframe.instructions-frame").isVisible()) throw new Error("both panes shown");
      await shot(page, "phone-terminal");
      await page.getByRole("button", { name: /next/i }).tap();
      await until("instructions back on Next", () => page.locator("iframe.instructions-frame").isVisible());
      await page.context().close();
    });

    await test("phone: the key bar sends Esc, Tab, arrows, | ~ / and a sticky Ctrl", async () => {
      const page = await open(browser, server, PHONE);
      await page.locator(".pane-switcher .pane-button", { hasText: "Terminal" }).tap();
      await connected(page);
      const bar = page.locator(".key-bar");
      await until("key bar shown", () => bar.isVisible());
      await page.locator(".terminal-view").first().tap();
      await page.keyboard.type("cat -v\n");
      await until("cat started", async () => (await text(page)).includes("cat -v"));
      for (const key of ["Escape", "Pipe", "Tilde", "Slash", "Left", "Up"]) await bar.locator(`[data-key="${key}"]`).tap();
      await page.keyboard.type("x\n");
      await shows(page, "^[|~/^[[D^[[Ax");
      await shot(page, "phone-keybar");
      await bar.locator('[data-key="Control"]').tap();
      if ((await bar.locator('[data-key="Control"]').getAttribute("aria-pressed")) !== "true") throw new Error("Ctrl not latched");
      await page.keyboard.type("c");
      await page.keyboard.type("echo after-ctrl-c-$((5*5))\n");
      await shows(page, "after-ctrl-c-25");
      await page.context().close();
    });

    await test("tablet: commands in action bodies wrap, long titles are not cut off", async () => {
      const page = await open(browser, server, TABLET);
      await until("page 1 shown", async () => (await frameText(page)).includes("RESPONSIVE-FIRST-PAGE"));
      const body = frame(page).locator('.lectern-action[data-action-type="terminal:execute"] .lectern-action-body').first();
      const overflow = await body.evaluate((el) => el.scrollWidth - el.clientWidth);
      if (overflow > 1) throw new Error(`the command is clipped by ${overflow} px`);
      const title = frame(page).locator('.lectern-action[data-action-type="editor:append-lines-to-file"] .lectern-action-title');
      const cut = await title.evaluate((el) => el.scrollWidth - el.clientWidth);
      if (cut > 1) throw new Error(`the title is cut off by ${cut} px`);
      const copy = await frame(page).locator(".lectern-action-copy").first().boundingBox();
      if (copy.width < 24 || copy.height < 24) throw new Error(`Copy button is ${copy.width}x${copy.height}`);
      await shot(page, "tablet");
      await page.context().close();
    });

    await test("keyboard: an action run with Enter keeps the focus; Escape then Tab leaves the terminal", async () => {
      const page = await open(browser, server, DESKTOP);
      await connected(page);
      const title = frame(page).locator('.lectern-action[data-action-type="terminal:execute"] .lectern-action-title').first();
      await page.keyboard.press("Tab"); // keyboard modality, so the focus below is :focus-visible
      await title.focus();
      await page.keyboard.press("Enter");
      await shows(page, "responsive-21");
      const kept = await title.evaluate((el) => el.ownerDocument.activeElement === el && el.matches(":focus-visible"));
      const outer = await page.evaluate(() => document.activeElement?.tagName);
      if (!kept || outer !== "IFRAME") throw new Error(`focus moved (dashboard focus on ${outer})`);
      const ring = await title.evaluate((el) => getComputedStyle(el).outlineOffset);
      if (!ring.startsWith("-")) throw new Error(`focus ring drawn outside the block (offset ${ring})`);
      await page.locator(".terminal-view").first().click();
      await page.keyboard.press("Tab");
      const inTerminal = await page.evaluate(() => !!document.activeElement?.closest(".xterm"));
      if (!inTerminal) throw new Error("a lone Tab left the terminal (the shell needs it for completion)");
      await page.keyboard.press("Escape");
      await page.keyboard.press("Tab");
      const left = await page.evaluate(() => !document.activeElement?.closest(".xterm") && document.activeElement !== document.body);
      if (!left) throw new Error("Escape, Tab did not move the focus out of the terminal");
      // The shell got that Escape: Ctrl-G (readline's abort) ends the pending Meta prefix for the next test.
      await page.locator(".terminal-view").first().click();
      await page.keyboard.press("Control+G");
      await interrupt(page);
      await page.context().close();
    });

    await test("drag and drop onto a terminal uploads the files and types their paths", async () => {
      const page = await open(browser, server, DESKTOP);
      await connected(page);
      await page.locator(".terminal-view").first().click();
      await interrupt(page);
      await page.keyboard.type("echo dropped:");
      await page.locator(".terminal-view").first().evaluate((el) => {
        const data = new DataTransfer();
        data.items.add(new File(["dropped content 42\n"], "drop me.txt", { type: "text/plain" }));
        for (const type of ["dragenter", "dragover", "drop"])
          el.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      });
      await until("upload done", async () => (await page.locator(".terminal-drop").textContent())?.startsWith("Uploaded"));
      await until("path typed", async () => (await text(page)).includes("drop me.txt"));
      await page.locator(".terminal-view").first().click();
      await page.keyboard.press("Enter");
      const line = await until("typed path", async () => (await text(page)).split("\n").find((l) => l.startsWith("dropped:"))).catch(async (e) => {
        throw new Error(`${e.message}\n${(await text(page)).trim().split("\n").slice(-4).join("\n")}`);
      });
      const file = line.slice("dropped:".length).trim();
      if (!file.endsWith("drop me.txt") || !existsSync(file)) throw new Error(`typed ${JSON.stringify(line)}`);
      if (readFileSync(file, "utf8") !== "dropped content 42\n") throw new Error("content differs");
      await page.context().close();
    });

    await test("no failed requests while the dashboard loads (no override probes, a favicon)", async () => {
      const context = await browser.newContext(DESKTOP);
      const page = await context.newPage();
      const failed = [];
      page.on("response", (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
      page.on("requestfailed", (r) => failed.push(`failed ${r.url()}`));
      await page.goto(`${server.url}/dashboard/`);
      await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
      await connected(page);
      const favicon = await page.evaluate(() => fetch("/favicon.ico").then((r) => r.status));
      if (favicon !== 200) failed.push(`favicon ${favicon}`);
      if (failed.length) throw new Error(failed.join("\n"));
      await context.close();
    });

    await test("terminal:clear leaves a prompt on the empty screen", async () => {
      const page = await open(browser, server, DESKTOP);
      await connected(page);
      await page.locator(".terminal-view").first().click();
      await interrupt(page);
      await page.keyboard.type("echo before-clear-$((2*4))\n");
      await shows(page, "before-clear-8");
      await page.evaluate(() => window.lectern.showPage("02-second"));
      await until("page 2 shown", async () => (await frameText(page)).includes("RESPONSIVE-SECOND-PAGE"));
      await frame(page).locator('.lectern-action[data-action-type="terminal:clear"]').click();
      await until("cleared, with a prompt", async () => {
        const lines = (await text(page)).split("\n").map((l) => l.trimEnd()).filter(Boolean);
        return lines.length === 1 && lines[0] === "$";
      });
      await page.context().close();
    });

    await test("screen-reader mode: the toggle gives xterm.js its accessible output", async () => {
      const page = await open(browser, server, DESKTOP);
      await connected(page);
      await page.locator("#toggle-screen-reader").click();
      await until("accessibility tree", async () => (await page.locator(".terminal-view .xterm-accessibility").count()) > 0);
      if ((await page.locator("#toggle-screen-reader").getAttribute("aria-pressed")) !== "true") throw new Error("aria-pressed");
      await page.locator("#toggle-screen-reader").click();
      await page.context().close();
    });

    await test("IME composition: composed CJK text reaches the shell once", async () => {
      const page = await open(browser, server, DESKTOP);
      await connected(page);
      await page.locator(".terminal-view").first().click();
      await page.keyboard.type("echo ime-");
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Input.imeSetComposition", { text: "にほ", selectionStart: 2, selectionEnd: 2 });
      await cdp.send("Input.imeSetComposition", { text: "にほん", selectionStart: 3, selectionEnd: 3 });
      await cdp.send("Input.insertText", { text: "日本" });
      // xterm.js sends a finished composition from a timer after compositionend: wait for the shell's echo
      // before typing on, or a loaded machine lets "-end" overtake it.
      await shows(page, "echo ime-日本");
      await page.keyboard.type("-end\n");
      await shows(page, "\nime-日本-end");
      const all = await text(page);
      if (all.includes("にほ")) throw new Error("the composition's intermediate text reached the shell");
      await page.context().close();
    });

    await test("dark theme before the first paint: the dashboard and an instructions page are dark while their scripts load", async () => {
      // The system is light and the learner chose dark: each page must be dark before its (deferred) script
      // runs, or it flashes light. The scripts are held back until the check is done.
      const context = await browser.newContext({ ...DESKTOP, colorScheme: "light" });
      context.setDefaultTimeout(15000);
      await context.addInitScript(() => localStorage.setItem("lectern:theme", "dark"));
      let release;
      const held = new Promise((resolve) => (release = resolve));
      const hold = async (route) => {
        await held;
        await route.continue();
      };
      const page = await context.newPage();
      const dark = (target) =>
        target.evaluate(() => ({
          theme: document.documentElement.dataset.theme,
          embedded: document.documentElement.hasAttribute("data-embedded"),
          scheme: getComputedStyle(document.documentElement).colorScheme,
          ran: "lecternInstructions" in window,
        }));
      await context.route("**/static/dashboard.js", hold);
      await page.goto(`${server.url}/dashboard/`, { waitUntil: "commit" });
      await until("the dashboard's head parsed", () => page.evaluate(() => document.readyState !== "loading" || !!document.body).catch(() => false));
      const early = await dark(page);
      if (early.theme !== "dark") throw new Error(`dashboard before its script: ${JSON.stringify(early)}`);
      release();
      await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 20000 });
      await until("page 1 shown", async () => (await frameText(page)).includes("RESPONSIVE-FIRST-PAGE"));
      let releasePage;
      const heldPage = new Promise((resolve) => (releasePage = resolve));
      await context.route("**/static/instructions.js", async (route) => {
        await heldPage;
        await route.continue();
      });
      await page.evaluate(() => window.lectern.showPage("02-second"));
      const inner = () => page.frame({ name: "instructions" });
      await until("page 2 parsed", async () => (await inner().evaluate(() => document.body?.dataset.pageKey).catch(() => "")) === "02-second");
      const framed = await dark(inner());
      releasePage();
      if (framed.ran) throw new Error("instructions.js ran before the check: the test proves nothing");
      if (framed.theme !== "dark" || framed.scheme !== "dark" || !framed.embedded)
        throw new Error(`instructions page before its script: ${JSON.stringify(framed)}`);
      await context.close();
    });

    await test("print: the instructions alone, actions as titled code, no buttons", async () => {
      const page = await open(browser, server, DESKTOP);
      await until("page 1 shown", async () => (await frameText(page)).includes("RESPONSIVE-FIRST-PAGE"));
      const inner = page.frame({ name: "instructions" });
      await until("copy buttons", async () => (await inner.locator(".lectern-action-copy").count()) > 0);
      await inner.page().emulateMedia({ media: "print" });
      const shown = await inner.evaluate(() => ({
        copy: getComputedStyle(document.querySelector(".lectern-action-copy")).display,
        title: getComputedStyle(document.querySelector(".lectern-action-title")).display,
        body: getComputedStyle(document.querySelector(".lectern-action-body")).whiteSpace,
      }));
      if (shown.copy !== "none" || shown.title === "none" || shown.body !== "pre-wrap") throw new Error(JSON.stringify(shown));
      await page.context().close();
    });

    await test("axe: phone, tablet and desktop layouts in light and dark themes", async () => {
      const problems = [];
      for (const [name, options] of [["phone", PHONE], ["tablet", TABLET], ["desktop", DESKTOP]]) {
        for (const theme of ["light", "dark"]) {
          const page = await open(browser, server, options, theme);
          await until("page 1 shown", async () => (await frameText(page)).includes("RESPONSIVE-FIRST-PAGE"));
          for (const v of await axe(page)) problems.push(`${name}/${theme}: ${v}`);
          for (const v of await axe(page.frame({ name: "instructions" }))) problems.push(`${name}/${theme} instructions: ${v}`);
          if (theme === "dark") await shot(page, `${name}-dark`);
          await page.context().close();
        }
      }
      if (problems.length) throw new Error(problems.join("\n"));
    });
  } finally {
    await server.stop();
  }

  await test("a page renamed under an open dashboard: the nearest page is shown, Next works", async () => {
    const dir = copyWorkshop(FIXTURE);
    const renamed = await startServer(dir);
    try {
      const page = await open(browser, renamed, DESKTOP);
      await page.evaluate(() => window.lectern.showPage("02-second"));
      await until("page 2 shown", async () => (await frameText(page)).includes("RESPONSIVE-SECOND-PAGE"));
      const content = path.join(dir, "workshop", "content");
      renameSync(path.join(content, "02-second.md"), path.join(content, "02-renamed.md"));
      await until("nearest page shown", async () => {
        const key = await page.evaluate(() => document.querySelector("iframe.instructions-frame").contentWindow.location.pathname);
        return key.includes("02-renamed") && (await frameText(page)).includes("RESPONSIVE-SECOND-PAGE");
      });
      if (await page.locator(".next-button").isDisabled()) throw new Error("Next disabled");
      await page.locator(".next-button").click();
      await until("page 3 shown", async () => (await frameText(page)).includes("RESPONSIVE-THIRD-PAGE"));
      await page.context().close();
    } finally {
      await renamed.stop();
    }
  });

  await test("lectern export: the copy opens from file://, links work, a page prints to PDF", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "lectern-export-"));
    execFileSync(BIN, ["export", FIXTURE, "--out", out], { stdio: "pipe" });
    const context = await browser.newContext(DESKTOP);
    const page = await context.newPage();
    const failed = [];
    page.on("requestfailed", (r) => failed.push(r.url()));
    await page.goto(`file://${out}/index.html`);
    await page.getByRole("link", { name: "First page" }).click();
    await until("page 1", async () => (await page.locator("body").textContent()).includes("RESPONSIVE-FIRST-PAGE"));
    const styled = await page.locator(".lectern-action").first().evaluate((el) => getComputedStyle(el).borderLeftWidth);
    if (styled !== "4px") throw new Error(`instructions.css not applied (border ${styled})`);
    await page.locator(".lectern-continue").click();
    await until("page 2", async () => (await page.locator("body").textContent()).includes("RESPONSIVE-SECOND-PAGE"));
    const pdf = await page.pdf({ format: "A4" });
    if (pdf.subarray(0, 5).toString() !== "%PDF-" || pdf.length < 2000) throw new Error(`pdf of ${pdf.length} bytes`);
    await import("node:fs").then((fs) => fs.writeFileSync(path.join(OUT, "export-page.pdf"), pdf));
    if (failed.length) throw new Error(`failed to load: ${failed.join(", ")}`);
    await context.close();
  });

  await test("demo: the last page's commands work (lectern on the shell's PATH)", async () => {
    const demo = await startServer(null);
    try {
      const page = await open(browser, demo, DESKTOP);
      await connected(page);
      await page.evaluate(() => window.lectern.showPage("07-authoring"));
      await until("last page", async () => (await frameText(page)).includes("Writing your own workshop"));
      const blocks = frame(page).locator('.lectern-action[data-action-type="terminal:execute"]');
      for (let i = 0; i < (await blocks.count()); i++) {
        await blocks.nth(i).locator(".lectern-action-body").click();
        await until(`action ${i} done`, async () => (await blocks.nth(i).getAttribute("data-action-state")) === "done");
      }
      await shows(page, "1 pages, 0 errors");
      await page.context().close();
      // The README's screenshots (docs/phone.png, tablet.png, desktop.png are copies): the demo's first page.
      for (const [name, options] of [
        ["phone", { ...PHONE, deviceScaleFactor: 1 }],
        ["tablet", { ...TABLET, deviceScaleFactor: 1 }],
        ["desktop", DESKTOP],
      ]) {
        const p = await open(browser, demo, options);
        if (name !== "phone") await connected(p); // a phone opens its terminal when the pane is shown
        await until("demo page", async () => (await frameText(p)).includes("lectern"));
        const block = frame(p).locator('.lectern-action[data-action-type="terminal:execute"]').first();
        await block.locator(".lectern-action-body").click();
        await until("action done", async () => (await block.getAttribute("data-action-state")) === "done");
        if (name === "phone") await p.locator(".pane-switcher .pane-button", { hasText: "Terminal" }).click();
        await shows(p, "Hello from the lectern demo");
        await shot(p, `readme-${name}`);
        await p.context().close();
      }
    } finally {
      await demo.stop();
    }
  });
}
