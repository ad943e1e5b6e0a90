//! "Did you mean": the closest known action type or field to a misspelt one (edit distance), for `check`.

use super::catalogue::{ActionSpec, BodyKind, CATALOGUE};

/// Levenshtein distance of two short words (characters).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

/// The candidate closest to `word`, when it is close enough to be a typo (at most a third of its
/// length, at most 3 edits; case differences count as close).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|candidate| {
            let d = if candidate.eq_ignore_ascii_case(word) {
                0
            } else {
                distance(word, candidate)
            };
            (d, candidate)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, candidate)| candidate)
}

/// A warning about one key of an action body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldWarning {
    /// The key as written.
    pub key: String,
    /// The message, naming the action and the key.
    pub message: String,
}

/// Warnings for the keys of `args` that `spec` does not know (its catalogue entry lists its fields):
/// the closest field of that action when the key looks misspelt, else which actions it belongs to.
pub fn unknown_fields(spec: &ActionSpec, args: &serde_json::Value) -> Vec<FieldWarning> {
    let Some(map) = args.as_object() else {
        return Vec::new();
    };
    let action = spec.name;
    map.keys()
        .filter(|key| !spec.knows(key))
        .map(|key| {
            let message = match closest(key, spec.all_fields()) {
                Some(known) => format!("`{action}`: unknown field `{key}`: did you mean `{known}`?"),
                None => {
                    let owners: Vec<&str> = CATALOGUE
                        .iter()
                        .filter(|other| other.body == BodyKind::Yaml && other.knows(key))
                        .map(|other| other.name)
                        .take(3)
                        .collect();
                    match owners.as_slice() {
                        [] => format!("`{action}`: unknown field `{key}` (ignored)"),
                        some => format!(
                            "`{action}` has no field `{key}` (ignored; it is a field of `{}`{})",
                            some.join("`, `"),
                            if some.len() == 3 { ", …" } else { "" }
                        ),
                    }
                }
            };
            FieldWarning {
                key: key.clone(),
                message,
            }
        })
        .collect()
}

/// The 1-based line offset inside an action body (1 = the first body line) of its top-level `key:`,
/// 1 when not found (a flow mapping, an odd quote).
pub fn key_line(body: &str, key: &str) -> u32 {
    body.lines()
        .position(|line| {
            let line = line.trim_end();
            [format!("{key}:"), format!("\"{key}\":"), format!("'{key}':")]
                .iter()
                .any(|prefix| line.starts_with(prefix.as_str()))
        })
        .map_or(1, |index| index as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::super::catalogue::lookup;
    use super::*;

    #[test]
    fn close_words_are_suggested() {
        assert_eq!(distance("exekute", "execute"), 1);
        assert_eq!(
            closest("terminal:exekute", ["terminal:execute", "terminal:clear"]),
            Some("terminal:execute")
        );
        let execute = lookup("terminal:execute").expect("known");
        assert_eq!(closest("comand", execute.all_fields()), Some("command"));
        assert_eq!(closest("zzzzzz", execute.all_fields()), None);
    }

    #[test]
    fn unknown_fields_name_the_field() {
        let execute = lookup("terminal:execute").expect("known");
        let messages = |args| {
            unknown_fields(execute, &args)
                .into_iter()
                .map(|warning| warning.message)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            messages(serde_json::json!({"comand": "ls", "session": 1})),
            ["`terminal:execute`: unknown field `comand`: did you mean `command`?"]
        );
        // Killercoda's `{{exec interrupt}}`: a field of terminal:execute (Ctrl-C first), not of input.
        assert!(messages(serde_json::json!({"command": "ls", "interrupt": true})).is_empty());
        let input = lookup("terminal:input").expect("known");
        assert_eq!(
            unknown_fields(input, &serde_json::json!({"text": "y", "interrupt": true}))[0].message,
            "`terminal:input` has no field `interrupt` (ignored; it is a field of `terminal:execute`, `terminal:execute-all`)"
        );
        // A field of another action is named as such, not as a typo.
        assert!(
            messages(serde_json::json!({"command": "ls", "retries": 3}))[0]
                .contains("it is a field of `examiner:execute-test`")
        );
    }

    #[test]
    fn key_lines_point_at_the_key() {
        assert_eq!(key_line("command: ls\ncomand: x\n", "comand"), 2);
        assert_eq!(key_line("{comand: x}", "comand"), 1);
        assert_eq!(key_line("a:\n  comand: 1\n\"comand\": 2\n", "comand"), 3);
    }
}
