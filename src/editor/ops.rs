//! How [`Editor`] carries out the operations: one read-modify-write at a time under the writing lock, the
//! editor asked first to save the file (and for its selection), the selection remembered, the result
//! revealed in the editor; and the UI-only operations through the bridge.

use std::time::Duration;

use super::request::{
    CopyFile, MatchScope, OpenFile, Range, ReplaceMatchingText, Reply, SelectMatchingText, Terminal,
};
use super::search::{self, Pattern};
use super::text::{self, Doc, Span};
use super::workspace::{self, Target};
use super::{BridgeError, Editor, EditorError, PREPARE_WAIT, TerminalAction, UiOp, hash, lines::Edit};

impl Editor {
    /// A connected editor saves `target` if it has unsaved changes and reports its selection there.
    async fn prepare(&self, target: &Target, ui: bool) -> Option<Range> {
        if !ui || !self.bridge().is_connected() {
            return None;
        }
        let op = UiOp::Prepare {
            file: target.real.display().to_string(),
        };
        match self.bridge().call(op, Duration::ZERO, PREPARE_WAIT).await {
            Ok(reply) if reply.ok => reply.selection,
            _ => None,
        }
    }

    fn remember(&self, target: &Target, span: &Span, text: &str) {
        let mut selections = self.inner.selections.lock().unwrap_or_else(|p| p.into_inner());
        selections.insert(target.real.clone(), (span.clone(), hash(text)));
    }

    /// The remembered selection in `target`, if it belongs to `text` (the file as it is now).
    fn remembered(&self, target: &Target, text: &str) -> Option<Span> {
        let selections = self.inner.selections.lock().unwrap_or_else(|p| p.into_inner());
        let (span, of) = selections.get(&target.real)?;
        (*of == hash(text) && span.end <= text.len()).then(|| span.clone())
    }

    /// Shows the result in the editor (now, or when it next connects) and builds the reply.
    fn reveal(&self, target: &Target, text: &str, span: &Span, changed: bool, ui: bool) -> Reply {
        let range = Doc::new(text.to_string()).range(span);
        let shown = ui
            && self.bridge().show(
                UiOp::Reveal {
                    file: target.real.display().to_string(),
                    selection: Some(range),
                    changed,
                },
                true,
            );
        Reply {
            file: Some(target.shown.clone()),
            selection: Some(range),
            shown,
        }
    }

    /// Reads `target` (an empty text when `create` and it is missing), applies `change` with the
    /// editor's selection, writes the result atomically and reveals it.
    pub(super) async fn edit(
        &self,
        target: &Target,
        ui: bool,
        create: bool,
        change: impl FnOnce(&Doc, Option<Span>) -> Result<Edit, EditorError>,
    ) -> Result<Reply, EditorError> {
        let editor_selection = self.prepare(target, ui).await;
        let _writing = self.inner.writing.lock().await;
        let old = if create {
            workspace::read_text_if_exists(target)?
        } else {
            Some(workspace::read_text(target)?)
        };
        let exists = old.is_some();
        let old = old.unwrap_or_default();
        let doc = Doc::new(old.clone());
        let selection = editor_selection
            .map(|range| doc.span(range))
            .or_else(|| self.remembered(target, &old));
        let edit = change(&doc, selection)?;
        if edit.text != old || !exists {
            workspace::write_atomic(target, edit.text.as_bytes(), None)?;
        }
        self.remember(target, &edit.selection, &edit.text);
        Ok(self.reveal(target, &edit.text, &edit.selection, true, ui))
    }

    /// [`Editor::edit`] for the operations that need a selection.
    pub(super) async fn edit_selection(
        &self,
        target: &Target,
        ui: bool,
        change: impl FnOnce(&Doc, Span) -> Result<Edit, EditorError>,
    ) -> Result<Reply, EditorError> {
        let shown = target.shown.clone();
        self.edit(target, ui, false, move |doc, selection| {
            let selection = selection.ok_or_else(|| {
                EditorError::NoMatch(format!(
                    "nothing is selected in {shown}: select the text first (the step that selects it, or by hand \
                     in the editor)"
                ))
            })?;
            change(doc, selection)
        })
        .await
    }

    /// A YAML edit: `change` maps the old text to the new; the changed lines are selected.
    pub(super) async fn edit_yaml(
        &self,
        target: &Target,
        ui: bool,
        change: impl FnOnce(&str, &str) -> Result<String, EditorError>,
    ) -> Result<Reply, EditorError> {
        let shown = target.shown.clone();
        self.edit(target, ui, false, move |doc, _| {
            let new = change(doc.text(), &shown)?;
            let selection = text::changed_span(doc.text(), &new);
            Ok(Edit { text: new, selection })
        })
        .await
    }

