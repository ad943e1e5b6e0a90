//! Hugo workshops' pages: `workshop/config.yaml` (params, pathways), then every Markdown page under
//! `content/` with its front matter: leaf bundles (`index.md`), `_index.md` skipped, drafts and other
//! pathways left out, order by weight then path.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Entry, Layout, PageKind, data_vars, read_page, read_yaml, rel, string, titleize, walk_pages};
use crate::content::action::parse_yaml;
use crate::content::frontmatter::{self, FrontMatter};
use crate::content::{Diagnostic, Variables};

pub(super) fn hugo_config(
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

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Vec<PathBuf> {
    walk_pages(dir, out, &["md", "markdown"])
}

pub(super) fn hugo_pages(root: &Path, layout: &mut Layout, diagnostics: &mut Vec<Diagnostic>) {
    let content = layout.content_dir.clone();
    let mut files = Vec::new();
    let links = walk(&content, &mut files);
    diagnostics.extend(super::link_warnings(root, &links));
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
        let Some(text) = read_page(root, &path, diagnostics) else {
            continue;
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
        // Front-matter script paths are relative to the `workshop/` folder; entries keep them relative to
        // the root.
        let mut options = c.front.options.clone();
        if let (Some(script), Some(workshop)) = (&options.foreground, &layout.workshop_dir) {
            options.foreground = Some(rel(root, workshop).join(script));
        }
        layout.entries.push(Entry {
            key: c.key,
            path: c.path,
            title,
            exit_sign: None,
            kind: PageKind::HugoMarkdown,
            text: c.text,
            options,
        });
    }
}
