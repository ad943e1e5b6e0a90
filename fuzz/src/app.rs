//! A lectern router in-process for the HTTP targets: a configuration that can do no harm whatever the
//! fuzzer sends (no terminals, no `/port/`, no editor or console, no examiner, files from an empty
//! folder), a current-thread runtime, and requests parsed from a small text format.

use std::path::{Path, PathBuf};

use axum::body::Body;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use lectern::config::{Config, WorkshopSource};
use tower::ServiceExt;

/// Most response body bytes a target looks at.
pub const MAX_BODY: usize = 256 * 1024;

/// A running router and the folders it uses.
pub struct App {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    /// Scratch folder: the workshop, files and uploads folders live inside.
    pub dir: tempfile::TempDir,
}

/// What came back.
#[derive(Debug)]
pub struct Answer {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body (at most [`MAX_BODY`] bytes).
    pub body: Vec<u8>,
}

/// A fresh scratch folder, on tmpfs when there is one (every upload writes files).
pub fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    let builder = {
        let mut builder = tempfile::Builder::new();
        builder.prefix("lectern-fuzz-");
        builder
    };
    if shm.is_dir()
        && let Ok(dir) = builder.tempdir_in(shm)
    {
        return dir;
    }
    builder.tempdir().expect("a temporary folder")
}

/// A one-page workshop in `dir/workshop`, with `resources/workshop.yaml` = `definition`.
pub fn write_workshop(dir: &Path, definition: &str) -> PathBuf {
    let root = dir.join("workshop-root");
    let content = root.join("workshop").join("content");
    std::fs::create_dir_all(&content).expect("content folder");
    std::fs::write(content.join("01-page.md"), "# Page\n\nText.\n").expect("page");
    let resources = root.join("resources");
    std::fs::create_dir_all(&resources).expect("resources folder");
    std::fs::write(resources.join("workshop.yaml"), definition).expect("definition");
    root
}

/// A configuration whose every route is harmless: terminals, `/port/`, editor, console, examiner and
/// uploads off; `/files/` from an empty folder; a fixed cookie secret.
pub fn safe_config(dir: &Path, definition: &str) -> Config {
    let root = write_workshop(dir, definition);
    let files = dir.join("files");
    std::fs::create_dir_all(&files).expect("files folder");
    let mut config = Config::for_tests(WorkshopSource::Dir(root));
    config.watch = false;
    config.terminal.enabled = false;
    config.proxy.port_proxy = false;
    config.proxy.editor.enabled = Some(false);
    config.proxy.console.enabled = Some(false);
    config.services.examiner = Some(false);
    config.services.uploads = Some(false);
    config.services.files = Some(true);
    config.services.files_dir = Some(files);
    config.auth.cookie_key = lectern::config::CookieKeySource::Secret(lectern::config::Secret(
        "fuzz-cookie-secret-fuzz-cookie-secret-0123456789".to_string(),
    ));
    config.auth.session_name = "fuzz".to_string();
    config
}

impl App {
    /// Builds the router for `config` (call inside the fuzzed process, not before afl forks).
    pub fn new(config: Config, dir: tempfile::TempDir) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let state = runtime
            .block_on(async { lectern::server::build_state(config) })
            .expect("lectern state");
        let router = lectern::web::router(state);
        Self { runtime, router, dir }
    }

    /// Runs `future` on the app's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Sends `request` through the whole router (layers, auth, routes) and reads the answer.
    pub fn send(&self, request: Request<Body>) -> Answer {
        let router = self.router.clone();
        self.runtime.block_on(async move {
            let response = match router.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            let (parts, body) = response.into_parts();
            let limited = http_body_util::Limited::new(body, MAX_BODY);
            let body = match limited.collect().await {
                Ok(collected) => collected.to_bytes().to_vec(),
                Err(_) => Vec::new(),
            };
            Answer {
                status: parts.status,
                headers: parts.headers,
                body,
            }
        })
    }
}

/// A request in the targets' text format, before it becomes an `http::Request`.
#[derive(Debug, Clone, Default)]
pub struct RawRequest {
    /// Method.
    pub method: String,
    /// Request target (path and query).
    pub target: String,
    /// Header lines (name, value).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

/// Parses `METHOD TARGET\nName: value\n…\n\nbody` (lenient: a missing method is GET).
pub fn parse_request(data: &[u8]) -> RawRequest {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n');
    let first = lines.next().unwrap_or_default();
    let (method, target) = match first.split_once(' ') {
        Some((method, target)) => (method.to_string(), target.to_string()),
        None => ("GET".to_string(), first.to_string()),
    };
    let headers = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.to_string(), value.trim_start().to_string()))
        })
        .collect();
    RawRequest {
        method,
        target,
        headers,
        body: body.to_vec(),
    }
}

impl RawRequest {
    /// The `http::Request`, or `None` when a part is not valid HTTP (hyper would refuse it before
    /// lectern saw it).
    pub fn build(&self) -> Option<Request<Body>> {
        let mut builder = Request::builder()
            .method(self.method.as_str())
            .uri(self.target.as_str());
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder.body(Body::from(self.body.clone())).ok()
    }

    /// The value of the first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The request holds one of `secrets` somewhere, or `basic_password` in Basic credentials (leniently:
/// anywhere in the target or a header value, every base64 word decoded).
pub fn carries_secret(raw: &RawRequest, secrets: &[&str], basic_password: &str) -> bool {
    let plain = |text: &str| {
        secrets
            .iter()
            .any(|secret| !secret.is_empty() && text.contains(secret))
    };
    plain(&raw.target)
        || plain(&percent_decode(&raw.target))
        || raw
            .headers
            .iter()
            .any(|(_, value)| plain(value) || basic_password_in(value, basic_password))
}

/// Some base64 word of `text` decodes to something containing `password`.
pub fn basic_password_in(text: &str, password: &str) -> bool {
    decoded_words(text).any(|decoded| decoded.contains(password))
}

fn decoded_words(text: &str) -> impl Iterator<Item = String> + '_ {
    use base64::Engine;
    text.split_whitespace().filter_map(|word| {
        base64::engine::general_purpose::STANDARD
            .decode(word)
            .ok()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    })
}

/// `%XX` sequences decoded once (invalid ones kept as written), as bytes, then read as UTF-8.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
