//! Instructions routes: `/workshop/content/{key}` pages in an HTML shell, the files beside them
//! (images, Hugo `static/`), `/workshop/static/` theme overrides, and the JSON API `/api/workshop[/pages/{key}]`.
//!
//! A page is served at `/workshop/content/{key}/` (Hugo's URL form; links use it) and also at `{key}`,
//! `{key}.html` and `{key}/index.html`. Any other path is a file looked up, in order, in the content folder,
//! the Hugo static folders, and beside the source of the page whose key prefixes the path (so `image.png` in a
//! page bundle works from `{key}/`). Files never leave the workshop folder (`crate::jail`); page sources
//! (`.md`, `.adoc`) and dot-files are not served, here or under `/workshop/static/`.

use std::path::{Path as FsPath, PathBuf};

use axum::Json;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::services::serve_file;
use super::{AppError, AppState};
use crate::content::html::escape;
use crate::content::{Page, Workshop};
use crate::jail::{DotFiles, Jail};

/// Theme override files the shell links when the workshop has them.
const OVERRIDE_CSS: &str = "workshop-instructions.css";
const OVERRIDE_JS: &str = "workshop-instructions.js";
/// Source extensions never served as files (the rendered page is the only view of a source).
const SOURCE_EXTENSIONS: &[&str] = &["md", "markdown", "adoc", "asciidoc", "asc"];

mod elsewhere;

pub use elsewhere::pane_url;

/// Content routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workshop", get(workshop_root))
        .route("/workshop/", get(workshop_root))
        // What the original's dashboard frames first: its gateway waited for the classic renderer here;
        // lectern renders in-process, so the instructions are ready at once.
        .route("/workshop/.redirect-when-workshop-is-ready", get(workshop_root))
        .route("/workshop/content", get(first_page))
        .route("/workshop/content/", get(first_page).fallback(proxied_only))
        .route("/workshop/content/{*path}", get(content).fallback(proxied_only))
        .route("/workshop/static/{*path}", get(theme_file))
        .route("/workshop/highlight.css", get(highlight_css))
        .route("/api/workshop", get(workshop_json))
        .route("/api/workshop/pages/{*key}", get(page_json))
}

/// The stylesheet of the syntax-highlighting classes the renderer emits (built once).
async fn highlight_css() -> impl axum::response::IntoResponse {
    static CSS: std::sync::LazyLock<String> = std::sync::LazyLock::new(crate::content::highlight::css);
    (
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        CSS.as_str(),
    )
}

/// The canonical URL of a page.
pub fn page_url(key: &str) -> String {
    format!("/workshop/content/{key}/")
}

/// `/workshop/`: the instructions, wherever they come from.
async fn workshop_root(State(state): State<AppState>) -> Redirect {
    let remote = elsewhere::remote_url(&state);
    Redirect::to(remote.as_deref().unwrap_or("/workshop/content/"))
}

async fn first_page(State(state): State<AppState>, request: Request) -> Response {
    if let Some(remote) = elsewhere::remote_url(&state) {
        return Redirect::to(&remote).into_response();
    }
    if let Ok(answer) = elsewhere::answer(&state, request).await {
        return answer;
    }
    let workshop = state.content.current();
    match workshop.pages.first() {
        Some(first) => Redirect::to(&page_url(&first.key)).into_response(),
        None => AppError::NotFound("the workshop has no pages".to_string()).into_response(),
    }
}

