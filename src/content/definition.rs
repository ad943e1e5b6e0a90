//! WorkshopDefinition: the parts of `resources/workshop.yaml` (the Workshop resource) lectern uses —
//! title, description, session dashboards, session ingresses and application switches.

use std::path::Path;

use serde::Deserialize;

use super::Diagnostic;

/// What lectern reads from `resources/workshop.yaml`. Missing file or fields → defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkshopDefinition {
    /// `metadata.name`: the workshop's name (`workshop_name` when `WORKSHOP_NAME` is not set).
    pub name: Option<String>,
    /// `spec.title`.
    pub title: Option<String>,
    /// `spec.description`.
    pub description: Option<String>,
    /// `spec.session.dashboards`.
    pub dashboards: Vec<DashboardDef>,
    /// `spec.session.ingresses`.
    pub ingresses: Vec<IngressDef>,
    /// `spec.session.applications`.
    pub applications: Applications,
}

/// A custom dashboard tab.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DashboardDef {
    /// Tab label.
    pub name: String,
    /// URL, or `terminal:<name>` for a terminal tab.
    #[serde(default)]
    pub url: Option<String>,
}

/// A session ingress (reverse-proxied service), as written in the definition.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IngressDef {
    /// Host label (`<name>-<session>.<domain>`).
    pub name: String,
    /// Upstream port (0 or missing = by protocol).
    #[serde(default)]
    pub port: Option<u16>,
    /// Upstream host (default `localhost`).
    #[serde(default)]
    pub host: Option<String>,
    /// `http` or `https`.
    #[serde(default)]
    pub protocol: Option<String>,
    /// Request path filter.
    #[serde(default)]
    pub path: Option<String>,
    /// Extra upstream request headers.
    #[serde(default)]
    pub headers: Vec<HeaderDef>,
    /// `authentication.type`: `session` (default) or `none`.
    #[serde(default)]
    pub authentication: Option<IngressAuth>,
    /// Rewrite `Host` to the upstream.
    #[serde(default, rename = "changeOrigin")]
    pub change_origin: Option<bool>,
}

/// `authentication:` of an ingress.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IngressAuth {
    /// `session` or `none`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// A `{name, value}` header.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HeaderDef {
    /// Header name.
    pub name: String,
    /// Header value (may contain `$(…)` tokens).
    #[serde(default)]
    pub value: String,
}

/// Application switches under `spec.session.applications`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applications {
    /// `terminal.enabled` (None = unspecified).
    pub terminal: Option<bool>,
    /// `terminal.layout`.
    pub terminal_layout: Option<String>,
    /// `console.enabled`.
    pub console: Option<bool>,
    /// `editor.enabled`.
    pub editor: Option<bool>,
    /// `slides.enabled`.
    pub slides: Option<bool>,
    /// `files.enabled`.
    pub files: Option<bool>,
    /// `examiner.enabled`.
    pub examiner: Option<bool>,
    /// `uploads.enabled`.
    pub uploads: Option<bool>,
    /// `webdav.enabled`.
    pub webdav: Option<bool>,
    /// `git.enabled`.
    pub git: Option<bool>,
    /// `workshop.layout` (instructions layout).
    pub workshop_layout: Option<String>,
    /// `workshop.url` / `workshop.proxy`: where the instructions come from.
    pub instructions: InstructionsSource,
}

/// Where the learner's instructions come from (`session.applications.workshop`, the original's
/// `WORKSHOP_RENDERER`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum InstructionsSource {
    /// The workshop's own pages, rendered by lectern (the original's `local` and `static`).
    #[default]
    Local,
    /// `workshop.url`: another site shown in the instructions pane (`$(…)` tokens not yet substituted).
    Remote(String),
    /// `workshop.proxy`: a server `/workshop/content/…` is forwarded to.
    Proxy(WorkshopProxy),
}

/// `session.applications.workshop.proxy`: the doc server the instructions are proxied to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WorkshopProxy {
    /// `http` (default) or `https`.
    #[serde(default)]
    pub protocol: Option<String>,
    /// Upstream host (`$(…)` tokens allowed).
    pub host: String,
    /// Upstream port (default by protocol).
    #[serde(default)]
    pub port: Option<u16>,
    /// Rewrite `Host` to the upstream (default true, never for localhost).
    #[serde(default, rename = "changeOrigin")]
    pub change_origin: Option<bool>,
    /// Path rewrites: the first whose `pattern` (a regular expression) matches the request path applies.
    #[serde(default, rename = "pathRewrite")]
    pub path_rewrite: Vec<PathRewrite>,
    /// Extra upstream request headers (`$(…)` tokens allowed in values).
    #[serde(default)]
    pub headers: Vec<HeaderDef>,
}

