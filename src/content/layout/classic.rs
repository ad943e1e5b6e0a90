//! Classic workshops' navigation: `workshop.yaml` (name, vars, activated modules) and `modules.yaml`
//! (order, titles, `exit_sign`, `config.vars`), each module a `content/<name>.md` or `.adoc` page.

use std::path::Path;

use serde_json::Value;

use super::{Entry, Layout, PageKind, data_vars, read_page, read_yaml, rel, string, titleize};
use crate::content::{Diagnostic, Format, Variables, vars};

pub(super) fn classic_pages(
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
        let Some(text) = read_page(root, &path, diagnostics) else {
            continue;
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
            options: crate::content::frontmatter::PageOptions::default(),
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
