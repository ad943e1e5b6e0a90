// Session controls: countdown and extend, finish / terminate / expired dialogs, the image preview dialog,
// session events (POST /session/event; body and answer are the server's types, generated into
// api.generated.ts), the end of the session (with a portal: its RESTART_URL; without one: lectern's final
// page) and a quiet notice while the portal is unreachable (GET /session/status, the `session` event) or
// lectern is restarting (the `closing` event, until the event stream is back).

import type { EventReceipt, SessionEnd, SessionEventBody, SessionEventName, SessionStatus } from "../api.generated";
import type { DashboardConfig } from "../config";
import { ask, dialogButton, makeDialog } from "./dialogs";
import "../styles/session.css";

type Dialog = ReturnType<typeof makeDialog>;

/** Owns the session dialogs and the countdown button. */
export class SessionControls {
  readonly dialogs: Record<"finish" | "terminate" | "expired" | "image", Dialog>;
  private expiredShown = false;
  private restartUrl: string | null = null;
  /** Called once when the session has ended here (the dashboard stops its terminal views). */
  onEnded: (() => void) | null = null;
  private readonly notice: HTMLElement;
  private refusalShown = false;

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
    this.notice = document.createElement("p");
    this.notice.className = "portal-notice";
    this.notice.setAttribute("role", "status");
    this.notice.hidden = true;
    document.body.append(this.notice);
  }

  /** Reads where the session stands (it may have ended before this page loaded). */
  async loadStatus(): Promise<void> {
    const status = (await fetchJson("/session/status")) as SessionStatus | null;
    if (status) this.applyStatus(status);
  }

  /** A status from the server: the final page once ended, the portal notice while it is unreachable. */
  applyStatus(status: SessionStatus): void {
    this.restartUrl = status.restart_url;
    if (status.ended) {
      this.ended(status.ended);
      return;
    }
    const down = status.portal.present && !status.portal.reachable;
    this.notice.hidden = !down;
    this.notice.textContent = down
      ? `The training portal is not answering; ${status.portal.pending} update(s) will be sent when it is back. You can keep working.`
      : "";
  }

  /** lectern said it is shutting down: the notice says why until the event stream is back (which reloads the status). */
  serverClosing(reason: string): void {
    this.notice.hidden = false;
    this.notice.textContent = `${reason} This page reconnects by itself when it is back.`;
  }

  /**
   * Updates the countdown every second while an expiry is known and shows the expired dialog once. The
   * expiry comes from the portal through `GET /session/schedule` (read at start and every 15 s; `{}`
   * without a portal login, which keeps the button hidden).
   */
  startCountdown(): void {
    let expiring = false;
    const refresh = async () => {
      const schedule = await fetchJson("/session/schedule", (status, message) => this.refused(status, message));
      if (schedule) expiring = applySchedule(this.config.session, schedule);
    };
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
      const extendable = this.config.session.extendable;
      this.countdown.hidden = false;
      this.countdown.textContent = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
      this.countdown.classList.toggle("warning", (expiring || left < 300) && extendable);
      this.countdown.classList.toggle("danger", (expiring || left < 300) && !extendable);
      this.countdown.disabled = !extendable;
      this.countdown.title = extendable ? "Time left — click to extend" : "Time left";
      this.countdown.setAttribute("aria-label", `Time left ${this.countdown.textContent}`);
      if (left === 0 && !this.expiredShown) {
        this.expiredShown = true;
        void this.event("Workshop/Expired", {});
        void ask(this.dialogs.expired.dialog).then(() => {
          if (this.restartUrl) window.top!.location.href = this.restartUrl;
        });
      }
    };
    void refresh().then(tick);
    window.setInterval(tick, 1000);
    window.setInterval(() => void refresh(), 15000);
  }

  /** Asks the portal (through `GET /session/extend`) for more time and shows the new expiry. */
  async extend(): Promise<void> {
    if (!this.config.session.extendable) return;
    const schedule = await fetchJson("/session/extend");
    if (schedule) applySchedule(this.config.session, schedule);
  }

  /** Finish dialog; on confirm ends the session. */
  async finish(): Promise<void> {
    if ((await ask(this.dialogs.finish.dialog)) === "confirm") await this.end("Workshop/Finish", "Workshop finished");
  }

  /** Terminate dialog; on confirm ends the session. */
  async terminate(): Promise<void> {
    if ((await ask(this.dialogs.terminate.dialog)) === "confirm") await this.end("Workshop/Terminate", "Session terminated");
  }

  /** Records a session event; resolves with the server's receipt (null when it could not be sent). */
  async event(name: SessionEventName, data: Record<string, unknown>): Promise<EventReceipt | null> {
    const body: SessionEventBody = { event: { name, data } };
    try {
      const response = await fetch("/session/event", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (response.ok) return (await response.json()) as EventReceipt;
      this.refused(response.status, await errorText(response));
      return null;
    } catch {
      return null;
    }
  }

  /**
   * The portal refused the relay for good: 410 — the session ended there; 401 — the portal login expired
   * (a reload goes through the portal login again). Says so once, over the dashboard.
   */
  private refused(status: number, message: string): void {
    if (this.refusalShown || (status !== 401 && status !== 410)) return;
    this.refusalShown = true;
    const cover = this.cover(`${message || (status === 410 ? "This session has ended" : "Please log in again")}.`);
    if (status === 401) {
      const reload = document.createElement("button");
      reload.textContent = "Reload";
      reload.addEventListener("click", () => window.location.reload());
      cover.append(reload);
    }
  }

  /** A cover over the dashboard saying `message`. */
  private cover(message: string): HTMLDivElement {
    const cover = document.createElement("div");
    cover.className = "cover";
    cover.setAttribute("role", "status");
    const text = document.createElement("p");
    text.textContent = message;
    cover.append(text);
    document.body.append(cover);
    return cover;
  }

  /**
   * The original's end: a cover, the event (waiting at most 2.5 s), then the portal's RESTART_URL after 1 s.
   * Without a portal the server ends the session itself and the receipt says so: the final page.
   */
  private async end(event: SessionEventName, message: string): Promise<void> {
    const cover = this.cover("Cleaning up session…");
    const receipt = await Promise.race([
      this.event(event, {}),
      new Promise<null>((resolve) => window.setTimeout(() => resolve(null), 2500)),
    ]);
    if (receipt?.ended) {
      cover.remove();
      this.ended(receipt.ended);
      return;
    }
    const restart = this.restartUrl ?? (window as unknown as { lecternRestartUrl?: string }).lecternRestartUrl;
    cover.querySelector("p")!.textContent = `${message}. You can close this tab.`;
    if (restart) window.setTimeout(() => (window.top!.location.href = restart), 1000);
  }

  private ended(end: SessionEnd): void {
    if (document.getElementById("session-ended")) return;
    this.notice.hidden = true;
    this.onEnded?.();
    showFinalPage(end);
  }
}

