//! A workshop's own shortcodes: `workshop/layouts/shortcodes/<name>.html` (an html/template: printed
//! strings are escaped) or `<name>.md` (a text template: nothing is escaped), run by
//! `content::gotemplate` with the context Hugo gives them — `.Get`, `.Params`, `.IsNamedParams`,
//! `.Inner`, `.Name`, `.Ordinal`, `.Parent`, `.Position`, `.Page` (`.Params` = front matter, `.Title`,
//! `.Param`, `.Site`) and `.Site` (`.Params` = session and data variables, `.BaseURL`, `.Title`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::content::gotemplate::{Error, Object, Template, Value};
use crate::content::{Diagnostic, Variables};
use crate::jail::Jail;

/// A loaded shortcode template.
#[derive(Debug)]
pub struct Shortcode {
    /// The file, relative to the workshop root (for diagnostics).
    pub file: PathBuf,
    /// The parsed template, or why it does not parse.
    pub template: Result<Template, Error>,
}

/// The workshop's shortcode templates by name.
#[derive(Debug, Default)]
pub struct Shortcodes {
    by_name: BTreeMap<String, Shortcode>,
}

impl Shortcodes {
    /// Loads `<workshop_dir>/layouts/shortcodes/*.{html,md}` (`.html` wins), inside the folder only.
    /// Templates that do not parse are warnings with their file and line.
    pub fn load(root: &Path, workshop_dir: Option<&Path>) -> (Self, Vec<Diagnostic>) {
        let mut out = Shortcodes::default();
        let mut diagnostics = Vec::new();
        let Some(dir) = workshop_dir.map(|w| w.join("layouts").join("shortcodes")) else {
            return (out, diagnostics);
        };
        let (Ok(jail), Ok(entries)) = (Jail::new(&dir), std::fs::read_dir(&dir)) else {
            return (out, diagnostics);
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        // `.html` sorts before `.md`, so it is loaded first and kept.
        paths.sort();
        for path in paths {
            let (Some(stem), Some(ext)) = (path.file_stem(), path.extension()) else {
                continue;
            };
            let (name, ext) = (stem.to_string_lossy().to_string(), ext.to_string_lossy());
            if !(ext == "html" || ext == "md") || name.starts_with('.') || out.by_name.contains_key(&name) {
                continue;
            }
            let file = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let Ok(real) = jail.contain(&path) else {
                diagnostics.push(Diagnostic::warning(
                    &file,
                    0,
                    "shortcode template outside the workshop, ignored",
                ));
                continue;
            };
            let Ok(source) = std::fs::read_to_string(real) else {
                continue;
            };
            let template = Template::parse(&source, ext == "html");
            if let Err(error) = &template {
                diagnostics.push(Diagnostic::warning(
                    &file,
                    error.line,
                    format!("shortcode template not supported: {}", error.message),
                ));
            }
            out.by_name.insert(name, Shortcode { file, template });
        }
        (out, diagnostics)
    }

    /// The template named `name`.
    pub fn get(&self, name: &str) -> Option<&Shortcode> {
        self.by_name.get(name)
    }

    /// Whether the workshop has a template named `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }
}

/// The page a shortcode runs on, as templates see it.
pub struct PageInfo {
    /// Front matter (Hugo's `.Page.Params`).
    pub params: Value,
    /// `.Page.Title`.
    pub title: String,
    /// The page key (for `.RelPermalink`).
    pub key: String,
    /// `.Site`.
    pub site: Value,
}

impl PageInfo {
    /// The page object and the site for `vars` (Hugo lower-cases site param keys).
    pub fn new(front_matter: &serde_json::Value, title: &str, key: &str, vars: &Variables) -> Rc<PageInfo> {
        let params: BTreeMap<String, Value> = vars
            .iter()
            .map(|(k, v)| (k.to_lowercase(), Value::from(v.as_str())))
            .collect();
        let mut site = BTreeMap::new();
        site.insert("Params".to_string(), Value::Map(params));
        site.insert("BaseURL".to_string(), Value::from("/workshop/content/"));
        site.insert(
            "Title".to_string(),
            Value::from(vars.get("workshop_title").map_or("", String::as_str)),
        );
        let params = match Value::from(front_matter) {
            map @ Value::Map(_) => map,
            _ => Value::Map(BTreeMap::new()),
        };
        Rc::new(PageInfo {
            params,
            title: title.to_string(),
            key: key.to_string(),
            site: Value::Map(site),
        })
    }
}

impl Object for PageInfo {
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Params" => self.params.clone(),
            "Title" | "LinkTitle" => Value::from(self.title.as_str()),
            "Site" => self.site.clone(),
            "RelPermalink" | "Permalink" => Value::Str(format!("/workshop/content/{}/", self.key)),
            "Kind" => Value::from("page"),
            "IsPage" => Value::Bool(true),
            "IsHome" | "Draft" => Value::Bool(false),
            _ => return None,
        })
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        (name == "Param").then(|| {
            let key = args.first().and_then(Value::as_str).unwrap_or_default();
            let own = self.params.field(key).unwrap_or_default();
            Ok(if matches!(own, Value::Nil) {
                self.site
                    .field("Params")
                    .and_then(|p| p.field(key))
                    .unwrap_or_default()
            } else {
                own
            })
        })
    }
}

/// One call as its template sees it (`.` in the shortcode).
pub struct Context {
    /// `.Name`.
    pub name: String,
    /// Positional arguments.
    pub positional: Vec<Value>,
    /// Named arguments.
    pub named: BTreeMap<String, Value>,
    /// `.Inner` (None for a call without content).
    pub inner: Option<String>,
    /// `.Ordinal`: 0-based position among the calls of the page.
    pub ordinal: usize,
    /// `.Position`: `file:line`.
    pub position: String,
    /// `.Page`.
    pub page: Rc<PageInfo>,
    /// `.Parent`: the call this one is inside.
    pub parent: Option<Rc<Context>>,
}

impl Object for Context {
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Name" => Value::from(self.name.as_str()),
            "Inner" => Value::Html(self.inner.clone().unwrap_or_default()),
            "InnerDeindent" => Value::Html(deindent(self.inner.as_deref().unwrap_or_default())),
            "IsNamedParams" => Value::Bool(!self.named.is_empty()),
            "Params" if self.named.is_empty() => Value::List(self.positional.clone()),
            "Params" => Value::Map(self.named.clone()),
            "Ordinal" => Value::Int(self.ordinal as i64),
            "Position" => Value::from(self.position.as_str()),
            "Page" => Value::Object(self.page.clone()),
            "Site" => self.page.site.clone(),
            "Parent" => self.parent.clone().map_or(Value::Nil, |p| Value::Object(p)),
            _ => return None,
        })
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        (name == "Get").then(|| match args {
            [Value::Int(index)] => Ok(usize::try_from(*index)
                .ok()
                .and_then(|i| self.positional.get(i))
                .cloned()
                .unwrap_or_default()),
            [key] => Ok(key
                .as_str()
                .and_then(|k| self.named.get(k))
                .cloned()
                .unwrap_or_default()),
            _ => Err(format!("wrong number of args for Get: want 1 got {}", args.len())),
        })
    }
}

/// Removes the indentation every non-blank line shares (Hugo's `.InnerDeindent`).
fn deindent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines()
        .map(|l| l.get(indent..).unwrap_or(l.trim_start()))
        .collect::<Vec<_>>()
        .join("\n")
}
