//! "Did you mean": the closest known action type or field to a misspelt one (edit distance), for `check`.

/// Fields an action body may have: the common ones (actions.md §3) and every action's own (§4).
pub const KNOWN_FIELDS: &[&str] = &[
    "prefix",
    "title",
    "description",
    "autostart",
    "hidden",
    "cascade",
    "pause",
    "cooldown",
    "event",
    "command",
    "session",
    "clear",
    "text",
    "endl",
    "name",
    "url",
    "file",
    "line",
    "match",
    "isRegex",
    "group",
    "before",
    "after",
    "start",
    "stop",
    "replacement",
    "path",
    "value",
    "src",
    "dest",
    "directory",
    "download",
    "preview",
    "open",
    "focus",
    "toggle",
    "count",
    "index",
    "args",
    "timeout",
    "retries",
    "delay",
    "inputs",
    "form",
    "yamlPath",
    "paste",
    "terminal",
    "reload",
];

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

/// Warnings for the fields of `args` that no action knows, with the closest known one.
pub fn unknown_fields(action: &str, args: &serde_json::Value) -> Vec<String> {
    let Some(map) = args.as_object() else {
        return Vec::new();
    };
    map.keys()
        .filter(|key| !KNOWN_FIELDS.contains(&key.as_str()))
        .map(|key| match closest(key, KNOWN_FIELDS.iter().copied()) {
            Some(known) => format!("`{action}`: unknown field `{key}`: did you mean `{known}`?"),
            None => format!("`{action}`: unknown field `{key}` (ignored)"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_words_are_suggested() {
        assert_eq!(distance("exekute", "execute"), 1);
        assert_eq!(
            closest("terminal:exekute", ["terminal:execute", "terminal:clear"]),
            Some("terminal:execute")
        );
        assert_eq!(closest("comand", KNOWN_FIELDS.iter().copied()), Some("command"));
        assert_eq!(closest("zzzzzz", KNOWN_FIELDS.iter().copied()), None);
    }

    #[test]
    fn unknown_fields_name_the_field() {
        let warnings = unknown_fields(
            "terminal:execute",
            &serde_json::json!({"comand": "ls", "session": 1}),
        );
        assert_eq!(
            warnings,
            ["`terminal:execute`: unknown field `comand`: did you mean `command`?"]
        );
    }
}
