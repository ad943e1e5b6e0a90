//! Workshop-wide checks `lectern check` adds to what rendering found (docs/authoring.md): actions that
//! type into a terminal no tab shows, layout and dashboard settings of `resources/workshop.yaml` lectern
//! does not know, and downloads of files the workshop does not have. Each is a warning at the line the
//! author has to change.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use super::action::suggest::closest;
use super::{Diagnostic, Workshop};
use crate::config::{TERMINAL_LAYOUTS, WORKSHOP_LAYOUTS, layout_terminals};

/// Tab ids of the dashboard's built-in tabs, which a `dashboards` entry without a URL places.
const BUILTIN_TABS: &[&str] = &["terminal", "console", "editor", "slides", "files", "workshop"];

/// The workshop definition, relative to the workshop root.
const DEFINITION: &str = "resources/workshop.yaml";

/// Every workshop-wide warning, in page order after the definition's.
pub fn workshop(workshop: &Workshop) -> Vec<Diagnostic> {
    let definition_text = std::fs::read_to_string(workshop.root.join(DEFINITION)).unwrap_or_default();
    let mut found = definition_settings(workshop, &definition_text);
    found.extend(terminal_sessions(workshop));
    found.extend(downloads(workshop));
    found
}

/// `%name%` a learner would read raw: on a classic page a name no variable has (did you mean …?); on a
/// Hugo page (which never replaces `%…%`) a variable's name or one shaped like it (`%grafana_url%`).
pub fn raw_variables(classic: bool, text: &str, file: &Path, vars: &super::Variables) -> Vec<Diagnostic> {
    if classic {
        return super::vars::unresolved_percent(text, vars)
            .into_iter()
            .map(|(line, column, name)| {
                let hint = match closest(&name, vars.keys().map(String::as_str)) {
                    Some(known) => format!(": did you mean `%{known}%`?"),
                    None => " (pass it with --var NAME=VALUE, or define it in the workshop)".to_string(),
                };
                let mut diagnostic = Diagnostic::warning(
                    file,
                    line,
                    format!("undefined variable `%{name}%` is shown as written{hint}"),
                );
                diagnostic.column = column;
                diagnostic
            })
            .collect();
    }
    super::vars::unresolved_percent(text, &super::Variables::new())
        .into_iter()
        .filter(|(_, _, name)| vars.contains_key(name) || name.contains('_'))
        .map(|(line, column, name)| {
            let mut diagnostic = Diagnostic::warning(
                file,
                line,
                format!(
                    "`%{name}%` is shown as written: Hugo pages do not replace `%…%` (classic syntax); write \
                     `{{{{< param {name} >}}}}`"
                ),
            );
            diagnostic.column = column;
            diagnostic
        })
        .collect()
}

/// The 1-based line of the first `key: value` line of `text` (`value` unquoted or quoted), else the
/// first `key:` line, else 1.
fn line_of(text: &str, key: &str, value: &str) -> u32 {
    let setting = |line: &str| {
        let line = line.trim_start().trim_start_matches("- ");
        line.strip_prefix(key)
            .and_then(|rest| rest.trim_start().strip_prefix(':'))
            .map(|rest| rest.trim().trim_matches(['"', '\'']).to_string())
    };
    let lines: Vec<&str> = text.lines().collect();
    lines
        .iter()
        .position(|line| setting(line).is_some_and(|found| found == value))
        .or_else(|| lines.iter().position(|line| setting(line).is_some()))
        .map_or(1, |index| index as u32 + 1)
}

/// Layouts outside the accepted values, and dashboards without a URL or with a name another has.
fn definition_settings(workshop: &Workshop, text: &str) -> Vec<Diagnostic> {
    let file = Path::new(DEFINITION);
    let applications = &workshop.definition.applications;
    let mut found = Vec::new();
    let layouts = [
        (
            "terminal",
            applications.terminal_layout.as_deref(),
            TERMINAL_LAYOUTS,
        ),
        (
            "workshop",
            applications.workshop_layout.as_deref(),
            WORKSHOP_LAYOUTS,
        ),
    ];
    for (application, layout, accepted) in layouts {
        let Some(layout) = layout.filter(|layout| !accepted.contains(layout)) else {
            continue;
        };
        let hint = match closest(layout, accepted.iter().copied()) {
            Some(known) => format!(": did you mean `{known}`?"),
            None => String::new(),
        };
        found.push(Diagnostic::warning(
            file,
            line_of(text, "layout", layout),
            format!(
                "session.applications.{application}.layout `{layout}` is not known{hint} (one of {}); the \
                 dashboard uses `default`",
                accepted.join(", ")
            ),
        ));
    }
    let mut names = BTreeSet::new();
    for dashboard in &workshop.definition.dashboards {
        let line = line_of(text, "name", &dashboard.name);
        let slug = crate::config::slug(&dashboard.name);
        // An entry naming a built-in tab (no URL) only places that tab (the original's rule).
        let builtin = BUILTIN_TABS.contains(&slug.as_str());
        if !builtin && dashboard.url.as_deref().is_none_or(|url| url.trim().is_empty()) {
            found.push(Diagnostic::warning(
                file,
                line,
                format!(
                    "dashboard `{}` has no `url`: its tab stays empty (a URL, a path, or terminal:<name>)",
                    dashboard.name
                ),
            ));
        }
        if !names.insert(slug.clone()) {
            found.push(Diagnostic::warning(
                file,
                line,
                format!(
                    "dashboard `{}` has the tab id `{slug}` of an earlier one: only one of them is shown",
                    dashboard.name
                ),
            ));
        }
    }
    found
}

