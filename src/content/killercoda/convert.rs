//! Turning a scenario into an Educates (Hugo) workshop, in memory: each page's text with its markers
//! replaced by fenced action blocks (the same actions lectern shows for the scenario, so both render the
//! same), its front matter, and `resources/workshop.yaml`. `src/import.rs` writes the files.
//!
//! URL placeholders become the Educates way to reach a port: a session ingress `port-<N>` and its URL
//! `{{< param ingress_protocol >}}://port-<N>-{{< param session_name >}}.{{< param ingress_domain >}}…`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use serde_json::{Map, Value, json};

use super::page::{Extras, script_actions};
use super::placeholders::{self, Context};
use super::{Scenario, ScenarioPage};
use crate::content::action::parse_yaml;
use crate::content::definition::WorkshopDefinition;

/// A change that turns the scenario page into an Educates (Hugo) page, for `lectern import`: the source
/// bytes of `range` become `with` (an empty range inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Source bytes replaced.
    pub range: Range<usize>,
    /// What replaces them.
    pub with: Replacement,
}

/// What an [`Edit`] puts in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replacement {
    /// This text (empty: the bytes are removed).
    Text(String),
    /// A fenced action block of `word` with `args`; `first` prefixes its first line and `rest` the others
    /// (the container: list indentation, `> `); `blank` puts a blank line before it.
    Action {
        /// Action type.
        word: &'static str,
        /// Its arguments.
        args: Value,
        /// Prefix of the opening fence line.
        first: String,
        /// Prefix of the other lines.
        rest: String,
        /// A blank line first (after a paragraph).
        blank: bool,
    },
    /// The placeholders of these bytes, seen from the browser or from the machine.
    Placeholders(Context),
}

impl Replacement {
    /// A fenced action block right where the marker's line was (no blank line first).
    pub fn action(word: &'static str, args: Value, first: String, rest: String) -> Self {
        Replacement::Action {
            word,
            args,
            first,
            rest,
            blank: false,
        }
    }
}

/// The start of the line holding `offset`.
pub(super) fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding `offset`, after its newline.
pub(super) fn line_end(text: &str, offset: usize) -> usize {
    text[offset.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// The container prefix of a block starting at `at`: what precedes it on its line, and the same for the
/// lines after (list markers become spaces, `>` stays).
pub(super) fn prefixes(text: &str, at: usize) -> (String, String) {
    let first = text[line_start(text, at)..at].to_string();
    let rest = first
        .chars()
        .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
        .collect();
    (first, rest)
}

/// A list item's content column: its marker and the spaces after it.
pub(super) fn item_content(text: &str, at: usize) -> usize {
    static MARKER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?:[-+*]|\d{1,9}[.)])[ \t]*").expect("valid regex"));
    at + MARKER.find(&text[at..]).map_or(0, |m| m.end())
}

/// A port URL in a Hugo page of the converted workshop.
fn page_port_url(port: &str) -> String {
    format!(
        "{{{{< param ingress_protocol >}}}}://port-{port}-{{{{< param session_name >}}}}.{{{{< param ingress_domain >}}}}{{{{< param ingress_port_suffix >}}}}"
    )
}

/// A port URL in `resources/workshop.yaml` (`$(…)` variables).
fn definition_port_url(port: &str) -> String {
    format!("$(ingress_protocol)://port-{port}-$(session_name).$(ingress_domain)$(ingress_port_suffix)")
}

/// `args` as the YAML body of an action block (JSON when YAML would not read back the same).
pub fn yaml_body(args: &Value) -> String {
    let yaml = serde_saphyr::to_string(args).unwrap_or_default();
    if parse_yaml(&yaml).ok().as_ref() == Some(args) {
        yaml.trim_end().to_string()
    } else {
        serde_json::to_string_pretty(args).unwrap_or_else(|_| "{}".into())
    }
}