/// One `pathRewrite` rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PathRewrite {
    /// Regular expression matched against the request path.
    pub pattern: String,
    /// Its replacement (`$1` names a group).
    #[serde(default)]
    pub replacement: String,
}

impl WorkshopProxy {
    /// The proxy as a session ingress rule named `workshop` (same upstream, header and origin rules).
    pub fn as_ingress(&self) -> IngressDef {
        IngressDef {
            name: "workshop".to_string(),
            port: self.port,
            host: Some(self.host.clone()),
            protocol: self.protocol.clone(),
            path: None,
            headers: self.headers.clone(),
            authentication: None,
            change_origin: self.change_origin,
        }
    }
}

#[derive(Deserialize, Default)]
struct RawDoc {
    #[serde(default)]
    metadata: RawMetadata,
    #[serde(default)]
    spec: RawSpec,
}

#[derive(Deserialize, Default)]
struct RawMetadata {
    name: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawSpec {
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    session: RawSession,
}

#[derive(Deserialize, Default)]
struct RawSession {
    #[serde(default)]
    dashboards: Vec<DashboardDef>,
    #[serde(default)]
    ingresses: Vec<IngressDef>,
    #[serde(default)]
    applications: std::collections::BTreeMap<String, RawApp>,
}

#[derive(Deserialize, Default)]
struct RawApp {
    enabled: Option<bool>,
    layout: Option<String>,
    /// `workshop.url`: instructions from an external site (the original's `remote` renderer).
    url: Option<serde_json::Value>,
    /// `workshop.proxy`: instructions from another server (the original's `proxy` renderer).
    proxy: Option<serde_json::Value>,
}

/// Where the instructions come from, as the original decides its renderer: `workshop.url` wins over
/// `workshop.proxy`. A value lectern cannot use is a warning (the message) and the workshop's own pages.
fn instructions_source(raw: &RawDoc) -> (InstructionsSource, Option<String>) {
    let Some(workshop) = raw.spec.session.applications.get("workshop") else {
        return (InstructionsSource::Local, None);
    };
    let set = |value: &Option<serde_json::Value>| value.clone().filter(|v| !v.is_null());
    if let Some(url) = set(&workshop.url) {
        return match url.as_str().map(str::trim).filter(|url| !url.is_empty()) {
            Some(url) => (InstructionsSource::Remote(url.to_string()), None),
            None => (
                InstructionsSource::Local,
                Some(
                    "session.applications.workshop.url must be a URL: showing the workshop's own pages"
                        .into(),
                ),
            ),
        };
    }
    let Some(proxy) = set(&workshop.proxy) else {
        return (InstructionsSource::Local, None);
    };
    match serde_json::from_value::<WorkshopProxy>(proxy) {
        Ok(mut proxy) if !proxy.host.trim().is_empty() => {
            let mut problems = Vec::new();
            proxy
                .path_rewrite
                .retain(|rule| match regex::Regex::new(&rule.pattern) {
                    Ok(_) => true,
                    Err(error) => {
                        problems.push(format!(
                            "pathRewrite pattern {:?} is skipped: {error}",
                            rule.pattern
                        ));
                        false
                    }
                });
            let warning = (!problems.is_empty())
                .then(|| format!("session.applications.workshop.proxy: {}", problems.join("; ")));
            (InstructionsSource::Proxy(proxy), warning)
        }
        Ok(_) => (
            InstructionsSource::Local,
            Some("session.applications.workshop.proxy has no host: showing the workshop's own pages".into()),
        ),
        Err(error) => (
            InstructionsSource::Local,
            Some(format!(
                "session.applications.workshop.proxy is not usable ({error}): showing the workshop's own pages"
            )),
        ),
    }
}

/// The line (1-based) of the first Go/Helm template action in `text` (`{{ .Values.x }}`,
/// `{{- if … }}`, `{{ include … }}`), if the file is a template rather than plain YAML.
pub fn template_line(text: &str) -> Option<u32> {
    const WORDS: &[&str] = &[
        "if ",
        "else",
        "end",
        "range ",
        "with ",
        "include ",
        "template ",
        "define ",
        "toYaml",
        "tpl ",
        "quote",
        "default ",
        "required ",
        "printf ",
        "nindent",
        "indent ",
        "block ",
        "/*",
    ];
    let mut from = 0;
    while let Some(rel) = text[from..].find("{{") {
        let at = from + rel;
        let inner = text[at + 2..].trim_start_matches('-').trim_start();
        let close = text[at..].find("}}");
        if close.is_some() && (inner.starts_with(['.', '$']) || WORDS.iter().any(|w| inner.starts_with(w))) {
            return Some(1 + text[..at].bytes().filter(|b| *b == b'\n').count() as u32);
        }
        from = at + 2;
    }
    None
}

/// What stands for a template action in [`without_template_actions`].
pub const TEMPLATED: &str = "lectern-templated";

/// `text` with lines holding only template actions dropped and other actions replaced by
/// [`TEMPLATED`], so what stays plain can still be read.
pub fn without_template_actions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut kept = String::new();
        let mut rest = line;
        let mut had_action = false;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start..].find("}}") else {
                break;
            };
            kept.push_str(&rest[..start]);
            kept.push_str(TEMPLATED);
            rest = &rest[start + len + 2..];
            had_action = true;
        }
        kept.push_str(rest);
        if !(had_action && kept.trim().replace(TEMPLATED, "").trim().is_empty()) {
            out.push_str(&kept);
        }
    }
    out
}

