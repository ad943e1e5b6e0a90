//! AppState: the one cheap-to-clone state shared by handlers, with `FromRef` substates.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::Auth;
use crate::config::Config;
use crate::config::Secret;
use crate::content::ContentStore;
use crate::editor::{Editor, Supervisor};
use crate::events::EventBus;
use crate::proxy::Proxy;
use crate::terminal::TerminalHub;

/// Everything handlers need. Cloned for every request by each middleware layer, so it is one `Arc`.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`] (reached through `Deref`: `state.config`, `state.proxy`, …).
#[derive(Debug)]
pub struct Shared {
    /// Validated configuration.
    pub config: Arc<Config>,
    /// Rendered instructions.
    pub content: ContentStore,
    /// Server-to-browser events.
    pub events: EventBus,
    /// Terminals.
    pub terminals: TerminalHub,
    /// Reverse proxy.
    pub proxy: Proxy,
    /// Authentication.
    pub auth: Auth,
    /// WebDAV locks and dead properties.
    pub dav: super::services::webdav::DavState,
    /// Editor operations and the extension channel.
    pub editor: Editor,
    /// The secret the editor extension presents on `/editor-channel`.
    pub editor_secret: Secret,
    /// The supervised code-server, when lectern starts it.
    pub code_server: Option<Supervisor>,
    /// Activity, the session's end, events waiting for the portal.
    pub lifecycle: super::Lifecycle,
    /// Pages whose scripts ran, and the scenario start (`web/page_scripts.rs`).
    pub page_scripts: super::PageScripts,
}

impl AppState {
    /// Wraps the parts.
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for ContentStore {
    fn from_ref(state: &AppState) -> Self {
        state.content.clone()
    }
}

impl FromRef<AppState> for EventBus {
    fn from_ref(state: &AppState) -> Self {
        state.events.clone()
    }
}

impl FromRef<AppState> for TerminalHub {
    fn from_ref(state: &AppState) -> Self {
        state.terminals.clone()
    }
}

impl FromRef<AppState> for Auth {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}
