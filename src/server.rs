//! Composition root: builds `AppState` and the long-lived tasks, serves until shutdown, drains gracefully.
//! The accept loop and its connection limits are `server/listen.rs`.

mod listen;

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::auth::Auth;
use crate::config::{Config, WorkshopSource};
use crate::content::ContentStore;
use crate::content::watch::{self, WatchOptions};
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
    let events = state.events.clone();
    let shutdown = async move {
        shutdown.await;
        // Event streams never end on their own; closing the bus lets the graceful drain finish.
        events.close();
    };
    let app = web::router(state);
    listen::serve_connections(listener, app, limits, shutdown).await;
    if let Some(watcher) = watcher {
        watcher.abort();
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
    Ok(AppState::new(Shared {
        content,
        events: EventBus::new(),
        terminals: TerminalHub::new(config.terminal.clone(), &config.session.vars),
        proxy: Proxy::new(config.proxy.clone()),
        auth: Auth::new(config.auth.clone())?,
        dav: Default::default(),
        config,
    }))
}

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