    /// Computes a selection on the file as it is on disk, remembers it and shows it.
    pub(super) async fn select(
        &self,
        target: &Target,
        ui: bool,
        find: impl FnOnce(&Doc) -> Result<Span, EditorError>,
    ) -> Result<Reply, EditorError> {
        let _ = self.prepare(target, ui).await;
        let text = workspace::read_text(target)?;
        let span = find(&Doc::new(text.clone()))?;
        self.remember(target, &span, &text);
        Ok(self.reveal(target, &text, &span, false, ui))
    }

    /// Writes a whole new content (`create-file`, a `paste` into a missing file).
    pub(super) async fn write_whole(
        &self,
        target: &Target,
        content: String,
        ui: bool,
    ) -> Result<Reply, EditorError> {
        self.edit(target, ui, true, move |_, _| {
            Ok(Edit {
                text: content,
                selection: 0..0,
            })
        })
        .await
    }

    /// `copy-file` / `rename-file`: overwrites `dest`; shows it unless `open: false`.
    pub(super) async fn copy_or_rename(
        &self,
        request: &CopyFile,
        rename: bool,
        ui: bool,
    ) -> Result<Reply, EditorError> {
        let src = self.workspace().existing(&request.src)?;
        if src.real.is_dir() {
            return Err(EditorError::WrongType(format!(
                "{} is a folder; only files can be copied or renamed",
                src.shown
            )));
        }
        let dest = self.workspace().for_writing(&request.dest)?;
        let _ = self.prepare(&src, ui).await;
        let _writing = self.inner.writing.lock().await;
        let io = |error| EditorError::io(&src.shown, error);
        if rename {
            if let Err(error) = std::fs::rename(&src.real, &dest.real) {
                // Another file system (a mounted folder): copy, then remove.
                if error.raw_os_error() != Some(nix::libc::EXDEV) {
                    return Err(io(error));
                }
                let bytes = std::fs::read(&src.real).map_err(io)?;
                workspace::write_atomic(&dest, &bytes, Some(&src))?;
                std::fs::remove_file(&src.real).map_err(io)?;
            }
            self.bridge().show(
                UiOp::Close {
                    file: src.real.display().to_string(),
                },
                false,
            );
        } else {
            let bytes = std::fs::read(&src.real).map_err(io)?;
            workspace::write_atomic(&dest, &bytes, Some(&src))?;
        }
        drop(_writing);
        let open = request.open.is_none_or(|flag| flag.0);
        let shown = open
            && ui
            && self.bridge().show(
                UiOp::Reveal {
                    file: dest.real.display().to_string(),
                    selection: None,
                    changed: true,
                },
                true,
            );
        Ok(Reply {
            file: Some(dest.shown),
            selection: None,
            shown,
        })
    }

    /// `delete-file`: closes its tab (when an editor is connected) and removes it.
    pub(super) async fn delete_file(&self, file: &str, ui: bool) -> Result<Reply, EditorError> {
        let target = self.workspace().existing(file)?;
        if target.real.is_dir() {
            return Err(EditorError::WrongType(format!(
                "{} is a folder, not a file",
                target.shown
            )));
        }
        let _writing = self.inner.writing.lock().await;
        std::fs::remove_file(&target.real).map_err(|error| EditorError::io(&target.shown, error))?;
        let shown = ui
            && self.bridge().show(
                UiOp::Close {
                    file: target.real.display().to_string(),
                },
                false,
            );
        Ok(Reply {
            file: Some(target.shown),
            selection: None,
            shown,
        })
    }

    /// `open-file`: the file must exist; the editor shows it with the cursor at `line`.
    pub(super) async fn open_file(&self, request: &OpenFile, ui: bool) -> Result<Reply, EditorError> {
        let target = self.workspace().existing(&request.file)?;
        let text = workspace::read_text(&target)?;
        let doc = Doc::new(text.clone());
        let line = request.line.map_or(1, |l| l.0).max(1) as usize - 1;
        let at = doc.line_start(line.min(doc.line_count() - 1));
        self.remember(&target, &(at..at), &text);
        let range = doc.range(&(at..at));
        let op = UiOp::Reveal {
            file: target.real.display().to_string(),
            selection: Some(range),
            changed: false,
        };
        self.ui_call(op, ui).await?;
        Ok(Reply {
            file: Some(target.shown),
            selection: Some(range),
            shown: true,
        })
    }

    /// `close-file`: with no editor connected nothing is open, which is success.
    pub(super) async fn close_file(&self, file: &str, ui: bool) -> Result<Reply, EditorError> {
        let absolute = self.workspace().absolute(file);
        if !ui {
            return Err(not_enabled());
        }
        if !self.bridge().is_connected() {
            return Ok(Reply::default());
        }
        let op = UiOp::Close {
            file: absolute.display().to_string(),
        };
        self.ui_call(op, ui).await
    }

