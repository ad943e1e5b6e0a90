//! Killercoda and Katacoda scenarios: a folder with an `index.json` whose `details` name the intro,
//! steps and finish pages, their scripts (`verify`, `background`/`courseData`, `foreground`/`code`),
//! the assets to copy and the layout. [`Scenario::load`] reads it; `layout/killercoda.rs` turns it into
//! pages, `page.rs` renders a page's Markdown with its markers (`markers.rs`) and URL placeholders
//! (`placeholders.rs`), `assets.rs` copies the assets. The format: docs/killercoda.md.
//!
//! A scenario becomes lectern's own notions, never a parallel set: markers are actions of the catalogue,
//! `verify` is an `examiner:execute-test` "Check" block with the page's require-checks gate,
//! `background` a hidden autostart examiner block, `foreground` the page's [`super::PageOptions`]
//! script, and the layout a [`WorkshopDefinition`] (terminal layout, tabs, dashboards).

pub mod assets;
pub mod markers;
pub mod page;
pub mod placeholders;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::definition::{Applications, DashboardDef};
use super::{Diagnostic, WorkshopDefinition};

/// The file that makes a folder a scenario.
pub const INDEX: &str = "index.json";

/// Which part of the scenario a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `details.intro`.
    Intro,
    /// `details.steps[n]`, 1-based.
    Step(usize),
    /// `details.finish`.
    Finish,
}

/// One page of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioPage {
    /// Page key: `intro`, `step1`…, `finish`.
    pub key: String,
    /// Its role.
    pub role: Role,
    /// `title` as written (may be empty).
    pub title: String,
    /// `text`: the Markdown file, relative to the scenario folder.
    pub text: String,
    /// `verify`: script that must exit 0 before the learner goes on.
    pub verify: Option<String>,
    /// `background` (Katacoda `courseData`): script run hidden when the page opens.
    pub background: Option<String>,
    /// `foreground` (Katacoda `code`): script typed into terminal 1 when the page opens.
    pub foreground: Option<String>,
}

impl ScenarioPage {
    /// The title shown when the scenario gives none and the page has no heading.
    pub fn default_title(&self) -> String {
        match self.role {
            Role::Intro => "Introduction".to_string(),
            Role::Step(n) => format!("Step {n}"),
            Role::Finish => "Finish".to_string(),
        }
    }
}

/// One `details.assets` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The host key (`host01`, Katacoda `client`).
    pub host: String,
    /// `file`: path or glob relative to the scenario's `assets/` folder.
    pub file: String,
    /// `target`: folder on the host (`~/` allowed).
    pub target: String,
    /// `chmod`, e.g. `+x` or `755`.
    pub chmod: Option<String>,
}

/// An extra terminal of Katacoda's `environment.terminals`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraTerminal {
    /// Tab label.
    pub name: String,
    /// Command typed into it when the scenario starts.
    pub command: Option<String>,
    /// Terminal name in lectern (`"2"`, `"3"`…).
    pub session: String,
}

/// The scenario's screen: editor, terminals, dashboards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Screen {
    /// The layout value as written (`interface.layout` or `environment.uilayout`).
    pub layout: Option<String>,
    /// The layout shows the editor.
    pub editor: bool,
    /// Terminals shown side by side by the layout (1 at least).
    pub terminals: usize,
    /// Extra terminal tabs.
    pub extra_terminals: Vec<ExtraTerminal>,
    /// Dashboard tabs: label and URL (placeholders already mapped).
    pub dashboards: Vec<(String, String)>,
    /// `environment.uieditorpath`: the editor's folder.
    pub editor_dir: Option<String>,
}

/// A parsed `index.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// The scenario folder.
    pub root: PathBuf,
    /// `title`.
    pub title: String,
    /// `description`.
    pub description: Option<String>,
    /// `backend.imageid`.
    pub backend: Option<String>,
    /// Pages in order: intro, steps, finish (those with a `text`).
    pub pages: Vec<ScenarioPage>,
    /// `details.assets`, every host.
    pub assets: Vec<Asset>,
    /// Layout.
    pub screen: Screen,
    /// Machines the scenario expects (lectern gives it one).
    pub hosts: u32,
    /// Why it expects that many (for the warning).
    pub hosts_reason: Option<String>,
}

