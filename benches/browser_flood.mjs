// browser_flood (issue 23): what a learner sees in Chromium when a terminal floods.
//   node benches/browser_flood.mjs [--rounds 3] [--bytes 50000000] lectern=/path/to/lectern [ttyd=/path/to/ttyd] [before=/path/to/old/lectern]
// For each server, alternating servers within each round (one run, medians over the rounds):
//   prompt_s   typing `head -c BYTES /dev/zero | tr '\0' y | fold -w 100; echo DONE-$((40+2))` → the end
//              marker is on the browser's screen (the prompt is back);
//   ctrlc_ms   `yes` flooding, Ctrl-C → the browser's screen stops changing (its last change);
//   type_p99_ms  keystrokes typed in a second terminal during the flood → each shown (each round's p99,
//              and p50/p99 over all rounds; the screen is polled every 2 ms for these).
// lectern runs its dashboard with the split layout (terminals 1 and 2 in one page, like a learner's); ttyd
// serves one terminal per page, so its second terminal is a second tab. The screen is read from xterm.js's
// buffer every 50 ms (lectern: `window.lectern.terminalText(name, true)`, ttyd: `window.term`).
// Prints one JSON object: {"servers": {name: {"prompt_s": [..], "ctrlc_ms": [..], "type_p99_ms": [..] (per
// round), "type_ms": [..] (every keystroke), "summary": {..}}}}.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(ROOT, "frontend", "package.json"));
const { chromium } = require("playwright-core");

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ROUNDS = option("rounds", 3);
const BYTES = option("bytes", 50_000_000);
const servers = args.filter((a) => a.includes("=")).map((a) => a.split("=", 2));
const POLL_MS = 50;
const LIMIT_MS = 180_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error("browser_flood:", ...a);

