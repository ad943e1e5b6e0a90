//! Git over smart HTTP (`ENABLE_GIT`, else the workshop's `applications.git.enabled`): clone, fetch and push
//! for the repositories under `LECTERN_GIT_REPOSITORIES`, served by running the real `git http-backend` as a
//! CGI program. Reached as the original's `git-<session>.<domain>` ingress host (dispatched in
//! `web/proxy.rs` `front`) and, on any host, under `/git/`.
//!
//! As the original (`git-serve`): HTTP Basic with `GIT_USERNAME` (default the session name) and
//! `GIT_PASSWORD` (default `SERVICES_PASSWORD`) — a logged-in browser's cookie works too, and with neither
//! password set lectern's own login decides; a repository that does not exist yet is created, bare, the
//! first time a client pushes to (or clones) it. `foo` and `foo.git` name the same repository.
//!
//! Both directions stream: the request body is copied to the program's stdin as it arrives and its stdout
//! becomes the response body as it is written — nothing is buffered whole, so a push is bounded by the disk,
//! not by memory. The program gets a clean environment (none of lectern's secrets).

use std::path::PathBuf;
use std::process::Stdio;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use bytes::BytesMut;
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode, header};
use http_body_util::BodyExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::process::{ChildStdout, Command};

use super::{AppError, AppState, enabled, home_dir};
use crate::jail::{Jail, JailError};
use crate::web::gate;

/// Largest CGI header block accepted from `git http-backend`, bytes.
const MAX_CGI_HEADERS: usize = 16 * 1024;
/// What a request may ask of a repository (everything after the repository's name).
const SERVICE_PATHS: &[&str] = &[
    "/info/refs",
    "/git-upload-pack",
    "/git-receive-pack",
    "/HEAD",
    "/objects/",
];

/// `/git/…` on lectern's own host names.
pub fn routes() -> Router<AppState> {
    Router::new().route("/git/{*rest}", any(by_path))
}

async fn by_path(State(state): State<AppState>, request: Request) -> Response {
    serve(&state, request, "/git".len()).await
}

/// The user name Git clients give: `GIT_USERNAME`, else the session name (the original's).
pub fn username(state: &AppState) -> String {
    state.config.services.git_username.clone().unwrap_or_else(|| {
        state
            .config
            .session
            .vars
            .get("session_name")
            .cloned()
            .unwrap_or_else(|| "workshop".to_string())
    })
}

/// The folder holding the repositories: `LECTERN_GIT_REPOSITORIES`, else `$HOME/.local/share/lectern/git`.
pub fn repositories_dir(state: &AppState) -> Option<PathBuf> {
    if let Some(dir) = &state.config.services.git_repositories {
        return Some(dir.clone());
    }
    if state.content.is_demo() {
        return Some(state.content.root().join("git"));
    }
    home_dir().map(|home| home.join(".local/share/lectern/git"))
}

