//! The editor, transport-free: carries out every `editor:*` operation (actions.md §4.5, dashboard.md §8.1).
//! File changes are made here, on disk, atomically and inside the workspace (`editor/workspace.rs`), so
//! they work without an editor; what the learner should see (the file, its selection) goes to the running
//! code-server through lectern's VS Code extension (`editor/bridge.rs`). Selections are remembered per file
//! (with the text they belong to) for the selection operations; when the editor is connected, its own
//! selection wins.
//!
//! Code map: `request.rs` wire types and the action→endpoint table (shared with TypeScript), `text.rs` the
//! VS Code view of a text, `search.rs` matching, `lines.rs` the text edits, `yaml.rs`/`yaml_path.rs` the
//! YAML edits, `workspace.rs` paths and atomic writes, `bridge.rs` the extension channel, `supervisor.rs`
//! code-server as a child process.

mod bridge;
mod endpoints;
mod error;
#[cfg(test)]
mod generated;
mod lenient;
pub mod lines;
mod ops;
mod reply;
pub mod request;
pub mod search;
pub mod supervisor;
pub mod text;
pub mod workspace;
pub mod yaml;
pub mod yaml_path;

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use bridge::{Bridge, BridgeError, Connection, FromExtension, TerminalAction, ToExtension, UiOp};
pub use error::EditorError;
pub use request::{Reply, Request};
pub use supervisor::{EditorStatus, Supervisor};
pub use workspace::Workspace;

use search::Pattern;
use text::Span;

/// How long UI operations wait for the editor to connect (it starts when the learner opens its tab).
pub const DEFAULT_CONNECT_WAIT: Duration = Duration::from_secs(45);
/// How long the editor has to answer a UI operation.
pub const DEFAULT_ANSWER_WAIT: Duration = Duration::from_secs(30);
/// How long a connected editor has to save a file and report its selection before lectern edits it.
const PREPARE_WAIT: Duration = Duration::from_secs(5);

/// Settings of the editor operations.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where files may be changed.
    pub workspace: Workspace,
    /// Wait for the editor to connect (UI operations).
    pub connect_wait: Duration,
    /// Wait for the editor's answer.
    pub answer_wait: Duration,
}

/// The editor operations' shared state (cheap to clone).
#[derive(Debug, Clone)]
pub struct Editor {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    settings: Settings,
    bridge: Bridge,
    /// Held while a file is read, changed and written (one read-modify-write at a time).
    writing: tokio::sync::Mutex<()>,
    /// The last selection lectern made in each file, with a hash of the text it belongs to.
    selections: Mutex<HashMap<PathBuf, (Span, u64)>>,
}

