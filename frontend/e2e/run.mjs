// Browser end-to-end tests of the dashboard against a real `lectern serve` (see harness.mjs).
// Suites: the e2e fixture workshop (every action family), layouts, the demo workshop, a corpus workshop.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { installContract } from "./contract.mjs";
import { ROOT, axe, copyWorkshop, launch, shot, startServer, summary, test as runTest, until } from "./harness.mjs";
import { terminalSuite } from "./terminals.mjs";
import { killercodaSuite } from "./killercoda.mjs";
import { portalSuite } from "./portal.mjs";
import { customActionSuite } from "./custom.mjs";
import { elsewhereSuite } from "./elsewhere.mjs";
import { differentialSuite } from "./differential.mjs";
import { filesSuite, lifecycleSuite } from "./services.mjs";
import { responsiveSuite } from "./responsive.mjs";
const test = runTest;

const FIXTURE = path.join(ROOT, "tests", "fixtures", "e2e-dashboard");
const CORPUS =
  process.env.LECTERN_CORPUS ??
  [path.join(ROOT, "..", "shared", "corpus"), path.join(ROOT, "..", "..", "shared", "corpus")].find((d) => existsSync(d)) ??
  path.join(ROOT, "..", "shared", "corpus");
const SITE_NOTE = "needs the site/content areas (page shell with instructions.js, /api/workshop, action markup, services)";

const browser = await launch();

async function newPage(server, contractDir = null) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  context.setDefaultTimeout(15000);
  if (contractDir) await installContract(context, contractDir);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url }).catch(() => undefined);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.log(`     page error: ${error.message}`));
  return page;
}

async function openDashboard(page, server) {
  await page.goto(`${server.url}/dashboard/`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 20000 });
}

const frame = (page) => page.frameLocator("iframe.instructions-frame");
const action = (page, type, text) =>
  frame(page).locator(`.lectern-action[data-action-type="${type}"]`, text ? { hasText: text } : undefined).first();

async function terminalText(page, name = "1") {
  return page.evaluate((n) => window.lectern.terminalText(n), name);
}

async function waitOutput(page, needle, { name = "1", count = 1 } = {}) {
  await until(`"${needle}" in terminal ${name}`, async () => (await terminalText(page, name)).split(needle).length - 1 >= count);
}

async function waitState(locator, state) {
  await until(`action state ${state}`, async () => (await locator.getAttribute("data-action-state")) === state);
}

async function waitConnected(page, name = "1") {
  await until(`terminal ${name} connected`, () =>
    page.evaluate((n) => document.querySelector(`.terminal-view[data-terminal="${n}"]`)?.getAttribute("data-state") === "connected", name),
  );
}

async function showPage(page, key, marker) {
  await page.evaluate((k) => window.lectern.showPage(k), key);
  await until(`page ${key}`, async () => (await frame(page).locator("body").textContent()).includes(marker));
}

