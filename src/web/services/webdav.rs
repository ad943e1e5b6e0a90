//! `/webdav/`: the files folder over WebDAV (RFC 4918) with the `dav-server` crate (`ENABLE_WEBDAV`, else
//! the workshop's `applications.webdav.enabled`). As the original, it has its own credentials —
//! `WEBDAV_USERNAME`/`WEBDAV_PASSWORD`, HTTP Basic (the original used Digest) — and a logged-in browser's
//! cookie is accepted too; without a password it takes lectern's own login. Paths are contained by
//! [`fs::JailFs`]; locks are dav-server's in-memory lock system.

pub mod fs;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::any;
use dav_server::memls::MemLs;
use dav_server::{DavConfig, DavHandler};
use http::header::{self, HeaderValue};
use http_body_util::BodyExt;

use super::{AppError, AppState, UNTRUSTED_FILE_POLICY, files_dir};
use crate::config::CookieKeySource;
use crate::jail::Jail;
use crate::web::gate;

/// State shared by every WebDAV request: locks and dead properties.
#[derive(Debug)]
pub struct DavState {
    locks: Box<MemLs>,
    props: Arc<Mutex<fs::PropStore>>,
}

impl Default for DavState {
    fn default() -> Self {
        Self {
            locks: MemLs::new(),
            props: Arc::default(),
        }
    }
}

/// The WebDAV routes (outside lectern's login layer: they check their own credentials).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/webdav", any(handle))
        .route("/webdav/", any(handle))
        .route("/webdav/{*rest}", any(handle))
}

/// The user name WebDAV clients give: `WEBDAV_USERNAME`, else the session namespace (the original's).
pub fn username(state: &AppState) -> String {
    state.config.services.webdav_username.clone().unwrap_or_else(|| {
        let vars = &state.config.session.vars;
        vars.get("session_namespace")
            .or_else(|| vars.get("session_name"))
            .cloned()
            .unwrap_or_else(|| "workshop".to_string())
    })
}

async fn handle(State(state): State<AppState>, request: Request) -> Response {
    if !super::enabled(&state).webdav {
        return AppError::NotFound("WebDAV is not enabled".to_string()).into_response();
    }
    let user = username(&state);
    let credentials = state
        .config
        .services
        .webdav_password
        .as_ref()
        .map(|password| (user.as_str(), password));
    let principal = match gate::settle(state.auth.authenticate_service(&request, credentials)) {
        Ok((principal, _)) => principal,
        Err(stop) => return stop.into_response(),
    };
    if request.uri().path() == "/webdav" {
        return Redirect::permanent("/webdav/").into_response();
    }
    let limit = state.config.services.upload_limit_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return AppError::TooLarge(format!(
            "uploads are limited to {limit} bytes per request (LECTERN_UPLOAD_LIMIT)"
        ))
        .into_response();
    }
    let Some(jail) = files_dir(&state).and_then(|dir| Jail::new(dir).ok()) else {
        return AppError::Unavailable("the files folder does not exist".to_string()).into_response();
    };
    let filesystem = fs::JailFs::new(jail, Arc::new(secret_files(&state)), state.dav.props.clone());
    let config = DavConfig::new()
        .strip_prefix("/webdav")
        .filesystem(Box::new(filesystem))
        .locksystem(state.dav.locks.clone())
        .principal(principal.user)
        .hide_symlinks(false)
        .autoindex(true);
    // Bodies stream into the file; one over the upload limit stops being read there.
    let request =
        request.map(|body| http_body_util::Limited::new(body, limit as usize).map_err(std::io::Error::other));
    let response = DavHandler::new().handle_with(config, request).await;
    let mut response = response.map(Body::new);
    // What the learner keeps in the folder is not trusted content (as `/files/`: issue 11, finding 4).
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(UNTRUSTED_FILE_POLICY),
    );
    response
}

/// Lectern's own files that are never served, wherever they are: the cookie key and its logout list.
fn secret_files(state: &AppState) -> Vec<PathBuf> {
    match &state.auth.config().cookie_key {
        CookieKeySource::File(key) => {
            let mut logouts = key.clone().into_os_string();
            logouts.push(".logouts");
            [key.clone(), PathBuf::from(logouts)]
                .into_iter()
                .filter_map(|path| path.canonicalize().ok())
                .collect()
        }
        CookieKeySource::Secret(_) => Vec::new(),
    }
}
