//! Finding a workshop's pages: which folder is which (workshop root, `workshop/` folder, bare content
//! folder), classic `workshop.yaml`/`modules.yaml` navigation, Hugo page walking with front matter,
//! bundles, weights and pathways from `workshop/config.yaml`, and workshop data variables. (Over 500 lines:
//! both layouts share the page walk and the YAML helpers here.)

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::action::parse_yaml;
use super::frontmatter::{self, FrontMatter};
use super::{Diagnostic, Format, Variables, vars};

/// The source format of one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// Hugo Markdown (front matter, shortcodes).
    HugoMarkdown,
    /// Classic Markdown (Liquid, `%x%`).
    ClassicMarkdown,
    /// Classic AsciiDoc (Liquid, `%x%`).
    ClassicAsciidoc,
}

/// One page to render, in navigation order.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Page key.
    pub key: String,
    /// Absolute source path.
    pub path: PathBuf,
    /// Title (before any rendering-derived fallback).
    pub title: String,
    /// Classic `exit_sign`.
    pub exit_sign: Option<String>,
    /// How to render it.
    pub kind: PageKind,
    /// Source text.
    pub text: String,
}

/// What [`discover`] finds.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Workshop format.
    pub format: Format,
    /// The `workshop/` folder, if any.
    pub workshop_dir: Option<PathBuf>,
    /// The folder pages live in.
    pub content_dir: PathBuf,
    /// Hugo `static/` folders.
    pub static_dirs: Vec<PathBuf>,
    /// Title from `workshop.yaml` `name` or the pathway.
    pub title: Option<String>,
    /// Description from the pathway.
    pub description: Option<String>,
    /// Selected pathway.
    pub pathway: Option<String>,
    /// Data variables of the workshop.
    pub data_vars: Variables,
    /// Pages in order.
    pub entries: Vec<Entry>,
}

