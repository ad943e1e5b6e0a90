// Session controls: countdown and extend, finish / terminate / expired dialogs, the image preview dialog,
// and session events (POST /session/event, best effort).

import type { DashboardConfig } from "../config";
import { ask, dialogButton, makeDialog } from "./dialogs";

type Dialog = ReturnType<typeof makeDialog>;

/** Owns the session dialogs and the countdown button. */
export class SessionControls {
  readonly dialogs: Record<"finish" | "terminate" | "expired" | "image", Dialog>;
  private expiredShown = false;

  constructor(
    private readonly config: DashboardConfig,
    private readonly countdown: HTMLButtonElement,
  ) {
    const finish = makeDialog("finish-dialog", "Finish workshop");
    finish.body.textContent =
      "You have reached the end of the workshop. Finishing ends this session and deletes its environment.";
    dialogButton(finish.actions, "Cancel", "cancel");
    dialogButton(finish.actions, "Finish workshop", "confirm", true);
    const terminate = makeDialog("terminate-dialog", "Terminate session");
    terminate.body.textContent = "Terminating ends this session now. Work you have not saved elsewhere will be lost.";
    dialogButton(terminate.actions, "Cancel", "cancel");
    dialogButton(terminate.actions, "Terminate", "confirm", true).classList.add("danger");
    const expired = makeDialog("expired-dialog", "Workshop expired");
    expired.body.textContent = "The time for this session has run out. The environment will be deleted shortly.";
    dialogButton(expired.actions, "Close", "close", true);
    const image = makeDialog("image-dialog", "Image");
    dialogButton(image.actions, "Close", "close", true);
    this.dialogs = { finish, terminate, expired, image };
  }

  /** Updates the countdown every second while an expiry is known; shows the expired dialog once. */
  startCountdown(): void {
    const tick = () => {
      const expires = this.config.session.expires;
      if (!expires) {
        this.countdown.hidden = true;
        return;
      }
      const left = Math.max(0, Math.round(expires - Date.now() / 1000));
      const h = Math.floor(left / 3600);
      const m = Math.floor((left % 3600) / 60);
      const s = left % 60;
      const pad = (n: number) => String(n).padStart(2, "0");
      this.countdown.hidden = false;
      this.countdown.textContent = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
      this.countdown.classList.toggle("warning", left < 300);
      this.countdown.disabled = !this.config.session.extendable;
      this.countdown.title = this.config.session.extendable ? "Time left — click to extend" : "Time left";
      this.countdown.setAttribute("aria-label", `Time left ${this.countdown.textContent}`);
      if (left === 0 && !this.expiredShown) {
        this.expiredShown = true;
        void ask(this.dialogs.expired.dialog);
      }
    };
    tick();
    window.setInterval(tick, 1000);
  }

  /** Asks the server to extend the session, then re-reads the expiry. */
  async extend(): Promise<void> {
    if (!this.config.session.extendable) return;
    await fetch("/session/extend", { method: "POST", credentials: "same-origin" }).catch(() => undefined);
    try {
      const response = await fetch("/api/dashboard", { credentials: "same-origin" });
      if (response.ok) this.config.session = ((await response.json()) as DashboardConfig).session;
    } catch {
      /* keep the old expiry */
    }
  }

  /** Finish dialog; on confirm ends the session. */
  async finish(): Promise<void> {
    if ((await ask(this.dialogs.finish.dialog)) === "confirm") this.end("Workshop/Finish", "Workshop finished");
  }

  /** Terminate dialog; on confirm ends the session. */
  async terminate(): Promise<void> {
    if ((await ask(this.dialogs.terminate.dialog)) === "confirm") this.end("Workshop/Terminate", "Session terminated");
  }

  /** Records a session event (best effort). */
  event(name: string, data: Record<string, unknown>): void {
    void fetch("/session/event", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event: name, data }),
    }).catch(() => undefined);
  }

  private end(event: string, message: string): void {
    this.event(event, {});
    const cover = document.createElement("div");
    cover.className = "cover";
    cover.setAttribute("role", "status");
    const text = document.createElement("p");
    text.textContent = `${message}. You can close this tab.`;
    cover.append(text);
    document.body.append(cover);
    const restart = (window as unknown as { lecternRestartUrl?: string }).lecternRestartUrl;
    if (restart) window.setTimeout(() => (window.top!.location.href = restart), 1000);
  }
}
