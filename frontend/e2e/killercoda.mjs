// End-to-end test of a Killercoda scenario served as it is (tests/fixtures/killercoda-e2e, an `ubuntu`
// backend scenario): a clicked `{{exec}}` snippet runs in the terminal, the step's `verify` script is its
// Check, and Next stays disabled until that check passes.
import { existsSync } from "node:fs";
import path from "node:path";
import { ROOT, copyWorkshop, shot, startServer, test, until } from "./harness.mjs";

const SCENARIO = path.join(ROOT, "tests", "fixtures", "killercoda-e2e");

export async function killercodaSuite(browser) {
  await test("killercoda: {{exec}} runs, verify fails then passes, Next waits for it", async () => {
    const server = await startServer(copyWorkshop(SCENARIO));
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    context.setDefaultTimeout(15000);
    try {
      const page = await context.newPage();
      page.on("pageerror", (error) => console.log(`     page error: ${error.message}`));
      await page.goto(`${server.url}/dashboard/`);
      await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 20000 });
      await until("terminal 1 connected", () =>
        page.evaluate(() => document.querySelector('.terminal-view[data-terminal="1"]')?.dataset.state === "connected"),
      );
      const frame = page.frameLocator("iframe.instructions-frame");
      const next = page.getByRole("button", { name: /Next/ });
      const text = () => page.evaluate(() => window.lectern.terminalText("1"));
      const state = (locator, want) =>
        until(`action state ${want}`, async () => (await locator.getAttribute("data-action-state")) === want, 30000);

      // Intro: nothing to pass, Next is enabled and leads to the step.
      await until("intro shown", async () => (await frame.locator("body").textContent()).includes("Welcome"));
      await until("Next enabled on the intro", async () => !(await next.isDisabled()));
      await next.click();
      await until("step 1 shown", async () => (await frame.locator("body").textContent()).includes("Say hello first"));

      // The step has a verify script: Next is disabled until its Check passes.
      const check = frame.locator('.lectern-action[data-action-type="examiner:execute-test"]').first();
      await check.waitFor();
      await until("Next disabled before the check", () => next.isDisabled());

      // An inline {{exec}} snippet runs in terminal 1.
      await frame.locator('.lectern-action[data-action-type="terminal:execute"]', { hasText: "echo kc-" }).first().click();
      await until('"kc-42" in terminal 1', async () => (await text()).includes("kc-42"));

      // The check fails while the file is missing, and Next stays disabled.
      await check.click();
      await state(check, "failed");
      if (!(await next.isDisabled())) throw new Error("Next enabled after a failed check");
      await shot(page, "killercoda-check-failed");

      // The fenced {{exec}} block makes the file; the check passes and Next opens.
      await frame.locator('.lectern-action[data-action-type="terminal:execute"]', { hasText: "touch" }).first().click();
      await until("the file made", () => existsSync(path.join(server.home, "kc-step-done")));
      // Clicking again may fall in the action's cooldown: click until the check runs and passes.
      let clicked = 0;
      await until("check passes", async () => {
        const now = await check.getAttribute("data-action-state");
        if (now === "done") return true;
        if (now !== "running" && Date.now() - clicked > 2000) {
          clicked = Date.now();
          await check.click();
        }
        return false;
      }, 60000);
      await until("Next enabled after the check", async () => !(await next.isDisabled()));
      await shot(page, "killercoda-check-passed");
      await next.click();
      await until("finish shown", async () => (await frame.locator("body").textContent()).includes("You made the file"));
    } finally {
      await context.close();
      await server.stop();
    }
  });
}
