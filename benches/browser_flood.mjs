// browser_flood (issue 23): what a learner sees in Chromium when a terminal floods.
//   node benches/browser_flood.mjs [--rounds 3] [--bytes 50000000] lectern=/path/to/lectern [ttyd=/path/to/ttyd] [before=/path/to/old/lectern]
// For each server, alternating servers within each round (one run, medians over the rounds):
//   prompt_s   typing `head -c BYTES /dev/zero | tr '\0' y | fold -w 100; echo DONE-$((40+2))` → the end
//              marker is on the browser's screen (the prompt is back), from the Enter key's event;
//   ctrlc_ms   `yes | cat -n` flooding (numbered, so that each frame of output changes the screen), Ctrl-C →
//              the browser's screen stops changing (its last change), from the Ctrl-C key's event;
//   type_p99_ms  keystrokes typed in a second terminal during the flood → each shown (each round's p99,
//              and p50/p99 over all rounds).
// Everything is timed inside the page, as a learner would see it: a key's time is its `keydown` event's
// timestamp (when the browser received it, so time spent queued behind a busy main thread counts), and
// "on screen" is the first animation frame whose xterm.js buffer shows the change (xterm.js draws in
// that frame). The page is read once per frame, and only while something is awaited, so the probe adds
// no load of its own beyond reading a screen's rows (the driver no longer polls the screen over CDP).
// lectern runs its dashboard with the split layout (terminals 1 and 2 in one page, like a learner's); ttyd
// serves one terminal per page, so its second terminal is a second tab. The screen is xterm.js's buffer
// (lectern: `window.lectern.terminalText(name, true)`, ttyd: `window.term`).
// For lectern, a keystroke's time is also split: `echo_ms`, from the key to its echo's websocket message
// reaching the page (the rest is xterm.js and the frame). Also, per round, the CPU time Chromium's processes and the server's process used from Enter to the
// flood's end on screen (Linux /proc): what the browser costs the machine besides its latency.
// Prints one JSON object: {"servers": {name: {"prompt_s": [..], "ctrlc_ms": [..], "type_p99_ms": [..] (per
// round), "type_ms": [..] (every keystroke), "echo_ms": [..], "browser_cpu_s": [..], "server_cpu_s": [..], "summary": {..}}}}.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
// `--profile DIR`: a CPU profile of each page's main thread during the flood (DIR/NAME-ROUND.cpuprofile,
// for Chrome's DevTools), and its heaviest functions by self time on stderr.
const PROFILE = args.includes("--profile") ? args[args.indexOf("--profile") + 1] : null;
const BYTES = option("bytes", 50_000_000);
const servers = args.filter((a) => a.includes("=")).map((a) => a.split("=", 2));
const roundOf = { r: 0, name: "" };
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

/** CPU seconds (user + system) used so far by each process below this one, by pid (Linux /proc). */
function cpuBelow() {
  const procs = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      procs.set(Number(entry), { ppid: Number(fields[1]), comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), cpu: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      /* gone */
    }
  }
  const below = (pid) => {
    for (let p = procs.get(pid)?.ppid; p; p = procs.get(p)?.ppid) if (p === process.pid) return true;
    return false;
  };
  return new Map([...procs].filter(([pid]) => below(pid)));
}

