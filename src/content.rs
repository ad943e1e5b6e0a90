//! Workshop content, transport-free: loading a workshop folder, rendering pages (Markdown, AsciiDoc),
//! clickable actions, variables and diagnostics. Parsers never fail: they return `(T, Vec<Diagnostic>)`.
//!
//! Pipeline per page: layout (which files, in which order) → templating (Hugo shortcodes, or Liquid
//! then `%x%` for classic pages), keeping a line map → Markdown/AsciiDoc → action markup. See
//! docs/content.md.

pub mod action;
pub mod asciidoc;
pub mod definition;
pub mod diagnostic;
pub mod frontmatter;
pub mod gotemplate;
pub mod highlight;
pub mod html;
pub mod killercoda;
pub mod layout;
pub mod links;
pub mod lint;
pub mod liquid;
pub mod mapped;
pub mod markdown;
pub mod shortcodes;
pub mod store;
pub mod vars;
pub mod watch;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

pub use action::Action;
pub use definition::{InstructionsSource, WorkshopDefinition};
pub use diagnostic::{Diagnostic, Severity, code_frame};
pub use mapped::Mapped;
pub use store::ContentStore;

use crate::jail::Jail;
pub use layout::Format;
use layout::{Entry, PageKind};

/// Session variables by name.
pub type Variables = BTreeMap<String, String>;

/// A clickable action found on a page (for `check` and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRef {
    /// The action type, e.g. `terminal:execute`.
    pub action_type: String,
    /// 1-based line of the block in the source file.
    pub line: u32,
}

/// A heading of a page (for tables of contents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1–6.
    pub level: u8,
    /// The `id` attribute.
    pub id: String,
    /// Plain text.
    pub text: String,
}

/// One rendered page of the instructions.
#[derive(Debug, Clone)]
pub struct Page {
    /// URL key under `/workshop/content/`, e.g. `exercises/01-intro` (no extension).
    pub key: String,
    /// Source file relative to the workshop root.
    pub source: PathBuf,
    /// Page title.
    pub title: String,
    /// Rendered HTML fragment (the page body, no `<html>` shell).
    pub html: String,
    /// Clickable actions in document order.
    pub actions: Vec<ActionRef>,
    /// The parsed actions (same order as `actions`).
    pub clickable: Vec<Action>,
    /// 1-based position in the navigation.
    pub step: usize,
    /// Key of the previous page.
    pub prev: Option<String>,
    /// Key of the next page.
    pub next: Option<String>,
    /// Label of the button to the next page (classic `exit_sign`), when the workshop sets one.
    pub exit_sign: Option<String>,
    /// Headings in document order.
    pub headings: Vec<Heading>,
    /// Gate and scripts.
    pub options: frontmatter::PageOptions,
}

/// A loaded and rendered workshop.
#[derive(Debug, Clone)]
pub struct Workshop {
    /// Workshop title.
    pub title: String,
    /// Workshop description (definition or pathway), if any.
    pub description: Option<String>,
    /// Source format.
    pub format: Format,
    /// The workshop root folder (the folder given to lectern).
    pub root: PathBuf,
    /// The folder page sources live in (`workshop/content` usually).
    pub content_dir: PathBuf,
    /// Folders whose files are served under `/workshop/content/` besides the pages (e.g. Hugo `static/`).
    pub static_dirs: Vec<PathBuf>,
    /// Pages in navigation order.
    pub pages: Vec<Page>,
    /// What `resources/workshop.yaml` says (dashboards, ingresses, applications).
    pub definition: WorkshopDefinition,
    /// Every variable pages were rendered with (standard, data and `--var` ones).
    pub variables: Variables,
    /// The scenario, when the folder is a Killercoda/Katacoda scenario.
    pub scenario: Option<killercoda::Scenario>,
}

impl Workshop {
    /// The page with `key`.
    pub fn page(&self, key: &str) -> Option<&Page> {
        self.pages.iter().find(|page| page.key == key)
    }
}