/// Serves a Git request whose path starts after `strip` bytes (`/git` on lectern's host, nothing on the
/// `git-<session>` host).
pub async fn serve(state: &AppState, request: Request, strip: usize) -> Response {
    if !enabled(state).git {
        return AppError::NotFound("Git is not enabled".to_string()).into_response();
    }
    let user = username(state);
    let services = &state.config.services;
    let password = services
        .git_password
        .as_ref()
        .or(state.auth.config().services_password.as_ref());
    let credentials = password.map(|password| (user.as_str(), password));
    let principal = match gate::settle(state.auth.authenticate_service(&request, credentials)) {
        Ok((principal, _)) => principal,
        Err(stop) => return stop.into_response(),
    };
    // Decoded here, once: `git http-backend` acts on `PATH_INFO` as a plain path, so what the jail checks
    // must be exactly what it gets (and a `%` left in a name could be decoded again: refused).
    let raw = request.uri().path().get(strip..).unwrap_or_default();
    let Ok(path) = String::from_utf8(crate::proxy::routes::percent_decode(raw)) else {
        return AppError::BadRequest(format!("{raw:?} is not UTF-8 once decoded")).into_response();
    };
    let Some((repository, rest)) = split_repository(&path) else {
        return AppError::NotFound(format!(
            "{path:?} is not a Git smart-HTTP path (<repository>/info/refs, git-upload-pack, git-receive-pack)"
        ))
        .into_response();
    };
    if repository.contains('%') {
        return AppError::BadRequest(format!("repository names may not contain %: {repository:?}"))
            .into_response();
    }
    let repository = if repository.ends_with(".git") {
        repository.to_string()
    } else {
        format!("{repository}.git")
    };
    let root = match repositories_root(state) {
        Ok(root) => root,
        Err(error) => return error.into_response(),
    };
    if let Err(error) = ensure_repository(&root, &repository).await {
        return error.into_response();
    }
    match run_backend(&root, &repository, rest, &principal.user, request).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

/// `/<repository>/<service path>` → (repository, service path with its leading `/`).
fn split_repository(path: &str) -> Option<(&str, &str)> {
    let path = path.strip_prefix('/')?;
    let at = SERVICE_PATHS
        .iter()
        .filter_map(|service| {
            path.find(service)
                .filter(|&at| at > 0 && (service.ends_with('/') || path[at..] == **service))
        })
        .min()?;
    Some((&path[..at], &path[at..]))
}

/// The repositories folder (created when missing) as a jail.
fn repositories_root(state: &AppState) -> Result<Jail, AppError> {
    let dir = repositories_dir(state)
        .ok_or_else(|| AppError::Unavailable("no LECTERN_GIT_REPOSITORIES and no HOME".to_string()))?;
    std::fs::create_dir_all(&dir)
        .map_err(|error| AppError::Internal(anyhow::anyhow!("cannot create {}: {error}", dir.display())))?;
    Jail::new(&dir)
        .map_err(|error| AppError::Internal(anyhow::anyhow!("cannot resolve {}: {error}", dir.display())))
}

/// The original's rule: a repository is created, bare, when a client first asks for it.
async fn ensure_repository(root: &Jail, repository: &str) -> Result<(), AppError> {
    match root.resolve(repository) {
        Ok(real) if real.join("HEAD").is_file() => return Ok(()),
        Ok(_) | Err(JailError::NotFound(_)) => {}
        Err(error) => return Err(jail_refusal(repository, error)),
    }
    let dir = root
        .create_dir_all(repository)
        .map_err(|error| jail_refusal(repository, error))?;
    let output = Command::new("git")
        .args(["init", "--quiet", "--bare", "--initial-branch=main"])
        .arg(&dir)
        .env_clear()
        .envs(base_env())
        .output()
        .await
        .map_err(|error| AppError::Unavailable(format!("cannot run git: {error}")))?;
    if !output.status.success() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "git init --bare {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    tracing::info!(repository, "created Git repository");
    Ok(())
}

fn jail_refusal(repository: &str, error: JailError) -> AppError {
    match error {
        JailError::Io { .. } => AppError::Internal(anyhow::anyhow!("{error}")),
        _ => AppError::BadRequest(format!("{repository:?} is not a repository name: {error}")),
    }
}

/// `PATH` and `HOME` of lectern's own environment — all a `git` child needs, and nothing secret.
fn base_env() -> Vec<(&'static str, std::ffi::OsString)> {
    ["PATH", "HOME"]
        .into_iter()
        .filter_map(|name| std::env::var_os(name).map(|value| (name, value)))
        .collect()
}

/// Runs `git http-backend` for one request and streams both ways.
async fn run_backend(
    root: &Jail,
    repository: &str,
    rest: &str,
    user: &str,
    request: Request,
) -> Result<Response, AppError> {
    let (parts, body) = request.into_parts();
    let mut command = Command::new("git");
    command
        .arg("http-backend")
        .env_clear()
        .envs(base_env())
        .env("GIT_PROJECT_ROOT", root.root())
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("GATEWAY_INTERFACE", "CGI/1.1")
        .env("SERVER_SOFTWARE", "lectern")
        .env("SERVER_PROTOCOL", "HTTP/1.1")
        .env("REQUEST_METHOD", parts.method.as_str())
        .env("PATH_INFO", format!("/{repository}{rest}"))
        .env("QUERY_STRING", parts.uri.query().unwrap_or_default())
        // `http-backend` accepts pushes only from an authenticated user.
        .env("REMOTE_USER", user)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(ConnectInfo(addr)) = parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>() {
        command.env("REMOTE_ADDR", addr.ip().to_string());
    }
    for (header, variable) in [
        (header::CONTENT_TYPE, "CONTENT_TYPE"),
        (header::CONTENT_LENGTH, "CONTENT_LENGTH"),
        (header::CONTENT_ENCODING, "HTTP_CONTENT_ENCODING"),
        (HeaderName::from_static("git-protocol"), "HTTP_GIT_PROTOCOL"),
    ] {
        if let Some(value) = parts.headers.get(&header).and_then(|v| v.to_str().ok()) {
            command.env(variable, value);
        }
    }
    let mut child = command
        .spawn()
        .map_err(|error| AppError::Unavailable(format!("cannot run git http-backend: {error}")))?;
    let (Some(mut stdin), Some(mut stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "git http-backend has no pipes"
        )));
    };
    // Request body → stdin, frame by frame; the end of the body (or the client going away) closes stdin.
    tokio::spawn(async move {
        let mut body = body;
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else { break };
            if let Ok(data) = frame.into_data()
                && stdin.write_all(&data).await.is_err()
            {
                break;
            }
        }
    });
    let repository_name = repository.to_string();
    tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            tracing::warn!(repository = %repository_name, "git http-backend: {line}");
        }
    });
    let (status, headers, body_start) = read_cgi_headers(&mut stdout).await?;
    // The body ends when the program's output does and the program has exited; after a push an unborn
    // `HEAD` is first pointed at a branch that exists, so a clone right after checks out what was pushed.
    // A response dropped early drops the child, which kills it (`kill_on_drop`).
    let after_push = (rest == "/git-receive-pack").then(|| root.root().join(repository));
    let state = Output {
        first: Some(body_start),
        stdout,
        child,
        after_push,
    };
    let stream = futures_util::stream::unfold(Some(state), |state| async move {
        let mut state = state?;
        if let Some(first) = state.first.take().filter(|first| !first.is_empty()) {
            return Some((Ok::<Bytes, std::io::Error>(first), Some(state)));
        }
        let mut buffer = BytesMut::with_capacity(64 * 1024);
        match state.stdout.read_buf(&mut buffer).await {
            Ok(0) => {
                let _ = state.child.wait().await;
                if let Some(dir) = &state.after_push {
                    adopt_head(dir).await;
                }
                None
            }
            Ok(_) => Some((Ok(buffer.freeze()), Some(state))),
            Err(error) => Some((Err(error), None)),
        }
    });
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    Ok(response)
}