/// Methods other than GET/HEAD under `/workshop/content/`: only a proxied doc server takes them.
async fn proxied_only(State(state): State<AppState>, request: Request) -> Response {
    match elsewhere::answer(&state, request).await {
        Ok(answer) => answer,
        // What axum answers for a method a route lacks.
        Err(_) => (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET,HEAD")]).into_response(),
    }
}

async fn content(State(state): State<AppState>, Path(path): Path<String>, request: Request) -> Response {
    let request = match elsewhere::answer(&state, request).await {
        Ok(answer) => return answer,
        Err(request) => request,
    };
    let workshop = state.content.current();
    if let Some(index) = page_index(&workshop, &path) {
        return page_shell(&workshop, index).into_response();
    }
    match content_file(&workshop, &path) {
        Some(file) => serve_file(file, request).await,
        None if looks_like_page(&path) && !workshop.pages.is_empty() => missing_page(&workshop, &path),
        None => AppError::NotFound(format!("/workshop/content/{path}")).into_response(),
    }
}

/// A path that names a page rather than a file: no extension, or `.html`.
fn looks_like_page(path: &str) -> bool {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    !last.contains('.') || last.ends_with(".html")
}

/// A page that does not exist (deleted or renamed, or an old bookmark): a 404 page in the instructions'
/// style that links the nearest page (the longest common key prefix) and lists every page.
fn missing_page(workshop: &Workshop, path: &str) -> Response {
    let wanted = path.trim_end_matches('/').trim_end_matches(".html");
    let common = |key: &str| {
        key.chars()
            .zip(wanted.chars())
            .take_while(|(a, b)| a == b)
            .count()
    };
    let nearest = workshop
        .pages
        .iter()
        .enumerate()
        .max_by_key(|(index, page)| (common(&page.key), std::cmp::Reverse(*index)))
        .map(|(_, page)| page);
    let list: String = workshop
        .pages
        .iter()
        .map(|page| {
            format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                escape(&page_url(&page.key)),
                escape(&page.title)
            )
        })
        .collect();
    let nearest = nearest
        .map(|page| {
            format!(
                "<p>The nearest page is <a class=\"lectern-continue\" href=\"{}\" data-nearest-page=\"{}\">{}</a></p>\n",
                escape(&page_url(&page.key)),
                escape(&page.key),
                escape(&page.title)
            )
        })
        .unwrap_or_default();
    let out = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Page not found — {workshop_title}</title>\n{EARLY_PAGE_SCRIPT}\
         <link rel=\"stylesheet\" href=\"/static/instructions.css\">\n</head>\n\
         <body class=\"lectern-instructions lectern-missing-page\" data-missing-page=\"{wanted}\">\n\
         <main class=\"lectern-page\" id=\"lectern-page\">\n<h1 class=\"lectern-page-title\">This page does not exist</h1>\n\
         <p>There is no page <code>{wanted}</code> in this workshop: it may have been renamed or removed.</p>\n\
         {nearest}<h2>All pages</h2>\n<ol class=\"lectern-page-list\">\n{list}</ol>\n</main>\n</body>\n</html>\n",
        workshop_title = escape(&workshop.title),
        wanted = escape(wanted),
    );
    (
        axum::http::StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, "no-cache")],
        Html(out),
    )
        .into_response()
}

/// The page a request path names: `key`, `key/`, `key.html`, `key/index.html`.
fn page_index(workshop: &Workshop, path: &str) -> Option<usize> {
    let trimmed = path.trim_end_matches('/');
    let candidates = [
        Some(trimmed),
        trimmed.strip_suffix("/index.html"),
        trimmed.strip_suffix(".html"),
    ];
    candidates
        .into_iter()
        .flatten()
        .find_map(|key| workshop.pages.iter().position(|page| page.key == key))
}

/// The jail of the workshop folder for files named by a request: no dot-names, no page sources.
fn workshop_jail(workshop: &Workshop, path: &str) -> Option<(Jail, PathBuf)> {
    let jail = Jail::new(&workshop.root).ok()?.dot_files(DotFiles::NotNamed);
    let relative = jail.relative(path).ok()?;
    let extension = relative
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if extension.is_some_and(|e| SOURCE_EXTENSIONS.contains(&e.as_str())) {
        return None;
    }
    Some((jail, relative))
}

/// A file under the content folder, a static folder, or beside a page's source.
fn content_file(workshop: &Workshop, path: &str) -> Option<PathBuf> {
    let (jail, relative) = workshop_jail(workshop, path)?;
    let mut bases: Vec<&FsPath> = vec![&workshop.content_dir];
    bases.extend(workshop.static_dirs.iter().map(PathBuf::as_path));
    if let Some(found) = bases
        .iter()
        .find_map(|base| jail.resolve_file_in(base, path).ok())
    {
        return Some(found);
    }
    // `{key}/image.png` → the image beside the page source.
    let mut prefix = PathBuf::new();
    let mut components = relative.components();
    while let Some(component) = components.next() {
        prefix.push(component);
        let key = prefix.to_string_lossy();
        let Some(page) = workshop.pages.iter().find(|page| page.key == key) else {
            continue;
        };
        let rest = components.as_path().to_str()?;
        let source_dir = workshop.root.join(&page.source);
        if let Some(found) = source_dir
            .parent()
            .and_then(|dir| jail.resolve_file_in(dir, rest).ok())
        {
            return Some(found);
        }
    }
    None
}

/// Folders searched for `/workshop/static/…` (theme overrides), in order.
fn theme_dirs(workshop: &Workshop) -> Vec<PathBuf> {
    let mut dirs = vec![
        workshop.root.join("workshop").join("theme"),
        workshop.root.join("theme"),
    ];
    dirs.extend(workshop.static_dirs.iter().cloned());
    dirs
}

/// Whether the workshop has theme override `name` (the dashboard is told, instead of probing for it).
pub fn has_theme_file(workshop: &Workshop, name: &str) -> bool {
    theme_lookup(workshop, name).is_some()
}

fn theme_lookup(workshop: &Workshop, path: &str) -> Option<PathBuf> {
    let (jail, _) = workshop_jail(workshop, path)?;
    theme_dirs(workshop)
        .iter()
        .find_map(|dir| jail.resolve_file_in(dir, path).ok())
}

