//! The Killercoda / Katacoda action markers: the `{{…}}` written right after a code span or on the closing
//! fence line of a code block. [`parse`] reads the inner text (odd spellings found in the wild are accepted
//! with a warning), [`Marker::action`] maps it onto an action of lectern's catalogue.

use serde_json::{Map, Value, json};

/// What a marker asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `{{}}`: a plain snippet (the format's "no copy on click").
    Plain,
    /// `{{exec}}` / `{{execute …}}`: type the text into a terminal.
    Execute {
        /// Terminal name (`T2`, `HOST2` → `"2"`); `None` = terminal 1.
        terminal: Option<String>,
        /// `interrupt`: Ctrl+C first.
        interrupt: bool,
        /// `no-newline`: type without Enter.
        no_newline: bool,
        /// `ctrl-seq`: the text is a control sequence such as `^C`.
        ctrl_seq: bool,
        /// `HOSTn` with n > 1: the command was meant for another machine.
        other_host: bool,
    },
    /// `{{copy}}`: click copies.
    Copy,
    /// `{{open}}`: open the named file in the editor.
    Open,
}

/// A parsed marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The inner text exactly as written (`""` for `{{}}`).
    pub inner: String,
    /// What it means.
    pub kind: Kind,
    /// Problems with the spelling (the marker still works).
    pub warnings: Vec<String>,
}

/// Reads the inner text of `{{…}}`. `None` when it is no marker (another template syntax, a placeholder
/// such as `{{TRAFFIC_HOST1_80}}`): the text then stays as written.
pub fn parse(inner: &str) -> Option<Marker> {
    if inner.contains(['{', '}', '\n']) {
        return None;
    }
    let words: Vec<&str> = inner.split_whitespace().collect();
    let mut warnings = Vec::new();
    let Some(first) = words.first() else {
        if !inner.is_empty() {
            warnings.push(format!(
                "marker `{{{{{inner}}}}}` has spaces inside the braces; read as `{{{{}}}}`"
            ));
        }
        return Some(Marker {
            inner: inner.to_string(),
            kind: Kind::Plain,
            warnings,
        });
    };
    let kind = match first.to_ascii_lowercase().as_str() {
        "exec" | "execute" => execute(&words[1..], &mut warnings),
        "copy" => {
            if words.len() > 1 {
                warnings.push(format!(
                    "`{}` after `copy` means nothing and is ignored",
                    words[1..].join(" ")
                ));
            }
            Kind::Copy
        }
        "open" => Kind::Open,
        _ => return None,
    };
    let canonical = canonical_spelling(&words);
    let spaced = words.join(" ");
    if spaced != inner {
        warnings.push(format!(
            "marker `{{{{{inner}}}}}` has extra spaces inside the braces; read as `{{{{{canonical}}}}}`"
        ));
    } else if spaced != canonical && spaced.eq_ignore_ascii_case(&canonical) {
        warnings.push(format!(
            "marker `{{{{{inner}}}}}` is spelled with unusual capitals; read as `{{{{{canonical}}}}}`"
        ));
    }
    Some(Marker {
        inner: inner.to_string(),
        kind,
        warnings,
    })
}

/// The usual spelling: lower-case words, `T<n>` and `HOST<n>` in capitals, `interupt` corrected.
fn canonical_spelling(words: &[&str]) -> String {
    words
        .iter()
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let numbered = |prefix: &str| {
                lower
                    .strip_prefix(prefix)
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            };
            if numbered("t") || numbered("host") {
                lower.to_ascii_uppercase()
            } else if lower == "interupt" {
                "interrupt".to_string()
            } else {
                lower
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn execute(options: &[&str], warnings: &mut Vec<String>) -> Kind {
    let mut terminal = None;
    let (mut interrupt, mut no_newline, mut ctrl_seq, mut other_host) = (false, false, false, false);
    for option in options {
        let lower = option.to_ascii_lowercase();
        let number = |prefix: &str| {
            lower
                .strip_prefix(prefix)
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|n| *n > 0)
        };
        if let Some(n) = number("t") {
            terminal = Some(n.to_string());
        } else if let Some(n) = number("host") {
            terminal = Some(n.to_string());
            other_host = n > 1;
        } else {
            match lower.as_str() {
                "interrupt" => interrupt = true,
                "interupt" => {
                    warnings.push(format!("`{option}` is read as `interrupt`"));
                    interrupt = true;
                }
                "no-newline" => no_newline = true,
                "ctrl-seq" => ctrl_seq = true,
                _ => warnings.push(format!("unknown marker option `{option}` is ignored")),
            }
        }
    }
    Kind::Execute {
        terminal,
        interrupt,
        no_newline,
        ctrl_seq,
        other_host,
    }
}

/// The control character for `^C`, `ctrl+c`, `Ctrl-C`…; `None` when `text` is none of those.
fn control_character(text: &str) -> Option<(char, String)> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let letter = lower
        .strip_prefix('^')
        .or_else(|| lower.strip_prefix("ctrl+"))
        .or_else(|| lower.strip_prefix("ctrl-"))
        .filter(|rest| rest.len() == 1)?
        .bytes()
        .next()?;
    match letter {
        b'a'..=b'z' => Some((
            (letter - b'a' + 1) as char,
            format!("^{}", letter.to_ascii_uppercase() as char),
        )),
        b'[' | b'\\' | b']' | b'^' | b'_' | b'@' => {
            Some((((letter ^ 0x40) & 0x7f) as char, format!("^{}", letter as char)))
        }
        _ => None,
    }
}

