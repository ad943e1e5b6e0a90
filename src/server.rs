//! Composition root: builds `AppState` and the long-lived tasks, serves until shutdown, drains gracefully.
//! The accept loop and its connection limits are `server/listen.rs`.

mod listen;

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::auth::Auth;
use crate::config::{Config, Secret, WorkshopSource};
use crate::content::ContentStore;
use crate::content::watch::{self, WatchOptions};
use crate::editor::supervisor::LaunchConfig;
use crate::editor::{self, Editor, Supervisor, Workspace};
use crate::events::EventBus;
use crate::proxy::Proxy;
use crate::terminal::TerminalHub;
use crate::web::{self, AppState, Shared};

/// Runs `lectern serve` until SIGINT/SIGTERM.
pub async fn run_serve(config: Config) -> anyhow::Result<()> {
    crate::config::protect_process_environment();
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "lectern listening on http://{address}/");
    serve(config, listener, shutdown_signal()).await
}

/// Serves on `listener` until `shutdown` completes, then drains open requests.
pub async fn serve(
    mut config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // The port actually bound (tests bind port 0): `/port/` refuses to call this server itself.
    config.listen = listener.local_addr().context("the listener has no address")?;
    let limits = config.limits.clone();
    let state = build_state(config)?;
    // The demo is extracted from the binary and never edited, so only a folder is watched.
    let watcher = (state.config.watch && !state.content.is_demo()).then(|| {
        watch::spawn(
            state.content.clone(),
            state.events.clone(),
            WatchOptions::default(),
        )
    });
    // Idle detection, terminal reaping, events waiting for the portal (issue 15).
    let monitor = web::spawn_monitor(state.clone());
    // A Killercoda scenario's assets are in place before it starts.
    let starting = state.clone();
    tokio::spawn(async move { web::start_scenario(&starting).await });
    let events = state.events.clone();
    let terminals = state.terminals.clone();
    let shutdown = async move {
        shutdown.await;
        // Viewers are told why, and no learner process outlives lectern (background jobs included).
        terminals.shutdown().await;
        // Event streams never end on their own; closing the bus lets the graceful drain finish.
        events.close();
    };
    let code_server = state.clone();
    let app = web::router(state);
    listen::serve_connections(listener, app, limits, shutdown).await;
    monitor.abort();
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    if let Some(supervisor) = &code_server.code_server {
        supervisor.stop().await;
    }
    Ok(())
}

/// Builds the shared state from the configuration.
pub fn build_state(config: Config) -> anyhow::Result<AppState> {
    let config = Arc::new(config);
    let (content, diagnostics) = match &config.workshop {
        WorkshopSource::Dir(dir) => ContentStore::load(dir.clone(), config.session.vars.clone()),
        WorkshopSource::Demo => ContentStore::load_demo(config.session.vars.clone())
            .context("cannot extract the demo workshop to a temporary folder")?,
    };
    for diagnostic in &diagnostics {
        tracing::warn!(%diagnostic, "workshop problem");
    }
    let editor_secret = config.editor.secret.clone().unwrap_or_else(|| {
        Secret(
            rand::Rng::sample_iter(rand::rng(), &rand::distr::Alphanumeric)
                .take(40)
                .map(char::from)
                .collect(),
        )
    });
    let workspace = Workspace {
        home: config.editor.home.clone(),
        root: config.editor.root.clone(),
    };
    let editor = Editor::new(editor::Settings {
        workspace: workspace.clone(),
        connect_wait: config.editor.connect_wait,
        answer_wait: editor::DEFAULT_ANSWER_WAIT,
    });
    let code_server = start_code_server(&config, &content, &workspace, &editor_secret);
    Ok(AppState::new(Shared {
        content,
        events: EventBus::new(),
        terminals: TerminalHub::new(config.terminal.clone(), &shell_vars(&config.session.vars)),
        proxy: Proxy::new(config.proxy.clone()),
        auth: Auth::new(config.auth.clone())?,
        dav: Default::default(),
        editor,
        editor_secret,
        code_server,
        lifecycle: Default::default(),
        page_scripts: web::PageScripts::default(),
        config,
    }))
}

/// Starts code-server when the editor is enabled (by flag or by the workshop) and no operator-run one was
/// named, or when `LECTERN_EDITOR_START=true`; it gets the channel's address and secret.
fn start_code_server(
    config: &Config,
    content: &ContentStore,
    workspace: &Workspace,
    secret: &Secret,
) -> Option<Supervisor> {
    let enabled = config
        .proxy
        .editor
        .enabled
        .or(content.current().definition.applications.editor)
        == Some(true);
    let start = config.editor.start.unwrap_or(enabled && !config.editor.external);
    if !start {
        return None;
    }
    let port = config.proxy.editor.upstream.port_u16().unwrap_or(10085);
    let host = match config.listen.ip() {
        ip if ip.is_unspecified() && ip.is_ipv6() => "[::1]".to_string(),
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let url = format!("ws://{host}:{}{}", config.listen.port(), web::EDITOR_CHANNEL_PATH);
    Some(Supervisor::start(LaunchConfig {
        command: config.editor.command.clone(),
        port,
        folder: workspace.root(),
        data_dir: config.editor.data_dir.clone(),
        extension: crate::assets::get(EXTENSION_ASSET).map(|bytes| bytes.into_owned()),
        env: vec![
            ("LECTERN_EDITOR_URL".into(), url),
            ("LECTERN_EDITOR_SECRET".into(), secret.0.clone()),
        ],
    }))
}

/// lectern's VS Code extension, built by the frontend build (`frontend/vscode-extension/`).
pub const EXTENSION_ASSET: &str = "dashboard/lectern-editor.vsix";

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// The session variables shells get, plus a `PATH` that ends with lectern's own folder when it is not on
/// it already, so `lectern check` typed in a terminal works on a laptop (`cargo run`) as in the image.
fn shell_vars(
    vars: &std::collections::BTreeMap<String, String>,
) -> std::collections::BTreeMap<String, String> {
    let mut vars = vars.clone();
    let folder = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(std::path::Path::to_path_buf));
    let path = std::env::var_os("PATH").unwrap_or_default();
    if let Some(folder) = folder
        && !vars.keys().any(|name| name.eq_ignore_ascii_case("path"))
        && !std::env::split_paths(&path).any(|dir| dir == folder)
    {
        let mut dirs: Vec<_> = std::env::split_paths(&path).collect();
        dirs.push(folder);
        if let Ok(joined) = std::env::join_paths(dirs) {
            vars.insert("path".to_string(), joined.to_string_lossy().into_owned());
        }
    }
    vars
}
