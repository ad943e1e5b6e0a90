//! Hugo front matter: YAML between `---` lines or TOML between `+++` lines; the fields lectern uses
//! (title, linkTitle, weight, draft, headless, build options, lectern's `lectern:` page options) and where
//! the body starts.

use serde_json::Value;

/// Front-matter fields lectern uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// `title`.
    pub title: Option<String>,
    /// `linkTitle` (navigation title).
    pub link_title: Option<String>,
    /// `weight` (0 = unweighted, as Hugo).
    pub weight: i64,
    /// `draft: true`.
    pub draft: bool,
    /// `headless: true` (bundle without a page of its own).
    pub headless: bool,
    /// `build.render: never`/`false` or `build.list: never`/`false`.
    pub not_rendered: bool,
    /// The whole front matter (Hugo's `.Page.Params` for shortcode templates).
    pub params: Value,
    /// `lectern.require_checks` and `lectern.foreground` (the path as written).
    pub options: PageOptions,
}

/// Splits `text` into front matter and body. Returns the fields, the body, the body's first line
/// (1-based) and an error message when the front matter does not parse.
pub fn split(text: &str) -> (FrontMatter, &str, u32, Option<(u32, String)>) {
    let text_nobom = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (fence, toml) in [("---", false), ("+++", true)] {
        let Some(after) = text_nobom.strip_prefix(fence) else {
            continue;
        };
        let Some(after) = after.strip_prefix('\n').or_else(|| after.strip_prefix("\r\n")) else {
            continue;
        };
        // Find the closing fence on a line of its own.
        let mut offset = 0;
        let mut close = None;
        for line in after.split_inclusive('\n') {
            if line.trim_end() == fence {
                close = Some((offset, offset + line.len()));
                break;
            }
            offset += line.len();
        }
        let Some((head_end, body_start)) = close else {
            return (
                FrontMatter::default(),
                text_nobom,
                1,
                Some((1, format!("front matter opened with `{fence}` is never closed"))),
            );
        };
        let head = &after[..head_end];
        let body = &after[body_start..];
        let first_line = 2 + after[..body_start].bytes().filter(|b| *b == b'\n').count() as u32;
        let (value, error) = if toml {
            (parse_toml(head), None)
        } else {
            parse_yaml(head)
        };
        let matter = from_value(&value);
        return (matter, body, first_line, error.map(|e| (2, e)));
    }
    (FrontMatter::default(), text_nobom, 1, None)
}

fn parse_yaml(head: &str) -> (Value, Option<String>) {
    match super::action::parse_yaml(head) {
        Ok(value) => (value, None),
        Err(error) => (Value::Null, Some(format!("front matter: {}", error.message))),
    }
}

/// A minimal TOML reader: `key = value` lines and `[table]` headers, scalar values only.
fn parse_toml(head: &str) -> Value {
    let mut root = serde_json::Map::new();
    let mut table: Option<String> = None;
    for line in head.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            table = Some(line.trim_matches(['[', ']']).trim().to_string());
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"').to_string();
        let value = value.trim();
        let parsed = if let Some(s) = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        {
            Value::String(s.replace("\\\"", "\""))
        } else if let Ok(n) = value.parse::<i64>() {
            Value::from(n)
        } else if let Ok(b) = value.parse::<bool>() {
            Value::Bool(b)
        } else {
            Value::String(value.to_string())
        };
        match &table {
            Some(name) => {
                let entry = root
                    .entry(name.clone())
                    .or_insert_with(|| Value::Object(serde_json::Map::new()));
                if let Value::Object(map) = entry {
                    map.insert(key, parsed);
                }
            }
            None => {
                root.insert(key, parsed);
            }
        }
    }
    Value::Object(root)
}

fn from_value(value: &Value) -> FrontMatter {
    let text = |name: &str| match value.get(name) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let truthy = |v: Option<&Value>| match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    };
    let build = value.get("build").or_else(|| value.get("_build"));
    let never = |name: &str| {
        matches!(build.and_then(|b| b.get(name)), Some(Value::Bool(false)))
            || build
                .and_then(|b| b.get(name))
                .and_then(Value::as_str)
                .is_some_and(|s| s == "never" || s == "false")
    };
    FrontMatter {
        title: text("title"),
        link_title: text("linkTitle").or_else(|| text("linktitle")),
        weight: match value.get("weight") {
            Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
            Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
            _ => 0,
        },
        draft: truthy(value.get("draft")),
        headless: truthy(value.get("headless")),
        not_rendered: never("render") || never("list"),
        params: value.clone(),
        options: PageOptions {
            require_checks: truthy(value.get("lectern").and_then(|l| l.get("require_checks"))),
            foreground: match value.get("lectern").and_then(|l| l.get("foreground")) {
                Some(Value::String(path)) if !path.trim().is_empty() => Some(path.trim().into()),
                _ => None,
            },
        },
    }
}

/// What a page does besides showing its text: lectern's page options (front matter `lectern:`), also what a
/// Killercoda scenario's `verify` and `foreground` scripts become. docs/content.md "Page options".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageOptions {
    /// Next stays disabled until every `examiner:execute-test` on the page has passed.
    pub require_checks: bool,
    /// A script, relative to the workshop root, typed into terminal 1 the first time the page opens.
    pub foreground: Option<std::path::PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter() {
        let (fm, body, line, err) = split("---\ntitle: Hello\nweight: 3\n---\n\nbody\n");
        assert_eq!(fm.title.as_deref(), Some("Hello"));
        assert_eq!(fm.weight, 3);
        assert_eq!(body, "\nbody\n");
        assert_eq!(line, 5);
        assert!(err.is_none());
    }

    #[test]
    fn toml_front_matter() {
        let (fm, body, line, _) =
            split("+++\ntitle = \"T\"\ndraft = true\n[build]\nrender = \"never\"\n+++\nx");
        assert_eq!(fm.title.as_deref(), Some("T"));
        assert!(fm.draft);
        assert!(fm.not_rendered);
        assert_eq!(body, "x");
        assert_eq!(line, 7);
    }

    #[test]
    fn no_front_matter_and_broken_yaml() {
        let (fm, body, line, _) = split("# Title\n");
        assert_eq!(fm, FrontMatter::default());
        assert_eq!((body, line), ("# Title\n", 1));
        let (_, _, _, err) = split("---\ntitle: [unclosed\n---\n");
        assert!(err.is_some());
    }
}