/// A fenced action block; the fence is longer than any backtick run that starts a body line.
pub fn fenced_block(word: &str, args: &Value, first: &str, rest: &str, blank: bool) -> String {
    let body = yaml_body(args);
    let longest = body
        .lines()
        .map(|line| line.trim_start().bytes().take_while(|b| *b == b'`').count())
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let bare = rest.trim_end();
    let mut out = String::new();
    if blank {
        out.push_str(bare);
        out.push('\n');
    }
    out.push_str(&format!("{first}{fence}{word}\n"));
    for line in body.lines() {
        if line.is_empty() {
            out.push_str(bare);
        } else {
            out.push_str(rest);
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str(&format!("{rest}{fence}\n"));
    out
}

/// Applies `edits` to the page `text`; ports the placeholders name are added to `ports`.
pub fn apply(text: &str, edits: &[Edit], ports: &mut BTreeSet<String>) -> String {
    let mut changes: Vec<(Range<usize>, String)> = Vec::new();
    let overlaps = |a: &Range<usize>, b: &Range<usize>| a.start < b.end && b.start < a.end;
    for edit in edits {
        match &edit.with {
            Replacement::Text(with) => changes.push((edit.range.clone(), with.clone())),
            Replacement::Action {
                word,
                args,
                first,
                rest,
                blank,
            } => {
                let mut block = fenced_block(word, args, first, rest, *blank);
                if edit.range.is_empty() && edit.range.start == text.len() && !text.ends_with('\n') {
                    block.insert(0, '\n');
                }
                changes.push((edit.range.clone(), block));
            }
            Replacement::Placeholders(_) => {}
        }
    }
    let mut seen = BTreeSet::new();
    for edit in edits {
        let Replacement::Placeholders(context) = edit.with else {
            continue;
        };
        if !seen.insert((edit.range.start, edit.range.end))
            || changes.iter().any(|(range, _)| overlaps(range, &edit.range))
        {
            continue;
        }
        let source = &text[edit.range.clone()];
        let found = std::cell::RefCell::new(Vec::new());
        let (mapped, _) = placeholders::substitute_ports(source, context, &|port| {
            found.borrow_mut().push(port.to_string());
            match context {
                Context::Browser => page_port_url(port),
                Context::Machine => format!("http://localhost:{port}"),
            }
        });
        ports.extend(found.into_inner());
        changes.push((edit.range.clone(), mapped));
    }
    // Insertions at one offset keep their order; a replacement sorts after insertions at its start.
    changes.sort_by_key(|(range, _)| (range.start, !range.is_empty()));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for (range, with) in changes {
        if range.start < at {
            continue; // overlaps an earlier change
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&with);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The Markdown of the converted page: front matter, the scripts' blocks and the converted body.
pub fn page_markdown(
    page: &ScenarioPage,
    weight: usize,
    title: &str,
    body: &str,
    extras: &Extras<'_>,
    foreground: Option<&str>,
) -> String {
    let mut front = Map::new();
    front.insert("title".into(), json!(title));
    front.insert("weight".into(), json!(weight));
    let mut options = Map::new();
    if page.verify.is_some() {
        options.insert("require_checks".into(), json!(true));
    }
    if let Some(script) = foreground {
        options.insert("foreground".into(), json!(script));
    }
    if !options.is_empty() {
        front.insert("lectern".into(), Value::Object(options));
    }
    let mut out = format!("---\n{}\n---\n\n", yaml_body(&Value::Object(front)));
    if let Some(notice) = &extras.notice {
        out.push_str(&format!(
            "{{{{< warning >}}}}\n{notice}\n{{{{< /warning >}}}}\n\n"
        ));
    }
    let (background, verify) = script_actions(extras);
    if let Some(args) = background {
        out.push_str(&fenced_block("examiner:execute-test", &args, "", "", false));
        out.push('\n');
    }
    out.push_str(body);
    if !body.ends_with('\n') {
        out.push('\n');
    }
    if let Some(args) = verify {
        out.push('\n');
        out.push_str(&fenced_block("examiner:execute-test", &args, "", "", false));
    }
    out
}

/// `metadata.name` from the scenario folder's name: lower-case letters, digits and `-`.
pub fn resource_name(scenario: &Scenario) -> String {
    let base = scenario
        .root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| scenario.title.clone());
    let mut name = String::new();
    for c in base.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name: String = name.trim_matches('-').chars().take(63).collect();
    let name = name.trim_end_matches('-').to_string();
    if name.is_empty() {
        "scenario".to_string()
    } else {
        name
    }
}

/// `resources/workshop.yaml` for `definition` (the scenario's), with `/port/<N>/` dashboards as session
/// ingresses and every port in `ports` exposed.
pub fn workshop_yaml(
    scenario: &Scenario,
    definition: &WorkshopDefinition,
    ports: &BTreeSet<String>,
) -> String {
    let mut ports = ports.clone();
    let mut dashboards = Vec::new();
    for dashboard in &definition.dashboards {
        let url = dashboard.url.clone().unwrap_or_default();
        let url = match url.strip_prefix("/port/") {
            Some(rest) => {
                let (port, path) = rest.split_once('/').unwrap_or((rest, ""));
                ports.insert(port.to_string());
                format!("{}/{path}", definition_port_url(port))
            }
            None => url,
        };
        dashboards.push(json!({"name": dashboard.name, "url": url}));
    }
    let apps = &definition.applications;
    let mut applications = BTreeMap::new();
    let mut terminal = json!({"enabled": true});
    if let Some(layout) = &apps.terminal_layout {
        terminal["layout"] = json!(layout);
    }
    applications.insert("terminal", terminal);
    if apps.editor == Some(true) {
        applications.insert("editor", json!({"enabled": true}));
    }
    if apps.examiner == Some(true) {
        applications.insert("examiner", json!({"enabled": true}));
    }
    let ingresses: Vec<Value> = ports
        .iter()
        .filter_map(|port| port.parse::<u16>().ok())
        .map(|port| json!({"name": format!("port-{port}"), "port": port}))
        .collect();
    let mut session = json!({"applications": applications});
    if !dashboards.is_empty() {
        session["dashboards"] = Value::Array(dashboards);
    }
    if !ingresses.is_empty() {
        session["ingresses"] = Value::Array(ingresses);
    }
    let mut spec = json!({
        "title": scenario.title,
        "description": scenario.description.clone().unwrap_or_default(),
        "session": session,
    });
    if spec["description"] == "" {
        spec.as_object_mut().map(|s| s.remove("description"));
    }
    let resource = json!({
        "apiVersion": "training.educates.dev/v1beta1",
        "kind": "Workshop",
        "metadata": {"name": resource_name(scenario)},
        "spec": spec,
    });
    let mut out = String::from("# Converted from a Killercoda/Katacoda scenario by `lectern import`.\n");
    if let Some(backend) = &scenario.backend {
        out.push_str(&format!(
            "# The scenario ran on the `{backend}` image: install what it expects in the workshop image\n\
             # (spec.workshop.image) or in workshop/setup.d/.\n"
        ));
    }
    out.push_str(&yaml_body(&resource));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_blocks_are_yaml_with_a_long_enough_fence() {
        let block = fenced_block(
            "terminal:execute",
            &json!({"command": "ls\n```\nx"}),
            "1. ",
            "   ",
            false,
        );
        assert_eq!(
            block,
            "1. ````terminal:execute\n   command: |-\n     ls\n     ```\n     x\n   ````\n"
        );
        let quoted = fenced_block("workshop:copy", &json!({"text": "a\n\nb"}), "> ", "> ", true);
        assert_eq!(
            quoted,
            ">\n> ```workshop:copy\n> text: |-\n>   a\n>\n>   b\n> ```\n"
        );
    }

    #[test]
    fn edits_apply_in_order() {
        let text = "Run `ls`{{exec}} now.\n";
        let edits = vec![
            Edit {
                range: 8..16,
                with: Replacement::Text(String::new()),
            },
            Edit {
                range: 22..22,
                with: Replacement::Action {
                    word: "terminal:execute",
                    args: json!({"command": "ls"}),
                    first: String::new(),
                    rest: String::new(),
                    blank: true,
                },
            },
        ];
        let mut ports = BTreeSet::new();
        assert_eq!(
            apply(text, &edits, &mut ports),
            "Run `ls` now.\n\n```terminal:execute\ncommand: ls\n```\n"
        );
    }

    #[test]
    fn placeholders_become_ingress_urls() {
        let text = "[x]({{TRAFFIC_HOST1_3000}}/a) `curl {{TRAFFIC_HOST1_80}}`";
        let edits = vec![
            Edit {
                range: 0..30,
                with: Replacement::Placeholders(Context::Browser),
            },
            Edit {
                range: 31..text.len(),
                with: Replacement::Placeholders(Context::Machine),
            },
        ];
        let mut ports = BTreeSet::new();
        let out = apply(text, &edits, &mut ports);
        assert!(
            out.starts_with("[x]({{< param ingress_protocol >}}://port-3000-{{< param session_name >}}."),
            "{out}"
        );
        assert!(out.ends_with("`curl http://localhost:80`"), "{out}");
        assert_eq!(ports, BTreeSet::from(["3000".to_string(), "80".to_string()]));
    }
}
