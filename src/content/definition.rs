//! WorkshopDefinition: the parts of `resources/workshop.yaml` (the Workshop resource) lectern uses —
//! title, description, session dashboards, session ingresses and application switches.

use std::path::Path;

use serde::Deserialize;

use super::Diagnostic;

/// What lectern reads from `resources/workshop.yaml`. Missing file or fields → defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkshopDefinition {
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
}

#[derive(Deserialize, Default)]
struct RawDoc {
    #[serde(default)]
    spec: RawSpec,
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

/// The original serves the instructions from elsewhere when `session.applications.workshop.url`
/// (`remote`) or `.proxy` (`proxy`) is set; lectern always renders the workshop's own content, so
/// such a definition gets a warning saying so.
fn unsupported_renderer(raw: &RawDoc) -> Option<String> {
    let workshop = raw.spec.session.applications.get("workshop")?;
    let field = if workshop.url.as_ref().is_some_and(|v| !v.is_null()) {
        "url"
    } else if workshop.proxy.as_ref().is_some_and(|v| !v.is_null()) {
        "proxy"
    } else {
        return None;
    };
    Some(format!(
        "session.applications.workshop.{field} is set: the original then shows instructions from \
         elsewhere, which lectern does not support; it renders this workshop's own content instead"
    ))
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
            let mut definition = parsed.map(Self::from_raw).unwrap_or_default();
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
                let diagnostics = unsupported_renderer(&raw)
                    .map(|message| Diagnostic::warning(file, 0, message))
                    .into_iter()
                    .collect();
                (Self::from_raw(raw), diagnostics)
            }
            Err(message) => (Self::default(), vec![Diagnostic::error(file, 0, message)]),
        }
    }

    /// Parses the YAML text of a Workshop resource.
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::parse_raw(text).map(Self::from_raw)
    }

    fn parse_raw(text: &str) -> Result<RawDoc, String> {
        serde_saphyr::from_str(text).map_err(|error| format!("invalid workshop definition: {error}"))
    }

    fn from_raw(raw: RawDoc) -> Self {
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
        };
        Self {
            title: raw.spec.title,
            description: raw.spec.description,
            dashboards: raw.spec.session.dashboards,
            ingresses: raw.spec.session.ingresses,
            applications,
        }
    }
}
