// Drag and drop files onto a terminal: they are uploaded (POST /upload/files, the uploads service) with
// the progress shown on the terminal, then their paths are typed at the prompt, quoted for the shell.

import type { TerminalView } from "../terminal";

/** `path` quoted for a POSIX shell when it needs it. */
export function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

const hasFiles = (event: DragEvent) => [...(event.dataTransfer?.types ?? [])].includes("Files");

/** Makes `view` take dropped files. */
export function dropUploads(view: TerminalView): void {
  const el = view.element;
  const note = document.createElement("div");
  note.className = "terminal-drop";
  note.setAttribute("role", "status");
  note.hidden = true;
  el.append(note);
  let depth = 0;
  let hideTimer: number | undefined;
  const say = (text: string, linger = 0) => {
    window.clearTimeout(hideTimer);
    note.textContent = text;
    note.hidden = false;
    if (linger) hideTimer = window.setTimeout(() => (note.hidden = true), linger);
  };
  el.addEventListener("dragenter", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth++;
    el.dataset.dropping = "true";
    say("Drop to upload — the paths are typed at the prompt");
  });
  el.addEventListener("dragover", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
  });
  el.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) {
      delete el.dataset.dropping;
      note.hidden = true;
    }
  });
  el.addEventListener("drop", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth = 0;
    delete el.dataset.dropping;
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length) upload(view, files, say);
  });
}

function upload(view: TerminalView, files: File[], say: (text: string, linger?: number) => void): void {
  const form = new FormData();
  for (const file of files) form.append("files", file, file.name);
  const what = files.length === 1 ? files[0].name : `${files.length} files`;
  const request = new XMLHttpRequest();
  request.open("POST", "/upload/files");
  request.setRequestHeader("accept", "application/json");
  request.withCredentials = true;
  request.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) say(`Uploading ${what}… ${Math.floor((event.loaded / event.total) * 100)}%`);
  });
  request.addEventListener("load", () => {
    if (request.status !== 200) {
      say(`Upload failed (${request.status}): ${request.responseText.slice(0, 160)}`, 8000);
      return;
    }
    let paths: string[] = [];
    try {
      paths = (JSON.parse(request.responseText) as { files?: string[] }).files ?? [];
    } catch {
      /* an old server answering "OK": nothing to type */
    }
    say(`Uploaded ${what}`, 3000);
    if (paths.length) view.term?.input(`${paths.map(shellQuote).join(" ")} `, true);
  });
  request.addEventListener("error", () => say("Upload failed: the server did not answer", 8000));
  say(`Uploading ${what}…`);
  request.send(form);
}