const TITLES: Record<SessionEnd["reason"], string> = {
  terminate: "Session terminated",
  finish: "Workshop finished",
  expired: "Session expired",
};

/** Replaces the dashboard with the final page of a session that ended here (its terminals are stopped). */
export function showFinalPage(end: SessionEnd): void {
  if (document.getElementById("session-ended")) return;
  for (const dialog of document.querySelectorAll("dialog[open]")) (dialog as HTMLDialogElement).close();
  const page = document.createElement("main");
  page.id = "session-ended";
  page.className = "final-page";
  page.dataset.reason = end.reason;
  const heading = document.createElement("h1");
  heading.textContent = TITLES[end.reason];
  const text = document.createElement("p");
  text.textContent = end.message;
  page.append(heading, text);
  const app = document.getElementById("app");
  if (app) app.replaceChildren(page);
  else document.body.replaceChildren(page);
  document.title = `${TITLES[end.reason]} — lectern`;
  heading.tabIndex = -1;
  heading.focus();
}

/** The `{error}` text of an error answer ("" when it has none). */
async function errorText(response: Response): Promise<string> {
  const body: unknown = await response.json().catch(() => null);
  const error = body && typeof body === "object" ? (body as { error?: unknown }).error : undefined;
  return typeof error === "string" ? error : "";
}

/** GET `url` as JSON; null on any failure (`refused` hears the status and `{error}` text of an error answer). */
async function fetchJson(
  url: string,
  refused?: (status: number, message: string) => void,
): Promise<Record<string, unknown> | null> {
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) {
      refused?.(response.status, await errorText(response));
      return null;
    }
    const value: unknown = await response.json();
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Takes the portal's session schedule (`{status, started, expires, expiring, extendable?}`, `expires`
 * an ISO time) into `session`; returns whether the portal says the session is expiring. Fields that are
 * missing or unreadable leave `session` as it was (`{}` means there is no portal login).
 */
export function applySchedule(
  session: DashboardConfig["session"],
  schedule: Record<string, unknown>,
): boolean {
  const expires = schedule.expires;
  const when =
    typeof expires === "string" ? Date.parse(expires) / 1000 : typeof expires === "number" ? expires : NaN;
  if (Number.isFinite(when)) session.expires = when;
  if (typeof schedule.extendable === "boolean") session.extendable = schedule.extendable;
  return schedule.expiring === true;
}