/// Title made from a file name: `01-first-steps` → `01 First Steps`.
pub fn titleize(name: &str) -> String {
    name.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn read_yaml(root: &Path, path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    match parse_yaml(&text) {
        Ok(value) => Some(value),
        Err(error) => {
            diagnostics.push(Diagnostic::error(
                &rel(root, path),
                error.body_line,
                error.message,
            ));
            None
        }
    }
}

fn string(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads `[{name, value, aliases}]` data variables into `out`.
fn data_vars(list: Option<&Value>, vars: &Variables, out: &mut Variables) {
    let Some(Value::Array(items)) = list else {
        return;
    };
    for item in items {
        let Some(name) = string(item.get("name")) else {
            continue;
        };
        let value = string(item.get("value")).unwrap_or_default();
        let aliases: Vec<String> = match item.get("aliases") {
            Some(Value::Array(a)) => a.iter().filter_map(|v| string(Some(v))).collect(),
            _ => Vec::new(),
        };
        out.insert(name.clone(), vars::data_variable(&name, &value, &aliases, vars));
    }
}

/// Finds the layout of the workshop at `dir` (a root, a `workshop/` folder or a content folder).
pub fn discover(dir: &Path, vars: &Variables) -> (Layout, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let workshop_dir = if dir.join("workshop").is_dir() {
        Some(dir.join("workshop"))
    } else if dir.join("content").is_dir()
        || ["workshop.yaml", "modules.yaml", "config.yaml"]
            .iter()
            .any(|f| dir.join(f).is_file())
    {
        Some(dir.to_path_buf())
    } else {
        None
    };
    let content_dir = workshop_dir
        .as_ref()
        .map(|w| w.join("content"))
        .unwrap_or_else(|| dir.to_path_buf());
    let classic = workshop_dir
        .as_ref()
        .is_some_and(|w| w.join("workshop.yaml").is_file() || w.join("modules.yaml").is_file());
    let mut layout = Layout {
        format: Format::Hugo,
        workshop_dir: workshop_dir.clone(),
        content_dir: content_dir.clone(),
        static_dirs: Vec::new(),
        title: None,
        description: None,
        pathway: None,
        data_vars: Variables::new(),
        entries: Vec::new(),
    };
    if !content_dir.is_dir() {
        diagnostics.push(Diagnostic::error(
            &rel(dir, &content_dir),
            0,
            "no content folder: expected workshop/content/ with the instruction pages",
        ));
        return (layout, diagnostics);
    }
    match (&workshop_dir, classic) {
        (Some(w), true) => classic_pages(dir, w, vars, &mut layout, &mut diagnostics),
        _ => {
            if let Some(w) = &workshop_dir {
                if w.join("static").is_dir() {
                    layout.static_dirs.push(w.join("static"));
                }
                hugo_config(dir, w, vars, &mut layout, &mut diagnostics);
            }
            hugo_pages(dir, &mut layout, &mut diagnostics);
        }
    }
    (layout, diagnostics)
}

fn classic_pages(
    root: &Path,
    wdir: &Path,
    vars: &Variables,
    layout: &mut Layout,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let workshop_yaml = read_yaml(root, &wdir.join("workshop.yaml"), diagnostics);
    let modules_path = wdir.join("modules.yaml");
    let modules_yaml = read_yaml(root, &modules_path, diagnostics);
    let modules = modules_yaml.as_ref().and_then(|m| m.get("modules"));
    layout.title = workshop_yaml.as_ref().and_then(|w| string(w.get("name")));
    // Data variables: modules.yaml config.vars, overridden by workshop.yaml vars, then the environment.
    let mut overrides = vars.clone();
    let workshop_vars = workshop_yaml.as_ref().and_then(|w| w.get("vars"));
    if let Some(Value::Object(map)) = workshop_vars {
        for (name, value) in map {
            if !vars.contains_key(name) {
                overrides.insert(name.clone(), string(Some(value)).unwrap_or_default());
            }
        }
    }
    data_vars(
        modules_yaml
            .as_ref()
            .and_then(|m| m.get("config"))
            .and_then(|c| c.get("vars")),
        &overrides,
        &mut layout.data_vars,
    );
    if let Some(Value::Object(map)) = workshop_vars {
        for name in map.keys() {
            if !layout.data_vars.contains_key(name) {
                let value = overrides.get(name).cloned().unwrap_or_default();
                layout
                    .data_vars
                    .insert(name.clone(), vars::data_variable(name, &value, &[], vars));
            }
        }
    }
    let activate: Vec<String> = match workshop_yaml
        .as_ref()
        .and_then(|w| w.get("modules"))
        .and_then(|m| m.get("activate"))
    {
        Some(Value::Array(list)) => list.iter().filter_map(|v| string(Some(v))).collect(),
        _ => match modules {
            Some(Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        },
    };
    let workshop_file = rel(root, &wdir.join("workshop.yaml"));
    let workshop_text = std::fs::read_to_string(wdir.join("workshop.yaml")).unwrap_or_default();
    // Line of an activated name in workshop.yaml (0 when not found).
    let line_of = |name: &str| {
        workshop_text
            .lines()
            .position(|l| {
                l.trim_start()
                    .trim_start_matches('-')
                    .trim()
                    .trim_matches(['"', '\''])
                    == name
            })
            .map_or(0, |i| i as u32 + 1)
    };
    let mut any_md = false;
    let mut any_adoc = false;
    for name in activate {
        let entry = modules.and_then(|m| m.get(&name));
        if modules_yaml.is_some() && entry.is_none() {
            diagnostics.push(Diagnostic::warning(
                &workshop_file,
                line_of(&name),
                format!("activated module `{name}` has no entry in modules.yaml: skipped"),
            ));
            continue;
        }
        let md = layout.content_dir.join(format!("{name}.md"));
        let adoc = layout.content_dir.join(format!("{name}.adoc"));
        let (path, kind) = if md.is_file() {
            any_md = true;
            (md, PageKind::ClassicMarkdown)
        } else if adoc.is_file() {
            any_adoc = true;
            (adoc, PageKind::ClassicAsciidoc)
        } else {
            diagnostics.push(Diagnostic::warning(
                &workshop_file,
                line_of(&name),
                format!("module `{name}` has no content/{name}.md or .adoc: skipped"),
            ));
            continue;
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) => {
                diagnostics.push(Diagnostic::error(
                    &rel(root, &path),
                    0,
                    format!("cannot read page: {error}"),
                ));
                continue;
            }
        };
        let base = name.rsplit('/').next().unwrap_or(&name);
        layout.entries.push(Entry {
            key: name.clone(),
            title: entry
                .and_then(|e| string(e.get("name")))
                .unwrap_or_else(|| titleize(base)),
            exit_sign: entry.and_then(|e| string(e.get("exit_sign"))),
            path,
            kind,
            text,
        });
    }
    if wdir.join("config.js").is_file() {
        diagnostics.push(Diagnostic::warning(
            &rel(root, &wdir.join("config.js")),
            0,
            "config.js is not run by lectern; pass the variables it defines with --var NAME=VALUE",
        ));
    }
    layout.format = if any_adoc && !any_md {
        Format::Asciidoc
    } else {
        Format::Classic
    };
}

fn hugo_config(
    root: &Path,
    wdir: &Path,
    vars: &Variables,
    layout: &mut Layout,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(config) = read_yaml(root, &wdir.join("config.yaml"), diagnostics) else {
        return;
    };
    data_vars(config.get("params"), vars, &mut layout.data_vars);
    let pathways = config.get("pathways");
    let selected = vars
        .get("pathway_name")
        .filter(|p| !p.is_empty())
        .cloned()
        .or_else(|| string(pathways.and_then(|p| p.get("default"))));
    if let Some(name) = &selected {
        match pathways.and_then(|p| p.get("paths")).and_then(|p| p.get(name)) {
            Some(path) => {
                layout.pathway = Some(name.clone());
                layout.title = string(path.get("title"));
                layout.description = string(path.get("description"));
                data_vars(path.get("params"), vars, &mut layout.data_vars);
            }
            None => diagnostics.push(Diagnostic::warning(
                &rel(root, &wdir.join("config.yaml")),
                0,
                format!("pathway `{name}` is not defined under pathways.paths"),
            )),
        }
    }
}

struct Candidate {
    key: String,
    path: PathBuf,
    front: FrontMatter,
    text: String,
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    walk_pages(dir, out, &["md", "markdown"]);
}

/// Files under `dir` (hidden entries skipped) whose extension is one of `extensions`. Symlinks are followed,
/// but each real folder is listed once, so a link back up the tree (`self -> .`, `up -> ..`) cannot make the
/// walk loop (issue 11, finding 9).
pub fn walk_pages(dir: &Path, out: &mut Vec<PathBuf>, extensions: &[&str]) {
    let mut seen = std::collections::HashSet::new();
    walk_pages_once(dir, out, extensions, &mut seen);
}

fn walk_pages_once(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    extensions: &[&str],
    seen: &mut std::collections::HashSet<PathBuf>,
) {
    let Ok(real) = dir.canonicalize() else {
        return;
    };
    if !seen.insert(real) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    // Sorted, so which of two links to one folder is walked does not depend on the directory's order.
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk_pages_once(&path, out, extensions, seen);
        } else if path
            .extension()
            .is_some_and(|e| extensions.iter().any(|x| e == *x))
        {
            out.push(path);
        }
    }
}