// ---------------- the e2e fixture workshop ----------------
async function fixtureSuite(contract) {
const workshop = copyWorkshop(FIXTURE);
// ENABLE_COUNTDOWN: the countdown test below stubs the portal's schedule in the browser.
const server = await startServer(workshop, { ENABLE_COUNTDOWN: "true" });
const page = await newPage(server, contract ? workshop : null);
const prefix = contract ? "contract-" : "";
const test = (name, fn, note) =>
  contract ? (/content reload|overrides|api\/dashboard|search and resize|acknowledgement window|replay|download|dark theme|finish dialog|countdown|exited|reconnecting/.test(name) ? undefined : runTest(`[contract] ${name}`, fn)) : runTest(name, fn, note);

await test("dashboard loads: title, tabs, connected terminal", async () => {
  await openDashboard(page, server);
  const title = await page.locator(".workshop-title").textContent();
  if (title !== "Dashboard end-to-end") throw new Error(`title is ${title}`);
  const tabs = await page.locator("[role=tab]").allTextContents();
  if (JSON.stringify(tabs) !== JSON.stringify(["Terminal", "Files", "Notes"])) throw new Error(`tabs: ${tabs}`);
  await waitConnected(page);
  await page.locator(".terminal-view").first().click();
  await page.keyboard.type("echo typed-$((40+2))\n");
  await waitOutput(page, "typed-42");
  await shot(page, prefix + "dashboard");
});

await test("terminal search and resize reach the shell", async () => {
  await page.locator(".terminal-view").first().click();
  await page.keyboard.press("Control+Shift+F");
  const bar = page.locator('.terminal-view[data-terminal="1"] .terminal-search');
  await until("search bar", () => bar.isVisible());
  await bar.locator("input").fill("typed-42");
  await page.keyboard.press("Escape");
  await until("search bar closed", async () => !(await bar.isVisible()));
  const sizes = async () => [...(await terminalText(page)).matchAll(/\n(\d+) (\d+)\s*(?=\n)/g)];
  const cols = async () => {
    const seen = (await sizes()).length;
    await page.keyboard.type("stty size\n");
    await until("stty output", async () => (await sizes()).length > seen);
    const all = await sizes();
    return Number(all[all.length - 1][2]);
  };
  const before = await cols();
  await page.locator("#toggle-instructions").click();
  await page.locator(".terminal-view").first().click();
  const after = await cols();
  await page.locator("#toggle-instructions").click();
  if (!(after > before)) throw new Error(`columns did not grow: ${before} → ${after}`);
});

await test("reconnect resumes with replay: nothing lost, nothing twice", async () => {
  await page.locator(".terminal-view").first().click();
  await page.keyboard.type("for i in 1 2 3; do echo replay-line-$i; done\n");
  await waitOutput(page, "replay-line-3");
  for (let round = 0; round < 3; round++) {
    await page.evaluate(() => window.lectern.reconnectTerminals());
    await waitConnected(page);
  }
  await page.evaluate(() =>
    fetch("/terminal/api/1/execute", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ command: "echo after-reconnect-$((3*3))" }) }),
  );
  await waitOutput(page, "after-reconnect-9");
  const text = await terminalText(page);
  for (const needle of ["replay-line-1", "replay-line-3", "typed-42"])
    if (text.split(needle).length - 1 !== 1) throw new Error(`${needle} seen ${text.split(needle).length - 1} times`);
});

await test("api/dashboard reports layout and features", async () => {
  const json = await (await fetch(`${server.url}/api/dashboard`)).json();
  if (json.layout.terminal !== "default" || !json.features.examiner || json.tabs[0].terminals[0] !== "1")
    throw new Error(JSON.stringify(json));
});

await test(
  "terminal:execute: click the block, read the output from the terminal",
  async () => {
    const block = action(page, "terminal:execute", "lectern-e2e");
    await block.locator(".lectern-action-body").click();
    await waitOutput(page, "lectern-e2e-42");
    await waitState(block, "done");
    await shot(page, prefix + "action-done");
  },
  SITE_NOTE,
);

await test(
  "autostart runs once (not again after reloading instructions or the dashboard)",
  async () => {
    await waitOutput(page, "autostart-ran-2");
    await page.evaluate(() => window.lectern.reload_workshop());
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
    await waitConnected(page);
    const block = action(page, "terminal:execute", "autostart-ran");
    await until("blocks wired", async () => (await block.getAttribute("data-action-state")) !== null);
    if ((await block.getAttribute("data-action-state")) !== "idle") throw new Error("autostart ran again");
    await waitOutput(page, "lectern-e2e-42");
    const text = await terminalText(page);
    if (text.split("autostart-ran-2").length - 1 !== 1) throw new Error("autostart output seen more than once");
  },
  SITE_NOTE,
);

await test(
  "interrupt a running command",
  async () => {
    await action(page, "terminal:execute", "sleep 600").locator(".lectern-action-body").click();
    await waitOutput(page, "sleep 600");
    await action(page, "terminal:interrupt").click();
    await waitState(action(page, "terminal:interrupt"), "done");
    await action(page, "terminal:execute", "after-interrupt").locator(".lectern-action-body").click();
    await waitOutput(page, "after-interrupt-5");
  },
  SITE_NOTE,
);

await test(
  "copy to clipboard",
  async () => {
    await action(page, "workshop:copy").click();
    await waitState(action(page, "workshop:copy"), "done");
    const text = await page.evaluate(() => navigator.clipboard.readText());
    if (text !== "copied-text") throw new Error(`clipboard holds ${JSON.stringify(text)}`);
  },
  SITE_NOTE,
);

