//! Composition root: builds `AppState` and the long-lived tasks, serves until shutdown, drains gracefully.

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
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "lectern listening on http://{address}/");
    serve(config, listener, shutdown_signal()).await
}

/// Serves on `listener` until `shutdown` completes, then drains open requests.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
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
    // No Nagle: a terminal's last small output frame after a flood (a prompt, Ctrl-C's effect)
    // would otherwise wait for the client's delayed ACK, about 40 ms.
    let listener = axum::serve::ListenerExt::tap_io(listener, |stream: &mut tokio::net::TcpStream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    });
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("server failed");
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    served
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