async function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a server; returns { url, kind, stop }. */
async function start(kind, bin) {
  const port = await freePort();
  const home = mkdtempSync(path.join(tmpdir(), "browser-flood-"));
  writeFileSync(path.join(home, ".bashrc"), "PS1='$ '\n");
  const env = { ...process.env, HOME: home, PS1: "$ ", RUST_LOG: "warn" };
  const child =
    kind === "ttyd"
      ? spawn(bin, ["-W", "-p", String(port), "-i", "127.0.0.1", "bash", "--norc", "--noprofile"], { env, stdio: "ignore" })
      : spawn(bin, ["serve", path.join(ROOT, "tests", "fixtures", "minimal"), "--bind", "127.0.0.1", "--port", String(port), "--no-watch"], {
          env: { ...env, LECTERN_AUTH: "none", LECTERN_TERMINAL_SHELL: "bash --norc --noprofile", TERMINAL_HOME: home, TERMINAL_LAYOUT: "split" },
          stdio: "ignore",
        });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/`)).status < 500) break;
    } catch {
      /* not yet */
    }
    if (i > 300) throw new Error(`${kind} did not start`);
    await sleep(100);
  }
  return {
    url,
    kind,
    stop: async () => {
      child.kill("SIGTERM");
      await Promise.race([new Promise((r) => child.on("exit", r)), sleep(5000)]);
      child.kill("SIGKILL");
    },
  };
}

/** Visible rows of terminal `name` as text. */
async function screen(page, kind, name) {
  return page.evaluate(
    ([kind, name]) => {
      if (kind === "ttyd") {
        const term = window.term;
        if (!term) return "";
        const b = term.buffer.active;
        const rows = [];
        for (let i = b.viewportY; i < b.viewportY + term.rows; i++) rows.push(b.getLine(i)?.translateToString(true) ?? "");
        return rows.join("\n");
      }
      return window.lectern?.terminalText?.(name, true) ?? "";
    },
    [kind, name],
  );
}

async function until(what, fn, limit = LIMIT_MS, every = POLL_MS) {
  const started = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - started > limit) throw new Error(`timed out: ${what}`);
    await sleep(every);
  }
}

/** Opens a page on the server and focuses terminal `name`; returns the page. */
async function open(context, server, name) {
  const page = await context.newPage();
  if (server.kind === "ttyd") {
    await page.goto(`${server.url}/`);
    await until("ttyd prompt", async () => (await screen(page, "ttyd", name)).includes("$"));
    await page.locator(".xterm").first().click();
  } else {
    await page.goto(`${server.url}/dashboard/`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 30000 });
    await until(`terminal ${name}`, async () => (await screen(page, "lectern", name)).includes("$"));
  }
  return page;
}

async function focus(page, server, name) {
  if (server.kind === "ttyd") await page.bringToFront();
  else await page.locator(`.terminal-view[data-terminal="${name}"]`).click();
}

async function round(browser, server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await open(context, server, "1");
    const other = server.kind === "ttyd" ? await open(context, server, "1") : page;
    const second = server.kind === "ttyd" ? "1" : "2";
    if (server.kind !== "ttyd") await until("terminal 2", async () => (await screen(page, "lectern", "2")).includes("$"));

    // 1. The flood, and typing in the second terminal meanwhile.
    await focus(page, server, "1");
    const started = Date.now();
    await page.keyboard.type(`head -c ${BYTES} /dev/zero | tr '\\0' y | fold -w 100; echo DONE-$((40+2))`);
    await page.keyboard.press("Enter");
    const typed = [];
    let done = null;
    const prompt = until("the flood's end on screen", async () => {
      if ((await screen(page, server.kind, "1")).includes("DONE-42")) return (done = Date.now());
      return null;
    });
    await focus(other, server, second);
    await other.keyboard.type("# ");
    for (let i = 0; done === null && i < 400; i++) {
      const before = (await screen(other, server.kind, second)).split("#").length;
      const t0 = Date.now();
      await other.keyboard.type("#");
      await until("keystroke shown", async () => (await screen(other, server.kind, second)).split("#").length > before, 30000, 2).catch(() => null);
      typed.push(Date.now() - t0);
      await sleep(100);
    }
    await prompt;
    const promptS = (done - started) / 1000;
    await other.keyboard.press("Control+C");

    // 2. Ctrl-C during `yes`: how long until the screen is quiet.
    await focus(page, server, "1");
    await page.keyboard.type("yes flooding-the-terminal");
    await page.keyboard.press("Enter");
    await until("yes on screen", async () => (await screen(page, server.kind, "1")).includes("flooding-the-terminal\nflooding"));
    await sleep(2000);
    const t0 = Date.now();
    await page.keyboard.press("Control+C");
    let last = await screen(page, server.kind, "1");
    let changed = Date.now();
    while (Date.now() - changed < 1000 && Date.now() - t0 < LIMIT_MS) {
      await sleep(POLL_MS);
      const now = await screen(page, server.kind, "1");
      if (now !== last) {
        last = now;
        changed = Date.now();
      }
    }
    const ctrlcMs = changed - t0;
    return { promptS, ctrlcMs, typed };
  } finally {
    await context.close();
  }
}

const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : null);
const quantile = (xs, q) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] : null);
const fresh = () => ({ prompt_s: [], ctrlc_ms: [], type_p99_ms: [], type_ms: [] });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
const results = {};
try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, bin] of servers) {
      const kind = name === "ttyd" ? "ttyd" : "lectern";
      const server = await start(kind, bin);
      try {
        const out = await round(browser, server);
        const entry = (results[name] ??= fresh());
        entry.prompt_s.push(out.promptS);
        entry.ctrlc_ms.push(out.ctrlcMs);
        entry.type_p99_ms.push(quantile(out.typed, 0.99));
        entry.type_ms.push(...out.typed);
        log(`round ${r + 1} ${name}: prompt ${out.promptS.toFixed(2)} s, ctrl-c quiet ${out.ctrlcMs} ms, ${out.typed.length} keystrokes`);
      } catch (error) {
        log(`round ${r + 1} ${name}: ${error.message}`);
        (results[name] ??= fresh()).error = error.message;
      } finally {
        await server.stop();
      }
    }
  }
} finally {
  await browser.close();
}
for (const entry of Object.values(results)) {
  entry.summary = {
    prompt_s: median(entry.prompt_s),
    ctrlc_ms: median(entry.ctrlc_ms),
    type_p50_ms: quantile(entry.type_ms, 0.5),
    type_p99_ms: quantile(entry.type_ms, 0.99),
    keystrokes: entry.type_ms.length,
  };
}
console.log(JSON.stringify({ rounds: ROUNDS, bytes: BYTES, servers: results }));
