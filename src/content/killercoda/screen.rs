//! The scenario's screen and machines: `interface.layout` / Katacoda `environment` (layout, extra
//! terminals, dashboards, editor folder) and how many machines the scenario expects (backend image,
//! asset hosts, terminal targets, `HOSTn` markers and placeholders).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use super::{ExtraTerminal, INDEX, Scenario, Screen, placeholders, text_of};
use crate::content::Diagnostic;

/// The number after `host`/`host0` in a host key (`host02` → 2); `client` and others are host 1.
fn host_number(host: &str) -> u32 {
    host.to_ascii_lowercase()
        .strip_prefix("host")
        .and_then(|n| n.trim_start_matches('0').parse().ok())
        .unwrap_or(1)
}

/// Machines a backend image id stands for.
fn backend_hosts(backend: &str) -> u32 {
    let id = backend.to_ascii_lowercase();
    if let Some(n) = id
        .split(['-', ':', '_'])
        .find_map(|part| part.strip_suffix("nodes").and_then(|n| n.parse::<u32>().ok()))
    {
        return n.max(1);
    }
    // Katacoda's `kubernetes-cluster` was a control plane plus `node01`.
    if id == "kubernetes-cluster" || id.starts_with("kubernetes-cluster-") {
        return 2;
    }
    1
}

/// Machines the scenario expects and why: the most any of backend, asset hosts, terminal targets and
/// `HOSTn` mentions in the pages asks for.
pub(super) fn machines(scenario: &Scenario, index: &Value) -> (u32, Option<String>) {
    let mut most = (1, None);
    let mut consider = |n: u32, reason: String| {
        if n > most.0 {
            most = (n, Some(reason));
        }
    };
    if let Some(backend) = &scenario.backend {
        consider(backend_hosts(backend), format!("its backend is `{backend}`"));
    }
    for asset in &scenario.assets {
        consider(
            host_number(&asset.host),
            format!("it has assets for `{}`", asset.host),
        );
    }
    let terminals = index
        .get("environment")
        .and_then(|e| e.get("terminals"))
        .and_then(Value::as_array);
    for target in terminals
        .into_iter()
        .flatten()
        .filter_map(|t| text_of(t.get("target")))
    {
        consider(host_number(&target), format!("it opens a terminal on `{target}`"));
    }
    // `HOSTn` markers and `{{TRAFFIC_HOSTn_…}}` placeholders in the pages.
    for page in &scenario.pages {
        let Ok(text) = std::fs::read_to_string(scenario.root.join(&page.text)) else {
            continue;
        };
        for n in host_mentions(&text) {
            consider(n, format!("{} sends commands to HOST{n}", page.text));
        }
    }
    most
}

/// Host numbers above 1 named by `HOSTn` markers or `TRAFFIC_HOSTn` placeholders in a page.
fn host_mentions(text: &str) -> BTreeSet<u32> {
    let mut found = BTreeSet::new();
    let upper = text.to_ascii_uppercase();
    for (at, _) in upper.match_indices("HOST") {
        let before = upper[..at].chars().next_back();
        let digits: String = upper[at + 4..].chars().take_while(char::is_ascii_digit).collect();
        let Ok(n) = digits.parse::<u32>() else { continue };
        let marker_context = before.is_some_and(|c| c == ' ' || c == '_');
        let inside_braces = upper[..at]
            .rfind("{{")
            .is_some_and(|open| !upper[open..at].contains("}}"));
        if n > 1 && marker_context && inside_braces {
            found.insert(n);
        }
    }
    found
}

/// `interface.layout` / `environment` → the screen.
pub(super) fn screen(index: &Value, diagnostics: &mut Vec<Diagnostic>) -> Screen {
    let environment = index.get("environment");
    let layout = index
        .get("interface")
        .and_then(|i| text_of(i.get("layout")))
        .or_else(|| environment.and_then(|e| text_of(e.get("uilayout"))));
    let mut screen = Screen {
        layout: layout.clone(),
        terminals: 1,
        ..Screen::default()
    };
    if let Some(layout) = &layout {
        let lower = layout.to_ascii_lowercase();
        let parts: Vec<&str> = lower.split(['-', '_', ' ']).collect();
        screen.editor = parts
            .iter()
            .any(|p| matches!(*p, "ide" | "editor" | "vscode" | "theia"));
        screen.terminals = parts.iter().filter(|p| **p == "terminal").count().max(1);
        let known = parts.iter().all(|p| {
            matches!(
                *p,
                "ide" | "editor" | "vscode" | "theia" | "terminal" | "iframe" | "split" | "tabs"
            )
        });
        if !known {
            diagnostics.push(Diagnostic::warning(
                Path::new(INDEX),
                0,
                format!("layout `{layout}` is not known; shown as a terminal layout"),
            ));
        }
    }
    let Some(environment) = environment else {
        return screen;
    };
    screen.editor_dir = text_of(environment.get("uieditorpath"));
    let layout_terminals = screen.terminals;
    for (index, terminal) in environment
        .get("terminals")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let session = (layout_terminals + index + 1).to_string();
        screen.extra_terminals.push(ExtraTerminal {
            name: text_of(terminal.get("name")).unwrap_or_else(|| format!("Terminal {session}")),
            command: text_of(terminal.get("command")),
            session,
        });
    }
    for dashboard in environment
        .get("dashboards")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = text_of(dashboard.get("name"));
        let url = match (
            dashboard.get("port").and_then(Value::as_u64),
            text_of(dashboard.get("href")),
        ) {
            (Some(port), _) => Some(format!("/port/{port}/")),
            (None, Some(href)) => Some(placeholders::url(&href)),
            (None, None) => None,
        };
        match (name, url) {
            (Some(name), Some(url)) => screen.dashboards.push((name, url)),
            _ => diagnostics.push(Diagnostic::warning(
                Path::new(INDEX),
                0,
                "a dashboard needs a `name` and a `port` or `href`; left out",
            )),
        }
    }
    screen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_and_hosts() {
        assert_eq!(backend_hosts("kubernetes-kubeadm-2nodes"), 2);
        assert_eq!(backend_hosts("kubernetes-kubeadm-2nodes-ubuntu20.04"), 2);
        assert_eq!(backend_hosts("kubernetes-kubeadm-1node"), 1);
        assert_eq!(backend_hosts("kubernetes-cluster"), 2);
        assert_eq!(backend_hosts("ubuntu:2004"), 1);
        assert_eq!(host_number("host02"), 2);
        assert_eq!(host_number("client"), 1);
        assert_eq!(
            host_mentions("`ls`{{execute HOST2}} {{TRAFFIC_HOST3_80}} HOST2 in text"),
            BTreeSet::from([2, 3])
        );
    }
}