fn hugo_pages(root: &Path, layout: &mut Layout, diagnostics: &mut Vec<Diagnostic>) {
    let content = layout.content_dir.clone();
    let mut files = Vec::new();
    walk(&content, &mut files);
    files.sort();
    let is_index = |p: &Path| p.file_stem().is_some_and(|s| s == "index");
    // Leaf bundles: folders (relative) holding an index.md.
    let bundles: Vec<PathBuf> = files
        .iter()
        .filter(|p| is_index(p))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .filter(|d| *d != content)
        .collect();
    let mut candidates = Vec::new();
    for path in files {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem == "_index" {
            continue;
        }
        if !is_index(&path) && bundles.iter().any(|b| path.starts_with(b)) {
            continue; // a resource inside a leaf bundle
        }
        let relative = path.strip_prefix(&content).unwrap_or(&path);
        let key = if is_index(&path) && path.parent() != Some(content.as_path()) {
            relative
                .parent()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default()
        } else {
            relative.with_extension("").to_string_lossy().replace('\\', "/")
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) => {
                diagnostics.push(Diagnostic::error(
                    &rel(root, &path),
                    0,
                    format!("cannot read page: {error}"),
                ));
                continue;
            }
        };
        let (front, _, _, error) = frontmatter::split(&text);
        if let Some((line, message)) = error {
            diagnostics.push(Diagnostic::error(&rel(root, &path), line, message));
        }
        if front.draft || front.headless || front.not_rendered {
            continue;
        }
        candidates.push(Candidate {
            key,
            path,
            front,
            text,
        });
    }
    if candidates.iter().any(|c| c.front.weight != 0) {
        candidates.sort_by(|a, b| {
            let wa = (a.front.weight == 0, a.front.weight);
            let wb = (b.front.weight == 0, b.front.weight);
            let ta = a.front.link_title.as_ref().or(a.front.title.as_ref());
            let tb = b.front.link_title.as_ref().or(b.front.title.as_ref());
            wa.cmp(&wb).then(ta.cmp(&tb)).then(a.key.cmp(&b.key))
        });
    } else {
        candidates.sort_by(|a, b| a.key.cmp(&b.key));
    }
    // Pathway: only the listed steps, in order.
    let config = layout
        .workshop_dir
        .as_ref()
        .and_then(|w| std::fs::read_to_string(w.join("config.yaml")).ok())
        .and_then(|t| parse_yaml(&t).ok());
    let pathways = config.as_ref().and_then(|c| c.get("pathways"));
    let module_titles = pathways.and_then(|p| p.get("modules"));
    if let Some(name) = &layout.pathway {
        let steps: Vec<String> = match pathways
            .and_then(|p| p.get("paths"))
            .and_then(|p| p.get(name))
            .and_then(|p| p.get("steps"))
        {
            Some(Value::Array(list)) => list.iter().filter_map(|v| string(Some(v))).collect(),
            _ => Vec::new(),
        };
        let mut by_key: HashMap<String, Candidate> =
            candidates.into_iter().map(|c| (c.key.clone(), c)).collect();
        let config_file = layout
            .workshop_dir
            .as_ref()
            .map(|w| rel(root, &w.join("config.yaml")))
            .unwrap_or_default();
        candidates = Vec::new();
        for step in steps {
            let key = step.trim_matches('/').to_string();
            match by_key.remove(&key) {
                Some(c) => candidates.push(c),
                None => diagnostics.push(Diagnostic::warning(
                    &config_file,
                    0,
                    format!("pathway `{name}` lists step `{step}`, which is not a page"),
                )),
            }
        }
    }
    for c in candidates {
        let base = c.key.rsplit('/').next().unwrap_or(&c.key).to_string();
        let title = module_titles
            .and_then(|m| m.get(&c.key))
            .and_then(|m| string(m.get("title")))
            .or(c.front.title.clone())
            .unwrap_or_else(|| titleize(&base));
        layout.entries.push(Entry {
            key: c.key,
            path: c.path,
            title,
            exit_sign: None,
            kind: PageKind::HugoMarkdown,
            text: c.text,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titleize_names() {
        assert_eq!(titleize("01-first-steps"), "01 First Steps");
        assert_eq!(titleize("workshop_summary"), "Workshop Summary");
    }
}