await test(
  "content reload after a file edit keeps the terminal and the scroll position",
  async () => {
    await page.evaluate(() => (window.__keep = 42));
    const file = path.join(workshop, "workshop", "content", "01-terminal.md");
    await frame(page).locator("body").evaluate(() => window.scrollTo(0, 60));
    const before = await frame(page).locator("body").evaluate(() => window.scrollY);
    writeFileSync(file, readFileSync(file, "utf8").replace("MARKER-BEFORE-EDIT", "MARKER-AFTER-EDIT"));
    await until("reloaded instructions", async () => (await frame(page).locator("body").textContent()).includes("MARKER-AFTER-EDIT"));
    const after = await frame(page).locator("body").evaluate(() => window.scrollY);
    if ((await page.evaluate(() => window.__keep)) !== 42) throw new Error("the dashboard page reloaded");
    if (!(await terminalText(page)).includes("lectern-e2e-42")) throw new Error("terminal output lost");
    await waitConnected(page);
    if (before > 0 && after === 0) throw new Error(`scroll position lost (${before} → ${after})`);
  },
  SITE_NOTE,
);

await test(
  "accessibility: no serious axe-core violations in the dashboard and the instructions",
  async () => {
    const problems = [...(await axe(page)), ...(await axe(page.frame({ name: "instructions" }))).map((v) => `instructions: ${v}`)];
    if (problems.length) throw new Error(problems.join("\n"));
  },
  SITE_NOTE,
);

await test(
  "dashboard tabs: create, switch, keyboard, close",
  async () => {
    await showPage(page, "02-dashboard", "Open a new tab");
    await action(page, "dashboard:create-dashboard").click();
    await until("Docs tab selected", () => page.locator("[role=tab][aria-selected=true]", { hasText: "Docs" }).count());
    await shot(page, prefix + "tabs");
    await action(page, "dashboard:open-dashboard").click();
    await until("Terminal tab selected", () => page.locator("[role=tab][aria-selected=true]", { hasText: "Terminal" }).count());
    await page.locator("[role=tab]", { hasText: "Notes" }).click();
    await until("Notes iframe loaded", () =>
      page.evaluate(() => document.querySelector("#panel-notes iframe")?.getAttribute("src")?.includes("02-dashboard")),
    );
    await page.keyboard.press("ArrowRight");
    await until("keyboard moved to Docs", () => page.locator("[role=tab][aria-selected=true]", { hasText: "Docs" }).count());
    await action(page, "dashboard:delete-dashboard").click();
    await until("Docs tab gone", async () => (await page.locator("[role=tab]", { hasText: "Docs" }).count()) === 0);
    await page.evaluate(() => window.lectern.create_dashboard("Scratch", "terminal:scratch"));
    await waitConnected(page, "scratch");
    await page.locator("[role=tab]", { hasText: "Scratch" }).locator(".tab-close").click();
    await until("Scratch closed", async () => (await page.locator("[role=tab]", { hasText: "Scratch" }).count()) === 0);
  },
  SITE_NOTE,
);

await test(
  "examiner: passing and failing tests show their state",
  async () => {
    await showPage(page, "02-dashboard", "Open a new tab");
    const pass = action(page, "examiner:execute-test", "pass-test");
    const fail = action(page, "examiner:execute-test", "fail-test");
    await pass.click();
    await fail.click();
    await waitState(pass, "done");
    await waitState(fail, "failed");
    await shot(page, prefix + "examiner");
  },
  SITE_NOTE,
);

await test(
  "download a file",
  async () => {
    await showPage(page, "02-dashboard", "Open a new tab");
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 15000 }), action(page, "files:download-file").click()]);
    if (download.suggestedFilename() !== "e2e-download.txt") throw new Error(download.suggestedFilename());
    const saved = await download.path();
    if (!readFileSync(saved, "utf8").includes("lectern e2e download")) throw new Error("wrong content");
  },
  SITE_NOTE,
);

await test(
  "section collapse and expand",
  async () => {
    await showPage(page, "02-dashboard", "Open a new tab");
    const content = frame(page).locator("p", { hasText: "SECTION-CONTENT-VISIBLE" });
    if (await content.isVisible()) throw new Error("section content visible before expanding");
    const begin = action(page, "section:begin");
    await begin.click();
    await until("section open", () => content.isVisible());
    if ((await begin.locator(".lectern-action-title").getAttribute("aria-expanded")) !== "true") throw new Error("aria-expanded not true");
    await shot(page, prefix + "section-open");
    await begin.click();
    await until("section closed", async () => !(await content.isVisible()));
  },
  SITE_NOTE,
);