/// The terminal a terminal action types into (`*` = all), `None` for actions that use no dashboard terminal.
fn action_session(name: &str, args: &Value) -> Option<String> {
    match name {
        "execute" | "execute-1" => Some("1".into()),
        "execute-2" => Some("2".into()),
        "execute-3" => Some("3".into()),
        "terminal:execute" | "terminal:clear" | "terminal:interrupt" | "terminal:input"
        | "terminal:select" => Some(match args.get("session") {
            Some(Value::String(name)) if !name.trim().is_empty() => name.trim().to_string(),
            Some(Value::Number(number)) => number.to_string(),
            _ => "1".to_string(),
        }),
        _ => None,
    }
}

/// The terminal a `terminal:<name>` dashboard URL shows.
fn terminal_url(url: &str) -> Option<String> {
    url.trim()
        .strip_prefix("terminal:")
        .map(|name| name.trim().to_string())
}

/// Terminal actions naming a terminal that neither the layout nor a dashboard (of the definition, or
/// one a page creates) shows: the learner's click types into nothing.
fn terminal_sessions(workshop: &Workshop) -> Vec<Diagnostic> {
    let applications = &workshop.definition.applications;
    // An unknown layout is shown as `default` (and reported by `definition_settings`).
    let layout = applications
        .terminal_layout
        .as_deref()
        .filter(|layout| TERMINAL_LAYOUTS.contains(layout))
        .unwrap_or("default");
    let mut shown: BTreeSet<String> = BTreeSet::new();
    let terminal_tab = applications.terminal != Some(false) && layout != "none";
    if terminal_tab {
        shown.extend(layout_terminals(layout));
    }
    shown.extend(
        workshop
            .definition
            .dashboards
            .iter()
            .filter_map(|dashboard| dashboard.url.as_deref().and_then(terminal_url)),
    );
    for page in &workshop.pages {
        for action in &page.clickable {
            if matches!(
                action.spec.name,
                "dashboard:create-dashboard" | "dashboard:reload-dashboard"
            ) && let Some(name) = action
                .args
                .get("url")
                .and_then(Value::as_str)
                .and_then(terminal_url)
            {
                shown.insert(name);
            }
        }
    }
    let listed = shown.iter().cloned().collect::<Vec<_>>().join(", ");
    let mut found = Vec::new();
    for page in &workshop.pages {
        for action in &page.clickable {
            let Some(session) = action_session(action.spec.name, &action.args) else {
                continue;
            };
            if session == "*" || shown.contains(&session) {
                continue;
            }
            let shows = if !terminal_tab {
                format!("the dashboard has no Terminal tab (terminal layout `{layout}`)")
            } else {
                format!("the terminal layout `{layout}` shows {listed}")
            };
            found.push(Diagnostic::warning(
                &page.source,
                action.line,
                format!(
                    "`{}` types into terminal `{session}`, which no tab shows: {shows} (set \
                     session.applications.terminal.layout, or add a dashboard with url terminal:{session})",
                    action.spec.name
                ),
            ));
        }
    }
    found
}

/// `files:download-file` / `files:copy-file` of a `path` the workshop does not have (the files a session
/// serves come from its home, which gets the workshop's `exercises/`).
fn downloads(workshop: &Workshop) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for page in &workshop.pages {
        for action in &page.clickable {
            if !matches!(action.spec.name, "files:download-file" | "files:copy-file") {
                continue;
            }
            let Some(path) = action.args.get("path").and_then(Value::as_str) else {
                continue;
            };
            let relative = path.trim().trim_start_matches("~/").trim_start_matches('/');
            let candidates = [
                workshop.root.join(relative),
                workshop.root.join("workshop").join(relative),
            ];
            if relative.is_empty() || candidates.iter().any(|file| file.is_file()) {
                continue;
            }
            found.push(Diagnostic::warning(
                &page.source,
                action.line,
                format!(
                    "`{}`: no file `{path}` in the workshop (looked for {relative} and workshop/{relative}): \
                     the download fails unless a setup step creates it",
                    action.spec.name
                ),
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_found_at_their_line() {
        let text = "spec:\n  session:\n    applications:\n      terminal:\n        layout: \"splitt\"\n";
        assert_eq!(line_of(text, "layout", "splitt"), 5);
        let dashboards = "dashboards:\n- name: Docs\n  url: x\n- name: Editor\n";
        assert_eq!(line_of(dashboards, "name", "Editor"), 4);
        assert_eq!(line_of("", "name", "x"), 1);
    }

    #[test]
    fn raw_variables_on_classic_and_hugo_pages() {
        let vars: crate::content::Variables = [("session_name".to_string(), "s1".to_string())].into();
        let page = Path::new("workshop/content/01.md");
        let text = "a %session_nme% b %session_name%\nc %grafana_url% 100%\n";
        let classic: Vec<String> = raw_variables(true, text, page, &vars)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            classic,
            [
                "workshop/content/01.md:1:3: warning: undefined variable `%session_nme%` is shown as written: did you \
                 mean `%session_name%`?",
                "workshop/content/01.md:2:3: warning: undefined variable `%grafana_url%` is shown as written (pass it \
                 with --var NAME=VALUE, or define it in the workshop)"
            ]
        );
        let hugo = raw_variables(false, text, page, &vars);
        assert_eq!(hugo.len(), 3, "{hugo:?}");
        assert!(
            hugo[1].message.contains("write `{{< param session_name >}}`"),
            "{hugo:?}"
        );
    }

    #[test]
    fn sessions_of_terminal_actions() {
        let args = serde_json::json!({"session": 9});
        assert_eq!(action_session("terminal:execute", &args), Some("9".into()));
        assert_eq!(action_session("execute-3", &args), Some("3".into()));
        assert_eq!(action_session("editor:open-terminal", &args), None);
        assert_eq!(terminal_url(" terminal:logs "), Some("logs".into()));
    }
}
