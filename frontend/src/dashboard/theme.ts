// The dashboard's colour theme: chosen once (saved choice, else the system's), saved in localStorage on
// change, applied to the dashboard document and announced to whoever follows it (terminals, instructions).

/** A colour theme. */
export type Theme = "light" | "dark";

function initialTheme(): Theme {
  // `?theme=dark` (audits, links that pick one) wins, then the saved choice, then the system's.
  const asked = new URLSearchParams(location.search).get("theme");
  if (asked === "light" || asked === "dark") return asked;
  const saved = localStorage.getItem("lectern:theme");
  if (saved === "light" || saved === "dark") return saved;
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** The current theme and its followers. */
export class ThemeState {
  current: Theme = initialTheme();
  private readonly followers: Array<(theme: Theme) => void> = [];

  /** Calls `follower` with every later theme, in the order followers were added. */
  follow(follower: (theme: Theme) => void): void {
    this.followers.push(follower);
  }

  /** Switches to `theme`: saved, applied to the dashboard, announced. */
  set(theme: Theme): void {
    this.current = theme;
    localStorage.setItem("lectern:theme", theme);
    document.documentElement.setAttribute("data-theme", theme);
    this.followers.forEach((follower) => follower(theme));
  }

  toggle(): void {
    this.set(this.current === "dark" ? "light" : "dark");
  }
}
