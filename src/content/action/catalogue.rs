//! The action catalogue, the one source of every fact about an action type: its name, body kind,
//! family and title prefix, glyph, default cooldown and cascade pause, required fields, and its own
//! functions for the default title subject and the display body (as the original engine shows them).
//! The AsciiDoc roles, the Markdown info words and the dashboard's generated
//! `frontend/src/actions/catalogue.generated.ts` all read this table.

use serde_json::Value;

/// How an action's body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// Raw text (legacy `execute`, `copy`, …): args become `{"text": body}`.
    Text,
    /// A YAML mapping (every namespaced action).
    Yaml,
}

impl BodyKind {
    /// `"text"` or `"yaml"`, as the original's `register_action` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyKind::Text => "text",
            BodyKind::Yaml => "yaml",
        }
    }
}

/// The family an action belongs to (who performs it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Legacy text actions (`execute*`, `copy*`).
    Legacy,
    /// `terminal:*`.
    Terminal,
    /// `workshop:*`.
    Workshop,
    /// `dashboard:*`.
    Dashboard,
    /// `editor:*`.
    Editor,
    /// `examiner:*`.
    Examiner,
    /// `files:*`.
    Files,
    /// `section:*`.
    Section,
}

impl Family {
    /// The default title prefix of the family's actions (legacy actions name theirs).
    const fn prefix(self) -> &'static str {
        match self {
            Family::Legacy | Family::Terminal => "Terminal",
            Family::Workshop => "Workshop",
            Family::Dashboard => "Dashboard",
            Family::Editor => "Editor",
            Family::Examiner => "Examiner",
            Family::Files => "Files",
            Family::Section => "Section",
        }
    }
}

/// Computes a text (title subject or display body) from an action's arguments.
pub type TextOf = fn(&Value) -> String;

/// Static facts about one action type.
#[derive(Debug, Clone, Copy)]
pub struct ActionSpec {
    /// Action type as written in the info string, e.g. `terminal:execute`.
    pub name: &'static str,
    /// Body kind.
    pub body: BodyKind,
    /// Family.
    pub family: Family,
    /// Default first part of the title (`Terminal`, `Workshop`, …).
    pub prefix: &'static str,
    /// Font Awesome glyph of the original (`fa-running`); the dashboard's stylesheet draws it.
    pub glyph: &'static str,
    /// Default cooldown in seconds: how long after a run ends another click is ignored (0 = never).
    pub cooldown: f64,
    /// Default pause before a cascade clicks the next block, in milliseconds.
    pub pause_ms: u32,
    /// Fields that must be present for the action to do anything.
    pub required: &'static [&'static str],
    /// Its other fields (besides `required` and the [`COMMON_FIELDS`] of every YAML body); `check`
    /// warns about any other key.
    pub fields: &'static [&'static str],
    /// The title's default subject (after `"<prefix>: "`).
    pub subject: TextOf,
    /// The text shown in the block when the author gives no `description`.
    pub display: TextOf,
}

impl PartialEq for ActionSpec {
    /// Names are unique in the catalogue.
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// The cascade pause of every action but `section:end`, milliseconds.
const PAUSE_MS: u32 = 750;

const fn legacy(
    name: &'static str,
    prefix: &'static str,
    glyph: &'static str,
    cooldown: f64,
    subject: TextOf,
) -> ActionSpec {
    ActionSpec {
        name,
        body: BodyKind::Text,
        family: Family::Legacy,
        prefix,
        glyph,
        cooldown,
        pause_ms: PAUSE_MS,
        required: &[],
        fields: &[],
        subject,
        display: text_trimmed,
    }
}

const fn yaml(
    name: &'static str,
    family: Family,
    glyph: &'static str,
    cooldown: f64,
    required: &'static [&'static str],
    subject: TextOf,
    display: TextOf,
) -> ActionSpec {
    ActionSpec {
        name,
        body: BodyKind::Yaml,
        family,
        prefix: family.prefix(),
        glyph,
        cooldown,
        pause_ms: PAUSE_MS,
        required,
        fields: &[],
        subject,
        display,
    }
}

