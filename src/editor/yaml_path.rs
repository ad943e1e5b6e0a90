//! YAML paths as the original writes them (`HX/src/yaml-operations.ts`): dot-separated keys, `[n]` an index,
//! `[key=value]` the first mapping item of a sequence whose `key` is `value`, `["k.with.dots"]` or
//! `['k']` a quoted key; and walking them through a lossless `yaml-edit` tree.

use rowan::TextRange;
use rowan::ast::AstNode;
use yaml_edit::{Mapping, Sequence, YamlNode};

use super::EditorError;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A sequence index (0-based).
    Index(i64),
    /// The first mapping item of a sequence whose `key` is `value`.
    Attribute {
        /// Key to look at.
        key: String,
        /// Value it must have (compared as text).
        value: String,
    },
}

/// Parses `path` (empty: no segments, the whole document).
pub fn parse(path: &str) -> Result<Vec<Segment>, EditorError> {
    let bad = |reason: String| EditorError::BadYamlPath {
        path: path.to_string(),
        reason,
    };
    let mut segments = Vec::new();
    let mut rest = path.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            rest = after;
            continue;
        }
        if let Some(inner_and_rest) = rest.strip_prefix('[') {
            let close = inner_and_rest
                .find(']')
                .ok_or_else(|| bad("a `[` is not closed".into()))?;
            let inner = &inner_and_rest[..close];
            rest = &inner_and_rest[close + 1..];
            let quoted = |q: char| inner.len() >= 2 && inner.starts_with(q) && inner.ends_with(q);
            if let Some((key, value)) = inner.split_once('=') {
                segments.push(Segment::Attribute {
                    key: key.to_string(),
                    value: value.to_string(),
                });
            } else if let Ok(index) = inner.trim().parse::<i64>() {
                segments.push(Segment::Index(index));
            } else if quoted('"') || quoted('\'') {
                segments.push(Segment::Key(inner[1..inner.len() - 1].to_string()));
            } else {
                return Err(bad(format!(
                    "[{inner}] is not an index, a [key=value] match or a quoted key like [\"index.html\"]"
                )));
            }
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            segments.push(Segment::Key(rest[..end].to_string()));
            rest = &rest[end..];
        }
    }
    Ok(segments)
}

/// How a segment is shown in messages.
pub fn shown(segment: &Segment) -> String {
    match segment {
        Segment::Key(key) => key.clone(),
        Segment::Index(index) => format!("[{index}]"),
        Segment::Attribute { key, value } => format!("[{key}={value}]"),
    }
}

/// What a path step found: the child, or nothing (with the reason).
pub enum Step {
    /// The child node.
    Found(YamlNode),
    /// The parent has no such key or item.
    Missing(String),
}

/// The child of `node` at `segment`. A wrong kind of parent (a key asked of a sequence) is an error.
pub fn child(node: &YamlNode, segment: &Segment, path: &str) -> Result<Step, EditorError> {
    let bad = |reason: String| EditorError::BadYamlPath {
        path: path.to_string(),
        reason,
    };
    match segment {
        Segment::Key(key) => {
            let map = node
                .as_mapping()
                .ok_or_else(|| bad(format!("{key:?} is looked up in something that is not a mapping")))?;
            Ok(match map.get(key.as_str()) {
                Some(found) => Step::Found(found),
                None => Step::Missing(format!("there is no key {key:?}")),
            })
        }
        Segment::Index(index) => {
            let seq = node.as_sequence().ok_or_else(|| {
                bad(format!(
                    "[{index}] is looked up in something that is not a sequence"
                ))
            })?;
            Ok(match usize::try_from(*index).ok().and_then(|i| seq.get(i)) {
                Some(found) => Step::Found(found),
                None => Step::Missing(format!(
                    "the sequence has no item [{index}] ({} items)",
                    seq.len()
                )),
            })
        }
        Segment::Attribute { key, value } => {
            let seq = node
                .as_sequence()
                .ok_or_else(|| bad(format!("[{key}={value}] needs a sequence")))?;
            Ok(match attribute_index(seq, key, value) {
                Some(i) => seq
                    .get(i)
                    .map_or_else(|| Step::Missing("vanished".into()), Step::Found),
                None => Step::Missing(format!("no item has {key}: {value}")),
            })
        }
    }
}

/// Index of the first mapping item of `seq` whose `key` is `value` (compared as text).
pub fn attribute_index(seq: &Sequence, key: &str, value: &str) -> Option<usize> {
    (0..seq.len()).find(|&i| {
        seq.get(i)
            .and_then(|item| item.as_mapping().and_then(|map| map.get(key)))
            .and_then(|found| found.as_scalar().map(yaml_edit::Scalar::as_string))
            .is_some_and(|text| text == value)
    })
}

/// Walks every segment from `root`; a missing step is a [`EditorError::NoMatch`] naming it.
pub fn walk(root: &YamlNode, segments: &[Segment], path: &str, file: &str) -> Result<YamlNode, EditorError> {
    let mut node = root.clone();
    for (i, segment) in segments.iter().enumerate() {
        node = match child(&node, segment, path)? {
            Step::Found(found) => found,
            Step::Missing(reason) => return Err(missing(path, file, segments, i, &reason)),
        };
    }
    Ok(node)
}

/// "`a.b` does not exist in f: there is no key "b"".
pub fn missing(path: &str, file: &str, segments: &[Segment], at: usize, reason: &str) -> EditorError {
    let prefix: Vec<String> = segments[..=at].iter().map(shown).collect();
    let prefix = prefix.join(".").replace(".[", "[");
    if prefix == path {
        EditorError::NoMatch(format!("YAML path {path:?} does not exist in {file}: {reason}"))
    } else {
        EditorError::NoMatch(format!(
            "YAML path {path:?} does not exist in {file}: at {prefix:?} {reason}"
        ))
    }
}

/// The text range a node covers.
pub fn node_range(node: &YamlNode) -> Option<TextRange> {
    Some(match node {
        YamlNode::Scalar(n) => n.syntax().text_range(),
        YamlNode::Mapping(n) => n.syntax().text_range(),
        YamlNode::Sequence(n) => n.syntax().text_range(),
        YamlNode::Alias(n) => n.syntax().text_range(),
        YamlNode::TaggedNode(n) => n.syntax().text_range(),
    })
}

/// The text range of the key-and-value entry `key` of `map`.
pub fn entry_range(map: &Mapping, key: &str) -> Option<TextRange> {
    map.find_entry_by_key(key)
        .map(|entry| entry.syntax().text_range())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse() {
        use Segment::*;
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(
            parse("spec.containers[0].name").unwrap(),
            vec![
                Key("spec".into()),
                Key("containers".into()),
                Index(0),
                Key("name".into())
            ]
        );
        assert_eq!(
            parse("a[name=x][\"k.dots\"]['q']").unwrap(),
            vec![
                Key("a".into()),
                Attribute {
                    key: "name".into(),
                    value: "x".into()
                },
                Key("k.dots".into()),
                Key("q".into())
            ]
        );
        assert!(parse("a[unclosed").is_err());
        assert!(parse("a[bare]").is_err());
    }
}