await test(
  "workshop-dashboard.css and .js overrides are applied",
  async () => {
    await until("override script ran", () => page.evaluate(() => window.workshopDashboardOverride === true));
    const value = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--workshop-override").trim());
    if (value !== "applied") throw new Error(`--workshop-override is ${JSON.stringify(value)}`);
  },
  SITE_NOTE,
);

await test("dark theme and collapsed instructions", async () => {
  await page.locator("#toggle-theme").click();
  await until("dark", () => page.evaluate(() => document.documentElement.dataset.theme === "dark"));
  await shot(page, prefix + "dashboard-dark");
  await page.locator("#toggle-instructions").click();
  await until("collapsed", () => page.evaluate(() => document.getElementById("instructions-pane")?.hidden));
  await shot(page, prefix + "instructions-collapsed");
  await page.locator("#toggle-instructions").click();
  await page.locator("#toggle-theme").click();
});

await test("finish dialog opens and cancels", async () => {
  await page.evaluate(() => window.lectern.finished_workshop());
  await until("dialog open", () => page.locator("#finish-dialog[open]").count());
  await shot(page, prefix + "finish-dialog");
  await page.locator("#finish-dialog button[value=cancel]").click();
  await until("dialog closed", async () => (await page.locator("#finish-dialog[open]").count()) === 0);
});

await test("countdown from the portal schedule; click extends", async () => {
  // The portal relay answers {} without a portal login, so the schedule is stubbed at the browser.
  const countdownPage = await newPage(server);
  let extended = false;
  const at = (minutes) => new Date(Date.now() + minutes * 60000).toISOString();
  await countdownPage.route("**/session/schedule", (route) =>
    route.fulfill({ json: { status: "running", expires: at(extended ? 60 : 3), expiring: !extended, extendable: true } }),
  );
  await countdownPage.route("**/session/extend", (route) => {
    extended = true;
    return route.fulfill({ json: { status: "running", expires: at(60), expiring: false, extendable: true } });
  });
  await openDashboard(countdownPage, server);
  const countdown = countdownPage.locator("button.countdown");
  await until("countdown shown", async () => /^0?[23]:\d\d$/.test((await countdown.textContent()) ?? ""));
  if (!(await countdown.getAttribute("class")).includes("warning")) throw new Error("expiring session not marked");
  await countdown.click();
  await until("extended", async () => /^(59|1:00):\d\d/.test((await countdown.textContent()) ?? ""));
  await countdownPage.context().close();
});

await test("shell exited — restart", async () => {
  await page.locator("[role=tab]", { hasText: "Terminal" }).click();
  await page.evaluate(() =>
    fetch("/terminal/api/1/execute", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ command: "exit 3" }) }),
  );
  await until("exited state", () => page.evaluate(() => document.querySelector('.terminal-view[data-terminal="1"]')?.dataset.state === "exited"));
  const status = await page.locator('.terminal-view[data-terminal="1"] .terminal-status').textContent();
  if (!status.includes("Shell exited")) throw new Error(status);
  await shot(page, prefix + "terminal-exited");
  await page.locator('.terminal-view[data-terminal="1"] .terminal-restart').click();
  await waitConnected(page);
  await page.locator(".terminal-view").first().click();
  await page.keyboard.type("echo restarted-$((1+1))\n");
  await waitOutput(page, "restarted-2");
});

await test("a flood far larger than the acknowledgement window arrives (the browser acks)", async () => {
  // 1.3 MB of output against a 256 KiB window: without acknowledgements from xterm.js the server
  // would stop after the first window and the marker would never come. (Late in the suite: the flood
  // pushes earlier output out of the scrollback that other tests read.)
  await page.locator(".terminal-view").first().click();
  await page.keyboard.type("seq 1 200000; echo flood-done-$((40+2))\n");
  await waitOutput(page, "flood-done-42");
  const lines = (await terminalText(page)).split("\n");
  if (!lines.some((line) => line.trim() === "200000")) throw new Error("last number missing");
});

await test("reconnecting… when the server goes away", async () => {
  await server.stop();
  await until("reconnecting state", () =>
    page.evaluate(() => document.querySelector('.terminal-view[data-terminal="1"]')?.dataset.state === "reconnecting"),
  );
  await shot(page, prefix + "terminal-reconnecting");
});
await page.context().close();
}

