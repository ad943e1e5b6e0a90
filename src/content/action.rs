//! Clickable actions: the catalogue of every action type the original engine registers (69 names),
//! body parsing (raw text for legacy types, YAML for namespaced ones) into a typed [`Action`], titles
//! and display bodies as the original shows them, and the HTML markup the frontend drives.

use serde_json::{Map, Value};

use super::markdown::escape_html;

/// How an action's body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// Raw text (legacy `execute`, `copy`, …): args become `{"text": body}`.
    Text,
    /// A YAML mapping (every namespaced action).
    Yaml,
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

/// Static facts about one action type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActionSpec {
    /// Action type as written in the info string, e.g. `terminal:execute`.
    pub name: &'static str,
    /// Body kind.
    pub body: BodyKind,
    /// Family.
    pub family: Family,
    /// Font Awesome glyph of the original.
    pub glyph: &'static str,
    /// Default cooldown in seconds.
    pub cooldown: f64,
    /// Fields that must be present for the action to do anything.
    pub required: &'static [&'static str],
}

const fn spec(
    name: &'static str,
    body: BodyKind,
    family: Family,
    glyph: &'static str,
    cooldown: f64,
    required: &'static [&'static str],
) -> ActionSpec {
    ActionSpec {
        name,
        body,
        family,
        glyph,
        cooldown,
        required,
    }
}

use BodyKind::{Text as T, Yaml as Y};
use Family::*;

