// The Files tab: a file browser over the session's files folder, on lectern's file API (`/api/files`:
// list, new folder, delete, upload; downloads are `/files/{path}`). The JSON types are the server's, generated
// into api.generated.ts. Keyboard: every control is a button or link; Backspace or Alt+ArrowUp in the list
// goes to the parent folder. Uploads: the Upload button (several files) or drag and drop onto the tab, with a
// progress bar.

import type { FileEntry, FileListing, NewFolder } from "./api.generated";
import { filesUrl } from "./actions/dispatch";
import { ask, dialogButton, makeDialog } from "./layout/dialogs";
import "./styles/files.css";

const FOLDER_ICON =
  '<svg viewBox="0 0 16 16"><path d="M1.5 3h4.6l1.4 1.5h7a1 1 0 0 1 1 1V12a1 1 0 0 1-1 1h-13a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1z"/></svg>';
const FILE_ICON =
  '<svg viewBox="0 0 16 16"><path d="M3.5 1h6L13 4.5V14a1 1 0 0 1-1 1H3.5a1 1 0 0 1-1-1V2a1 1 0 0 1 1-1zM9 2v3h3" fill="none" stroke="currentColor" stroke-width="1.2"/></svg>';

/** `a/b` + `c` → `a/b/c`; the root is "". */
function join(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}

/** 1536 → "1.5 KB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The server's error text, or the status. */
async function problem(response: Response): Promise<string> {
  const text = (await response.text().catch(() => "")).trim();
  return text || `${response.status} ${response.statusText}`;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = "", text = ""): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function button(label: string, className = "button"): HTMLButtonElement {
  const node = el("button", className, label);
  node.type = "button";
  return node;
}

/** One Files tab. Builds itself on the first `show()`. */
export class FileBrowser {
  readonly element: HTMLElement;
  private folder = "";
  private readonly crumbs: HTMLElement;
  private readonly list: HTMLElement;
  private readonly status: HTMLElement;
  private readonly progress: HTMLProgressElement;
  private readonly input: HTMLInputElement;
  private readonly newFolder: HTMLFormElement;
  private readonly folderName: HTMLInputElement;
  private readonly confirm = makeDialog("files-delete-dialog", "Delete");
  private loaded = false;

