//! The YAML operations on the first document of a file, edited losslessly with `yaml-edit` (comments, key
//! order, quoting and indentation of everything not changed stay as they were). New values are written in
//! block style with the keys in the author's order; see docs/editor.md for where the output differs from
//! the original's `yaml` library.

use std::str::FromStr;

use serde_json::Value;
use yaml_edit::{Document, YamlFile, YamlNode};

use super::EditorError;
use super::lines::{self, Edit};
use super::text::{Doc, Span};
use super::yaml_path::{self, Segment, Step};

/// A parsed file and its first document's root node (`None`: the file holds no document yet).
struct Loaded {
    file: YamlFile,
    root: Option<YamlNode>,
}

fn root_of(document: &Document) -> Option<YamlNode> {
    if let Some(map) = document.as_mapping() {
        return Some(YamlNode::Mapping(map));
    }
    if let Some(seq) = document.as_sequence() {
        return Some(YamlNode::Sequence(seq));
    }
    document.as_scalar().map(YamlNode::Scalar)
}

fn load(text: &str, name: &str) -> Result<Loaded, EditorError> {
    let file = YamlFile::from_str(text).map_err(|error| match error {
        yaml_edit::YamlError::Parse {
            message,
            line: Some(line),
            ..
        } => EditorError::NotEditable(format!("{name} is not valid YAML (line {line}): {message}")),
        other => EditorError::NotEditable(format!("{name} is not valid YAML: {other}")),
    })?;
    let root = file.documents().next().as_ref().and_then(root_of);
    Ok(Loaded { file, root })
}

/// A JSON value as a YAML node (block style, keys in order).
fn node_of(value: &Value) -> Result<YamlNode, EditorError> {
    let text = dump(value)?;
    let parsed = YamlFile::from_str(&text)
        .map_err(|error| EditorError::BadRequest(format!("the value cannot be written as YAML: {error}")))?;
    parsed
        .documents()
        .next()
        .as_ref()
        .and_then(root_of)
        .ok_or_else(|| EditorError::BadRequest("the value is empty".into()))
}

/// A value as YAML text (strings as they would be written in YAML, quoted when needed).
pub fn dump(value: &Value) -> Result<String, EditorError> {
    serde_saphyr::to_string(value)
        .map_err(|error| EditorError::BadRequest(format!("the value cannot be written as YAML: {error}")))
}

fn segments(path: &str) -> Result<Vec<Segment>, EditorError> {
    let segments = yaml_path::parse(path)?;
    if segments.is_empty() {
        return Err(EditorError::BadYamlPath {
            path: path.to_string(),
            reason: "the path is empty".into(),
        });
    }
    Ok(segments)
}

/// The parsed file and the node at `path` (which must exist).
fn node_at(text: &str, path: &str, name: &str) -> Result<(Loaded, YamlNode), EditorError> {
    let segments = segments(path)?;
    let loaded = load(text, name)?;
    let node = yaml_path::walk(&need_root(&loaded, name)?, &segments, path, name)?;
    Ok((loaded, node))
}

fn need_root(loaded: &Loaded, name: &str) -> Result<YamlNode, EditorError> {
    loaded
        .root
        .clone()
        .ok_or_else(|| EditorError::NoMatch(format!("{name} holds no YAML document")))
}

/// Sets `segment` of `parent` (a mapping key, or an existing sequence item; one past the end appends).
fn set_child(parent: &YamlNode, segment: &Segment, value: &YamlNode, path: &str) -> Result<(), EditorError> {
    let bad = |reason: String| EditorError::BadYamlPath {
        path: path.to_string(),
        reason,
    };
    match segment {
        Segment::Key(key) => {
            let map = parent
                .as_mapping()
                .ok_or_else(|| bad(format!("{key:?} is set in something that is not a mapping")))?;
            map.set(key.as_str(), value);
        }
        Segment::Index(index) => {
            let seq = parent
                .as_sequence()
                .ok_or_else(|| bad(format!("[{index}] is set in something that is not a sequence")))?;
            match usize::try_from(*index) {
                Ok(i) if i < seq.len() => {
                    seq.set(i, value);
                }
                Ok(i) if i == seq.len() => seq.push(value),
                _ => {
                    return Err(bad(format!(
                        "the sequence has no item [{index}] ({} items)",
                        seq.len()
                    )));
                }
            }
        }
        Segment::Attribute { key, value: wanted } => {
            let seq = parent
                .as_sequence()
                .ok_or_else(|| bad(format!("[{key}={wanted}] needs a sequence")))?;
            let i = yaml_path::attribute_index(seq, key, wanted)
                .ok_or_else(|| bad(format!("no item has {key}: {wanted}")))?;
            seq.set(i, value);
        }
    }
    Ok(())
}