async fn theme_file(State(state): State<AppState>, Path(path): Path<String>, request: Request) -> Response {
    let workshop = state.content.current();
    let relative = path.strip_prefix("theme/").unwrap_or(&path);
    match theme_lookup(&workshop, relative) {
        Some(file) => serve_file(file, request).await,
        None => AppError::NotFound(format!("/workshop/static/{path}")).into_response(),
    }
}

/// Run in `<head>` before the first paint (instructions.js is deferred): the page takes the dashboard's
/// theme (or `?theme=`, or the learner's saved choice when opened alone) and hides its own navigation when
/// the dashboard frames it, so a dark dashboard never shows a light page for a frame. instructions.js keeps
/// both current later (`setTheme` when the learner switches).
const EARLY_PAGE_SCRIPT: &str = "<script>(function(){var d=document.documentElement,\
t=new URLSearchParams(location.search).get(\"theme\");\
try{var p=window.parent!==window&&window.parent.lectern&&window.parent.lectern.dashboard;\
if(p){d.setAttribute(\"data-embedded\",\"\");t=p.theme()||t}}catch(e){}\
if(!t)try{t=localStorage.getItem(\"lectern:theme\")}catch(e){}\
if(t===\"light\"||t===\"dark\")d.setAttribute(\"data-theme\",t)})();</script>\n";

/// The full HTML document of page `index`.
fn page_shell(workshop: &Workshop, index: usize) -> Response {
    let page = &workshop.pages[index];
    let prev = index.checked_sub(1).and_then(|i| workshop.pages.get(i));
    let next = workshop.pages.get(index + 1);
    let override_css = match theme_lookup(workshop, OVERRIDE_CSS) {
        Some(_) => format!("<link rel=\"stylesheet\" href=\"/workshop/static/{OVERRIDE_CSS}\">\n"),
        None => String::new(),
    };
    let override_js = match theme_lookup(workshop, OVERRIDE_JS) {
        Some(_) => format!("<script src=\"/workshop/static/{OVERRIDE_JS}\" defer></script>\n"),
        None => String::new(),
    };
    let footer = match next {
        Some(next) => format!(
            "<a class=\"lectern-continue\" rel=\"next\" href=\"{}\">Continue: {}</a>\n",
            escape(&page_url(&next.key)),
            escape(&next.title)
        ),
        None => "<p class=\"lectern-last-page\">This is the last page.</p>\n".to_string(),
    };
    let key_of = |page: Option<&Page>| page.map(|p| escape(&p.key)).unwrap_or_default();
    let out = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"lectern\">\n\
         <title>{title} — {workshop_title}</title>\n{EARLY_PAGE_SCRIPT}\
         <link rel=\"stylesheet\" href=\"/static/instructions.css\">\n\
         <link rel=\"stylesheet\" href=\"/workshop/highlight.css\">\n\
         {override_css}</head>\n\
         <body class=\"lectern-instructions\" data-page-key=\"{key}\" data-prev-page=\"{prev_key}\" \
         data-next-page=\"{next_key}\" data-page-number=\"{number}\" data-pages-total=\"{total}\" \
         data-workshop-title=\"{workshop_title}\"{options}>\n\
         <header class=\"lectern-page-header\">\n{nav}</header>\n<main class=\"lectern-page\" id=\"lectern-page\">\n\
         <h1 class=\"lectern-page-title\">{title}</h1>\n<section class=\"lectern-page-content page-content\">\n\
         {body}\n</section>\n</main>\n<footer class=\"lectern-page-footer\">\n{footer}\
         </footer>\n<script src=\"/static/instructions.js\" defer></script>\n\
         {override_js}</body>\n</html>\n",
        title = escape(&page.title),
        workshop_title = escape(&workshop.title),
        key = escape(&page.key),
        prev_key = key_of(prev),
        next_key = key_of(next),
        number = index + 1,
        total = workshop.pages.len(),
        nav = nav(prev, next, index, workshop.pages.len()),
        options = options_attributes(workshop, page),
        body = page.html,
    );
    ([(header::CACHE_CONTROL, "no-cache")], Html(out)).into_response()
}

/// `data-require-checks` (Next waits for the page's examiner tests) and `data-page-opened` (the page
/// tells the server it was opened: foreground script, scenario start).
fn options_attributes(workshop: &Workshop, page: &Page) -> &'static str {
    let opened = page.options.foreground.is_some() || workshop.scenario.is_some();
    match (page.options.require_checks, opened) {
        (true, true) => " data-require-checks data-page-opened",
        (true, false) => " data-require-checks",
        (false, true) => " data-page-opened",
        (false, false) => "",
    }
}