impl ActionSpec {
    const fn pause(mut self, ms: u32) -> Self {
        self.pause_ms = ms;
        self
    }

    const fn with(mut self, fields: &'static [&'static str]) -> Self {
        self.fields = fields;
        self
    }

    /// Whether `key` is a field of this action's YAML body (its own or a common one).
    pub fn knows(&self, key: &str) -> bool {
        COMMON_FIELDS.contains(&key) || self.required.contains(&key) || self.fields.contains(&key)
    }

    /// Every field this action's YAML body may have: the common ones, then its own.
    pub fn all_fields(&self) -> impl Iterator<Item = &'static str> {
        COMMON_FIELDS
            .iter()
            .chain(self.required)
            .chain(self.fields)
            .copied()
    }
}

/// Fields every YAML action body may have (actions.md §3).
pub const COMMON_FIELDS: &[&str] = &[
    "prefix",
    "title",
    "description",
    "autostart",
    "hidden",
    "cascade",
    "pause",
    "cooldown",
    "event",
];

use Family::{Dashboard, Editor, Examiner, Files, Section, Terminal, Workshop};

/// Every action type, in the original's registration order. Cooldowns are the original's defaults
/// (actions.md §4), except sections: 0, not the engine's 1 s, so a section toggles on every click.
#[rustfmt::skip]
pub const CATALOGUE: &[ActionSpec] = &[
    legacy("execute", "Terminal", "fa-running", 1.0, |_| "Execute command in terminal \"1\"".into()),
    legacy("execute-1", "Terminal", "fa-running", 1.0, |_| "Execute command in terminal \"1\"".into()),
    legacy("execute-2", "Terminal", "fa-running", 1.0, |_| "Execute command in terminal \"2\"".into()),
    legacy("execute-3", "Terminal", "fa-running", 1.0, |_| "Execute command in terminal \"3\"".into()),
    legacy("execute-all", "Terminal", "fa-running", 1.0, |_| "Execute command in all terminals".into()),
    legacy("copy", "Workshop", "fa-copy", 0.0, |_| COPY.into()),
    legacy("copy-and-edit", "Workshop", "fa-user-edit", 0.0, |_| COPY_AND_EDIT.into()),
    yaml("terminal:execute", Terminal, "fa-running", 1.0, &["command"],
        |a| format!("Execute command in terminal \"{}\"", session(a)), command).with(&["session", "clear", "interrupt"]),
    yaml("terminal:execute-all", Terminal, "fa-running", 1.0, &["command"],
        |_| "Execute command in all terminals".into(), command).with(&["clear", "interrupt"]),
    yaml("terminal:clear", Terminal, "fa-running", 1.0, &[],
        |a| format!("Clear terminal \"{}\"", session(a)), nothing).with(&["session"]),
    yaml("terminal:clear-all", Terminal, "fa-running", 1.0, &[], |_| "Clear all terminals".into(), nothing),
    yaml("terminal:interrupt", Terminal, "fa-running", 1.0, &[],
        |a| format!("Interrupt command in terminal \"{}\"", session(a)), ctrl_c).with(&["session"]),
    yaml("terminal:interrupt-all", Terminal, "fa-running", 1.0, &[],
        |_| "Interrupt commands in all terminals".into(), ctrl_c),
    yaml("terminal:input", Terminal, "fa-running", 1.0, &["text"],
        |a| match no_endl(a) {
            true => format!("Input text into terminal \"{}\"", session(a)),
            false => format!("Input text with newline into terminal \"{}\"", session(a)),
        }, text).with(&["session", "endl"]),
    yaml("terminal:select", Terminal, "fa-terminal", 1.0, &[],
        |a| format!("Select terminal \"{}\"", session(a)), nothing).with(&["session"]),
    yaml("workshop:copy", Workshop, "fa-copy", 0.0, &["text"], |_| COPY.into(), text),
    yaml("workshop:copy-and-edit", Workshop, "fa-user-edit", 0.0, &["text"], |_| COPY_AND_EDIT.into(), text),
    yaml("dashboard:open-dashboard", Dashboard, "fa-eye", 1.0, &["name"],
        |a| format!("Open dashboard \"{}\"", f(a, "name")), nothing),
    yaml("dashboard:expose-dashboard", Dashboard, "fa-play", 1.0, &["name"],
        |a| format!("Expose dashboard \"{}\"", f(a, "name")), nothing),
    yaml("dashboard:create-dashboard", Dashboard, "fa-plus-circle", 1.0, &["name", "url"],
        |a| format!("Create dashboard \"{}\"", f(a, "name")), url).with(&["focus"]),
    yaml("dashboard:delete-dashboard", Dashboard, "fa-trash-alt", 1.0, &["name"],
        |a| format!("Delete dashboard \"{}\"", f(a, "name")), nothing),
    yaml("dashboard:reload-dashboard", Dashboard, "fa-sync-alt", 1.0, &["name"],
        |a| format!("Reload dashboard \"{}\"", f(a, "name")), url).with(&["url", "focus"]),
    yaml("dashboard:open-url", Dashboard, "fa-external-link-alt", 3.0, &["url"],
        |_| "Open URL in browser".into(), url),
    yaml("editor:open-file", Editor, "fa-edit", 3.0, &["file"],
        |a| match field(a, "line") {
            Some(line) => format!("Open file \"{}\" at line {line}", file(a)),
            None => format!("Open file \"{}\"", file(a)),
        }, nothing).with(&["line"]),
    yaml("editor:create-file", Editor, "fa-file-alt", 3.0, &["file"],
        |a| format!("Create file \"{}\"", file(a)), text).with(&["text"]),
    yaml("editor:create-directory", Editor, "fa-folder-plus", 3.0, &["directory"],
        |a| format!("Create directory \"{}\"", f(a, "directory")), |a| f(a, "directory")),
    yaml("editor:select-matching-text", Editor, "fa-search", 3.0, &["file", "text"],
        |a| match (a.get("isRegex") == Some(&Value::Bool(true)), field(a, "group")) {
            (true, Some(group)) => format!("Match pattern group {group} in file \"{}\"", file(a)),
            (true, None) => format!("Match pattern in file \"{}\"", file(a)),
            (false, _) => format!("Select text in file \"{}\"", file(a)),
        }, text).with(&["start", "stop", "isRegex", "group", "before", "after"]),
    yaml("editor:replace-text-selection", Editor, "fa-pencil-alt", 3.0, &["file", "text"],
        |a| format!("Replace text selection in file \"{}\"", file(a)), text),
    yaml("editor:delete-text-selection", Editor, "fa-eraser", 3.0, &["file"],
        |a| format!("Delete text selection in file \"{}\"", file(a)), nothing),
    yaml("editor:insert-lines-before-selection", Editor, "fa-file-import", 3.0, &["file"],
        |a| format!("Insert lines before selection in file \"{}\"", file(a)), text).with(&["text"]),
    yaml("editor:append-lines-after-selection", Editor, "fa-file-import", 3.0, &["file"],
        |a| format!("Append lines after selection in file \"{}\"", file(a)), text).with(&["text"]),
    yaml("editor:replace-matching-text", Editor, "fa-exchange-alt", 3.0, &["file", "match", "replacement"],
        |a| format!("Replace matching text in file \"{}\"", file(a)),
        |a| format!("{} → {}", f(a, "match"), f(a, "replacement"))).with(&["start", "stop", "isRegex", "group", "count"]),
    yaml("editor:append-lines-to-file", Editor, "fa-file-import", 3.0, &["file"],
        |a| format!("Append lines to file \"{}\"", file(a)), text).with(&["text"]),
    yaml("editor:prepend-lines-to-file", Editor, "fa-file-import", 3.0, &["file"],
        |a| format!("Prepend lines to file \"{}\"", file(a)), text).with(&["text"]),
    yaml("editor:insert-lines-before-line", Editor, "fa-file-import", 3.0, &["file", "line"],
        |a| format!("Insert lines before line {} in file \"{}\"", f(a, "line"), file(a)), text).with(&["text"]),
    yaml("editor:append-lines-after-line", Editor, "fa-file-import", 3.0, &["file", "line"],
        |a| format!("Append lines after line {} in file \"{}\"", f(a, "line"), file(a)), text).with(&["text"]),
    yaml("editor:insert-lines-after-line", Editor, "fa-file-import", 3.0, &["file", "line"],
        |a| format!("Insert lines after line {} in file \"{}\"", f(a, "line"), file(a)), text).with(&["text"]),
    yaml("editor:append-lines-after-match", Editor, "fa-file-import", 3.0, &["file", "match"],
        |a| format!("Append lines after \"{}\" in file \"{}\"", f(a, "match"), file(a)), text).with(&["text"]),
    yaml("editor:insert-lines-before-match", Editor, "fa-file-import", 3.0, &["file", "match"],
        |a| format!("Insert lines before \"{}\" in file \"{}\"", f(a, "match"), file(a)), text).with(&["text"]),
    yaml("editor:select-lines-in-range", Editor, "fa-i-cursor", 3.0, &["file"],
        |a| format!("Select lines {} in file \"{}\"", range(a), file(a)), |a| lines("Select", a)).with(&["start", "stop"]),
    yaml("editor:delete-lines-in-range", Editor, "fa-eraser", 3.0, &["file"],
        |a| format!("Delete lines {} in file \"{}\"", range(a), file(a)), |a| lines("Delete", a)).with(&["start", "stop"]),
    yaml("editor:delete-matching-lines", Editor, "fa-eraser", 3.0, &["file", "match"],
        |a| format!("Delete lines matching \"{}\" in file \"{}\"", f(a, "match"), file(a)), |a| f(a, "match")).with(&["isRegex", "before", "after"]),
    yaml("editor:replace-lines-in-range", Editor, "fa-exchange-alt", 3.0, &["file"],
        |a| format!("Replace lines {} in file \"{}\"", range(a), file(a)), text).with(&["start", "stop", "text"]),
    yaml("editor:copy-file", Editor, "fa-copy", 3.0, &["src", "dest"],
        |a| format!("Copy file \"{}\" to \"{}\"", f(a, "src"), f(a, "dest")), src_to_dest).with(&["open"]),
    yaml("editor:rename-file", Editor, "fa-file-export", 3.0, &["src", "dest"],
        |a| format!("Rename file \"{}\" to \"{}\"", f(a, "src"), f(a, "dest")), src_to_dest).with(&["open"]),
    yaml("editor:close-file", Editor, "fa-times", 3.0, &["file"], |a| format!("Close file \"{}\"", file(a)), file),
    yaml("editor:delete-file", Editor, "fa-trash", 3.0, &["file"], |a| format!("Delete file \"{}\"", file(a)), file),
    yaml("editor:insert-value-into-yaml", Editor, "fa-file-import", 3.0, &["file", "path"],
        |a| format!("Insert value into YAML file \"{}\" at \"{}\"", file(a), f(a, "path")), value).with(&["value"]),
    yaml("editor:set-yaml-value", Editor, "fa-edit", 3.0, &["file", "path"],
        |a| format!("Set YAML value at \"{}\" in \"{}\"", f(a, "path"), file(a)), value).with(&["value"]),
    yaml("editor:add-yaml-item", Editor, "fa-plus", 3.0, &["file", "path"],
        |a| format!("Add item to \"{}\" in \"{}\"", f(a, "path"), file(a)), value).with(&["value"]),
    yaml("editor:insert-yaml-item", Editor, "fa-plus-circle", 3.0, &["file", "path"],
        |a| format!(
            "Insert item at index {} in \"{}\" in \"{}\"",
            field(a, "index").unwrap_or_else(|| "0".into()), f(a, "path"), file(a)
        ), value).with(&["index", "value"]),
    yaml("editor:replace-yaml-item", Editor, "fa-exchange-alt", 3.0, &["file", "path"],
        |a| format!("Replace item at \"{}\" in \"{}\"", f(a, "path"), file(a)), value).with(&["value"]),
    yaml("editor:delete-yaml-value", Editor, "fa-minus-circle", 3.0, &["file", "path"],
        |a| format!("Delete \"{}\" from \"{}\"", f(a, "path"), file(a)), path),
    yaml("editor:merge-yaml-values", Editor, "fa-layer-group", 3.0, &["file", "path"],
        |a| format!("Merge values into \"{}\" in \"{}\"", f(a, "path"), file(a)), value).with(&["value"]),
    yaml("editor:select-yaml-path", Editor, "fa-i-cursor", 3.0, &["file"],
        |a| format!("Select YAML path \"{}\" in \"{}\"", f(a, "path"), file(a)), path).with(&["path"]),
    yaml("editor:execute-command", Editor, "fa-play", 3.0, &["command"],
        |a| format!("Execute command \"{}\"", f(a, "command")),
        |a| match a.get("args") {
            Some(Value::Array(items)) if !items.is_empty() => dump(&Value::Array(items.clone())),
            _ => String::new(),
        }).with(&["args"]),
    yaml("editor:open-terminal", Editor, "fa-terminal", 3.0, &[],
        |a| format!("Open terminal \"{}\"", editor_session(a)), nothing).with(&["session"]),
    yaml("editor:close-terminal", Editor, "fa-times", 3.0, &[],
        |a| format!("Close terminal \"{}\"", editor_session(a)), nothing).with(&["session"]),
    yaml("editor:send-to-terminal", Editor, "fa-terminal", 3.0, &["text"],
        |a| match no_endl(a) {
            true => format!("Send text to terminal \"{}\"", editor_session(a)),
            false => format!("Send text with newline to terminal \"{}\"", editor_session(a)),
        }, text).with(&["session", "endl"]),
    yaml("editor:interrupt-terminal", Editor, "fa-terminal", 3.0, &[],
        |a| format!("Interrupt terminal \"{}\"", editor_session(a)), ctrl_c).with(&["session"]),
    yaml("editor:clear-terminal", Editor, "fa-terminal", 3.0, &[],
        |a| format!("Clear terminal \"{}\"", editor_session(a)), nothing).with(&["session"]),
    yaml("examiner:execute-test", Examiner, "fa-tasks", 1.0, &["name"],
        |a| format!("Execute test case \"{}\"", f(a, "name")), nothing).with(&["url", "args", "timeout", "retries", "delay", "inputs"]),
    yaml("files:download-file", Files, "fa-download", 1.0, &[],
        |a| format!("Download file \"{}\"", file_label(a)), nothing).with(&["path", "url", "download", "preview"]),
    yaml("files:copy-file", Files, "fa-copy", 1.0, &[],
        |a| format!("Copy file \"{}\" to paste buffer", file_label(a)), nothing).with(&["path", "url", "download", "preview"]),
    yaml("files:upload-file", Files, "fa-upload", 3.0, &["path"],
        |a| format!("Upload file as \"{}\"", f(a, "path")), nothing),
    yaml("files:upload-files", Files, "fa-upload", 3.0, &[],
        |a| match field(a, "directory") {
            Some(dir) => format!("Upload files to \"{dir}\""),
            None => "Upload files".into(),
        }, nothing).with(&["directory"]),
    yaml("section:heading", Section, "fa-info-circle", 0.0, &[], |_| "Instructions".into(), nothing),
    yaml("section:begin", Section, "fa-chevron-up", 0.0, &[], |_| "Instructions".into(), nothing).with(&["name", "open"]),
    yaml("section:end", Section, "fa-ban", 0.0, &[], |_| "End".into(), nothing).pause(0).with(&["name", "toggle"]),
];