fn hash(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

impl Editor {
    /// An editor with nothing connected.
    pub fn new(settings: Settings) -> Self {
        Self {
            inner: Arc::new(Inner {
                settings,
                bridge: Bridge::new(),
                writing: tokio::sync::Mutex::new(()),
                selections: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The extension channel.
    pub fn bridge(&self) -> &Bridge {
        &self.inner.bridge
    }

    /// The workspace.
    pub fn workspace(&self) -> &Workspace {
        &self.inner.settings.workspace
    }

    /// Carries out `request`. `ui` says whether the editor is enabled in this session (UI operations
    /// refuse without it; file operations then only change the disk).
    pub async fn run(&self, request: Request, ui: bool) -> Result<Reply, EditorError> {
        use Request as R;
        let workspace = self.workspace().clone();
        match request {
            R::CreateFile(r) => {
                let target = workspace.for_writing(&r.file)?;
                let text = r.text.unwrap_or_default();
                let content = if text.is_empty() {
                    text
                } else {
                    text::newline_terminated(&text)
                };
                self.write_whole(&target, content, ui).await
            }
            R::CreateDirectory(r) => {
                let target = workspace.create_dir(&r.directory)?;
                Ok(Reply {
                    file: Some(target.shown),
                    ..Reply::default()
                })
            }
            R::AppendToFile(r) => {
                let target = workspace.for_writing(&r.file)?;
                let text = r.text.unwrap_or_default();
                self.edit(&target, ui, true, |doc, _| Ok(lines::append(doc, &text)))
                    .await
            }
            R::PrependToFile(r) => {
                let target = workspace.for_writing(&r.file)?;
                let text = text::newline_terminated(&r.text.unwrap_or_default());
                self.edit(&target, ui, true, |doc, _| {
                    Ok(lines::insert_at_line(doc, 0, &text))
                })
                .await
            }
            R::InsertBeforeLine(r) => {
                let target = workspace.for_writing(&r.file)?;
                let text = r.text.unwrap_or_default();
                self.edit(&target, ui, true, |doc, _| {
                    lines::insert_before_line(doc, r.line.0, &text)
                })
                .await
            }
            R::AppendAfterLine(r) => {
                let target = workspace.for_writing(&r.file)?;
                let text = r.text.unwrap_or_default();
                self.edit(&target, ui, true, |doc, _| {
                    lines::append_after_line(doc, r.line.0, &text)
                })
                .await
            }
            R::InsertAfterMatch(r) | R::InsertBeforeMatch(r) if r.pattern.trim().is_empty() => {
                let _ = r;
                Err(EditorError::BadRequest("the `match` field is empty".into()))
            }
            R::InsertAfterMatch(r) => {
                let target = workspace.existing(&r.file)?;
                let (text, shown) = (r.text.unwrap_or_default(), target.shown.clone());
                self.edit(&target, ui, false, |doc, _| {
                    lines::insert_at_match(doc, &r.pattern, &text, true, &shown)
                })
                .await
            }
            R::InsertBeforeMatch(r) => {
                let target = workspace.existing(&r.file)?;
                let (text, shown) = (r.text.unwrap_or_default(), target.shown.clone());
                self.edit(&target, ui, false, |doc, _| {
                    lines::insert_at_match(doc, &r.pattern, &text, false, &shown)
                })
                .await
            }
            R::SelectMatchingText(r) => {
                let target = workspace.existing(&r.file)?;
                self.select(&target, ui, |doc| ops::select_matching(doc, &r, &target.shown))
                    .await
            }
            R::ReplaceTextSelection(r) => {
                let target = workspace.existing(&r.file)?;
                let text = r.text.unwrap_or_default();
                self.edit_selection(&target, ui, |doc, sel| {
                    Ok(lines::replace_selection(doc, &sel, &text))
                })
                .await
            }
            R::DeleteTextSelection(r) => {
                let target = workspace.existing(&r.file)?;
                self.edit_selection(&target, ui, |doc, sel| {
                    Ok(lines::replace_selection(doc, &sel, ""))
                })
                .await
            }
            R::InsertBeforeSelection(r) => {
                let target = workspace.existing(&r.file)?;
                let text = r.text.unwrap_or_default();
                self.edit_selection(&target, ui, |doc, sel| {
                    Ok(lines::insert_before_selection(doc, &sel, &text))
                })
                .await
            }
            R::AppendAfterSelection(r) => {
                let target = workspace.existing(&r.file)?;
                let text = r.text.unwrap_or_default();
                self.edit_selection(&target, ui, |doc, sel| {
                    Ok(lines::append_after_selection(doc, &sel, &text))
                })
                .await
            }
            R::ReplaceMatchingText(r) => {
                let target = workspace.existing(&r.file)?;
                let shown = target.shown.clone();
                self.edit(&target, ui, false, |doc, _| {
                    ops::replace_matching(doc, &r, &shown)
                })
                .await
            }
            R::SelectLines(r) => {
                let target = workspace.existing(&r.file)?;
                self.select(&target, ui, |doc| {
                    let (first, last) = lines::clamp_lines(doc, r.start.0, r.stop.map(|s| s.0));
                    Ok(doc.lines_span(first, last))
                })
                .await
            }
            R::DeleteLines(r) => {
                let target = workspace.existing(&r.file)?;
                self.edit(&target, ui, false, |doc, _| {
                    let (first, last) = lines::clamp_lines(doc, r.start.0, r.stop.map(|s| s.0));
                    Ok(lines::delete_lines(doc, first, last))
                })
                .await
            }
            R::DeleteMatchingLines(r) => {
                let target = workspace.existing(&r.file)?;
                if r.pattern.trim().is_empty() {
                    return Err(EditorError::BadRequest("the `match` field is empty".into()));
                }
                let pattern = Pattern::new(&r.pattern, r.is_regex.is_some_and(|f| f.0))?;
                let shown = target.shown.clone();
                self.edit(&target, ui, false, |doc, _| {
                    lines::delete_matching_lines(
                        doc,
                        &pattern,
                        r.before.map(|n| n.0),
                        r.after.map(|n| n.0),
                        &shown,
                    )
                })
                .await
            }
            R::ReplaceLines(r) => {
                let target = workspace.existing(&r.file)?;
                let text = r.text.unwrap_or_default();
                self.edit(&target, ui, false, |doc, _| {
                    let (first, last) = lines::clamp_lines(doc, r.start.0, r.stop.map(|s| s.0));
                    Ok(lines::replace_lines(doc, first, last, &text))
                })
                .await
            }
            R::CopyFile(r) => self.copy_or_rename(&r, false, ui).await,
            R::RenameFile(r) => self.copy_or_rename(&r, true, ui).await,
            R::DeleteFile(r) => self.delete_file(&r.file, ui).await,
            R::Paste(r) => {
                let target = workspace.for_writing(&r.file)?;
                let shown = target.shown.clone();
                let exists = workspace::read_text_if_exists(&target)?.is_some();
                if !exists {
                    let content = text::newline_terminated(&yaml::dump(&r.paste)?);
                    return self.write_whole(&target, content, ui).await;
                }
                self.edit(&target, ui, false, |doc, _| {
                    yaml::paste(doc.text(), &r.yaml_path, &r.paste, &shown)
                })
                .await
            }
            R::SetYamlValue(r) => {
                let target = workspace.existing(&r.file)?;
                self.edit_yaml(&target, ui, |text, shown| {
                    yaml::set_value(text, &r.path, &r.value, shown)
                })
                .await
            }
            R::AddYamlItem(r) => {
                let target = workspace.existing(&r.file)?;
                self.edit_yaml(&target, ui, |text, shown| {
                    yaml::add_item(text, &r.path, None, &r.value, shown)
                })
                .await
            }
            R::InsertYamlItem(r) => {
                let target = workspace.existing(&r.file)?;
                let index = Some(r.index.map_or(0, |i| i.0));
                self.edit_yaml(&target, ui, |text, shown| {
                    yaml::add_item(text, &r.path, index, &r.value, shown)
                })
                .await
            }
            R::ReplaceYamlItem(r) => {
                let target = workspace.existing(&r.file)?;
                self.edit_yaml(&target, ui, |text, shown| {
                    yaml::replace_item(text, &r.path, &r.value, shown)
                })
                .await
            }
            R::DeleteYamlValue(r) => {
                let target = workspace.existing(&r.file)?;
                let path = r.path.unwrap_or_default();
                self.edit_yaml(&target, ui, |text, shown| yaml::delete_value(text, &path, shown))
                    .await
            }
            R::MergeYamlValues(r) => {
                let target = workspace.existing(&r.file)?;
                self.edit_yaml(&target, ui, |text, shown| {
                    yaml::merge_values(text, &r.path, &r.value, shown)
                })
                .await
            }
            R::SelectYamlPath(r) => {
                let target = workspace.existing(&r.file)?;
                let path = r.path.unwrap_or_default();
                self.select(&target, ui, |doc| {
                    yaml::select_path(doc.text(), &path, &target.shown)
                })
                .await
            }
            R::OpenFile(r) => self.open_file(&r, ui).await,
            R::CloseFile(r) => self.close_file(&r.file, ui).await,
            R::Command { command, args } => self.ui_call(UiOp::Command { command, args }, ui).await,
            R::TerminalOpen(r) => self.terminal(TerminalAction::Open, r, ui).await,
            R::TerminalClose(r) => self.terminal(TerminalAction::Close, r, ui).await,
            R::TerminalSend(r) => self.terminal(TerminalAction::Send, r, ui).await,
            R::TerminalInterrupt(r) => self.terminal(TerminalAction::Interrupt, r, ui).await,
            R::TerminalClear(r) => self.terminal(TerminalAction::Clear, r, ui).await,
        }
    }
}
