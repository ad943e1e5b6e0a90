//! Killercoda and Katacoda scenarios: a folder with an `index.json` whose `details` name the intro,
//! steps and finish pages, their scripts (`verify`, `background`/`courseData`, `foreground`/`code`),
//! the assets to copy and the layout. [`Scenario::load`] reads it; `layout/killercoda.rs` turns it into
//! pages, `page.rs` renders a page's Markdown with its markers (`markers.rs`) and URL placeholders
//! (`placeholders.rs`), `assets.rs` copies the assets. The format: docs/killercoda.md.
//!
//! A scenario becomes lectern's own notions, never a parallel set: markers are actions of the catalogue,
//! `verify` is an `examiner:execute-test` "Check" block with the page's require-checks gate,
//! `background` a hidden autostart examiner block, `foreground` the page's [`super::frontmatter::PageOptions`]
//! script, and the layout a [`WorkshopDefinition`] (terminal layout, tabs, dashboards).

pub mod assets;
pub mod convert;
mod file_block;
pub mod markers;
pub mod page;
pub mod placeholders;
mod screen;

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
        scenario.screen = screen::screen(&value, &mut diagnostics);
        (scenario.hosts, scenario.hosts_reason) = screen::machines(&scenario, &value);
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

    /// What page `key` adds to its Markdown: editor folder, scripts, and (on the `first` page) the
    /// multi-machine notice.
    pub fn extras(&self, key: &str, first: bool) -> page::Extras<'_> {
        let page = self.page(key);
        page::Extras {
            editor_dir: self.screen.editor_dir.as_deref(),
            background: page.and_then(|p| p.background.as_deref()),
            verify: page.and_then(|p| p.verify.as_deref()),
            notice: first.then(|| self.hosts_warning()).flatten(),
        }
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
            // No name in index.json: workshop_name falls back to the scenario's folder name.
            name: None,
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

/// Renders the scenario page `entry`; the first page of the scenario carries the multi-machine notice.
/// An empty `title` (the scenario gives none) becomes the first heading of level 1 or 2, else
/// `Introduction` / `Step N` / `Finish`.
pub fn render_page(
    scenario: Option<&Scenario>,
    entry: &super::layout::Entry,
    resolver: &super::links::Resolver<'_>,
    title: &mut String,
) -> super::html::Rendered {
    let page = scenario.and_then(|s| s.page(&entry.key));
    let first = scenario
        .and_then(|s| s.pages.first())
        .is_some_and(|p| p.key == entry.key);
    let extras = scenario.map(|s| s.extras(&entry.key, first)).unwrap_or_default();
    let rendered = page::render(&entry.text, resolver, &extras);
    if title.is_empty() {
        *title = rendered
            .headings
            .iter()
            .find(|(level, _, _)| *level <= 2)
            .map(|(_, _, text)| text.clone())
            .or_else(|| page.map(ScenarioPage::default_title))
            .unwrap_or_else(|| super::layout::titleize(&entry.key));
    }
    rendered
}

/// `definition`, or the scenario's when the folder has none of its own (`resources/workshop.yaml`).
pub fn or_scenario(
    definition: WorkshopDefinition,
    scenario: Option<&Scenario>,
    pages: &[super::Page],
) -> WorkshopDefinition {
    match scenario {
        Some(scenario) if definition == WorkshopDefinition::default() => {
            scenario.definition(&terminals_used(pages))
        }
        _ => definition,
    }
}

/// The terminal names the pages' terminal actions use (`session`, default `"1"`).
fn terminals_used(pages: &[super::Page]) -> BTreeSet<String> {
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