    /// A VS Code terminal operation.
    pub(super) async fn terminal(
        &self,
        action: TerminalAction,
        request: Terminal,
        ui: bool,
    ) -> Result<Reply, EditorError> {
        let op = UiOp::Terminal {
            action,
            session: request
                .session
                .map_or_else(|| "educates".to_string(), |name| name.0),
            text: request.text,
            endl: request.endl.is_none_or(|flag| flag.0),
        };
        self.ui_call(op, ui).await
    }

    /// Sends a UI operation to the editor (waiting for it to connect) and maps its answer.
    pub(super) async fn ui_call(&self, op: UiOp, ui: bool) -> Result<Reply, EditorError> {
        if !ui {
            return Err(not_enabled());
        }
        let settings = &self.inner.settings;
        match self
            .bridge()
            .call(op, settings.connect_wait, settings.answer_wait)
            .await
        {
            Ok(reply) if reply.ok => Ok(Reply {
                shown: true,
                ..Reply::default()
            }),
            Ok(reply) => Err(EditorError::EditorFailed(
                reply.error.unwrap_or_else(|| "no reason given".into()),
            )),
            Err(BridgeError::NotConnected) => Err(EditorError::EditorUnavailable(
                "the editor is not running: open the Editor tab, wait until it has loaded, then click again"
                    .into(),
            )),
            Err(BridgeError::NoAnswer) => Err(EditorError::EditorFailed(
                "the editor did not answer in time".into(),
            )),
        }
    }
}

fn not_enabled() -> EditorError {
    EditorError::EditorUnavailable("the editor is not enabled in this workshop session".into())
}

/// `select-matching-text` on `doc`.
/// What both matching operations search: the text (or pattern) in `field`, within `start`/`stop`.
struct Search<'a> {
    field: &'static str,
    text: &'a str,
    scope: MatchScope,
}

/// The matches of `search` in `doc` (at most `limit`); none is a [`EditorError::NoMatch`] naming the file.
fn matches(
    doc: &Doc,
    search: &Search<'_>,
    limit: Option<usize>,
    shown: &str,
) -> Result<Vec<Span>, EditorError> {
    if search.text.is_empty() {
        return Err(EditorError::BadRequest(format!(
            "the `{}` field is empty",
            search.field
        )));
    }
    let pattern = Pattern::new(search.text, search.scope.is_regex.is_some_and(|f| f.0))?;
    let range = search::search_lines(
        doc.line_count(),
        search.scope.start.map(|n| n.0),
        search.scope.stop.map(|n| n.0),
    );
    let group = match search.scope.group.map_or(0, |g| g.0) {
        g if g < 0 => {
            return Err(EditorError::BadRequest(format!(
                "`group` must be 0 or more, not {g}"
            )));
        }
        g => g as usize,
    };
    let found = search::find_matches(doc, &pattern, search.text.contains('\n'), range, group, limit)?;
    if found.is_empty() {
        let within = if search.scope.start.is_some() || search.scope.stop.is_some() {
            " (in the lines searched)"
        } else {
            ""
        };
        return Err(EditorError::NoMatch(format!(
            "no match for {} in {shown}{within}",
            super::lines::shown(&pattern)
        )));
    }
    Ok(found)
}

/// `select-matching-text` on `doc`.
pub(super) fn select_matching(
    doc: &Doc,
    request: &SelectMatchingText,
    shown: &str,
) -> Result<Span, EditorError> {
    let search = Search {
        field: "text",
        text: &request.text,
        scope: request.scope,
    };
    let found = matches(doc, &search, Some(1), shown)?.swap_remove(0);
    if request.before.is_none() && request.after.is_none() {
        return Ok(found);
    }
    let (first, last) = (doc.line_of(found.start), doc.line_of(found.end));
    let before = match request.before.map_or(0, |n| n.0) {
        n if n < 0 => first,
        n => (n as usize).min(first),
    };
    let after = match request.after.map_or(0, |n| n.0) {
        n if n < 0 => doc.line_count() - last - 1,
        n => n as usize,
    };
    let stop = (last + after).min(doc.line_count() - 1);
    Ok(doc.line_start(first - before)..doc.line_start(stop + 1))
}

/// `replace-matching-text` on `doc`.
pub(super) fn replace_matching(
    doc: &Doc,
    request: &ReplaceMatchingText,
    shown: &str,
) -> Result<Edit, EditorError> {
    let search = Search {
        field: "match",
        text: &request.pattern,
        scope: request.scope,
    };
    let limit = match request.count.map_or(1, |n| n.0) {
        0 => Some(1),
        n if n < 0 => None,
        n => Some(n as usize),
    };
    let spans = matches(doc, &search, limit, shown)?;
    Ok(super::lines::replace_spans(doc, &spans, &request.replacement))
}