/// `set-yaml-value`: sets the value at `path`, creating missing mapping keys on the way.
pub fn set_value(text: &str, path: &str, value: &Value, name: &str) -> Result<String, EditorError> {
    let segments = segments(path)?;
    let loaded = load(text, name)?;
    let Some(root) = loaded.root.clone() else {
        // An empty file: the path becomes nested mappings.
        return dump(&nested(&segments, 0, value.clone(), path)?);
    };
    let mut node = root;
    let mut depth = 0;
    while depth + 1 < segments.len() {
        match yaml_path::child(&node, &segments[depth], path)? {
            Step::Found(found) => {
                node = found;
                depth += 1;
            }
            Step::Missing(_) => break,
        }
    }
    if depth + 1 == segments.len() {
        set_child(&node, &segments[depth], &node_of(value)?, path)?;
    } else {
        let wrapped = nested(&segments, depth + 1, value.clone(), path)?;
        set_child(&node, &segments[depth], &node_of(&wrapped)?, path)?;
    }
    Ok(loaded.file.to_string())
}

/// `value` wrapped in mappings for the keys `segments[from..]` (only keys can be created).
fn nested(segments: &[Segment], from: usize, value: Value, path: &str) -> Result<Value, EditorError> {
    let mut value = value;
    for segment in segments[from..].iter().rev() {
        let Segment::Key(key) = segment else {
            return Err(EditorError::BadYamlPath {
                path: path.to_string(),
                reason: format!(
                    "{} cannot be created: only mapping keys are made on the way",
                    yaml_path::shown(segment)
                ),
            });
        };
        let mut map = serde_json::Map::new();
        map.insert(key.clone(), value);
        value = Value::Object(map);
    }
    Ok(value)
}

/// `add-yaml-item` (`index` None) or `insert-yaml-item`: into the sequence at `path`.
pub fn add_item(
    text: &str,
    path: &str,
    index: Option<i32>,
    value: &Value,
    name: &str,
) -> Result<String, EditorError> {
    let (loaded, node) = node_at(text, path, name)?;
    let seq = node.as_sequence().ok_or_else(|| EditorError::BadYamlPath {
        path: path.to_string(),
        reason: format!("it is not a sequence in {name}"),
    })?;
    let item = node_of(value)?;
    match index {
        None => seq.push(&item),
        Some(index) => {
            let len = seq.len() as i64;
            let mut at = i64::from(index);
            if at < 0 {
                at = (len + at).max(0);
            }
            if at >= len {
                seq.push(&item);
            } else {
                seq.insert(at as usize, &item);
            }
        }
    }
    Ok(loaded.file.to_string())
}

/// `path`'s last segment is not there.
fn missing_last(path: &str, name: &str, segments: &[Segment], reason: &str) -> EditorError {
    yaml_path::missing(path, name, segments, segments.len() - 1, reason)
}

/// The loaded file, `path`'s segments (never empty) and the node its last segment is looked up in.
fn at_parent(text: &str, path: &str, name: &str) -> Result<(Loaded, Vec<Segment>, YamlNode), EditorError> {
    let segments = segments(path)?;
    let loaded = load(text, name)?;
    let root = need_root(&loaded, name)?;
    let (_, parent_path) = segments
        .split_last()
        .ok_or_else(|| EditorError::BadRequest("empty path".into()))?;
    let parent = yaml_path::walk(&root, parent_path, path, name)?;
    Ok((loaded, segments, parent))
}

/// `replace-yaml-item`: the existing key or item at `path` gets `value`.
pub fn replace_item(text: &str, path: &str, value: &Value, name: &str) -> Result<String, EditorError> {
    let (loaded, segments, parent) = at_parent(text, path, name)?;
    let last = &segments[segments.len() - 1]; // at_parent refuses an empty path
    if let Step::Missing(reason) = yaml_path::child(&parent, last, path)? {
        return Err(missing_last(path, name, &segments, &reason));
    }
    set_child(&parent, last, &node_of(value)?, path)?;
    Ok(loaded.file.to_string())
}