/// Loads and renders every page of the workshop at `root` (a workshop root, its `workshop/` folder,
/// or a bare content folder).
pub fn load_workshop(root: &Path, vars: &Variables) -> (Workshop, Vec<Diagnostic>) {
    let (mut definition, mut diagnostics) = WorkshopDefinition::load(root);
    if definition == WorkshopDefinition::default()
        && root.file_name().is_some_and(|n| n == "workshop")
        && let Some(parent) = root.parent()
    {
        let (parent_def, parent_diags) = WorkshopDefinition::load(parent);
        definition = parent_def;
        diagnostics.extend(parent_diags);
    }
    let mut variables = vars::with_defaults(vars);
    let (layout, layout_diags) = layout::discover(root, &variables);
    diagnostics.extend(layout_diags);
    for (name, value) in &layout.data_vars {
        variables.insert(name.clone(), value.clone());
    }
    let title = layout
        .title
        .clone()
        .or_else(|| definition.title.clone())
        .unwrap_or_else(|| "Workshop".to_string());
    let description = layout
        .description
        .clone()
        .or_else(|| definition.description.clone());
    // `WORKSHOP_NAME` unset (the default "workshop"): the definition's `metadata.name`, else the folder's name.
    if vars.get("workshop_name").is_none_or(|name| name == "workshop")
        && let Some(name) = definition.name.clone().or_else(|| definition::folder_name(root))
    {
        variables.insert("workshop_name".into(), name);
    }
    if !vars.contains_key("workshop_title") {
        variables.insert("workshop_title".into(), title.clone());
    }
    if !vars.contains_key("workshop_description") {
        variables.insert(
            "workshop_description".into(),
            description.clone().unwrap_or_default(),
        );
    }
    if let Some(pathway) = &layout.pathway {
        variables.insert("pathway_name".into(), pathway.clone());
    }
    let keys: HashSet<String> = layout.entries.iter().map(|e| e.key.clone()).collect();
    let included = std::cell::RefCell::new(HashSet::new());
    let jail = Jail::new(&layout.content_dir).ok();
    let (shortcodes, shortcode_diags) = match layout.format {
        Format::Hugo => shortcodes::Shortcodes::load(root, layout.workshop_dir.as_deref()),
        _ => Default::default(),
    };
    diagnostics.extend(shortcode_diags);
    let count = layout.entries.len();
    let mut pages = Vec::with_capacity(count);
    for (index, entry) in layout.entries.iter().enumerate() {
        let ctx = PageContext {
            root,
            content_dir: &layout.content_dir,
            static_dirs: &layout.static_dirs,
            keys: &keys,
            vars: &variables,
            jail: jail.as_ref(),
            included: &included,
            shortcodes: &shortcodes,
            scenario: layout.scenario.as_ref(),
        };
        let (mut page, page_diags) = crate::metrics::time_render(|| render_entry(entry, &ctx));
        diagnostics.extend(page_diags);
        page.step = index + 1;
        page.prev = index.checked_sub(1).map(|i| layout.entries[i].key.clone());
        page.next = layout.entries.get(index + 1).map(|e| e.key.clone());
        pages.push(page);
    }
    if matches!(layout.format, Format::Classic | Format::Asciidoc) {
        // Classic pages nobody activates (or includes) are probably forgotten.
        let mut files = Vec::new();
        let links = layout::walk_pages(&layout.content_dir, &mut files, &["md", "adoc"]);
        diagnostics.extend(layout::link_warnings(root, &links));
        files.sort();
        let included = included.borrow();
        for file in files {
            if !layout.entries.iter().any(|e| e.path == file) && !included.contains(&file) {
                diagnostics.push(Diagnostic::warning(
                    &relative(root, &file),
                    0,
                    "page is not in the navigation: not activated, or no modules.yaml entry",
                ));
            }
        }
    }
    // Instructions served from elsewhere (`applications.workshop.url`/`.proxy`) need no pages here.
    if pages.is_empty() && definition.applications.instructions == InstructionsSource::Local {
        diagnostics.push(Diagnostic::error(
            &relative(root, &layout.content_dir),
            0,
            "the workshop has no pages",
        ));
    }
    diagnostics.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
    let workshop = Workshop {
        title,
        description,
        format: layout.format,
        root: root.to_path_buf(),
        content_dir: layout.content_dir,
        static_dirs: layout.static_dirs,
        definition: killercoda::or_scenario(definition, layout.scenario.as_ref(), &pages),
        pages,
        variables,
        scenario: layout.scenario,
    };
    (workshop, diagnostics)
}

