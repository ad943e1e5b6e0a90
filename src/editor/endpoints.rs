//! The table from `editor:*` action type to the endpoint the dashboard posts to (the original's names,
//! actions.md §4.5), and what each operation needs; generated into the dashboard's TypeScript.

use serde::Serialize;

/// What an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename_all = "kebab-case"))]
pub enum OpKind {
    /// Changes files on disk (works without an editor; the editor shows the change when it is open).
    File,
    /// Computes a selection on the file on disk (remembered for the selection operations; shown by the editor).
    Select,
    /// Acts on the running editor only (needs it).
    Ui,
}

/// One row of [`OPS`].
#[derive(Debug, Clone, Copy)]
pub struct OpSpec {
    /// Action type, e.g. `editor:append-lines-to-file`.
    pub action: &'static str,
    /// Endpoint below `/code-server/editor/` (the original's names), e.g. `append-to-file`.
    pub endpoint: &'static str,
    /// What it needs.
    pub kind: OpKind,
    /// Run in the background by the dashboard without showing the Editor tab (the original's close/delete).
    pub quiet: bool,
}

const fn op(action: &'static str, endpoint: &'static str, kind: OpKind) -> OpSpec {
    OpSpec {
        action,
        endpoint,
        kind,
        quiet: false,
    }
}

use OpKind::{File, Select, Ui};

/// Every `editor:*` action type and its endpoint (actions.md §4.5), in catalogue order.
/// `editor:execute-command` posts to `/code-server/command/<id>` with the `args` list as its body.
#[rustfmt::skip]
pub const OPS: &[OpSpec] = &[
    op("editor:open-file", "open-file", Ui),
    op("editor:create-file", "create-file", File),
    op("editor:create-directory", "create-directory", File),
    op("editor:select-matching-text", "select-matching-text", Select),
    op("editor:replace-text-selection", "replace-text-selection", File),
    op("editor:delete-text-selection", "delete-text-selection", File),
    op("editor:insert-lines-before-selection", "insert-before-selection", File),
    op("editor:append-lines-after-selection", "append-after-selection", File),
    op("editor:replace-matching-text", "replace-matching-text", File),
    op("editor:append-lines-to-file", "append-to-file", File),
    op("editor:prepend-lines-to-file", "prepend-to-file", File),
    op("editor:insert-lines-before-line", "insert-before-line", File),
    op("editor:append-lines-after-line", "append-after-line", File),
    op("editor:insert-lines-after-line", "insert-after-line", File),
    op("editor:append-lines-after-match", "insert-after-match", File),
    op("editor:insert-lines-before-match", "insert-before-match", File),
    op("editor:select-lines-in-range", "select-lines-in-range", Select),
    op("editor:delete-lines-in-range", "delete-lines", File),
    op("editor:delete-matching-lines", "delete-matching-lines", File),
    op("editor:replace-lines-in-range", "replace-lines", File),
    op("editor:copy-file", "copy-file", File),
    op("editor:rename-file", "rename-file", File),
    OpSpec { quiet: true, ..op("editor:close-file", "close-file", Ui) },
    OpSpec { quiet: true, ..op("editor:delete-file", "delete-file", File) },
    op("editor:insert-value-into-yaml", "paste", File),
    op("editor:set-yaml-value", "set-yaml-value", File),
    op("editor:add-yaml-item", "add-yaml-item", File),
    op("editor:insert-yaml-item", "insert-yaml-item", File),
    op("editor:replace-yaml-item", "replace-yaml-item", File),
    op("editor:delete-yaml-value", "delete-yaml-value", File),
    op("editor:merge-yaml-values", "merge-yaml-values", File),
    op("editor:select-yaml-path", "select-yaml-path", Select),
    op("editor:execute-command", "command", Ui),
    op("editor:open-terminal", "terminal-open", Ui),
    op("editor:close-terminal", "terminal-close", Ui),
    op("editor:send-to-terminal", "terminal-send", Ui),
    op("editor:interrupt-terminal", "terminal-interrupt", Ui),
    op("editor:clear-terminal", "terminal-clear", Ui),
];

/// The row for an endpoint name.
pub fn op_for_endpoint(endpoint: &str) -> Option<&'static OpSpec> {
    OPS.iter().find(|spec| spec.endpoint == endpoint)
}
