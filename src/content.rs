//! Workshop content, transport-free: loading a workshop folder, rendering pages (Markdown, AsciiDoc),
//! clickable actions, variables and diagnostics. Parsers never fail: they return `(T, Vec<Diagnostic>)`.

pub mod asciidoc;
pub mod definition;
pub mod diagnostic;
pub mod store;
pub mod watch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use definition::WorkshopDefinition;
pub use diagnostic::{Diagnostic, Severity};
pub use store::ContentStore;

/// Session variables by name.
pub type Variables = BTreeMap<String, String>;

/// Which source format a workshop uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Hugo page bundles under `workshop/content/`.
    Hugo,
    /// Classic `workshop.yaml` + `modules.yaml`, Markdown pages.
    Classic,
    /// Classic layout with AsciiDoc pages.
    Asciidoc,
}

impl Format {
    /// The name used in `lectern check --format json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Hugo => "hugo",
            Format::Classic => "classic",
            Format::Asciidoc => "asciidoc",
        }
    }
}

/// A clickable action found on a page (for `check` and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRef {
    /// The action type, e.g. `terminal:execute`.
    pub action_type: String,
    /// 1-based line of the block in the source file.
    pub line: u32,
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
}

/// A loaded and rendered workshop.
#[derive(Debug, Clone)]
pub struct Workshop {
    /// Workshop title.
    pub title: String,
    /// Source format.
    pub format: Format,
    /// The workshop root folder.
    pub root: PathBuf,
    /// The folder page sources live in (`workshop/content` usually).
    pub content_dir: PathBuf,
    /// Folders whose files are served under `/workshop/content/` besides the pages (e.g. Hugo `static/`).
    pub static_dirs: Vec<PathBuf>,
    /// Pages in navigation order.
    pub pages: Vec<Page>,
    /// What `resources/workshop.yaml` says (dashboards, ingresses, applications).
    pub definition: WorkshopDefinition,
}

/// Loads and renders every page of the workshop at `root`.
pub fn load_workshop(root: &Path, vars: &Variables) -> (Workshop, Vec<Diagnostic>) {
    let _ = vars;
    let content_dir = root.join("workshop").join("content");
    let mut pages = Vec::new();
    let (definition, mut diagnostics) = WorkshopDefinition::load(root);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&content_dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    for file in files
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "md"))
    {
        match std::fs::read_to_string(&file) {
            Ok(text) => {
                let mut html = String::new();
                pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&text));
                let key = file
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                pages.push(Page {
                    title: key.clone(),
                    key,
                    source: file.strip_prefix(root).unwrap_or(&file).to_path_buf(),
                    html,
                    actions: Vec::new(),
                });
            }
            Err(error) => diagnostics.push(Diagnostic::error(&file, 0, format!("cannot read page: {error}"))),
        }
    }
    let workshop = Workshop {
        title: "Workshop".to_string(),
        format: Format::Hugo,
        root: root.to_path_buf(),
        content_dir,
        static_dirs: Vec::new(),
        pages,
        definition,
    };
    (workshop, diagnostics)
}