/// `delete-yaml-value`: removes the key or item at `path`.
pub fn delete_value(text: &str, path: &str, name: &str) -> Result<String, EditorError> {
    let (loaded, segments, parent) = at_parent(text, path, name)?;
    let last = &segments[segments.len() - 1]; // at_parent refuses an empty path
    let not_found = |reason: &str| missing_last(path, name, &segments, reason);
    match last {
        Segment::Key(key) => {
            let map = parent
                .as_mapping()
                .ok_or_else(|| not_found("its parent is not a mapping"))?;
            map.remove(key.as_str())
                .ok_or_else(|| not_found(&format!("there is no key {key:?}")))?;
        }
        Segment::Index(_) | Segment::Attribute { .. } => {
            let seq = parent
                .as_sequence()
                .ok_or_else(|| not_found("its parent is not a sequence"))?;
            let index = match last {
                Segment::Index(i) => usize::try_from(*i).ok().filter(|&i| i < seq.len()),
                Segment::Attribute { key, value } => yaml_path::attribute_index(seq, key, value),
                Segment::Key(_) => None,
            };
            let index = index.ok_or_else(|| not_found(&format!("no item {}", yaml_path::shown(last))))?;
            seq.remove(index);
        }
    }
    Ok(loaded.file.to_string())
}

/// `merge-yaml-values`: each key of the mapping `value` is set in the mapping at `path`.
pub fn merge_values(text: &str, path: &str, value: &Value, name: &str) -> Result<String, EditorError> {
    let Value::Object(entries) = value else {
        return Err(EditorError::BadRequest(
            "merge-yaml-values needs a mapping as its `value`".into(),
        ));
    };
    let (loaded, node) = node_at(text, path, name)?;
    let map = node.as_mapping().ok_or_else(|| EditorError::BadYamlPath {
        path: path.to_string(),
        reason: format!("it is not a mapping in {name}"),
    })?;
    for (key, item) in entries {
        map.set(key.as_str(), &node_of(item)?);
    }
    Ok(loaded.file.to_string())
}

/// `select-yaml-path`: the span of the node at `path` (a mapping entry: its key and value; empty path: the
/// whole document), trailing newlines left out.
pub fn select_path(text: &str, path: &str, name: &str) -> Result<Span, EditorError> {
    let segments = yaml_path::parse(path)?;
    let loaded = load(text, name)?;
    let root = need_root(&loaded, name)?;
    let range = match segments.split_last() {
        None => yaml_path::node_range(&root),
        Some((last, parent_path)) => {
            let parent = yaml_path::walk(&root, parent_path, path, name)?;
            let node = match yaml_path::child(&parent, last, path)? {
                Step::Found(node) => node,
                Step::Missing(reason) => {
                    return Err(missing_last(path, name, &segments, &reason));
                }
            };
            match (last, parent.as_mapping()) {
                (Segment::Key(key), Some(map)) => yaml_path::entry_range(map, key),
                _ => yaml_path::node_range(&node),
            }
        }
    };
    let range =
        range.ok_or_else(|| EditorError::NoMatch(format!("YAML path {path:?} has no text in {name}")))?;
    let start = usize::from(range.start()).min(text.len());
    let mut end = usize::from(range.end()).min(text.len());
    while end > start && text[..end].ends_with(['\n', '\r', ' ', '\t']) {
        end -= 1;
    }
    Ok(start..end)
}

