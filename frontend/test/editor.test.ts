// editor:* actions in the dashboard: the request each action posts (paths and endpoint names generated from
// the Rust table), the learner-facing failure text from the server's Failure answer, and the notes shown
// on editor blocks when the editor is not enabled.
import { describe, expect, it } from "vitest";
import { dispatch } from "../src/actions/dispatch";
import { editorRequest, markEditorBlocks, unavailableNote } from "../src/actions/editor";
import { EDITOR_OPS } from "../src/actions/editor.generated";
import { CATALOGUE } from "../src/actions/catalogue.generated";
import { fakeHost } from "./fake";

describe("editor requests", () => {
  it("every editor action of the catalogue has an endpoint", () => {
    const editorActions = Object.keys(CATALOGUE).filter((type) => type.startsWith("editor:"));
    expect(Object.keys(EDITOR_OPS)).toEqual(editorActions);
  });

  it("maps actions to the original's paths, dropping the block's own fields", () => {
    expect(editorRequest("editor:open-file", { file: "~/a.txt", title: "t", cascade: true })).toEqual({
      path: "/code-server/editor/open-file",
      body: { file: "~/a.txt" },
    });
    expect(editorRequest("editor:append-lines-to-file", { file: "a", text: "x" }).path).toBe("/code-server/editor/append-to-file");
    expect(editorRequest("editor:delete-lines-in-range", { file: "a", start: 1 }).path).toBe("/code-server/editor/delete-lines");
    expect(editorRequest("editor:execute-command", { command: "a.b", args: [1] })).toEqual({ path: "/code-server/command/a.b", body: [1] });
    expect(editorRequest("editor:insert-value-into-yaml", { file: "f", path: "a.b", value: [1] })).toEqual({
      path: "/code-server/editor/paste",
      body: { file: "f", yamlPath: "a.b", paste: [1] },
    });
    expect(() => editorRequest("editor:execute-command", {})).toThrow("No command provided");
  });

  it("shows the server's message, retries 504, shows the Editor tab except for close and delete", async () => {
    const f = fakeHost({
      responses: {
        "/code-server/editor/close-file": [{ status: 504, body: "" }, { status: 200, body: { shown: true } }],
        "/code-server/editor/select-matching-text": [{ status: 422, body: { error: "no match for \"x\" in ~/a.txt", kind: "no-match" } }],
      },
    });
    await dispatch("editor:close-file", { file: "a" }, f.host);
    expect(f.calls).toHaveLength(2);
    expect(f.log).not.toContain("open editor");
    await expect(dispatch("editor:select-matching-text", { file: "a", text: "x" }, f.host)).rejects.toThrow(
      'No match for "x" in ~/a.txt',
    );
    expect(f.log).toContain("open editor");
  });
});

describe("editor disabled", () => {
  it("notes say so before anyone clicks", () => {
    expect(unavailableNote("editor:open-file", true)).toBeNull();
    expect(unavailableNote("editor:open-file", false)).toContain("cannot run");
    expect(unavailableNote("editor:append-lines-to-file", false)).toContain("on disk only");
    expect(unavailableNote("terminal:execute", false)).toBeNull();
    const el = document.createElement("div");
    markEditorBlocks([{ el, type: "editor:send-to-terminal" }], false);
    expect(el.getAttribute("data-editor-unavailable")).toBe("ui");
    expect(el.querySelector(".lectern-action-note")?.textContent).toContain("not enabled");
  });
});