impl WorkshopDefinition {
    /// Reads `<root>/resources/workshop.yaml`; a missing file is the default, a broken one a diagnostic.
    /// A Go/Helm template (`{{ .Values.x }}`) is one warning: its settings are unknown until Helm runs,
    /// so what stays plain is read and the rest takes the defaults.
    pub fn load(root: &Path) -> (Self, Vec<Diagnostic>) {
        let path = root.join("resources").join("workshop.yaml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return (Self::default(), Vec::new());
        };
        let file = Path::new("resources/workshop.yaml");
        if let Some(line) = template_line(&text) {
            let plain = without_template_actions(&text);
            let parsed = Self::parse_raw(&plain).ok();
            let message = format!(
                "the workshop definition is a Go/Helm template (`{{{{ … }}}}`): its settings are unknown until it \
                 is rendered; {}",
                if parsed.is_some() {
                    "lectern reads the plain parts and uses defaults for the templated ones"
                } else {
                    "lectern uses the defaults (title, dashboards, ingresses, applications)"
                }
            );
            let mut definition = parsed.map(|raw| Self::from_raw(raw).0).unwrap_or_default();
            let known = |value: &mut Option<String>| {
                if value.as_deref().is_some_and(|v| v.contains(TEMPLATED)) {
                    *value = None;
                }
            };
            known(&mut definition.title);
            known(&mut definition.description);
            return (definition, vec![Diagnostic::warning(file, line, message)]);
        }
        match Self::parse_raw(&text) {
            Ok(raw) => {
                let (definition, warning) = Self::from_raw(raw);
                let diagnostics = warning
                    .map(|message| Diagnostic::warning(file, 0, message))
                    .into_iter()
                    .collect();
                (definition, diagnostics)
            }
            Err(message) => {
                // At the line and column the parser stopped (never `:0:0`; 1 when it gives none).
                let (line, column) = serde_saphyr::from_str::<RawDoc>(&text)
                    .err()
                    .and_then(|error| error.location())
                    .map_or((1, 0), |at| (at.line() as u32, at.column() as u32));
                let mut diagnostic = Diagnostic::error(file, line.max(1), message);
                diagnostic.column = column;
                (Self::default(), vec![diagnostic])
            }
        }
    }

    /// Parses the YAML text of a Workshop resource.
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::parse_raw(text).map(|raw| Self::from_raw(raw).0)
    }

    fn parse_raw(text: &str) -> Result<RawDoc, String> {
        serde_saphyr::from_str(text).map_err(|error| format!("invalid workshop definition: {error}"))
    }

    /// The definition, and a warning when its instructions source is unusable.
    fn from_raw(raw: RawDoc) -> (Self, Option<String>) {
        let (instructions, warning) = instructions_source(&raw);
        let apps = &raw.spec.session.applications;
        let enabled = |name: &str| apps.get(name).and_then(|app| app.enabled);
        let applications = Applications {
            terminal: enabled("terminal"),
            terminal_layout: apps.get("terminal").and_then(|app| app.layout.clone()),
            console: enabled("console"),
            editor: enabled("editor"),
            slides: enabled("slides"),
            files: enabled("files"),
            examiner: enabled("examiner"),
            uploads: enabled("uploads"),
            webdav: enabled("webdav"),
            git: enabled("git"),
            workshop_layout: apps.get("workshop").and_then(|app| app.layout.clone()),
            instructions,
        };
        let definition = Self {
            name: raw.metadata.name.filter(|name| !name.trim().is_empty()),
            title: raw.spec.title,
            description: raw.spec.description,
            dashboards: raw.spec.session.dashboards,
            ingresses: raw.spec.session.ingresses,
            applications,
        };
        (definition, warning)
    }
}

/// The name of a workshop's folder (its parent's when the folder is the conventional `workshop/`): the
/// workshop's name when its definition has none.
pub(crate) fn folder_name(root: &Path) -> Option<String> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let name = root.file_name()?.to_string_lossy().into_owned();
    if name == "workshop" {
        return root
            .parent()?
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
    }
    Some(name)
}