/// `paste` (deprecated `insert-value-into-yaml`): the YAML text of `value`, indented like the last entry
/// of the mapping (or like the sequence) at `path`, inserted after it.
pub fn paste(text: &str, path: &str, value: &Value, name: &str) -> Result<Edit, EditorError> {
    let segments = yaml_path::parse(path)?;
    let loaded = load(text, name)?;
    let node = yaml_path::walk(&need_root(&loaded, name)?, &segments, path, name)?;
    let range = match &node {
        YamlNode::Mapping(map) => map
            .keys()
            .last()
            .and_then(|key| key.as_scalar().map(yaml_edit::Scalar::as_string))
            .and_then(|key| yaml_path::entry_range(map, &key)),
        YamlNode::Sequence(_) => yaml_path::node_range(&node),
        _ => None,
    };
    let range = range.ok_or_else(|| EditorError::BadYamlPath {
        path: path.to_string(),
        reason: format!("it is not a mapping or sequence with items in {name}"),
    })?;
    let doc = Doc::new(text.to_string());
    let start = usize::from(range.start());
    let mut end = usize::from(range.end()).min(text.len());
    while end > start && text[..end].ends_with(char::is_whitespace) {
        end -= 1;
    }
    let indent = " ".repeat(doc.position(start).character as usize);
    let body = dump(value)?;
    let body = if indent.is_empty() {
        body
    } else {
        format!("{indent}{}\n", body.trim().replace('\n', &format!("\n{indent}")))
    };
    Ok(lines::insert_at_line(&doc, doc.line_of(end) + 1, &body))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;

    const DEPLOY: &str = "apiVersion: apps/v1\nmetadata:\n  name: myapp\n  # Environment labels\n  labels:\n    app: myapp\nspec:\n  replicas: 1 # keep\n  containers:\n  - name: nginx\n    image: nginx:latest\n";

    #[test]
    fn set_keeps_comments_and_creates_keys() {
        let out = set_value(DEPLOY, "spec.replicas", &json!(3), "f").unwrap();
        assert!(out.contains("replicas: 3"), "{out}");
        assert!(
            out.contains("# Environment labels") && out.contains("# keep"),
            "{out}"
        );
        let out = set_value(&out, "spec.selector.matchLabels.app", &json!("myapp"), "f").unwrap();
        assert!(
            out.contains("selector:\n    matchLabels:\n      app: myapp"),
            "{out}"
        );
        assert_eq!(set_value("", "a.b", &json!(1), "f").unwrap(), "a:\n  b: 1\n");
        let out = set_value(
            DEPLOY,
            "spec.containers[name=nginx].image",
            &json!("nginx:1.25"),
            "f",
        )
        .unwrap();
        assert!(out.contains("image: nginx:1.25"), "{out}");
    }

    #[test]
    fn items_deletes_merges() {
        let out = add_item(
            DEPLOY,
            "spec.containers",
            None,
            &json!({"name": "side", "image": "busybox"}),
            "f",
        )
        .unwrap();
        assert!(out.ends_with("- name: side\n    image: busybox\n"), "{out}");
        let out = add_item(&out, "spec.containers", Some(0), &json!({"name": "init"}), "f").unwrap();
        assert!(
            out.contains("containers:\n  - name: init\n  - name: nginx"),
            "{out}"
        );
        let out = delete_value(&out, "spec.containers[name=side]", "f").unwrap();
        assert!(!out.contains("side"), "{out}");
        let out = replace_item(&out, "spec.containers[0]", &json!({"name": "i2"}), "f").unwrap();
        assert!(out.contains("- name: i2"), "{out}");
        let out = merge_values(&out, "metadata.labels", &json!({"app": "x", "tier": "web"}), "f").unwrap();
        assert!(out.contains("app: x\n    tier: web"), "{out}");
        assert!(matches!(
            delete_value(DEPLOY, "spec.nope", "f"),
            Err(EditorError::NoMatch(_))
        ));
        assert!(matches!(
            add_item(DEPLOY, "metadata", None, &json!(1), "f"),
            Err(EditorError::BadYamlPath { .. })
        ));
        assert!(matches!(
            set_value("a: [", "a", &json!(1), "f"),
            Err(EditorError::NotEditable(_))
        ));
    }

    #[test]
    fn selecting_paths() {
        let span = select_path(DEPLOY, "spec.replicas", "f").unwrap();
        assert_eq!(&DEPLOY[span], "replicas: 1 # keep");
        let span = select_path(DEPLOY, "spec.containers[0]", "f").unwrap();
        assert!(DEPLOY[span].starts_with("name: nginx"));
        let span = select_path(DEPLOY, "metadata[\"labels\"].app", "f").unwrap();
        assert_eq!(&DEPLOY[span], "app: myapp");
        assert!(select_path(DEPLOY, "", "f").is_ok());
    }

    #[test]
    fn paste_after_a_sequence() {
        let edit = paste(
            DEPLOY,
            "spec.containers",
            &json!([{"name": "x", "image": "y"}]),
            "f",
        )
        .unwrap();
        assert!(
            edit.text
                .ends_with("    image: nginx:latest\n  - name: x\n    image: \"y\"\n"),
            "{}",
            edit.text
        );
    }
}
