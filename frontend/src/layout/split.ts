// A resizable, collapsible two-pane split (instructions | work area). The gutter is a focusable
// role="separator": drag it, use the arrow keys, or press Enter / double-click to collapse and restore.

const KEY = "lectern:split";
const MIN = 0.15;
const MAX = 0.75;

/** Controls the split between `first` and `second`. */
export class Split {
  private fraction: number;
  private collapsed = false;
  readonly gutter: HTMLElement;
  private listeners: Array<() => void> = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly first: HTMLElement,
    second: HTMLElement,
    label: string,
  ) {
    const saved = Number(localStorage.getItem(KEY));
    this.fraction = saved >= MIN && saved <= MAX ? saved : 0.4;
    this.gutter = document.createElement("div");
    this.gutter.className = "split-gutter";
    this.gutter.tabIndex = 0;
    this.gutter.setAttribute("role", "separator");
    this.gutter.setAttribute("aria-orientation", "vertical");
    this.gutter.setAttribute("aria-label", label);
    this.gutter.setAttribute("aria-controls", first.id);
    this.gutter.setAttribute("aria-valuemin", String(MIN * 100));
    this.gutter.setAttribute("aria-valuemax", String(MAX * 100));
    container.insertBefore(this.gutter, second);
    this.gutter.addEventListener("pointerdown", (event) => this.drag(event));
    this.gutter.addEventListener("dblclick", () => this.toggle());
    this.gutter.addEventListener("keydown", (event) => {
      if (event.key === "ArrowLeft") this.set(this.fraction - 0.02);
      else if (event.key === "ArrowRight") this.set(this.fraction + 0.02);
      else if (event.key === "Enter" || event.key === " ") this.toggle();
      else return;
      event.preventDefault();
    });
    this.apply();
  }

  /** Called after every size change (terminals refit). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** True when the first pane is collapsed. */
  get isCollapsed(): boolean {
    return this.collapsed;
  }

  /** Collapses or restores the first pane. */
  toggle(collapse = !this.collapsed): void {
    this.collapsed = collapse;
    this.apply();
  }

  private set(fraction: number): void {
    this.fraction = Math.min(MAX, Math.max(MIN, fraction));
    this.collapsed = false;
    localStorage.setItem(KEY, String(this.fraction));
    this.apply();
  }

  private apply(): void {
    this.first.hidden = this.collapsed;
    this.first.style.flexBasis = `${(this.fraction * 100).toFixed(2)}%`;
    this.container.classList.toggle("is-collapsed", this.collapsed);
    this.gutter.setAttribute("aria-valuenow", this.collapsed ? "0" : String(Math.round(this.fraction * 100)));
    for (const listener of this.listeners) listener();
  }

  private drag(event: PointerEvent): void {
    if (event.button !== 0) return;
    event.preventDefault();
    const rect = this.container.getBoundingClientRect();
    this.container.classList.add("is-dragging");
    const move = (e: PointerEvent) => this.set((e.clientX - rect.left) / rect.width);
    const up = () => {
      this.container.classList.remove("is-dragging");
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }
}