/// Every action type, in the original's registration order.
pub const CATALOGUE: &[ActionSpec] = &[
    spec("execute", T, Legacy, "fa-running", 1.0, &[]),
    spec("execute-1", T, Legacy, "fa-running", 1.0, &[]),
    spec("execute-2", T, Legacy, "fa-running", 1.0, &[]),
    spec("execute-3", T, Legacy, "fa-running", 1.0, &[]),
    spec("execute-all", T, Legacy, "fa-running", 1.0, &[]),
    spec("copy", T, Legacy, "fa-copy", 0.0, &[]),
    spec("copy-and-edit", T, Legacy, "fa-user-edit", 0.0, &[]),
    spec("terminal:execute", Y, Terminal, "fa-running", 1.0, &["command"]),
    spec(
        "terminal:execute-all",
        Y,
        Terminal,
        "fa-running",
        1.0,
        &["command"],
    ),
    spec("terminal:clear", Y, Terminal, "fa-running", 1.0, &[]),
    spec("terminal:clear-all", Y, Terminal, "fa-running", 1.0, &[]),
    spec("terminal:interrupt", Y, Terminal, "fa-running", 1.0, &[]),
    spec("terminal:interrupt-all", Y, Terminal, "fa-running", 1.0, &[]),
    spec("terminal:input", Y, Terminal, "fa-running", 1.0, &["text"]),
    spec("terminal:select", Y, Terminal, "fa-terminal", 1.0, &[]),
    spec("workshop:copy", Y, Workshop, "fa-copy", 0.0, &["text"]),
    spec(
        "workshop:copy-and-edit",
        Y,
        Workshop,
        "fa-user-edit",
        0.0,
        &["text"],
    ),
    spec("dashboard:open-dashboard", Y, Dashboard, "fa-eye", 1.0, &["name"]),
    spec(
        "dashboard:expose-dashboard",
        Y,
        Dashboard,
        "fa-play",
        1.0,
        &["name"],
    ),
    spec(
        "dashboard:create-dashboard",
        Y,
        Dashboard,
        "fa-plus-circle",
        1.0,
        &["name", "url"],
    ),
    spec(
        "dashboard:delete-dashboard",
        Y,
        Dashboard,
        "fa-trash-alt",
        1.0,
        &["name"],
    ),
    spec(
        "dashboard:reload-dashboard",
        Y,
        Dashboard,
        "fa-sync-alt",
        1.0,
        &["name"],
    ),
    spec(
        "dashboard:open-url",
        Y,
        Dashboard,
        "fa-external-link-alt",
        3.0,
        &["url"],
    ),
    spec("editor:open-file", Y, Editor, "fa-edit", 3.0, &["file"]),
    spec("editor:create-file", Y, Editor, "fa-file-alt", 3.0, &["file"]),
    spec(
        "editor:create-directory",
        Y,
        Editor,
        "fa-folder-plus",
        3.0,
        &["directory"],
    ),
    spec(
        "editor:select-matching-text",
        Y,
        Editor,
        "fa-search",
        3.0,
        &["file", "text"],
    ),
    spec(
        "editor:replace-text-selection",
        Y,
        Editor,
        "fa-pencil-alt",
        3.0,
        &["file", "text"],
    ),
    spec(
        "editor:delete-text-selection",
        Y,
        Editor,
        "fa-eraser",
        3.0,
        &["file"],
    ),
    spec(
        "editor:insert-lines-before-selection",
        Y,
        Editor,
        "fa-file-import",
        3.0,
        &["file"],
    ),
    spec(
        "editor:append-lines-after-selection",
        Y,
        Editor,
        "fa-file-import",
        3.0,
        &["file"],
    ),
    spec(
        "editor:replace-matching-text",
        Y,
        Editor,
        "fa-exchange-alt",
        3.0,
        &["file", "match", "replacement"],
    ),
    spec(
        "editor:append-lines-to-file",
        Y,
        Editor,
        "fa-file-import",
        3.0,
        &["file"],
    ),
    spec(
        "editor:prepend-lines-to-file",
        Y,
        Editor,
        "fa-file-import",
        3.0,
        &["file"],
    ),
    spec(
        "editor:insert-lines-before-line",
        Y,
        Editor,
        "fa-file-import",
        3.0,
        &["file", "line"],
    ),
    spec(
        "editor:append-lines-after-line",
        Y,
        Editor,
        "fa-file-import",
        3.0,
        &["file", "line"],
    ),
    spec(
        "editor:insert-lines-after-line",
        Y,
        Editor,
        "fa-file-import",
        3.0,
        &["file", "line"],
    ),
    spec(
        "editor:append-lines-after-match",
        Y,
        Editor,
        "fa-file-import",
        3.0,
        &["file", "match"],
    ),
    spec(
        "editor:insert-lines-before-match",
        Y,
        Editor,
        "fa-file-import",
        3.0,
        &["file", "match"],
    ),
    spec(
        "editor:select-lines-in-range",
        Y,
        Editor,
        "fa-i-cursor",
        3.0,
        &["file"],
    ),
    spec(
        "editor:delete-lines-in-range",
        Y,
        Editor,
        "fa-eraser",
        3.0,
        &["file"],
    ),
    spec(
        "editor:delete-matching-lines",
        Y,
        Editor,
        "fa-eraser",
        3.0,
        &["file", "match"],
    ),
    spec(
        "editor:replace-lines-in-range",
        Y,
        Editor,
        "fa-exchange-alt",
        3.0,
        &["file"],
    ),
    spec("editor:copy-file", Y, Editor, "fa-copy", 3.0, &["src", "dest"]),
    spec(
        "editor:rename-file",
        Y,
        Editor,
        "fa-file-export",
        3.0,
        &["src", "dest"],
    ),
    spec("editor:close-file", Y, Editor, "fa-times", 3.0, &["file"]),
    spec("editor:delete-file", Y, Editor, "fa-trash", 3.0, &["file"]),
    spec(
        "editor:insert-value-into-yaml",
        Y,
        Editor,
        "fa-file-import",
        3.0,
        &["file", "path"],
    ),
    spec(
        "editor:set-yaml-value",
        Y,
        Editor,
        "fa-edit",
        3.0,
        &["file", "path"],
    ),
    spec(
        "editor:add-yaml-item",
        Y,
        Editor,
        "fa-plus",
        3.0,
        &["file", "path"],
    ),
    spec(
        "editor:insert-yaml-item",
        Y,
        Editor,
        "fa-plus-circle",
        3.0,
        &["file", "path"],
    ),
    spec(
        "editor:replace-yaml-item",
        Y,
        Editor,
        "fa-exchange-alt",
        3.0,
        &["file", "path"],
    ),
    spec(
        "editor:delete-yaml-value",
        Y,
        Editor,
        "fa-minus-circle",
        3.0,
        &["file", "path"],
    ),
    spec(
        "editor:merge-yaml-values",
        Y,
        Editor,
        "fa-layer-group",
        3.0,
        &["file", "path"],
    ),
    spec(
        "editor:select-yaml-path",
        Y,
        Editor,
        "fa-i-cursor",
        3.0,
        &["file"],
    ),
    spec("editor:execute-command", Y, Editor, "fa-play", 3.0, &["command"]),
    spec("editor:open-terminal", Y, Editor, "fa-terminal", 3.0, &[]),
    spec("editor:close-terminal", Y, Editor, "fa-times", 3.0, &[]),
    spec(
        "editor:send-to-terminal",
        Y,
        Editor,
        "fa-terminal",
        3.0,
        &["text"],
    ),
    spec("editor:interrupt-terminal", Y, Editor, "fa-terminal", 3.0, &[]),
    spec("editor:clear-terminal", Y, Editor, "fa-terminal", 3.0, &[]),
    spec("examiner:execute-test", Y, Examiner, "fa-tasks", 1.0, &["name"]),
    spec("files:download-file", Y, Files, "fa-download", 1.0, &[]),
    spec("files:copy-file", Y, Files, "fa-copy", 1.0, &[]),
    spec("files:upload-file", Y, Files, "fa-upload", 3.0, &["path"]),
    spec("files:upload-files", Y, Files, "fa-upload", 3.0, &[]),
    spec("section:heading", Y, Section, "fa-info-circle", 1.0, &[]),
    spec("section:begin", Y, Section, "fa-chevron-up", 1.0, &[]),
    spec("section:end", Y, Section, "fa-ban", 1.0, &[]),
];

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