/// Renders one page from its source `text` through the same pipeline as [`load_workshop`] (templating,
/// Markdown or AsciiDoc, actions), as if it were the file `name` in `content_dir`; includes resolve inside
/// `content_dir`. For the fuzz targets (fuzz/): not part of lectern's API.
#[doc(hidden)]
pub fn render_source(
    kind: layout::PageKind,
    name: &str,
    text: &str,
    content_dir: &Path,
    vars: &Variables,
) -> (Page, Vec<Diagnostic>) {
    let variables = vars::with_defaults(vars);
    let path = content_dir.join(name);
    let key = Path::new(name).with_extension("").to_string_lossy().into_owned();
    let entry = Entry {
        key: key.clone(),
        path,
        title: String::new(),
        exit_sign: None,
        kind,
        text: text.to_string(),
        options: frontmatter::PageOptions::default(),
    };
    let keys = HashSet::from([key]);
    let included = std::cell::RefCell::new(HashSet::new());
    let jail = Jail::new(content_dir).ok();
    let shortcodes = shortcodes::Shortcodes::default();
    let ctx = PageContext {
        root: content_dir,
        content_dir,
        static_dirs: &[],
        keys: &keys,
        vars: &variables,
        jail: jail.as_ref(),
        included: &included,
        shortcodes: &shortcodes,
        scenario: None,
    };
    render_entry(&entry, &ctx)
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

struct PageContext<'a> {
    root: &'a Path,
    content_dir: &'a Path,
    static_dirs: &'a [PathBuf],
    keys: &'a HashSet<String>,
    vars: &'a Variables,
    /// The content folder as a jail (None when it cannot be read): includes stay inside it.
    jail: Option<&'a Jail>,
    /// Files pulled in by `{% include %}` (not forgotten pages).
    included: &'a std::cell::RefCell<HashSet<PathBuf>>,
    /// The workshop's own Hugo shortcode templates.
    shortcodes: &'a shortcodes::Shortcodes,
    scenario: Option<&'a killercoda::Scenario>,
}

fn issues_to_diagnostics(file: &Path, issues: Vec<liquid::Issue>, out: &mut Vec<Diagnostic>) {
    out.extend(
        issues
            .into_iter()
            .map(|issue| Diagnostic::warning(file, issue.line, issue.message)),
    );
}

