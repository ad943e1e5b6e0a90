// lectern's VS Code extension, run by code-server: it connects OUT to lectern's /editor-channel (address and
// secret in its environment: LECTERN_EDITOR_URL, LECTERN_EDITOR_SECRET) and carries out the UI side of the
// editor:* actions — show a file with a selection (reloaded from disk when lectern changed it), save a file
// and report its selection before lectern edits it, close a file, run a command, VS Code terminals.
// Nothing listens: the original's helper served an unauthenticated port (W12). Messages: protocol.generated.ts.

import * as vscode from "vscode";
import WebSocket from "ws";
import type { FromExtension, Range, ToExtension, UiOp } from "./protocol.generated";

/** How long a command may run before it counts as started (commands that wait for input never end). */
const COMMAND_SETTLE_MS = 3000;
/** Longest pause between reconnection attempts. */
const MAX_RETRY_MS = 10000;

let output: vscode.OutputChannel | undefined;

function log(message: string): void {
  output?.appendLine(`${new Date().toISOString()} ${message}`);
}

function position(p: { line: number; character: number }): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

function rangeOf(selection: vscode.Selection): Range {
  return {
    start: { line: selection.start.line, character: selection.start.character },
    end: { line: selection.end.line, character: selection.end.character },
  };
}

function openDocument(file: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((doc) => doc.uri.scheme === "file" && doc.uri.fsPath === file);
}

async function reveal(file: string, selection: Range | undefined, changed: boolean): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  if (changed && !doc.isDirty) {
    const disk = Buffer.from(await vscode.workspace.fs.readFile(doc.uri)).toString("utf8");
    // The file watcher may not have caught up yet: load what lectern wrote before selecting.
    if (doc.getText() !== disk) await vscode.commands.executeCommand("workbench.action.files.revert");
  }
  if (selection) {
    const range = new vscode.Selection(position(selection.start), position(selection.end));
    editor.selection = range;
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
  }
}

async function prepare(file: string): Promise<Range | undefined> {
  const doc = openDocument(file);
  if (!doc) return undefined;
  if (doc.isDirty) await doc.save();
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
  return editor ? rangeOf(editor.selection) : undefined;
}

async function close(file: string): Promise<void> {
  for (const group of vscode.window.tabGroups.all)
    for (const tab of group.tabs)
      if (tab.input instanceof vscode.TabInputText && tab.input.uri.fsPath === file) await vscode.window.tabGroups.close(tab);
}

async function command(id: string, args: unknown[]): Promise<void> {
  const run = Promise.resolve(vscode.commands.executeCommand(id, ...args));
  const settled = await Promise.race([
    run.then(() => "done" as const),
    new Promise<"running">((resolve) => setTimeout(() => resolve("running"), COMMAND_SETTLE_MS)),
  ]);
  if (settled === "running") run.catch((error) => log(`command ${id} failed later: ${String(error)}`));
}

const terminals = new Map<string, vscode.Terminal>();

function findTerminal(name: string): vscode.Terminal | undefined {
  const known = terminals.get(name) ?? vscode.window.terminals.find((t) => t.name === name);
  if (known) terminals.set(name, known);
  return known;
}

function terminal(op: Extract<UiOp, { op: "terminal" }>): void {
  const name = op.session;
  switch (op.action) {
    case "open":
    case "send": {
      let t = findTerminal(name);
      if (!t) {
        t = vscode.window.createTerminal({ name });
        terminals.set(name, t);
      }
      t.show();
      if (op.action === "send") t.sendText(op.text ?? "", op.endl);
      return;
    }
    case "close":
      findTerminal(name)?.dispose();
      terminals.delete(name);
      return;
    case "interrupt": {
      const t = findTerminal(name);
      t?.show();
      t?.sendText("\x03", false);
      return;
    }
    case "clear": {
      const t = findTerminal(name);
      if (!t) return;
      t.show();
      void vscode.commands.executeCommand("workbench.action.terminal.clear");
      return;
    }
  }
}

/** Carries out one message; the reply says whether it worked. */
export async function handle(message: ToExtension): Promise<FromExtension> {
  try {
    switch (message.op) {
      case "reveal":
        await reveal(message.file, message.selection, message.changed);
        return { id: message.id, ok: true };
      case "prepare":
        return { id: message.id, ok: true, selection: await prepare(message.file) };
      case "close":
        await close(message.file);
        return { id: message.id, ok: true };
      case "command":
        await command(message.command, message.args);
        return { id: message.id, ok: true };
      case "terminal":
        terminal(message);
        return { id: message.id, ok: true };
    }
  } catch (error) {
    log(`${message.op} failed: ${String(error)}`);
    return { id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export function activate(context: vscode.ExtensionContext): void {
  output = vscode.window.createOutputChannel("lectern");
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.window.onDidCloseTerminal((closed) => {
      for (const [name, t] of terminals) if (t === closed) terminals.delete(name);
    }),
  );
  const url = process.env.LECTERN_EDITOR_URL;
  const secret = process.env.LECTERN_EDITOR_SECRET;
  if (!url || !secret) {
    log("LECTERN_EDITOR_URL or LECTERN_EDITOR_SECRET is not set: editor actions cannot reach this editor");
    return;
  }
  let stopped = false;
  let retry = 250;
  let socket: WebSocket | undefined;
  const connect = () => {
    socket = new WebSocket(url, { headers: { authorization: `Bearer ${secret}` } });
    socket.on("open", () => {
      retry = 250;
      log(`connected to ${url}`);
    });
    socket.on("message", (data) => {
      let message: ToExtension;
      try {
        message = JSON.parse(String(data)) as ToExtension;
      } catch {
        return;
      }
      void handle(message).then((reply) => socket?.send(JSON.stringify(reply)));
    });
    socket.on("error", (error) => log(`channel error: ${error.message}`));
    socket.on("close", () => {
      if (stopped) return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, MAX_RETRY_MS);
    });
  };
  connect();
  context.subscriptions.push({
    dispose: () => {
      stopped = true;
      socket?.close();
    },
  });
}

export function deactivate(): void {}