/// The running program's output side, as the response body reads it.
struct Output {
    first: Option<Bytes>,
    stdout: ChildStdout,
    child: tokio::process::Child,
    after_push: Option<PathBuf>,
}

/// When `HEAD` names a branch that does not exist (a repository created by a push of another branch),
/// points it at `main`, `master` or else the first branch there is — what a clone then checks out.
async fn adopt_head(dir: &std::path::Path) {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("--git-dir")
            .arg(dir)
            .args(args)
            .env_clear()
            .envs(base_env())
            .stderr(Stdio::null())
            .output()
    };
    let born = git(&["rev-parse", "--verify", "--quiet", "HEAD"])
        .await
        .is_ok_and(|output| output.status.success());
    if born {
        return;
    }
    let Ok(listing) = git(&["for-each-ref", "--format=%(refname)", "refs/heads/"]).await else {
        return;
    };
    let text = String::from_utf8_lossy(&listing.stdout);
    let branches: Vec<&str> = text.lines().collect();
    let chosen = ["refs/heads/main", "refs/heads/master"]
        .into_iter()
        .find(|name| branches.contains(name))
        .or_else(|| branches.first().copied());
    if let Some(branch) = chosen {
        let _ = git(&["symbolic-ref", "HEAD", branch]).await;
    }
}

/// Reads the CGI header block (`Name: value` lines up to a blank line) from the program's stdout; returns
/// the status (`Status:`, default 200), the other headers and the body bytes read past the block.
async fn read_cgi_headers(stdout: &mut ChildStdout) -> Result<(StatusCode, HeaderMap, Bytes), AppError> {
    let mut buffer = BytesMut::with_capacity(4096);
    let end = loop {
        if let Some(end) = header_end(&buffer) {
            break end;
        }
        if buffer.len() > MAX_CGI_HEADERS {
            return Err(AppError::Internal(anyhow::anyhow!(
                "git http-backend sent more than {MAX_CGI_HEADERS} bytes of headers"
            )));
        }
        let read = stdout
            .read_buf(&mut buffer)
            .await
            .map_err(|error| AppError::Internal(anyhow::anyhow!("reading git http-backend: {error}")))?;
        if read == 0 {
            return Err(AppError::Internal(anyhow::anyhow!(
                "git http-backend ended without an answer"
            )));
        }
    };
    let block = buffer.split_to(end.0);
    let _ = buffer.split_to(end.1 - end.0);
    let mut status = StatusCode::OK;
    let mut headers = HeaderMap::new();
    for line in String::from_utf8_lossy(&block).lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            if let Some(code) = value
                .split_whitespace()
                .next()
                .and_then(|code| code.parse::<u16>().ok())
                .and_then(|code| StatusCode::from_u16(code).ok())
            {
                status = code;
            }
        } else if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.append(name, value);
        }
    }
    Ok((status, headers, buffer.freeze()))
}

/// (end of the header lines, start of the body) in `buffer`, accepting `\r\n\r\n` and `\n\n`.
fn header_end(buffer: &[u8]) -> Option<(usize, usize)> {
    let crlf = memchr::memmem::find(buffer, b"\r\n\r\n").map(|at| (at, at + 4));
    let lf = memchr::memmem::find(buffer, b"\n\n").map(|at| (at, at + 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_and_service_paths() {
        assert_eq!(
            split_repository("/r.git/info/refs"),
            Some(("r.git", "/info/refs"))
        );
        assert_eq!(
            split_repository("/team/app/git-receive-pack"),
            Some(("team/app", "/git-receive-pack"))
        );
        assert_eq!(
            split_repository("/r.git/objects/ab/cdef"),
            Some(("r.git", "/objects/ab/cdef"))
        );
        assert_eq!(split_repository("/info/refs"), None);
        assert_eq!(split_repository("/r.git/"), None);
        assert_eq!(split_repository("/r.git/info/refs/x"), None);
        assert_eq!(header_end(b"Status: 200\r\n\r\nbody"), Some((11, 15)));
        assert_eq!(header_end(b"A: b\n\nbody"), Some((4, 6)));
        assert_eq!(header_end(b"A: b\r\n"), None);
    }
}