// Which build are we testing? Before the site/content areas land, the page shell lacks instructions.js:
// then the fixture suite also runs against a stand-in for them (contract.mjs) to test the frontend alone.
const probe = await startServer(copyWorkshop(FIXTURE));
const shell = await fetch(`${probe.url}/workshop/content/01-terminal`).then((r) => r.text()).catch(() => "");
await probe.stop();
await fixtureSuite(false);
if (!shell.includes("instructions.js")) {
  console.log("note: the page shell has no instructions.js yet (site area not merged): also running the contract suite");
  await fixtureSuite(true);
}


// ---------------- layouts ----------------
await test("layouts: split/2 terminals, instructions as a tab with a lower terminal", async () => {
  const split = await startServer(copyWorkshop(FIXTURE), { TERMINAL_LAYOUT: "split/2" });
  try {
    const p = await newPage(split);
    await openDashboard(p, split);
    for (const name of ["1", "2", "3"]) await waitConnected(p, name);
    await shot(p, "layout-split-2");
    await p.context().close();
  } finally {
    await split.stop();
  }
  const lower = await startServer(copyWorkshop(FIXTURE), { TERMINAL_LAYOUT: "lower", WORKSHOP_LAYOUT: "tab" });
  try {
    const p = await newPage(lower);
    await openDashboard(p, lower);
    await waitConnected(p, "1");
    const tabs = await p.locator("[role=tab]").allTextContents();
    if (tabs[0] !== "Workshop" || tabs.includes("Terminal")) throw new Error(`tabs: ${tabs}`);
    if (await p.locator(".instructions-pane").count()) throw new Error("side pane present in tab layout");
    await shot(p, "layout-tab-lower");
    await p.context().close();
  } finally {
    await lower.stop();
  }
});

// ---------------- the demo workshop ----------------
await test(
  "demo workshop: dashboard, instructions with actions, run one",
  async () => {
    const demo = await startServer(null);
    try {
      const p = await newPage(demo);
      await openDashboard(p, demo);
      await waitConnected(p);
      await until("actions on the first demo page", async () => (await frame(p).locator(".lectern-action").count()) > 0);
      await shot(p, "demo");
      const block = frame(p).locator('.lectern-action[data-action-type="terminal:execute"]').first();
      if (await block.count()) {
        await block.click();
        await waitState(block, "done");
        // The README's screenshot (docs/dashboard.png is a copy): the command and its output.
        await waitOutput(p, "Hello from the lectern demo", { count: 2 });
        await shot(p, "readme-dashboard");
      }
      await p.context().close();
    } finally {
      await demo.stop();
    }
  },
  SITE_NOTE,
);

// ---------------- a corpus workshop ----------------
const corpusWorkshop = path.join(CORPUS, "educates__educates-training-platform__lab-terminal-actions");
if (existsSync(corpusWorkshop)) {
  await test(
    "corpus lab-terminal-actions: split/2 layout, custom terminal tab, terminal:execute output",
    async () => {
      const corpus = await startServer(corpusWorkshop);
      try {
        const p = await newPage(corpus);
        await openDashboard(p, corpus);
        for (const name of ["1", "2", "3"]) await waitConnected(p, name);
        const tabs = await p.locator("[role=tab]").allTextContents();
        if (!tabs.includes("Terminal#4")) throw new Error(`tabs: ${tabs}`);
        await showPage(p, "01-terminal-execute", "Basic Command Execution");
        const block = action(p, "terminal:execute", "Hello from terminal:execute");
        await block.click();
        await waitOutput(p, "Hello from terminal:execute", { count: 2 });
        await shot(p, "corpus-terminal-actions");
        await p.context().close();
      } finally {
        await corpus.stop();
      }
    },
    SITE_NOTE,
  );
}

await terminalSuite(browser);
await killercodaSuite(browser);
await customActionSuite(browser);
await elsewhereSuite(browser);
// ---------------- editor actions against real code-server (editor.mjs) ----------------
await (await import("./editor.mjs")).editorSuite(browser);
await differentialSuite();
await filesSuite(browser);
await lifecycleSuite(browser);
await responsiveSuite(browser);
await portalSuite();

await browser.close();
const { passed, failed } = summary();
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
