//! Finding a workshop's pages: which folder is which (workshop root, `workshop/` folder, bare content
//! folder), classic `workshop.yaml`/`modules.yaml` navigation, Hugo page walking with front matter,
//! bundles, weights and pathways from `workshop/config.yaml`, and workshop data variables.
//!
//! Files: `classic` (workshop.yaml/modules.yaml navigation), `hugo` (config.yaml and page walking),
//! `killercoda` (Killercoda/Katacoda scenario folders).

use std::path::{Path, PathBuf};

use serde_json::Value;

mod classic;
mod hugo;
mod killercoda;

use super::action::parse_yaml;
use super::frontmatter::PageOptions;
use super::{Diagnostic, Variables, vars};
use classic::classic_pages;
use hugo::{hugo_config, hugo_pages};

/// Which source format a workshop uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Hugo page bundles under `workshop/content/`.
    Hugo,
    /// Classic `workshop.yaml` + `modules.yaml`, Markdown pages.
    Classic,
    /// Classic layout with AsciiDoc pages.
    Asciidoc,
    /// A Killercoda or Katacoda scenario folder (`index.json`).
    Killercoda,
}

impl Format {
    /// The name used in `lectern check --format json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Hugo => "hugo",
            Format::Classic => "classic",
            Format::Asciidoc => "asciidoc",
            Format::Killercoda => "killercoda",
        }
    }
}

/// The source format of one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// Hugo Markdown (front matter, shortcodes).
    HugoMarkdown,
    /// Classic Markdown (Liquid, `%x%`).
    ClassicMarkdown,
    /// Classic AsciiDoc (Liquid, `%x%`).
    ClassicAsciidoc,
    /// A Killercoda/Katacoda scenario page (CommonMark with `{{exec}}`-style markers).
    Killercoda,
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
    /// Gate and scripts (front matter `lectern:`, or the scenario's `index.json`).
    pub options: PageOptions,
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
    /// The scenario, for a Killercoda/Katacoda folder.
    pub scenario: Option<crate::content::killercoda::Scenario>,
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
    if let Some(line) = super::definition::template_line(&text) {
        diagnostics.push(Diagnostic::warning(
            &rel(root, path),
            line,
            "this file is a Go/Helm template (`{{ … }}`): its settings are unknown until it is rendered; \
             lectern reads what stays plain",
        ));
        return parse_yaml(&super::definition::without_template_actions(&text)).ok();
    }
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
    let scenario = crate::content::killercoda::is_scenario(dir);
    let workshop_dir = if scenario {
        None
    } else if dir.join("workshop").is_dir() {
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
        format: if scenario {
            Format::Killercoda
        } else {
            Format::Hugo
        },
        workshop_dir: workshop_dir.clone(),
        content_dir: content_dir.clone(),
        static_dirs: Vec::new(),
        title: None,
        description: None,
        pathway: None,
        data_vars: Variables::new(),
        entries: Vec::new(),
        scenario: None,
    };
    if scenario {
        killercoda::scenario_pages(dir, &mut layout, &mut diagnostics);
        return (layout, diagnostics);
    }
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

/// Files under `dir` (hidden entries skipped) whose extension is one of `extensions`. Symlinks are followed,
/// but each real folder is listed once, so a link back up the tree (`self -> .`, `up -> ..`) cannot make the
/// walk loop (issue 11, finding 9).
/// Returns the symlinks not followed because their folder was already listed, for [`link_warnings`].
pub fn walk_pages(dir: &Path, out: &mut Vec<PathBuf>, extensions: &[&str]) -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    let mut skipped = Vec::new();
    walk_pages_once(dir, out, extensions, &mut seen, &mut skipped);
    skipped
}

/// A warning per folder link `walk_pages` did not follow: a loop (`up -> ..`) or a second way to a folder.
pub fn link_warnings(root: &Path, links: &[PathBuf]) -> Vec<Diagnostic> {
    links
        .iter()
        .map(|link| {
            let target = std::fs::read_link(link)
                .map(|target| target.display().to_string())
                .unwrap_or_default();
            Diagnostic::warning(
                &rel(root, link),
                0,
                format!(
                    "symlink to a folder already read (`{target}`), not followed: a loop, or a second path to \
                     the same pages"
                ),
            )
        })
        .collect()
}

fn walk_pages_once(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    extensions: &[&str],
    seen: &mut std::collections::HashSet<PathBuf>,
    skipped: &mut Vec<PathBuf>,
) {
    let Ok(real) = dir.canonicalize() else {
        return;
    };
    if !seen.insert(real) {
        if dir.is_symlink() {
            skipped.push(dir.to_path_buf());
        }
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
            walk_pages_once(&path, out, extensions, seen, skipped);
        } else if path
            .extension()
            .is_some_and(|e| extensions.iter().any(|x| e == *x))
        {
            out.push(path);
        }
    }
}

/// A page's source text; an unreadable page is an error diagnostic and `None`.
fn read_page(root: &Path, path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(error) => {
            diagnostics.push(Diagnostic::error(
                &rel(root, path),
                0,
                format!("cannot read page: {error}"),
            ));
            None
        }
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