const COPY: &str = "Copy text to paste buffer";
const COPY_AND_EDIT: &str = "Copy text to paste buffer, change values before use";

/// Prefixes of namespaced actions; an unknown name with one of them is a mistake, not a language.
pub const PREFIXES: &[&str] = &[
    "terminal",
    "workshop",
    "dashboard",
    "editor",
    "examiner",
    "files",
    "section",
];

/// The spec of a known action type.
pub fn lookup(name: &str) -> Option<&'static ActionSpec> {
    CATALOGUE.iter().find(|spec| spec.name == name)
}

/// How a code-block info word relates to actions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Classified {
    /// A known action type.
    Action(&'static ActionSpec),
    /// `prefix:name` with a known prefix but an unknown name (a typo): an error.
    UnknownAction,
    /// `other:name` with an unknown prefix: maybe a custom action registered by workshop scripts.
    ForeignAction,
    /// An ordinary language.
    Code,
}

/// Classifies the first word of a code block's info string.
pub fn classify(word: &str) -> Classified {
    if let Some(spec) = lookup(word) {
        return Classified::Action(spec);
    }
    match word.split_once(':') {
        Some((prefix, name))
            if !prefix.is_empty()
                && !name.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_:.".contains(&b)) =>
        {
            if PREFIXES.contains(&prefix) {
                Classified::UnknownAction
            } else {
                Classified::ForeignAction
            }
        }
        _ => Classified::Code,
    }
}

