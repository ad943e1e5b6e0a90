//! `/config/*`: what the original gateway hands to tools and to the training portal's REST clients about
//! the session pod (`?token=<CONFIG_PASSWORD>` or a login; the token check is in `auth/credentials.rs`).
//! `environment` is lectern's environment without lectern's own secrets (the original served the whole
//! snapshot, the portal's client secret included: weakness W36); `variables` every variable the
//! instructions are rendered with — the standard session variables, the workshop's title and description
//! (a pathway's when one is chosen), `pathway_name` and the `params` of `workshop/config.yaml` — as one JSON
//! object by name, like the original's `workshop-variables.json` (what `educates serve-workshop` turns into
//! Hugo params); `kubeconfig`, `id_rsa` and
//! `id_rsa.pub` the files in `$HOME` the original serves. Never cached.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{AppError, AppState};
use crate::config::is_secret_env;

/// Protected routes (a login, or `CONFIG_PASSWORD` as `?token=` / Bearer).
pub fn routes() -> Router<AppState> {
    Router::new().route("/config/{item}", get(config_item))
}

/// The files under `$HOME` the original serves, by item.
const HOME_FILES: &[(&str, &str)] = &[
    ("kubeconfig", ".kube/config"),
    ("id_rsa", ".ssh/id_rsa"),
    ("id_rsa.pub", ".ssh/id_rsa.pub"),
];

async fn config_item(State(state): State<AppState>, Path(item): Path<String>) -> Response {
    let json = |value: &BTreeMap<String, String>| match serde_json::to_vec_pretty(value) {
        Ok(body) => answer("application/json", body),
        Err(error) => AppError::Internal(error.into()).into_response(),
    };
    match item.as_str() {
        "environment" => json(&environment()),
        "variables" => json(&state.content.current().variables),
        _ => match HOME_FILES.iter().find(|(name, _)| *name == item) {
            Some((_, relative)) => home_file(relative).await,
            None => AppError::NotFound(format!(
                "/config/{item}: lectern serves environment, variables, kubeconfig, id_rsa and id_rsa.pub"
            ))
            .into_response(),
        },
    }
}

/// The process environment without lectern's own secrets.
fn environment() -> BTreeMap<String, String> {
    std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
        .filter(|(name, _)| !is_secret_env(name))
        .collect()
}

async fn home_file(relative: &str) -> Response {
    let Some(home) = std::env::var_os("HOME").filter(|home| !home.is_empty()) else {
        return AppError::NotFound(format!("~/{relative}: HOME is not set")).into_response();
    };
    let path = std::path::Path::new(&home).join(relative);
    match tokio::fs::read(&path).await {
        Ok(body) => answer("text/plain; charset=utf-8", body),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            AppError::NotFound(format!("~/{relative} does not exist in this session")).into_response()
        }
        Err(error) => {
            AppError::Internal(anyhow::Error::new(error).context(format!("cannot read ~/{relative}")))
                .into_response()
        }
    }
}

fn answer(content_type: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
