//! `GET /api/dashboard`: the dashboard's configuration as JSON, built from `Config`, the workshop
//! definition (`resources/workshop.yaml`) and the `Principal` making the request.

use axum::Json;
use axum::extract::State;
use axum::http::Extensions;
use serde::Serialize;

use crate::auth::Principal;
use crate::config::Config;
use crate::content::WorkshopDefinition;
use crate::web::AppState;

/// The whole answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DashboardJson {
    /// Title and description.
    pub workshop: WorkshopJson,
    /// Session identity and expiry.
    pub session: SessionJson,
    /// Instructions and terminal layouts.
    pub layout: LayoutJson,
    /// Work-area tabs in display order.
    pub tabs: Vec<TabJson>,
    /// Which services are enabled.
    pub features: FeaturesJson,
    /// Who is looking.
    pub auth: AuthJson,
    /// The workshop's dashboard overrides that exist (`workshop-dashboard.css` / `.js` in its theme).
    pub overrides: OverridesJson,
}

/// `overrides` object: URLs of the workshop's dashboard overrides, `null` when it has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OverridesJson {
    /// `/workshop/static/workshop-dashboard.css` when the workshop has it.
    pub css: Option<String>,
    /// `/workshop/static/workshop-dashboard.js` when the workshop has it.
    pub js: Option<String>,
}

/// `workshop` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkshopJson {
    /// Title shown in the header.
    pub title: String,
    /// One-line description.
    pub description: String,
}

/// `session` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionJson {
    /// Session name.
    pub name: String,
    /// Session namespace.
    pub namespace: String,
    /// Ingress domain.
    pub domain: String,
    /// Expiry time, unix seconds (`null` = no expiry known).
    pub expires: Option<u64>,
    /// The session may be extended.
    pub extendable: bool,
    /// Show the countdown (`ENABLE_COUNTDOWN`; it reads the portal's schedule).
    pub countdown: bool,
    /// Offer Terminate: without a portal (it ends the session here), or with the portal's `RESTART_URL`
    /// to go to (the original shows it only then).
    pub terminate: bool,
}

/// `layout` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayoutJson {
    /// `default`, `left`, `tab` or `none`.
    pub workshop: String,
    /// `default`, `split`, `split/2`, `lower` or `none`.
    pub terminal: String,
    /// The page the instructions pane shows when the instructions come from elsewhere
    /// (`applications.workshop.url`, or `/workshop/content/` for a proxied doc server); absent: lectern's
    /// own pages, with page navigation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
}

/// One tab.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TabJson {
    /// Stable id (slug of the label).
    pub id: String,
    /// Label shown on the tab.
    pub label: String,
    /// `terminal`, `editor`, `console`, `slides`, `files` or `url`.
    pub kind: &'static str,
    /// Page shown in the tab (not for terminal tabs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Terminal names shown in the tab (terminal tabs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminals: Option<Vec<String>>,
}

/// `features` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FeaturesJson {
    /// Editor (code-server) tab and `editor:*` actions.
    pub editor: bool,
    /// Kubernetes console tab.
    pub console: bool,
    /// File downloads (`/files/`).
    pub files: bool,
    /// Uploads (`/upload/`).
    pub uploads: bool,
    /// Examiner tests.
    pub examiner: bool,
    /// Slides tab.
    pub slides: bool,
}

/// `auth` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthJson {
    /// User name.
    pub user: String,
    /// Staff user.
    pub staff: bool,
    /// The session's owner (the page API's `session_owner()`; the portal names it, else the user).
    pub owner: String,
}

/// `GET /api/dashboard`.
pub async fn dashboard_json(State(state): State<AppState>, extensions: Extensions) -> Json<DashboardJson> {
    let workshop = state.content.current();
    let principal = extensions.get::<Principal>().cloned().unwrap_or(Principal {
        user: "anonymous".to_string(),
        staff: false,
        owner: None,
    });
    let services = crate::web::services::enabled(&state);
    let mut json = build(
        &state.config,
        &workshop.title,
        &workshop.definition,
        &services,
        &principal,
    );
    let url = |name: &str| {
        crate::web::content::has_theme_file(&workshop, name).then(|| format!("/workshop/static/{name}"))
    };
    json.overrides = OverridesJson {
        css: url("workshop-dashboard.css"),
        js: url("workshop-dashboard.js"),
    };
    Json(json)
}