/// A parsed clickable action.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Its spec (type name, family, glyph, …).
    pub spec: &'static ActionSpec,
    /// 1-based source line of the block.
    pub line: u32,
    /// The arguments: the YAML body as JSON (non-finite numbers as strings), or `{"text": body}`.
    pub args: Value,
    /// Title as the original shows it, `"<prefix>: <subject>"`.
    pub title: String,
    /// Display body (plain text).
    pub body: String,
    /// `autostart: true`.
    pub autostart: bool,
    /// `hidden: true` (and always for `section:end`).
    pub hidden: bool,
    /// `cascade: true`.
    pub cascade: bool,
}

/// Why a body could not become an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionError {
    /// Line offset inside the body (0 = the fence line) when known.
    pub body_line: u32,
    /// 1-based column inside the body line, 0 when unknown.
    pub column: u32,
    /// Message.
    pub message: String,
}

/// Parses the body of an action block. Errors are the broken-action cases (bad YAML, not a mapping);
/// the warnings are problems that leave the action usable but probably wrong (missing fields).
pub fn parse(spec: &'static ActionSpec, body: &str, line: u32) -> (Result<Action, ActionError>, Vec<String>) {
    let mut warnings = Vec::new();
    let args = match spec.body {
        BodyKind::Text => {
            let mut map = Map::new();
            map.insert(
                "text".into(),
                Value::String(body.trim_end_matches('\n').to_string()),
            );
            Value::Object(map)
        }
        BodyKind::Yaml => match parse_yaml(body) {
            Ok(Value::Object(map)) => Value::Object(map),
            Ok(Value::Null) => Value::Object(Map::new()),
            Ok(other) => {
                return (
                    Err(ActionError {
                        body_line: 1,
                        column: 0,
                        message: format!(
                            "body of `{}` must be a YAML mapping of fields, found {}",
                            spec.name,
                            kind_of(&other)
                        ),
                    }),
                    warnings,
                );
            }
            Err(error) => return (Err(error), warnings),
        },
    };
    if spec.body == BodyKind::Yaml {
        for field in spec.required {
            if args.get(field).is_none_or(Value::is_null) {
                warnings.push(format!("`{}` needs a `{field}` field", spec.name));
            }
        }
    }
    let flag = |name: &str| args.get(name).and_then(Value::as_bool).unwrap_or(false);
    let autostart = flag("autostart");
    let cascade = flag("cascade");
    let hidden = flag("hidden") || spec.name == "section:end";
    let title = title(spec, &args);
    let body = display_body(spec, &args);
    let action = Action {
        spec,
        line,
        args,
        title,
        body,
        autostart,
        hidden,
        cascade,
    };
    (Ok(action), warnings)
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a plain string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// YAML → JSON value the way js-yaml would load it: trimmed text, empty = `{}`, `.inf` → `"Infinity"`.
pub fn parse_yaml(body: &str) -> Result<Value, ActionError> {
    let text = body.trim();
    if text.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let mut options = serde_saphyr::Options::default();
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::PassThrough;
    // js-yaml (the original) follows the YAML 1.2 core schema: `yes`/`on` are strings.
    options.strict_booleans = true;
    match serde_saphyr::from_str_with_options::<Json>(text, options) {
        Ok(Json(value)) => Ok(value),
        Err(error) => {
            let location = error.location();
            let body_line = location
                .map(|loc| loc.line() as u32 + leading_blank_lines(body))
                .unwrap_or(1);
            let column = location.map_or(0, |loc| loc.column() as u32);
            let message = error.to_string();
            let first = strip_location(message.lines().next().unwrap_or("").trim());
            Err(ActionError {
                body_line,
                column,
                message: format!("invalid YAML: {first}"),
            })
        }
    }
}

/// Drops a leading `error: line N column M:` (the body-relative location is reported separately).
fn strip_location(message: &str) -> String {
    let rest = message.strip_prefix("error:").unwrap_or(message).trim_start();
    if let Some(after) = rest.strip_prefix("line ")
        && let Some((_, tail)) = after.split_once(": ")
    {
        return tail.to_string();
    }
    rest.to_string()
}

fn leading_blank_lines(body: &str) -> u32 {
    let trimmed = body.trim_start();
    body[..body.len() - trimmed.len()]
        .bytes()
        .filter(|b| *b == b'\n')
        .count() as u32
}

/// A JSON value deserialised from YAML, with non-finite floats kept as `"Infinity"`-style strings.
struct Json(Value);

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor).map(Json)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(match serde_json::Number::from_f64(v) {
            Some(n) => Value::Number(n),
            None if v.is_nan() => Value::String("NaN".into()),
            None if v > 0.0 => Value::String("Infinity".into()),
            None => Value::String("-Infinity".into()),
        })
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Json(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some((Json(key), Json(value))) = map.next_entry()? {
            let key = match key {
                Value::String(s) => s,
                Value::Null => String::new(),
                other => other.to_string(),
            };
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// A field as display text: strings as is, numbers/bools printed, absent = None.
fn field(args: &Value, name: &str) -> Option<String> {
    match args.get(name)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

fn prefix_of(spec: &ActionSpec) -> &'static str {
    match spec.family {
        Legacy => match spec.name {
            "copy" | "copy-and-edit" => "Workshop",
            _ => "Terminal",
        },
        Terminal => "Terminal",
        Workshop => "Workshop",
        Dashboard => "Dashboard",
        Editor => "Editor",
        Examiner => "Examiner",
        Files => "Files",
        Section => "Section",
    }
}

/// `"<prefix>: <subject>"` with the author's `prefix`/`title` overrides.
pub fn title(spec: &ActionSpec, args: &Value) -> String {
    let is_yaml = spec.body == BodyKind::Yaml;
    let prefix = is_yaml
        .then(|| field(args, "prefix"))
        .flatten()
        .unwrap_or_else(|| prefix_of(spec).to_string());
    let subject = is_yaml
        .then(|| field(args, "title"))
        .flatten()
        .unwrap_or_else(|| default_subject(spec, args));
    format!("{prefix}: {subject}")
}

fn default_subject(spec: &ActionSpec, args: &Value) -> String {
    let f = |name: &str| field(args, name).unwrap_or_default();
    let session = || field(args, "session").unwrap_or_else(|| "1".to_string());
    let file = || f("file");
    match spec.name {
        "execute" => "Execute command in terminal \"1\"".into(),
        "execute-1" | "execute-2" | "execute-3" => {
            format!("Execute command in terminal \"{}\"", &spec.name[8..])
        }
        "execute-all" | "terminal:execute-all" => "Execute command in all terminals".into(),
        "copy" | "workshop:copy" => "Copy text to paste buffer".into(),
        "copy-and-edit" | "workshop:copy-and-edit" => {
            "Copy text to paste buffer, change values before use".into()
        }
        "terminal:execute" => format!("Execute command in terminal \"{}\"", session()),
        "terminal:clear" => format!("Clear terminal \"{}\"", session()),
        "terminal:clear-all" => "Clear all terminals".into(),
        "terminal:interrupt" => format!("Interrupt command in terminal \"{}\"", session()),
        "terminal:interrupt-all" => "Interrupt commands in all terminals".into(),
        "terminal:input" => {
            if args.get("endl") == Some(&Value::Bool(false)) {
                format!("Input text into terminal \"{}\"", session())
            } else {
                format!("Input text with newline into terminal \"{}\"", session())
            }
        }
        "terminal:select" => format!("Select terminal \"{}\"", session()),
        "dashboard:open-dashboard" => format!("Open dashboard \"{}\"", f("name")),
        "dashboard:expose-dashboard" => format!("Expose dashboard \"{}\"", f("name")),
        "dashboard:create-dashboard" => format!("Create dashboard \"{}\"", f("name")),
        "dashboard:delete-dashboard" => format!("Delete dashboard \"{}\"", f("name")),
        "dashboard:reload-dashboard" => format!("Reload dashboard \"{}\"", f("name")),
        "dashboard:open-url" => "Open URL in browser".into(),
        "editor:open-file" => match field(args, "line") {
            Some(line) => format!("Open file \"{}\" at line {line}", file()),
            None => format!("Open file \"{}\"", file()),
        },
        "editor:create-file" => format!("Create file \"{}\"", file()),
        "editor:create-directory" => format!("Create directory \"{}\"", f("directory")),
        "editor:select-matching-text" => {
            if args.get("isRegex") == Some(&Value::Bool(true)) {
                match field(args, "group") {
                    Some(group) => format!("Match pattern group {group} in file \"{}\"", file()),
                    None => format!("Match pattern in file \"{}\"", file()),
                }
            } else {
                format!("Select text in file \"{}\"", file())
            }
        }
        "editor:replace-text-selection" => format!("Replace text selection in file \"{}\"", file()),
        "editor:delete-text-selection" => format!("Delete text selection in file \"{}\"", file()),
        "editor:insert-lines-before-selection" => {
            format!("Insert lines before selection in file \"{}\"", file())
        }
        "editor:append-lines-after-selection" => {
            format!("Append lines after selection in file \"{}\"", file())
        }
        "editor:replace-matching-text" => format!("Replace matching text in file \"{}\"", file()),
        "editor:append-lines-to-file" => format!("Append lines to file \"{}\"", file()),
        "editor:prepend-lines-to-file" => format!("Prepend lines to file \"{}\"", file()),
        "editor:insert-lines-before-line" => {
            format!("Insert lines before line {} in file \"{}\"", f("line"), file())
        }
        "editor:append-lines-after-line" => {
            format!("Append lines after line {} in file \"{}\"", f("line"), file())
        }
        "editor:insert-lines-after-line" => {
            format!("Insert lines after line {} in file \"{}\"", f("line"), file())
        }
        "editor:append-lines-after-match" => {
            format!("Append lines after \"{}\" in file \"{}\"", f("match"), file())
        }
        "editor:insert-lines-before-match" => {
            format!("Insert lines before \"{}\" in file \"{}\"", f("match"), file())
        }
        "editor:select-lines-in-range" => {
            format!("Select lines {} in file \"{}\"", range(args), file())
        }
        "editor:delete-lines-in-range" => {
            format!("Delete lines {} in file \"{}\"", range(args), file())
        }
        "editor:delete-matching-lines" => {
            format!("Delete lines matching \"{}\" in file \"{}\"", f("match"), file())
        }
        "editor:replace-lines-in-range" => {
            format!("Replace lines {} in file \"{}\"", range(args), file())
        }
        "editor:copy-file" => format!("Copy file \"{}\" to \"{}\"", f("src"), f("dest")),
        "editor:rename-file" => format!("Rename file \"{}\" to \"{}\"", f("src"), f("dest")),
        "editor:close-file" => format!("Close file \"{}\"", file()),
        "editor:delete-file" => format!("Delete file \"{}\"", file()),
        "editor:insert-value-into-yaml" => {
            format!("Insert value into YAML file \"{}\" at \"{}\"", file(), f("path"))
        }
        "editor:set-yaml-value" => format!("Set YAML value at \"{}\" in \"{}\"", f("path"), file()),
        "editor:add-yaml-item" => format!("Add item to \"{}\" in \"{}\"", f("path"), file()),
        "editor:insert-yaml-item" => format!(
            "Insert item at index {} in \"{}\" in \"{}\"",
            field(args, "index").unwrap_or_else(|| "0".into()),
            f("path"),
            file()
        ),
        "editor:replace-yaml-item" => format!("Replace item at \"{}\" in \"{}\"", f("path"), file()),
        "editor:delete-yaml-value" => format!("Delete \"{}\" from \"{}\"", f("path"), file()),
        "editor:merge-yaml-values" => format!("Merge values into \"{}\" in \"{}\"", f("path"), file()),
        "editor:select-yaml-path" => format!("Select YAML path \"{}\" in \"{}\"", f("path"), file()),
        "editor:execute-command" => format!("Execute command \"{}\"", f("command")),
        "editor:open-terminal" => format!("Open terminal \"{}\"", editor_session(args)),
        "editor:close-terminal" => format!("Close terminal \"{}\"", editor_session(args)),
        "editor:send-to-terminal" => {
            if args.get("endl") == Some(&Value::Bool(false)) {
                format!("Send text to terminal \"{}\"", editor_session(args))
            } else {
                format!("Send text with newline to terminal \"{}\"", editor_session(args))
            }
        }
        "editor:interrupt-terminal" => format!("Interrupt terminal \"{}\"", editor_session(args)),
        "editor:clear-terminal" => format!("Clear terminal \"{}\"", editor_session(args)),
        "examiner:execute-test" => format!("Execute test case \"{}\"", f("name")),
        "files:download-file" => format!("Download file \"{}\"", file_label(args)),
        "files:copy-file" => format!("Copy file \"{}\" to paste buffer", file_label(args)),
        "files:upload-file" => format!("Upload file as \"{}\"", f("path")),
        "files:upload-files" => match field(args, "directory") {
            Some(dir) => format!("Upload files to \"{dir}\""),
            None => "Upload files".into(),
        },
        "section:heading" | "section:begin" => "Instructions".into(),
        "section:end" => "End".into(),
        other => other.to_string(),
    }
}

fn editor_session(args: &Value) -> String {
    field(args, "session").unwrap_or_else(|| "educates".into())
}

fn file_label(args: &Value) -> String {
    field(args, "download")
        .or_else(|| field(args, "url"))
        .or_else(|| field(args, "path"))
        .unwrap_or_default()
}

fn range(args: &Value) -> String {
    let start = field(args, "start").unwrap_or_default();
    let stop = field(args, "stop").unwrap_or_else(|| start.clone());
    format!("{start}-{stop}")
}

/// The text shown in the block, as the original displays it (`description` replaces it).
pub fn display_body(spec: &ActionSpec, args: &Value) -> String {
    if spec.body == BodyKind::Yaml
        && let Some(description) = field(args, "description")
    {
        return description;
    }
    let f = |name: &str| field(args, name).unwrap_or_default();
    let yaml_dump = |name: &str| args.get(name).map(dump).unwrap_or_default();
    match spec.name {
        "execute" | "execute-1" | "execute-2" | "execute-3" | "execute-all" | "copy" | "copy-and-edit" => {
            f("text").trim().to_string()
        }
        "terminal:execute" | "terminal:execute-all" => f("command"),
        "terminal:interrupt" | "terminal:interrupt-all" | "editor:interrupt-terminal" => "<ctrl+c>".into(),
        "terminal:input" | "workshop:copy" | "workshop:copy-and-edit" => f("text"),
        "dashboard:create-dashboard" | "dashboard:reload-dashboard" | "dashboard:open-url" => f("url"),
        "editor:create-file"
        | "editor:select-matching-text"
        | "editor:replace-text-selection"
        | "editor:insert-lines-before-selection"
        | "editor:append-lines-after-selection"
        | "editor:append-lines-to-file"
        | "editor:prepend-lines-to-file"
        | "editor:insert-lines-before-line"
        | "editor:append-lines-after-line"
        | "editor:insert-lines-after-line"
        | "editor:append-lines-after-match"
        | "editor:insert-lines-before-match"
        | "editor:replace-lines-in-range"
        | "editor:send-to-terminal" => f("text"),
        "editor:create-directory" => f("directory"),
        "editor:replace-matching-text" => format!("{} → {}", f("match"), f("replacement")),
        "editor:select-lines-in-range" | "editor:delete-lines-in-range" => {
            let verb = if spec.name.contains("select") {
                "Select"
            } else {
                "Delete"
            };
            let start = f("start");
            match field(args, "stop") {
                Some(stop) if stop != start => format!("{verb} lines {start} to {stop}"),
                _ => format!("{verb} line {start}"),
            }
        }
        "editor:delete-matching-lines" => f("match"),
        "editor:copy-file" | "editor:rename-file" => format!("{} → {}", f("src"), f("dest")),
        "editor:close-file" | "editor:delete-file" => f("file"),
        "editor:insert-value-into-yaml"
        | "editor:set-yaml-value"
        | "editor:add-yaml-item"
        | "editor:insert-yaml-item"
        | "editor:replace-yaml-item"
        | "editor:merge-yaml-values" => yaml_dump("value"),
        "editor:delete-yaml-value" | "editor:select-yaml-path" => f("path"),
        "editor:execute-command" => match args.get("args") {
            Some(Value::Array(items)) if !items.is_empty() => dump(&Value::Array(items.clone())),
            _ => String::new(),
        },
        _ => String::new(),
    }
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

impl Action {
    /// The action's HTML markup (the contract in docs/content.md): `index` is its 0-based position on
    /// the page.
    pub fn markup(&self, index: usize) -> String {
        let args = serde_json::to_string(&self.args).unwrap_or_else(|_| "{}".into());
        let mut html = String::with_capacity(256 + self.body.len());
        html.push_str(&format!(
            "<div class=\"lectern-action\" data-action-type=\"{}\" data-action-index=\"{index}\" \
             data-action-line=\"{}\" data-action-args=\"{}\" data-action-glyph=\"{}\"",
            self.spec.name,
            self.line,
            escape_html(&args),
            self.spec.glyph,
        ));
        if self.autostart {
            html.push_str(" data-action-autostart");
        }
        if self.hidden {
            html.push_str(" data-action-hidden");
        }
        if self.cascade {
            html.push_str(" data-action-cascade");
        }
        html.push_str(" tabindex=\"0\" role=\"button\">");
        html.push_str("<div class=\"lectern-action-title\"><span class=\"lectern-action-glyph\" aria-hidden=\"true\"></span>");
        html.push_str(&escape_html(&self.title));
        html.push_str("</div><pre class=\"lectern-action-body\"><code>");
        html.push_str(&escape_html(&self.body));
        html.push_str("</code></pre></div>\n");
        html
    }
}

/// The visible error box for a broken or unknown action.
pub fn error_markup(action_type: &str, line: u32, message: &str, body: &str) -> String {
    format!(
        "<div class=\"lectern-action-error\" role=\"alert\" data-action-type=\"{}\" data-action-line=\"{line}\">\
         <p>{}</p><pre><code>{}</code></pre></div>\n",
        escape_html(action_type),
        escape_html(message),
        escape_html(body)
    )
}

#[cfg(test)]
mod tests;