fn render_entry(entry: &Entry, ctx: &PageContext<'_>) -> (Page, Vec<Diagnostic>) {
    let file = relative(ctx.root, &entry.path);
    let mut diagnostics = Vec::new();
    let dir = Path::new(&entry.key)
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    // Hugo bundles (`key/index.md`) resolve relative URLs inside the bundle folder.
    let source_dir = entry
        .path
        .parent()
        .and_then(|p| p.strip_prefix(ctx.content_dir).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or(dir);
    let resolver = links::Resolver {
        file: &file,
        key: &entry.key,
        dir: &source_dir,
        keys: ctx.keys,
        content_dir: ctx.content_dir,
        static_dirs: ctx.static_dirs,
    };
    let mut title = entry.title.clone();
    if matches!(
        entry.kind,
        PageKind::HugoMarkdown | PageKind::ClassicMarkdown | PageKind::ClassicAsciidoc
    ) {
        let classic = entry.kind != PageKind::HugoMarkdown;
        diagnostics.extend(lint::raw_variables(classic, &entry.text, &file, ctx.vars));
    }
    let rendered = match entry.kind {
        PageKind::Killercoda => killercoda::render_page(ctx.scenario, entry, &resolver, &mut title),
        PageKind::HugoMarkdown => {
            let (matter, body, first_line, _) = frontmatter::split(&entry.text);
            let page = shortcodes::PageInfo::new(&matter.params, &entry.title, &entry.key, ctx.vars);
            fn hugo(placeholders: &shortcodes::Placeholders) -> markdown::Flavor<'_> {
                markdown::Flavor {
                    placeholders: Some(placeholders),
                    omit_raw_html: true,
                }
            }
            // Hugo's `markdownify`: a single paragraph loses its `<p>`.
            let markdownify = |text: &str, placeholders: &shortcodes::Placeholders| {
                let html =
                    markdown::render_with(&Mapped::identity(text, first_line), &resolver, hugo(placeholders))
                        .html;
                let trimmed = html.trim_end();
                match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
                    Some(inner) if !inner.contains("<p>") => inner.to_string(),
                    _ => trimmed.to_string(),
                }
            };
            let setup = shortcodes::Setup {
                vars: ctx.vars,
                custom: ctx.shortcodes,
                page,
                file: &file,
                markdownify: &markdownify,
            };
            let expanded = shortcodes::expand(body, first_line, &setup);
            issues_to_diagnostics(&file, expanded.issues, &mut diagnostics);
            markdown::render_with(&expanded.text, &resolver, hugo(&expanded.placeholders))
        }
        PageKind::ClassicMarkdown | PageKind::ClassicAsciidoc => {
            let (content_dir, jail, included) = (ctx.content_dir, ctx.jail, ctx.included);
            let include = move |name: &str| {
                // `name`, else `name` with the extension `.liquid`, inside the content folder (a plain
                // relative path; its real path, symlinks resolved, must stay inside).
                let jail = jail?;
                let relative = jail.relative(name).ok()?;
                let found = [relative.clone(), relative.with_extension("liquid")]
                    .into_iter()
                    .find_map(|relative| {
                        let real = jail.contain(&content_dir.join(&relative)).ok()?;
                        let text = std::fs::read_to_string(real).ok()?;
                        Some((content_dir.join(relative), text))
                    });
                found.map(|(path, text)| {
                    included.borrow_mut().insert(path);
                    text
                })
            };
            let (templated, issues) = liquid::render(&entry.text, ctx.vars, &include, 1);
            issues_to_diagnostics(&file, issues, &mut diagnostics);
            let mapped = templated.then(vars::percent(&templated.text, ctx.vars));
            if entry.kind == PageKind::ClassicMarkdown {
                markdown::render(&mapped, &resolver)
            } else {
                let jail = ctx.jail.map(|jail| asciidoc::IncludeJail {
                    base_dir: entry.path.parent().unwrap_or(ctx.content_dir).to_path_buf(),
                    jail: jail.clone(),
                });
                let (rendered, adoc_title, included) = adoc::render(&mapped, &file, ctx.vars, jail.as_ref());
                ctx.included.borrow_mut().extend(included);
                if let Some(t) = adoc_title
                    && entry.title.is_empty()
                {
                    title = t;
                }
                rendered
            }
        }
    };
    diagnostics.extend(rendered.diagnostics);
    let page = Page {
        key: entry.key.clone(),
        source: file,
        title,
        html: rendered.html,
        actions: rendered
            .actions
            .iter()
            .map(|a| ActionRef {
                action_type: a.spec.name.to_string(),
                line: a.line,
            })
            .collect(),
        clickable: rendered.actions,
        step: 0,
        prev: None,
        next: None,
        exit_sign: entry.exit_sign.clone(),
        options: entry.options.clone(),
        headings: rendered
            .headings
            .into_iter()
            .map(|(level, id, text)| Heading { level, id, text })
            .collect(),
    };
    (page, diagnostics)
}

/// AsciiDoc glue: templated text → `asciidoc::render`, placeholders → action markup, lines mapped back.
mod adoc {
    use std::path::{Path, PathBuf};

    use super::html::{Rendered, escape};
    use super::{Mapped, Variables, action, asciidoc};

    /// Renders a templated AsciiDoc page; returns the result, the document title and the files it
    /// included.
    pub fn render(
        source: &Mapped,
        file: &Path,
        vars: &Variables,
        jail: Option<&asciidoc::IncludeJail>,
    ) -> (Rendered, Option<String>, Vec<PathBuf>) {
        let page = asciidoc::render(&source.text, file, vars, jail);
        let map_line = |line: u32| {
            if line == 0 {
                0
            } else {
                source.line_of(line as usize - 1)
            }
        };
        let mut out = Rendered {
            diagnostics: page
                .diagnostics
                .into_iter()
                .map(|mut d| {
                    d.line = map_line(d.line);
                    d
                })
                .collect(),
            ..Rendered::default()
        };
        let mut html = page.html;
        for (index, found) in page.actions.iter().enumerate() {
            let line = map_line(found.line);
            let markup = action::render_block(
                &found.kind,
                &found.body,
                line,
                file,
                &mut out.actions,
                &mut out.diagnostics,
                action::Action::markup,
            )
            .unwrap_or_else(|| format!("<pre><code>{}</code></pre>\n", escape(&found.body)));
            html = html.replacen(&asciidoc::placeholder(index), &markup, 1);
        }
        out.html = html;
        (out, page.title, page.included)
    }
}
