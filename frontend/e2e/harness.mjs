// Minimal e2e harness: start `lectern serve` on a free loopback port, launch Debian's Chromium through
// playwright-core, run named tests, save screenshots to target/e2e/, count passes and failures.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdirSync, mkdtempSync, cpSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const OUT = path.join(ROOT, "target", "e2e");
export const BIN = process.env.LECTERN_BIN ?? path.join(ROOT, "target", "debug", "lectern");
mkdirSync(OUT, { recursive: true });

const results = [];

/** Runs one test; a thrown error is a failure. `note` explains what a failure may be waiting on. */
export async function test(name, fn, note = "") {
  if (process.env.E2E_ONLY && !new RegExp(process.env.E2E_ONLY).test(name)) return;
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${String(error?.message ?? error).split("\n").slice(0, 6).join("\n     ")}`);
    if (note) console.log(`     note: ${note}`);
  }
}

/** Totals so far. */
export function summary() {
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed };
}

/** A free loopback port. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Copies a workshop folder to a fresh temp dir (tests edit it). */
export function copyWorkshop(dir) {
  const target = mkdtempSync(path.join(tmpdir(), "lectern-e2e-ws-"));
  cpSync(dir, target, { recursive: true });
  return target;
}

/** Starts `lectern serve [dir]`; resolves once /healthz answers. `port` and `home` reuse a stopped
 * server's (a restart on the same address). */
export async function startServer(dir, env = {}, { port: reuse, home: reuseHome } = {}) {
  const port = reuse ?? (await freePort());
  const home = reuseHome ?? mkdtempSync(path.join(tmpdir(), "lectern-e2e-home-"));
  const uploads = mkdtempSync(path.join(tmpdir(), "lectern-e2e-uploads-"));
  writeFileSync(path.join(home, ".bashrc"), "");
  const args = ["serve", ...(dir ? [dir] : []), "--bind", "127.0.0.1", "--port", String(port)];
  const child = spawn(BIN, args, {
    env: {
      ...process.env,
      HOME: home,
      LECTERN_AUTH: "none",
      LECTERN_TERMINAL_SHELL: "bash --norc --noprofile",
      TERMINAL_HOME: home,
      PS1: "$ ",
      ENABLE_FILES: "true",
      ENABLE_EXAMINER: "true",
      ENABLE_UPLOADS: "true",
      FILES_DIR: dir ?? home,
      UPLOADS_DIR: uploads,
      RUST_LOG: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`lectern exited early (${child.exitCode}):\n${log}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`lectern did not answer /healthz within 30 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    home,
    dir,
    log: () => log,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          resolve();
        }, 5000);
        child.on("exit", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/** Launches headless Chromium (`extraArgs`: more command-line switches). */
export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-quic",
      "--disable-sync",
      ...extraArgs,
    ],
  });
}

/** Polls `fn` until it returns a truthy value, up to `ms` (bounded wait, not a timed assertion). */
export async function until(what, fn, ms = 15000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last?.message ?? last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Saves a screenshot as target/e2e/<name>.png. */
export async function shot(page, name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

/** Runs axe-core in `frame` (a Page or Frame); returns serious and critical violations as text lines. */
export async function axe(target) {
  const source = path.join(ROOT, "frontend", "node_modules", "axe-core", "axe.min.js");
  await target.addScriptTag({ path: source });
  const violations = await target.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  });
  return violations;
}
