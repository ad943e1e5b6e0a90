// The dashboard configuration served by GET /api/dashboard (src/web/dashboard.rs builds it).

/** A dashboard tab. */
export interface TabConfig {
  id: string;
  label: string;
  kind: "terminal" | "editor" | "console" | "slides" | "files" | "url" | "workshop";
  url?: string;
  terminals?: string[];
}

/** GET /api/dashboard. */
export interface DashboardConfig {
  workshop: { title: string; description: string };
  /**
   * `countdown`: show the countdown (`ENABLE_COUNTDOWN`); `terminate`: offer Terminate (no portal, or the
   * portal's `RESTART_URL` is set), as the original.
   */
  session: {
    name: string;
    namespace: string;
    domain: string;
    expires: number | null;
    extendable: boolean;
    countdown: boolean;
    terminate: boolean;
  };
  /** `instructions`: the page the instructions pane shows when they come from elsewhere (see api.rs). */
  layout: { workshop: string; terminal: string; instructions?: string };
  tabs: TabConfig[];
  features: Record<"editor" | "console" | "files" | "uploads" | "examiner" | "slides", boolean>;
  auth: { user: string; staff: boolean; owner?: string };
  /** URLs of the workshop's workshop-dashboard.css / .js, null when it has none (no probing for them). */
  overrides?: { css: string | null; js: string | null };
}

/** Used when /api/dashboard cannot be read: one terminal, instructions on the left. */
export const FALLBACK: DashboardConfig = {
  workshop: { title: "Workshop", description: "" },
  session: {
    name: "workshop",
    namespace: "workshop",
    domain: "",
    expires: null,
    extendable: false,
    countdown: false,
    terminate: true,
  },
  layout: { workshop: "default", terminal: "default" },
  tabs: [{ id: "terminal", label: "Terminal", kind: "terminal", terminals: ["1"] }],
  features: { editor: false, console: false, files: false, uploads: false, examiner: false, slides: false },
  auth: { user: "anonymous", staff: false },
};

/** GET /api/workshop page entry (site area). */
export interface PageEntry {
  key: string;
  title: string;
  prev: string | null;
  next: string | null;
  /** Next waits until the page's checks pass (front matter `lectern.require_checks`, a Killercoda verify). */
  require_checks?: boolean;
}

/** GET /api/workshop. */
export interface WorkshopIndex {
  title: string;
  pages: PageEntry[];
  first: string | null;
}