/** CPU seconds the browser's processes and the server's own process used between two `cpuBelow()`s. */
function cpuUsed(before, after, serverPid) {
  let browser = 0;
  let server = 0;
  for (const [pid, p] of after) {
    const used = p.cpu - (before.get(pid)?.cpu ?? 0);
    if (pid === serverPid) server += used;
    else if (/chrom/i.test(p.comm)) browser += used;
  }
  return { browser, server };
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
    pid: child.pid,
    stop: async () => {
      child.kill("SIGTERM");
      await Promise.race([new Promise((r) => child.on("exit", r)), sleep(5000)]);
      child.kill("SIGKILL");
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The probe inside a page: reads terminal screens once per animation frame while something is awaited. */
function probe(kind) {
  const text = (name) => {
    if (kind === "ttyd") {
      const term = window.term;
      if (!term) return "";
      const b = term.buffer.active;
      const rows = [];
      for (let i = b.viewportY; i < b.viewportY + term.rows; i++) rows.push(b.getLine(i)?.translateToString(true) ?? "");
      return rows.join("\n");
    }
    return window.lectern?.terminalText?.(name, true) ?? "";
  };
  // When each binary (output) message of a terminal's websocket reaches the page: splits a keystroke's
  // time into before the echo reached the page (input, server, program, network) and after (xterm.js, the
  // frame). Listening from the constructor runs before the page's own `onmessage`.
  const Native = window.WebSocket;
  const arrivals = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      const url = String(args[0]);
      this.addEventListener("message", (e) => typeof e.data !== "string" && arrivals.push({ url, t: performance.now() }));
    }
  };
  const keys = [];
  addEventListener("keydown", (e) => keys.push({ key: e.key, ctrl: e.ctrlKey, t: e.timeStamp }), true);
  /** The first key after `since` that `is`, or null. */
  const key = (since, is) => keys.find((k) => k.t >= since && is(k)) ?? null;
  /** Calls `check(now)` once per frame until it answers something other than undefined, or `limit` ms. */
  const frames = (check, limit) =>
    new Promise((resolve) => {
      const from = performance.now();
      const step = () => {
        const now = performance.now();
        const answer = check(now);
        if (answer !== undefined) resolve(answer);
        else if (now - from > limit) resolve(null);
        else requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
  const count = (name, ch) => text(name).split(ch).length - 1;
  window.__flood = {
    now: () => performance.now(),
    text,
    count,
    /** Ms from the first `ch` key after `since` to the frame where terminal `name` shows more than `before`
     * of it (`shown`), and to the first output message after the key on a websocket whose URL ends in the
     * terminal's name (`echo`, -1 when there is none: ttyd's single socket is named otherwise). */
    shown: (name, ch, before, since, limit) =>
      frames((now) => {
        if (count(name, ch) <= before) return undefined;
        const k = key(since, (k) => k.key === ch);
        if (!k) return null;
        const echo = arrivals.find((a) => a.t >= k.t && a.url.endsWith(`/${name}`));
        return { shown: now - k.t, echo: echo ? echo.t - k.t : -1 };
      }, limit),
    /** Ms from the first Enter after `since` to the frame where terminal `name` shows `needle`. */
    appears: (name, needle, since, limit) =>
      frames((now) => {
        if (!text(name).includes(needle)) return undefined;
        const k = key(since, (k) => k.key === "Enter");
        return k ? now - k.t : null;
      }, limit),
    /** Ms from the first Ctrl-C after `since` to the last frame where terminal `name` changed, once it
     * has not changed for `quietMs`. */
    quiet: (name, since, quietMs, limit) => {
      let last = text(name);
      let changed = performance.now();
      return frames((now) => {
        const screen = text(name);
        if (screen !== last) {
          last = screen;
          changed = now;
        }
        if (now - changed < quietMs) return undefined;
        const k = key(since, (k) => k.ctrl && k.key.toLowerCase() === "c");
        return k ? Math.max(0, changed - k.t) : null;
      }, limit);
    },
  };
}

/** Visible rows of terminal `name` as text. */
async function screen(page, name) {
  return page.evaluate((name) => window.__flood.text(name), name);
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
  await page.addInitScript(probe, server.kind);
  if (server.kind === "ttyd") {
    await page.goto(`${server.url}/`);
    await until("ttyd prompt", async () => (await screen(page, name)).includes("$"));
    await page.locator(".xterm").first().click();
  } else {
    await page.goto(`${server.url}/dashboard/`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 30000 });
    await until(`terminal ${name}`, async () => (await screen(page, name)).includes("$"));
  }
  return page;
}

async function focus(page, server, name) {
  if (server.kind === "ttyd") await page.bringToFront();
  else await page.locator(`.terminal-view[data-terminal="${name}"]`).click();
}

/** Starts sampling the page's main thread (CDP Profiler). */
async function startProfile(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
  await cdp.send("Profiler.start");
  return cdp;
}

/** Stops the profile, writes it and prints where the main thread's time went (self time, top 25). */
async function stopProfile(cdp) {
  const { profile } = await cdp.send("Profiler.stop");
  await cdp.detach();
  mkdirSync(PROFILE, { recursive: true });
  writeFileSync(path.join(PROFILE, `${roundOf.name}-${roundOf.r + 1}.cpuprofile`), JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || "(anonymous)"} ${path.basename(f.url || "")}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  log(`profile ${roundOf.name} round ${roundOf.r + 1}: ${(total / 1000).toFixed(0)} ms sampled`);
  for (const [key, us] of top) log(`  ${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${key}`);
}

const now = (page) => page.evaluate(() => window.__flood.now());

async function round(browser, server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await open(context, server, "1");
    const other = server.kind === "ttyd" ? await open(context, server, "1") : page;
    const second = server.kind === "ttyd" ? "1" : "2";
    if (server.kind !== "ttyd") await until("terminal 2", async () => (await screen(page, "2")).includes("$"));

    // 1. The flood, and typing in the second terminal meanwhile.
    await focus(page, server, "1");
    await page.keyboard.type(`head -c ${BYTES} /dev/zero | tr '\\0' y | fold -w 100; echo DONE-$((40+2))`);
    const profiler = PROFILE ? await startProfile(page) : null;
    const since = await now(page);
    const cpuBefore = cpuBelow();
    await page.keyboard.press("Enter");
    const typed = [];
    const echoed = [];
    let promptMs;
    const prompt = page
      .evaluate(([since, limit]) => window.__flood.appears("1", "DONE-42", since, limit), [since, LIMIT_MS])
      .then((ms) => (promptMs = ms ?? -1));
    await focus(other, server, second);
    await other.keyboard.type("# ");
    for (let i = 0; promptMs === undefined && i < 400; i++) {
      const before = await other.evaluate((name) => window.__flood.count(name, "#"), second);
      const t = await now(other);
      await other.keyboard.type("#");
      const ms = await other.evaluate(([name, before, t]) => window.__flood.shown(name, "#", before, t, 30000), [second, before, t]);
      if (ms !== null) typed.push(Math.round(ms.shown));
      if (ms !== null && ms.echo >= 0) echoed.push(Math.round(ms.echo));
      await sleep(100);
    }
    await prompt;
    const cpu = cpuUsed(cpuBefore, cpuBelow(), server.pid);
    if (profiler) await stopProfile(profiler);
    if (promptMs < 0) throw new Error("timed out: the flood's end on screen");
    const promptS = promptMs / 1000;
    await other.keyboard.press("Control+C");

    // 2. Ctrl-C during `yes`: how long until the screen is quiet.
    await focus(page, server, "1");
    // Numbered lines: every frame that draws more output changes the screen (`yes` alone prints the same
    // line again and again, which would look quiet while it still scrolls).
    await page.keyboard.type("yes flooding-the-terminal | cat -n");
    await page.keyboard.press("Enter");
    await until("yes on screen", async () => /\d\s+flooding-the-terminal\n\s*\d+\s+flooding/.test(await screen(page, "1")));
    await sleep(2000);
    const t0 = await now(page);
    const quiet = page.evaluate(([since, limit]) => window.__flood.quiet("1", since, 1000, limit), [t0, LIMIT_MS]);
    await page.keyboard.press("Control+C");
    const ctrlcMs = await quiet;
    if (ctrlcMs === null) throw new Error("timed out: the screen quiet after Ctrl-C");
    return { promptS, ctrlcMs: Math.round(ctrlcMs), typed, echoed, cpu };
  } finally {
    await context.close();
  }
}

const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : null);
const quantile = (xs, q) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] : null);
const fresh = () => ({ prompt_s: [], ctrlc_ms: [], type_p99_ms: [], type_ms: [], echo_ms: [], browser_cpu_s: [], server_cpu_s: [] });

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
      Object.assign(roundOf, { r, name });
      try {
        const out = await round(browser, server);
        const entry = (results[name] ??= fresh());
        entry.prompt_s.push(out.promptS);
        entry.ctrlc_ms.push(out.ctrlcMs);
        entry.type_p99_ms.push(quantile(out.typed, 0.99));
        entry.type_ms.push(...out.typed);
        entry.echo_ms.push(...out.echoed);
        entry.browser_cpu_s.push(out.cpu.browser);
        entry.server_cpu_s.push(out.cpu.server);
        log(
          `round ${r + 1} ${name}: prompt ${out.promptS.toFixed(2)} s, ctrl-c quiet ${out.ctrlcMs} ms, ${out.typed.length} keystrokes` +
            ` (p99 ${quantile(out.typed, 0.99)} ms), CPU during the flood: browser ${out.cpu.browser.toFixed(2)} s, server ${out.cpu.server.toFixed(2)} s`,
        );
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
    echo_p50_ms: quantile(entry.echo_ms, 0.5),
    echo_p99_ms: quantile(entry.echo_ms, 0.99),
    browser_cpu_s: median(entry.browser_cpu_s),
    server_cpu_s: median(entry.server_cpu_s),
  };
}
console.log(JSON.stringify({ rounds: ROUNDS, bytes: BYTES, servers: results }));