fn nav(prev: Option<&Page>, next: Option<&Page>, index: usize, total: usize) -> String {
    let link = |page: Option<&Page>, rel: &str, label: &str| match page {
        Some(page) => format!(
            "<a class=\"lectern-nav-{rel}\" rel=\"{rel}\" href=\"{}\" title=\"{}\">{label}</a>\n",
            escape(&page_url(&page.key)),
            escape(&page.title)
        ),
        None => format!(
            "<span class=\"lectern-nav-{rel} lectern-nav-disabled\" aria-disabled=\"true\">{label}</span>\n"
        ),
    };
    format!(
        "<nav class=\"lectern-page-nav\" aria-label=\"Pages\">\n{}<span class=\"lectern-page-count\">{} / {}</span>\n{}</nav>\n",
        link(prev, "prev", "Previous"),
        index + 1,
        total,
        link(next, "next", "Next"),
    )
}

fn neighbour_keys(workshop: &Workshop, index: usize) -> (Value, Value) {
    let key = |i: Option<usize>| {
        i.and_then(|i| workshop.pages.get(i))
            .map_or(Value::Null, |p| Value::String(p.key.clone()))
    };
    (key(index.checked_sub(1)), key(Some(index + 1)))
}

async fn workshop_json(State(state): State<AppState>) -> Json<Value> {
    let workshop = state.content.current();
    let pages: Vec<Value> = workshop
        .pages
        .iter()
        .enumerate()
        .map(|(index, page)| {
            let (prev, next) = neighbour_keys(&workshop, index);
            json!({
                "key": page.key,
                "title": page.title,
                "source": page.source.to_string_lossy(),
                "prev": prev,
                "next": next,
                "require_checks": page.options.require_checks,
            })
        })
        .collect();
    Json(json!({
        "title": workshop.title,
        "format": workshop.format.as_str(),
        "pages": pages,
        "first": workshop.pages.first().map(|p| p.key.clone()),
    }))
}

async fn page_json(State(state): State<AppState>, Path(key): Path<String>) -> Result<Json<Value>, AppError> {
    let workshop = state.content.current();
    let key = key.trim_end_matches('/');
    let index = workshop
        .pages
        .iter()
        .position(|page| page.key == key)
        .ok_or_else(|| AppError::NotFound(format!("no page {key:?}")))?;
    let page = &workshop.pages[index];
    let (prev, next) = neighbour_keys(&workshop, index);
    let actions: Vec<Value> = page
        .actions
        .iter()
        .map(|action| json!({"type": action.action_type, "line": action.line}))
        .collect();
    Ok(Json(json!({
        "key": page.key,
        "title": page.title,
        "html": page.html,
        "prev": prev,
        "next": next,
        "actions": actions,
    })))
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{content_file, page_index};
    use crate::content::{Workshop, load_workshop};

    fn write(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// A rendered workshop whose first page is a bundle and which has a Hugo static folder, whatever the
    /// renderer does with those itself.
    fn workshop(root: &Path) -> Workshop {
        write(
            root,
            "workshop/content/01-bundle.md",
            "---\ntitle: Bundle\n---\n\nText.\n",
        );
        write(root, "workshop/content/bundle-src/pic.png", "png");
        write(root, "workshop/static/logo.svg", "<svg/>");
        let (mut workshop, _) = load_workshop(root, &Default::default());
        workshop.static_dirs = vec![root.join("workshop/static")];
        let page = workshop
            .pages
            .iter_mut()
            .find(|p| p.key == "01-bundle")
            .expect("page");
        page.source = PathBuf::from("workshop/content/bundle-src/index.md");
        workshop
    }

    #[test]
    fn files_come_from_static_folders_and_beside_page_sources() {
        let dir = tempfile::tempdir().expect("tempdir");
        let workshop = workshop(dir.path());
        let found = |path: &str| content_file(&workshop, path);
        let real = |relative: &str| dir.path().join(relative).canonicalize().ok();
        assert_eq!(
            found("logo.svg"),
            real("workshop/static/logo.svg"),
            "Hugo static folder"
        );
        assert_eq!(
            found("01-bundle/pic.png"),
            real("workshop/content/bundle-src/pic.png"),
            "beside the bundle's index.md"
        );
        assert_eq!(
            found("01-bundle/logo.svg"),
            None,
            "static files are root-relative only"
        );
        assert_eq!(found("pic.png"), None, "not at the content root");
        assert_eq!(found("01-bundle/../../../etc/passwd"), None);
    }

    #[test]
    fn page_urls_accept_the_usual_spellings() {
        let dir = tempfile::tempdir().expect("tempdir");
        let workshop = workshop(dir.path());
        for path in [
            "01-bundle",
            "01-bundle/",
            "01-bundle.html",
            "01-bundle/index.html",
        ] {
            assert_eq!(page_index(&workshop, path), Some(0), "{path}");
        }
        assert_eq!(page_index(&workshop, "01"), None);
    }
}