/// Whether `dir` holds a scenario: an `index.json` with a `details` object (or one too broken to tell,
/// which mentions `details`).
pub fn is_scenario(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join(INDEX)) else {
        return false;
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(value) => value.get("details").is_some_and(Value::is_object),
        Err(_) => text.contains("\"details\""),
    }
}

fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `[text, verify, background, foreground]` of a page object, with the Katacoda spellings.
fn page_of(key: String, role: Role, value: &Value) -> Option<ScenarioPage> {
    let text = text_of(value.get("text"))?;
    Some(ScenarioPage {
        key,
        role,
        title: text_of(value.get("title")).unwrap_or_default(),
        text,
        verify: text_of(value.get("verify")),
        background: text_of(value.get("background")).or_else(|| text_of(value.get("courseData"))),
        foreground: text_of(value.get("foreground")).or_else(|| text_of(value.get("code"))),
    })
}

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

impl Scenario {
    /// Reads `dir/index.json`. Problems are diagnostics on `index.json`; a broken file gives a scenario
    /// without pages.
    pub fn load(dir: &Path) -> (Self, Vec<Diagnostic>) {
        let file = Path::new(INDEX);
        let mut diagnostics = Vec::new();
        let mut scenario = Scenario {
            root: dir.to_path_buf(),
            title: String::new(),
            description: None,
            backend: None,
            pages: Vec::new(),
            assets: Vec::new(),
            screen: Screen {
                terminals: 1,
                ..Screen::default()
            },
            hosts: 1,
            hosts_reason: None,
        };
        let value = match std::fs::read_to_string(dir.join(INDEX))
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<Value>(&text).map_err(|e| e.to_string()))
        {
            Ok(value) => value,
            Err(error) => {
                diagnostics.push(Diagnostic::error(
                    file,
                    0,
                    format!("cannot read the scenario: {error}"),
                ));
                return (scenario, diagnostics);
            }
        };
        scenario.title = text_of(value.get("title")).unwrap_or_else(|| {
            dir.file_name()
                .map(|n| super::layout::titleize(&n.to_string_lossy()))
                .unwrap_or_else(|| "Scenario".into())
        });
        scenario.description = text_of(value.get("description"));
        scenario.backend = value.get("backend").and_then(|b| text_of(b.get("imageid")));
        let details = value.get("details").cloned().unwrap_or(Value::Null);
        if let Some(intro) = details.get("intro")
            && let Some(page) = page_of("intro".into(), Role::Intro, intro)
        {
            scenario.pages.push(page);
        }
        match details.get("steps") {
            Some(Value::Array(steps)) => {
                for (index, step) in steps.iter().enumerate() {
                    let n = index + 1;
                    match page_of(format!("step{n}"), Role::Step(n), step) {
                        Some(page) => scenario.pages.push(page),
                        None => diagnostics.push(Diagnostic::warning(
                            file,
                            0,
                            format!("details.steps[{index}] has no `text` file and is left out"),
                        )),
                    }
                }
            }
            None | Some(Value::Null) => {}
            Some(_) => diagnostics.push(Diagnostic::error(file, 0, "details.steps must be a list")),
        }
        if let Some(finish) = details.get("finish")
            && let Some(page) = page_of("finish".into(), Role::Finish, finish)
        {
            scenario.pages.push(page);
        }
        if let Some(Value::Object(hosts)) = details.get("assets") {
            for (host, list) in hosts {
                for item in list.as_array().into_iter().flatten() {
                    let (Some(source), target) = (text_of(item.get("file")), text_of(item.get("target")))
                    else {
                        diagnostics.push(Diagnostic::warning(
                            file,
                            0,
                            format!("an asset of `{host}` has no `file`"),
                        ));
                        continue;
                    };
                    scenario.assets.push(Asset {
                        host: host.clone(),
                        file: source,
                        target: target.unwrap_or_else(|| "~/".into()),
                        chmod: text_of(item.get("chmod")),
                    });
                }
            }
        }
        scenario.screen = screen(&value, &mut diagnostics);
        scenario.count_hosts(&value);
        (scenario, diagnostics)
    }

    /// The page with `key`.
    pub fn page(&self, key: &str) -> Option<&ScenarioPage> {
        self.pages.iter().find(|page| page.key == key)
    }

    /// Whether `name` is a script the scenario names as a `verify` or `background` script (the examiner
    /// runs only those).
    pub fn is_examiner_script(&self, name: &str) -> bool {
        self.pages
            .iter()
            .any(|page| page.verify.as_deref() == Some(name) || page.background.as_deref() == Some(name))
    }

    fn count_hosts(&mut self, index: &Value) {
        let mut most = (1, None);
        let mut consider = |n: u32, reason: String| {
            if n > most.0 {
                most = (n, Some(reason));
            }
        };
        if let Some(backend) = &self.backend {
            consider(backend_hosts(backend), format!("its backend is `{backend}`"));
        }
        for asset in &self.assets {
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
        for page in &self.pages {
            let Ok(text) = std::fs::read_to_string(self.root.join(&page.text)) else {
                continue;
            };
            for n in host_mentions(&text) {
                consider(n, format!("{} sends commands to HOST{n}", page.text));
            }
        }
        (self.hosts, self.hosts_reason) = most;
    }

    /// The warning for a scenario that needs several machines, if it does.
    pub fn hosts_warning(&self) -> Option<String> {
        (self.hosts > 1).then(|| {
            format!(
                "this scenario expects {} machines ({}); lectern runs it on one, so HOST2… commands run in \
                 terminals of this machine and steps that need another node will not work",
                self.hosts,
                self.hosts_reason.as_deref().unwrap_or("multi-node backend")
            )
        })
    }

    /// The workshop definition the scenario stands for: title, terminal layout, tabs for extra
    /// terminals (`used` = terminal names its actions use) and dashboards, editor and examiner switches.
    pub fn definition(&self, used: &BTreeSet<String>) -> WorkshopDefinition {
        let screen = &self.screen;
        let mut dashboards = Vec::new();
        let named: Vec<&ExtraTerminal> = screen.extra_terminals.iter().collect();
        let highest = used
            .iter()
            .filter_map(|name| name.parse::<usize>().ok())
            .chain(named.iter().filter_map(|t| t.session.parse::<usize>().ok()))
            .max()
            .unwrap_or(1);
        for n in (screen.terminals + 1)..=highest {
            let session = n.to_string();
            let name = named
                .iter()
                .find(|t| t.session == session)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| format!("Terminal {n}"));
            dashboards.push(DashboardDef {
                name,
                url: Some(format!("terminal:{session}")),
            });
        }
        for (name, url) in &screen.dashboards {
            dashboards.push(DashboardDef {
                name: name.clone(),
                url: Some(url.clone()),
            });
        }
        let has_scripts = self
            .pages
            .iter()
            .any(|page| page.verify.is_some() || page.background.is_some());
        WorkshopDefinition {
            title: Some(self.title.clone()),
            description: self.description.clone(),
            dashboards,
            ingresses: Vec::new(),
            applications: Applications {
                terminal_layout: match screen.terminals {
                    0 | 1 => None,
                    2 => Some("split".to_string()),
                    _ => Some("split/2".to_string()),
                },
                editor: screen.editor.then_some(true),
                examiner: has_scripts.then_some(true),
                ..Applications::default()
            },
        }
    }
}

/// The terminal names the pages' terminal actions use (`session`, default `"1"`).
pub fn terminals_used(pages: &[super::Page]) -> BTreeSet<String> {
    pages
        .iter()
        .flat_map(|page| &page.clickable)
        .filter(|action| action.spec.name.starts_with("terminal:"))
        .map(|action| match action.args.get("session") {
            Some(Value::String(name)) => name.clone(),
            _ => "1".to_string(),
        })
        .collect()
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
fn screen(index: &Value, diagnostics: &mut Vec<Diagnostic>) -> Screen {
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