  constructor() {
    this.element = el("div", "files");
    const toolbar = el("div", "files-toolbar");
    this.crumbs = el("nav", "files-crumbs");
    this.crumbs.setAttribute("aria-label", "Folder");
    const actions = el("div", "files-actions");
    const upload = button("Upload…");
    upload.dataset.files = "upload";
    this.input = el("input");
    this.input.type = "file";
    this.input.multiple = true;
    this.input.hidden = true;
    this.input.setAttribute("aria-label", "Files to upload");
    upload.addEventListener("click", () => this.input.click());
    this.input.addEventListener("change", () => {
      const files = [...(this.input.files ?? [])];
      this.input.value = "";
      if (files.length) void this.upload(files);
    });
    const make = button("New folder");
    make.dataset.files = "new-folder";
    make.addEventListener("click", () => this.askFolderName());
    const refresh = button("Refresh");
    refresh.addEventListener("click", () => void this.load(this.folder));
    actions.append(upload, make, refresh, this.input);
    toolbar.append(this.crumbs, actions);

    this.newFolder = el("form", "files-new-folder");
    this.newFolder.hidden = true;
    this.folderName = el("input");
    this.folderName.type = "text";
    this.folderName.placeholder = "Folder name";
    this.folderName.setAttribute("aria-label", "New folder name");
    const create = button("Create", "button primary");
    create.type = "submit";
    const cancel = button("Cancel");
    cancel.addEventListener("click", () => this.closeFolderName());
    this.newFolder.append(this.folderName, create, cancel);
    this.newFolder.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.makeFolder(this.folderName.value.trim());
    });
    this.newFolder.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.closeFolderName();
      }
    });

    this.progress = el("progress", "files-progress");
    this.progress.hidden = true;
    this.progress.max = 1;
    this.status = el("p", "files-status");
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");

    this.list = el("ul", "files-list");
    this.list.setAttribute("aria-label", "Files");
    this.list.addEventListener("keydown", (event) => {
      if ((event.key === "Backspace" || (event.key === "ArrowUp" && event.altKey)) && this.folder) {
        event.preventDefault();
        void this.load(this.parent(), true);
      }
    });
    const hint = el("p", "files-hint", "Drop files here to upload them to this folder.");
    this.element.append(toolbar, this.newFolder, this.progress, this.status, this.list, hint);

    dialogButton(this.confirm.actions, "Cancel", "cancel");
    dialogButton(this.confirm.actions, "Delete", "confirm", true).classList.add("danger");

    // Drag and drop onto the whole tab.
    let depth = 0;
    const dropping = (on: boolean) => this.element.classList.toggle("dropping", on);
    this.element.addEventListener("dragenter", (event) => {
      if (!event.dataTransfer?.types.includes("Files")) return;
      event.preventDefault();
      depth += 1;
      dropping(true);
    });
    this.element.addEventListener("dragover", (event) => {
      if (!event.dataTransfer?.types.includes("Files")) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    this.element.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) dropping(false);
    });
    this.element.addEventListener("drop", (event) => {
      event.preventDefault();
      depth = 0;
      dropping(false);
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length) void this.upload(files);
    });
  }

  /** Loads the files folder the first time the tab is shown. */
  show(): void {
    if (this.loaded) return;
    this.loaded = true;
    void this.load("");
  }

  /** The folder shown (relative to the files folder). */
  get path(): string {
    return this.folder;
  }

  private parent(): string {
    return this.folder.split("/").slice(0, -1).join("/");
  }

  private say(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle("error", error);
  }

  /** Shows `folder`; `focus` puts keyboard focus on its first entry. */
  async load(folder: string, focus = false): Promise<void> {
    let listing: FileListing;
    try {
      const response = await fetch(`/api/files?path=${encodeURIComponent(folder)}`, { credentials: "same-origin" });
      if (!response.ok) {
        this.say(`Cannot open ${folder || "the files folder"}: ${await problem(response)}`, true);
        return;
      }
      listing = (await response.json()) as FileListing;
    } catch (error) {
      this.say(`Cannot reach the server: ${String(error)}`, true);
      return;
    }
    this.folder = listing.path;
    this.element.dataset.path = listing.path;
    this.renderCrumbs();
    this.list.replaceChildren(...listing.entries.map((entry) => this.row(entry)));
    if (listing.entries.length === 0) this.list.append(el("li", "files-empty", "This folder is empty."));
    if (focus) this.list.querySelector<HTMLElement>("a, button")?.focus();
  }

  private renderCrumbs(): void {
    const parts = this.folder ? this.folder.split("/") : [];
    const items: HTMLElement[] = [];
    const crumb = (label: string, target: string, current: boolean) => {
      const node = button(label, "files-crumb");
      if (current) node.setAttribute("aria-current", "location");
      node.addEventListener("click", () => void this.load(target, true));
      items.push(node);
    };
    crumb("Files", "", parts.length === 0);
    parts.forEach((part, i) => {
      items.push(el("span", "files-sep", "/"));
      crumb(part, parts.slice(0, i + 1).join("/"), i === parts.length - 1);
    });
    this.crumbs.replaceChildren(...items);
  }

  private row(entry: FileEntry): HTMLLIElement {
    const item = el("li", `files-entry files-${entry.kind}`);
    item.dataset.name = entry.name;
    const path = join(this.folder, entry.name);
    let open: HTMLElement;
    if (entry.kind === "folder") {
      const go = button(`${entry.name}/`, "files-name");
      go.setAttribute("aria-label", `Open folder ${entry.name}`);
      go.addEventListener("click", () => void this.load(path, true));
      open = go;
    } else {
      const link = el("a", "files-name", entry.name);
      link.href = filesUrl(path);
      link.download = entry.name;
      link.setAttribute("aria-label", `Download ${entry.name}`);
      open = link;
    }
    const icon = el("span", "files-icon");
    icon.setAttribute("aria-hidden", "true");
    icon.innerHTML = entry.kind === "folder" ? FOLDER_ICON : FILE_ICON;
    const size = el("span", "files-size", entry.kind === "file" ? formatSize(entry.size) : "");
    const when = el("span", "files-modified");
    if (entry.modified !== null) {
      const date = new Date(entry.modified * 1000);
      when.textContent = date.toLocaleString();
      when.title = date.toISOString();
    }
    const remove = button("Delete", "button files-delete");
    remove.setAttribute("aria-label", `Delete ${entry.name}`);
    remove.addEventListener("click", () => void this.remove(entry));
    item.append(icon, open, size, when, remove);
    return item;
  }

  private askFolderName(): void {
    this.newFolder.hidden = false;
    this.folderName.value = "";
    this.folderName.focus();
  }

  private closeFolderName(): void {
    this.newFolder.hidden = true;
    this.element.querySelector<HTMLElement>("[data-files=new-folder]")?.focus();
  }

  private async makeFolder(name: string): Promise<void> {
    if (!name) return;
    const body: NewFolder = { path: join(this.folder, name) };
    const response = await fetch("/api/files/folder", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).catch(() => null);
    if (!response?.ok) {
      this.say(`Cannot create ${name}: ${response ? await problem(response) : "the server is unreachable"}`, true);
      return;
    }
    this.newFolder.hidden = true;
    await this.load(this.folder);
    this.say(`Created folder ${name}.`);
    this.list.querySelector<HTMLElement>(`[data-name="${CSS.escape(name)}"] .files-name`)?.focus();
  }

  private async remove(entry: FileEntry): Promise<void> {
    const what = entry.kind === "folder" ? `the folder ${entry.name} and everything in it` : entry.name;
    this.confirm.body.textContent = `Delete ${what}? This cannot be undone.`;
    if ((await ask(this.confirm.dialog)) !== "confirm") return;
    const path = join(this.folder, entry.name);
    const response = await fetch(`/api/files?path=${encodeURIComponent(path)}`, {
      method: "DELETE",
      credentials: "same-origin",
    }).catch(() => null);
    if (!response?.ok) {
      this.say(`Cannot delete ${entry.name}: ${response ? await problem(response) : "the server is unreachable"}`, true);
      return;
    }
    await this.load(this.folder);
    this.say(`Deleted ${entry.name}.`);
    this.list.querySelector<HTMLElement>("a, button")?.focus();
  }

  /** Uploads `files` into the shown folder, showing progress. */
  async upload(files: File[]): Promise<void> {
    const form = new FormData();
    for (const file of files) form.append("files", file, file.name);
    const folder = this.folder;
    const names = files.length === 1 ? files[0].name : `${files.length} files`;
    this.progress.hidden = false;
    this.progress.value = 0;
    this.say(`Uploading ${names}…`);
    const result = await new Promise<{ ok: boolean; text: string }>((resolve) => {
      const request = new XMLHttpRequest();
      request.open("POST", `/api/files/upload?path=${encodeURIComponent(folder)}`);
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) this.progress.value = event.loaded / event.total;
      });
      request.addEventListener("load", () =>
        resolve({ ok: request.status >= 200 && request.status < 300, text: request.responseText || String(request.status) }),
      );
      request.addEventListener("error", () => resolve({ ok: false, text: "the server is unreachable" }));
      request.send(form);
    });
    this.progress.hidden = true;
    if (this.folder === folder) await this.load(folder);
    if (result.ok) this.say(`Uploaded ${names}.`);
    else this.say(`Cannot upload ${names}: ${result.text.trim()}`, true);
  }
}
