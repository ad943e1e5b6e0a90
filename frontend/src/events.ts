// Server and cross-frame events for the dashboard: SSE /api/events (`content-changed`, `message`,
// `session`, and `closing` as lectern shuts down), window.postMessage from trusted frames, and the workshop's dashboard overrides.

import type { ServerClosing, SessionStatus } from "./api.generated";

/** What the dashboard does with events. */
export interface EventHandlers {
  /** Pages whose content changed (empty = all). */
  contentChanged(pages: string[]): void;
  /** An {action, data} message from a broadcast or a trusted frame. */
  message(message: unknown): void;
  /** URLs shown in tabs: their origins may post messages too. */
  trustedOrigins(): Array<string | undefined>;
  /** The event stream is open again after it failed: the server is back (it may have restarted). */
  serverBack?(): void;
  /** lectern is shutting down (its last event before the stream ends); `serverBack` follows when it is back. */
  serverClosing?(closing: ServerClosing): void;
  /** Where the session stands changed (it ended; the portal went away or came back). */
  session?(status: SessionStatus): void;
}

/** Subscribes to SSE and postMessage. EventSource reconnects by itself after a drop. */
export function listen(handlers: EventHandlers): void {
  if (typeof EventSource !== "undefined") {
    const source = new EventSource("/api/events");
    let failed = false;
    source.addEventListener("error", () => (failed = true));
    source.addEventListener("open", () => {
      if (failed) handlers.serverBack?.();
      failed = false;
    });
    source.addEventListener("content-changed", (event) => {
      let pages: string[] = [];
      try {
        pages = (JSON.parse((event as MessageEvent).data) as { pages?: string[] }).pages ?? [];
      } catch {
        /* malformed: reload everything */
      }
      handlers.contentChanged(pages);
    });
    source.addEventListener("session", (event) => {
      try {
        handlers.session?.(JSON.parse((event as MessageEvent).data) as SessionStatus);
      } catch {
        /* ignore a malformed status */
      }
    });
    source.addEventListener("closing", (event) => {
      try {
        handlers.serverClosing?.(JSON.parse((event as MessageEvent).data) as ServerClosing);
      } catch {
        /* ignore a malformed notice */
      }
    });
    source.addEventListener("message", (event) => {
      try {
        handlers.message(JSON.parse((event as MessageEvent).data));
      } catch {
        /* ignore a malformed broadcast */
      }
    });
  }
  window.addEventListener("message", (event) => {
    const origins = new Set([location.origin]);
    for (const url of handlers.trustedOrigins()) {
      try {
        if (url) origins.add(new URL(url, location.href).origin);
      } catch {
        /* unparsable url */
      }
    }
    if (origins.has(event.origin)) handlers.message(event.data);
  });
}

/** Adds the workshop's workshop-dashboard.css and .js (the server says which exist). */
export function loadOverrides(overrides: { css: string | null; js: string | null } | undefined): void {
  if (overrides?.css) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = overrides.css;
    document.head.append(link);
  }
  if (overrides?.js) {
    const script = document.createElement("script");
    script.src = overrides.js;
    document.body.append(script);
  }
}