/// Builds the JSON (pure, for tests).
pub fn build(
    config: &Config,
    title: &str,
    definition: &WorkshopDefinition,
    services: &crate::web::services::Enabled,
    principal: &Principal,
) -> DashboardJson {
    let apps = &definition.applications;
    let var = |name: &str| config.session.vars.get(name).cloned();
    let session_name = var("session_name").unwrap_or_else(|| "workshop".to_string());
    let workshop_layout = config
        .dashboard
        .workshop_layout
        .clone()
        .or_else(|| apps.workshop_layout.clone())
        .filter(|layout| crate::config::WORKSHOP_LAYOUTS.contains(&layout.as_str()))
        .unwrap_or_else(|| "default".to_string());
    let terminal_enabled = config.terminal.enabled && apps.terminal != Some(false);
    let terminal_layout = if terminal_enabled {
        config
            .dashboard
            .terminal_layout
            .clone()
            .or_else(|| apps.terminal_layout.clone())
            .filter(|layout| crate::config::TERMINAL_LAYOUTS.contains(&layout.as_str()))
            .unwrap_or_else(|| "default".to_string())
    } else {
        "none".to_string()
    };
    // Flags and the original's ENABLE_* variables win over the workshop definition; the services
    // switches are the ones their routes obey (`web::services::enabled`).
    let features = FeaturesJson {
        editor: config.proxy.editor.enabled.or(apps.editor) == Some(true),
        console: config.proxy.console.enabled.or(apps.console) == Some(true),
        files: services.files,
        uploads: services.uploads,
        examiner: services.examiner,
        slides: apps.slides == Some(true),
    };
    let title = definition
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| title.to_string());
    DashboardJson {
        workshop: WorkshopJson {
            title,
            description: definition.description.clone().unwrap_or_default(),
        },
        session: SessionJson {
            namespace: var("session_namespace").unwrap_or_else(|| session_name.clone()),
            domain: var("ingress_domain").unwrap_or_default(),
            name: session_name,
            expires: None,
            extendable: false,
            countdown: config.dashboard.countdown,
            terminate: config.auth.oauth.is_none()
                || var("restart_url").is_some_and(|url| !url.trim().is_empty()),
        },
        tabs: tabs(definition, &terminal_layout, features),
        layout: LayoutJson {
            workshop: workshop_layout,
            terminal: terminal_layout,
            instructions: crate::web::content::pane_url(definition, &config.session.vars),
        },
        features,
        auth: AuthJson {
            user: principal.user.clone(),
            staff: principal.staff,
            owner: principal.owner.clone().unwrap_or_else(|| principal.user.clone()),
        },
        overrides: OverridesJson::default(),
    }
}

pub use crate::config::{layout_terminals, slug};

/// The tab list: built-ins (terminal, console, editor, slides, files) and the definition's dashboards.
/// A custom entry whose slug names an enabled built-in places that built-in there; when no built-in is
/// mentioned they all come first, otherwise the unmentioned ones go last (the original's rule).
pub fn tabs(definition: &WorkshopDefinition, terminal_layout: &str, features: FeaturesJson) -> Vec<TabJson> {
    let mut builtins: Vec<TabJson> = Vec::new();
    if !matches!(terminal_layout, "none" | "lower") {
        builtins.push(TabJson {
            id: "terminal".to_string(),
            label: "Terminal".to_string(),
            kind: "terminal",
            url: None,
            terminals: Some(layout_terminals(terminal_layout)),
        });
    }
    let services = [
        (features.console, "console", "Console", "/console/"),
        (features.editor, "editor", "Editor", "/editor/"),
        (features.slides, "slides", "Slides", "/slides/"),
        (features.files, "files", "Files", "/files/"),
    ];
    for (enabled, id, label, url) in services {
        if enabled {
            builtins.push(TabJson {
                id: id.to_string(),
                label: label.to_string(),
                kind: id_kind(id),
                url: Some(url.to_string()),
                terminals: None,
            });
        }
    }
    let mut custom: Vec<TabJson> = Vec::new();
    let mut mentioned = false;
    for entry in &definition.dashboards {
        let id = slug(&entry.name);
        if id.is_empty() || custom.iter().any(|tab| tab.id == id) {
            continue;
        }
        if let Some(index) = builtins.iter().position(|tab| tab.id == id) {
            let mut tab = builtins.remove(index);
            tab.label = entry.name.clone();
            custom.push(tab);
            mentioned = true;
            continue;
        }
        let Some(url) = entry.url.as_deref().map(str::trim).filter(|url| !url.is_empty()) else {
            continue;
        };
        let tab = match url.strip_prefix("terminal:") {
            Some(terminal) => TabJson {
                id,
                label: entry.name.clone(),
                kind: "terminal",
                url: None,
                terminals: Some(vec![terminal.to_string()]),
            },
            None => TabJson {
                id,
                label: entry.name.clone(),
                kind: "url",
                url: Some(url.to_string()),
                terminals: None,
            },
        };
        custom.push(tab);
    }
    if mentioned {
        custom.extend(builtins);
        custom
    } else {
        builtins.extend(custom);
        builtins
    }
}

fn id_kind(id: &str) -> &'static str {
    match id {
        "console" => "console",
        "editor" => "editor",
        "slides" => "slides",
        _ => "files",
    }
}
