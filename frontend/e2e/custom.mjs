// End-to-end test of the original's in-page API in Chromium: a workshop's `workshop-instructions.js`
// registers custom actions with `educates.register_action`; clicking them runs the workshop's handler,
// with cascade into a built-in action and a failing handler shown as a failure.
import path from "node:path";
import { ROOT, copyWorkshop, shot, startServer, test, until } from "./harness.mjs";

const FIXTURE = path.join(ROOT, "tests", "fixtures", "e2e-custom-action");

export async function customActionSuite(browser) {
  await test("custom action registered by workshop-instructions.js runs when clicked", async () => {
    const server = await startServer(copyWorkshop(FIXTURE));
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      context.setDefaultTimeout(15000);
      const page = await context.newPage();
      page.on("pageerror", (error) => console.log(`     page error: ${error.message}`));
      await page.goto(`${server.url}/dashboard/`);
      await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 20000 });
      await until("terminal connected", () =>
        page.evaluate(() => document.querySelector('.terminal-view[data-terminal="1"]')?.dataset.state === "connected"),
      );
      const frame = page.frameLocator("iframe.instructions-frame");
      const greet = frame.locator('.lectern-action[data-action-type="demo:greet"]');
      await until("two demo:greet blocks", async () => (await greet.count()) === 2);
      const first = greet.first();
      const title = (await first.locator(".lectern-action-title").textContent()).trim();
      if (title !== "Greet: Ada") throw new Error(`title is ${JSON.stringify(title)}`);
      const body = (await first.locator(".lectern-action-body").textContent()).trim();
      if (body !== "echo hello-Ada") throw new Error(`body is ${JSON.stringify(body)}`);
      if ((await first.getAttribute("data-greeting-for")) !== "Ada") throw new Error("setup hook did not run");
      const text = () => page.evaluate(() => window.lectern.terminalText("1"));
      await first.click();
      await until("hello-Ada-2 in the terminal", async () => (await text()).includes("hello-Ada-2"));
      await until("block done", async () => (await first.getAttribute("data-action-state")) === "done");
      const classes = await first.locator(".lectern-action-title").getAttribute("class");
      if (!classes.includes("greeted")) throw new Error(`success class missing: ${classes}`);
      // Keyboard, and cascade into the built-in terminal:execute after it.
      await greet.nth(1).locator(".lectern-action-title").focus();
      await page.keyboard.press("Enter");
      await until("hello-Bob-2 then the cascade", async () => {
        const out = await text();
        return out.includes("hello-Bob-2") && out.includes("cascaded-23");
      });
      const failing = frame.locator('.lectern-action[data-action-type="demo:fail"]');
      await failing.click();
      await until("failing block failed", async () => (await failing.getAttribute("data-action-state")) === "failed");
      const message = await failing.locator(".lectern-action-message").textContent();
      if (!message.includes("failed on purpose")) throw new Error(`message: ${message}`);
      if ((await frame.locator("code.language-bash").count()) !== 1) throw new Error("plain code was converted");
      const owner = await frame.locator("body").evaluate(() => window.customOwner);
      if (typeof owner !== "string") throw new Error(`session_owner() gave ${owner}`);
      await shot(page, "custom-action");
      await context.close();
    } finally {
      await server.stop();
    }
  });
}
