//! Dashboard shell `/dashboard/`, the original's standalone terminal page `/terminal/session/{name}` (the
//! same shell: the bundle shows one full-window terminal on that path), `/api/dashboard` config and the
//! embedded bundle under `/static/`.

mod api;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::{AppError, AppState};

/// Protected dashboard routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(default_page))
        .route("/dashboard/", get(dashboard))
        .route("/terminal", get(first_terminal))
        .route("/terminal/", get(first_terminal))
        .route("/terminal/session/", get(new_terminal))
        .route("/terminal/session/{name}", get(terminal_page))
        .route("/api/dashboard", get(api::dashboard_json))
}

/// Public routes: the embedded frontend bundle (no secrets in it; the login page needs its CSS).
pub fn public_routes() -> Router<AppState> {
    Router::new().route("/static/{*path}", get(static_file)).route(
        "/favicon.ico",
        get(|headers: HeaderMap| async move { embedded("favicon.svg", &headers) }),
    )
}

/// `GET /` → `DEFAULT_PAGE` (validated as a path on this server when the configuration was read).
async fn default_page(State(state): State<AppState>) -> Redirect {
    Redirect::to(&state.config.dashboard.default_page)
}

async fn dashboard(headers: HeaderMap) -> Response {
    embedded("index.html", &headers)
}

/// `/terminal` and `/terminal/`: the original's standalone page of terminal 1.
async fn first_terminal() -> Redirect {
    Redirect::to("/terminal/session/1")
}

/// `/terminal/session/`: a standalone page of a brand-new terminal (the original named it by a UUID; a
/// terminal name is at most 32 characters, so 32 random hex digits).
async fn new_terminal() -> Redirect {
    let name = format!("{:032x}", rand::random::<u128>());
    Redirect::to(&format!("/terminal/session/{name}"))
}

/// `/terminal/session/{name}`: one terminal in the whole window, when terminals are on and the name is one.
async fn terminal_page(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !state.terminals.enabled() {
        return AppError::NotFound("terminals are turned off in this session".into()).into_response();
    }
    if let Err(error) = crate::terminal::TerminalName::parse(&name) {
        return AppError::BadRequest(error.to_string()).into_response();
    }
    embedded("index.html", &headers)
}

async fn static_file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    if path.split('/').any(|part| part == ".." || part.is_empty()) {
        return AppError::NotFound(path).into_response();
    }
    embedded(&path, &headers)
}

/// Cache policy of the chunks the dashboard imports on demand (`chunks/<name>-<content hash>.js`, named by
/// frontend/build.mjs): a new build gives changed code a new name, so a browser keeps them a year unasked.
const CHUNK_CACHE: &str = "public, max-age=31536000, immutable";

/// A file of the embedded bundle, sent as the build's brotli or gzip copy (`x.js.br`, `x.js.gz`, made by
/// frontend/build.mjs) when the browser takes it, with an ETag. Files with fixed names (`dashboard.js`,
/// the page) are revalidated by it on every load; hashed chunks are cached for good.
fn embedded(path: &str, headers: &HeaderMap) -> Response {
    let Some(file) = crate::assets::Assets::get(&format!("dashboard/{path}")) else {
        return AppError::NotFound(path.to_string()).into_response();
    };
    let hash = file.metadata.sha256_hash();
    let etag = format!("\"{}\"", hex(&hash[..12]));
    let cache = if path.starts_with("chunks/") {
        CHUNK_CACHE
    } else {
        "no-cache"
    };
    let common = [
        (header::ETAG, etag.clone()),
        (header::CACHE_CONTROL, cache.to_string()),
        (header::VARY, "Accept-Encoding".to_string()),
    ];
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .any(|tag| tag.trim().trim_start_matches("W/") == etag)
        });
    if matches {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let mime = HeaderValue::from_static(mime_for(path));
    for encoding in accepted_encodings(headers) {
        let ext = if encoding == "br" { "br" } else { "gz" };
        if let Some(variant) = crate::assets::Assets::get(&format!("dashboard/{path}.{ext}")) {
            let encoding = HeaderValue::from_static(if ext == "br" { "br" } else { "gzip" });
            return (
                common,
                [(header::CONTENT_TYPE, mime), (header::CONTENT_ENCODING, encoding)],
                variant.data.into_owned(),
            )
                .into_response();
        }
    }
    (common, [(header::CONTENT_TYPE, mime)], file.data.into_owned()).into_response()
}

/// `br` and `gzip` as the request's `Accept-Encoding` allows them (not `q=0`), best first.
fn accepted_encodings(headers: &HeaderMap) -> Vec<&'static str> {
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let takes = |name: &str| {
        accept.split(',').any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            coding.eq_ignore_ascii_case(name) && !refused
        })
    };
    ["br", "gzip"].into_iter().filter(|name| takes(name)).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Content type by file extension for the files Vite emits.
fn mime_for(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "json" | "map" => "application/json",
        _ => "application/octet-stream",
    }
}