/// Where an editor path of the scenario lands in lectern's editor workspace: `~/x` and `/root/x` are
/// relative to the home folder; a relative path is relative to `editor_dir` (the scenario's
/// `uieditorpath`, itself under the home folder) when given.
pub fn editor_path(file: &str, editor_dir: Option<&str>) -> String {
    let file = file.trim();
    let home_relative = |path: &str| -> Option<String> {
        if path == "~" || path == "/root" {
            return Some(String::new());
        }
        path.strip_prefix("~/")
            .or_else(|| path.strip_prefix("/root/"))
            .map(|rest| rest.trim_start_matches('/').to_string())
    };
    if let Some(rest) = home_relative(file) {
        return rest;
    }
    if file.starts_with('/') {
        return file.to_string();
    }
    match editor_dir.map(str::trim).filter(|dir| !dir.is_empty()) {
        Some(dir) => {
            let base = home_relative(dir.trim_end_matches('/'))
                .unwrap_or_else(|| dir.trim_end_matches('/').to_string());
            if base.is_empty() {
                file.to_string()
            } else {
                format!("{base}/{file}")
            }
        }
        None => file.to_string(),
    }
}

impl Marker {
    /// The lectern action for the marked `text` (code span or block content): `(type, args)`, or `None`
    /// for a plain snippet. `editor_dir` is the scenario's editor folder.
    pub fn action(&self, text: &str, editor_dir: Option<&str>) -> Option<(&'static str, Value)> {
        let mut args = Map::new();
        let kind = match &self.kind {
            Kind::Plain => return None,
            Kind::Copy => {
                args.insert("text".into(), json!(text));
                "workshop:copy"
            }
            Kind::Open => {
                args.insert("file".into(), json!(editor_path(text, editor_dir)));
                "editor:open-file"
            }
            Kind::Execute {
                terminal,
                interrupt,
                no_newline,
                ctrl_seq,
                ..
            } => {
                let control = ctrl_seq.then(|| control_character(text)).flatten();
                let kind = if let Some((character, label)) = control {
                    args.insert("text".into(), json!(character.to_string()));
                    args.insert("endl".into(), json!(false));
                    args.insert("description".into(), json!(label));
                    "terminal:input"
                } else if *no_newline || *ctrl_seq {
                    args.insert("text".into(), json!(text));
                    args.insert("endl".into(), json!(false));
                    "terminal:input"
                } else {
                    args.insert("command".into(), json!(text));
                    if *interrupt {
                        args.insert("interrupt".into(), json!(true));
                    }
                    "terminal:execute"
                };
                if let Some(name) = terminal.as_deref().filter(|name| *name != "1") {
                    args.insert("session".into(), json!(name));
                }
                kind
            }
        };
        Some((kind, Value::Object(args)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(inner: &str) -> Kind {
        parse(inner).expect("a marker").kind
    }

    #[test]
    fn every_form_of_the_table() {
        assert_eq!(kind(""), Kind::Plain);
        assert_eq!(kind("copy"), Kind::Copy);
        assert_eq!(kind("open"), Kind::Open);
        let exec = |terminal: Option<&str>, interrupt, no_newline, ctrl_seq, other_host| Kind::Execute {
            terminal: terminal.map(str::to_string),
            interrupt,
            no_newline,
            ctrl_seq,
            other_host,
        };
        assert_eq!(kind("exec"), exec(None, false, false, false, false));
        assert_eq!(kind("execute"), exec(None, false, false, false, false));
        assert_eq!(kind("exec interrupt"), exec(None, true, false, false, false));
        assert_eq!(kind("execute T2"), exec(Some("2"), false, false, false, false));
        assert_eq!(kind("execute HOST1"), exec(Some("1"), false, false, false, false));
        assert_eq!(kind("execute HOST2"), exec(Some("2"), false, false, false, true));
        assert_eq!(
            kind("execute interrupt T2"),
            exec(Some("2"), true, false, false, false)
        );
        assert_eq!(kind("execute no-newline"), exec(None, false, true, false, false));
        assert_eq!(kind("execute ctrl-seq"), exec(None, false, false, true, false));
        for clean in ["", "exec", "execute T1", "execute interrupt T2", "copy", "open"] {
            assert!(parse(clean).is_some_and(|m| m.warnings.is_empty()), "{clean}");
        }
    }

    #[test]
    fn odd_spellings_work_with_a_warning() {
        for (odd, canonical) in [
            (
                " exec ",
                Kind::Execute {
                    terminal: None,
                    interrupt: false,
                    no_newline: false,
                    ctrl_seq: false,
                    other_host: false,
                },
            ),
            (
                "Execute T3",
                Kind::Execute {
                    terminal: Some("3".into()),
                    interrupt: false,
                    no_newline: false,
                    ctrl_seq: false,
                    other_host: false,
                },
            ),
            (
                "execute HOST2 ",
                Kind::Execute {
                    terminal: Some("2".into()),
                    interrupt: false,
                    no_newline: false,
                    ctrl_seq: false,
                    other_host: true,
                },
            ),
            (
                "execute interupt T2",
                Kind::Execute {
                    terminal: Some("2".into()),
                    interrupt: true,
                    no_newline: false,
                    ctrl_seq: false,
                    other_host: false,
                },
            ),
            (" ", Kind::Plain),
        ] {
            let marker = parse(odd).expect("accepted");
            assert_eq!(marker.kind, canonical, "{odd:?}");
            assert_eq!(marker.warnings.len(), 1, "{odd:?}: {:?}", marker.warnings);
        }
        let unknown = parse("execute test-uname").expect("still an execute");
        assert!(unknown.warnings[0].contains("test-uname"));
    }

    #[test]
    fn other_braces_are_no_markers() {
        for text in ["TRAFFIC_HOST1_80", ".metadata.name", "run", "x}"] {
            assert!(parse(text).is_none(), "{text}");
        }
    }

    #[test]
    fn actions_of_markers() {
        let action = |inner: &str, text: &str| parse(inner).and_then(|m| m.action(text, None));
        assert_eq!(
            action("exec", "ls"),
            Some(("terminal:execute", json!({"command": "ls"})))
        );
        assert_eq!(
            action("execute interrupt T2", "ls"),
            Some((
                "terminal:execute",
                json!({"command": "ls", "interrupt": true, "session": "2"})
            ))
        );
        assert_eq!(
            action("execute ctrl-seq", "^D"),
            Some((
                "terminal:input",
                json!({"text": "\u{4}", "endl": false, "description": "^D"})
            ))
        );
        assert_eq!(
            action("execute no-newline T3", "y"),
            Some((
                "terminal:input",
                json!({"text": "y", "endl": false, "session": "3"})
            ))
        );
        assert_eq!(action("copy", "x"), Some(("workshop:copy", json!({"text": "x"}))));
        assert_eq!(action("", "x"), None);
        assert_eq!(
            parse("open").and_then(|m| m.action("envoy.yaml", Some("/root/envoy"))),
            Some(("editor:open-file", json!({"file": "envoy/envoy.yaml"})))
        );
    }

    #[test]
    fn editor_paths() {
        assert_eq!(editor_path("~/app/x.js", None), "app/x.js");
        assert_eq!(editor_path("/root/x", Some("/opt")), "x");
        assert_eq!(editor_path("x", Some("/root/")), "x");
        assert_eq!(editor_path("/etc/hosts", Some("/root")), "/etc/hosts");
        assert_eq!(editor_path("x", Some("/srv/app")), "/srv/app/x");
    }
}