/// A field as display text: strings as is, numbers/bools printed, absent = None.
pub(super) fn field(args: &Value, name: &str) -> Option<String> {
    match args.get(name)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

fn f(args: &Value, name: &str) -> String {
    field(args, name).unwrap_or_default()
}

fn session(args: &Value) -> String {
    field(args, "session").unwrap_or_else(|| "1".to_string())
}

fn editor_session(args: &Value) -> String {
    field(args, "session").unwrap_or_else(|| "educates".into())
}

fn no_endl(args: &Value) -> bool {
    args.get("endl") == Some(&Value::Bool(false))
}

fn file_label(args: &Value) -> String {
    field(args, "download")
        .or_else(|| field(args, "url"))
        .or_else(|| field(args, "path"))
        .unwrap_or_default()
}

fn range(args: &Value) -> String {
    let start = f(args, "start");
    let stop = field(args, "stop").unwrap_or_else(|| start.clone());
    format!("{start}-{stop}")
}

fn nothing(_: &Value) -> String {
    String::new()
}

fn text_trimmed(args: &Value) -> String {
    f(args, "text").trim().to_string()
}

fn text(args: &Value) -> String {
    f(args, "text")
}

fn command(args: &Value) -> String {
    f(args, "command")
}

fn url(args: &Value) -> String {
    f(args, "url")
}

fn file(args: &Value) -> String {
    f(args, "file")
}

fn path(args: &Value) -> String {
    f(args, "path")
}

fn ctrl_c(_: &Value) -> String {
    "<ctrl+c>".into()
}

fn src_to_dest(args: &Value) -> String {
    format!("{} → {}", f(args, "src"), f(args, "dest"))
}

fn lines(verb: &str, args: &Value) -> String {
    let start = f(args, "start");
    match field(args, "stop") {
        Some(stop) if stop != start => format!("{verb} lines {start} to {stop}"),
        _ => format!("{verb} line {start}"),
    }
}

fn value(args: &Value) -> String {
    args.get("value").map(dump).unwrap_or_default()
}

/// A value as block YAML (for editor YAML actions' display bodies).
fn dump(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => serde_saphyr::to_string(other)
            .map(|s| s.trim_end().to_string())
            .unwrap_or_else(|_| other.to_string()),
    }
}
