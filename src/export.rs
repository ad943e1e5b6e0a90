//! `lectern export DIR --out FOLDER`: the workshop's instructions as a self-contained static copy that works
//! from `file://` (no server): one `KEY/index.html` per page, `index.html` with the page list, the content
//! folder's files (images, page bundles, Hugo `static/`) beside them, and the stylesheets under `_lectern/`.
//! Every `/workshop/content/…` URL the renderer wrote becomes a relative one (links to pages name their
//! `index.html`, since a browser shows a folder listing for `file://…/KEY/`). Actions appear as their
//! titles and code, as on paper; nothing runs.

use std::path::{Path, PathBuf};

use crate::cli::ExportArgs;
use crate::content::html::escape;
use crate::content::{Page, Workshop};

/// Folder of lectern's own files in the copy.
const OWN: &str = "_lectern";
/// Page sources are not copied (the copy is for reading).
const SOURCE_EXTENSIONS: &[&str] = &["md", "markdown", "adoc", "asciidoc", "asc"];

/// Runs `lectern export`: exit code 0 written, 1 the workshop has no pages, 2 usage or I/O error.
pub fn run(args: &ExportArgs) -> u8 {
    let (workshop, diagnostics) = match crate::check::load(&args.dir, &args.session) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    for diagnostic in &diagnostics {
        eprintln!("{diagnostic}");
    }
    if workshop.pages.is_empty() {
        eprintln!("error: {}: the workshop has no pages", args.dir.display());
        return 1;
    }
    match write(&workshop, &args.out) {
        Ok(files) => {
            eprintln!(
                "{}: {} pages, {files} files written to {}",
                workshop.title,
                workshop.pages.len(),
                args.out.display()
            );
            0
        }
        Err(error) => {
            eprintln!("error: {}: {error}", args.out.display());
            2
        }
    }
}

/// Writes the copy into `out` (created); returns how many files were written.
pub fn write(workshop: &Workshop, out: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(out.join(OWN))?;
    let mut files = 0;
    for base in std::iter::once(&workshop.content_dir).chain(&workshop.static_dirs) {
        files += copy_tree(base, out)?;
    }
    let css = crate::assets::get("dashboard/instructions.css").unwrap_or_default();
    std::fs::write(out.join(OWN).join("instructions.css"), css)?;
    std::fs::write(
        out.join(OWN).join("highlight.css"),
        crate::content::highlight::css(),
    )?;
    files += 2;
    let overrides = theme_override(workshop);
    if let Some(path) = &overrides {
        std::fs::copy(path, out.join(OWN).join("workshop-instructions.css"))?;
        files += 1;
    }
    for (index, page) in workshop.pages.iter().enumerate() {
        let dir = out.join(&page.key);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(
            dir.join("index.html"),
            page_html(workshop, index, overrides.is_some()),
        )?;
        files += 1;
    }
    std::fs::write(
        out.join("index.html"),
        contents_html(workshop, overrides.is_some()),
    )?;
    Ok(files + 1)
}

/// The workshop's `workshop-instructions.css`, if it has one.
fn theme_override(workshop: &Workshop) -> Option<PathBuf> {
    [workshop.root.join("workshop/theme"), workshop.root.join("theme")]
        .into_iter()
        .chain(workshop.static_dirs.iter().cloned())
        .map(|dir| dir.join("workshop-instructions.css"))
        .find(|path| path.is_file())
}

/// Copies the files of `from` into `to` (no page sources, no dot-names, no symlinks); returns the count.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<usize> {
    let mut count = 0;
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(0);
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let kind = entry.file_type()?;
        if name.to_string_lossy().starts_with('.') || kind.is_symlink() {
            continue;
        }
        let target = to.join(&name);
        if kind.is_dir() {
            std::fs::create_dir_all(&target)?;
            count += copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            let extension = Path::new(&name)
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase());
            if extension.is_some_and(|e| SOURCE_EXTENSIONS.contains(&e.as_str())) {
                continue;
            }
            std::fs::copy(entry.path(), &target)?;
            count += 1;
        }
    }
    Ok(count)
}

/// `../` once per folder level of a page at `key/index.html`.
fn up(key: &str) -> String {
    "../".repeat(key.split('/').filter(|part| !part.is_empty()).count())
}

/// `html` with every quoted `/workshop/content/…` URL made relative to a page at `prefix` (its `up`).
fn relative_urls(workshop: &Workshop, html: &str, prefix: &str) -> String {
    const BASE: &str = crate::content::links::BASE;
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(BASE) {
        let quoted = at > 0 && matches!(rest.as_bytes()[at - 1], b'"' | b'\'');
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if !quoted {
            out.push_str(BASE);
            rest = &rest[BASE.len()..];
            continue;
        }
        let end = rest[BASE.len()..]
            .find(['"', '\''])
            .map_or(rest.len(), |i| i + BASE.len());
        let url = &rest[BASE.len()..end];
        let split = url.find(['?', '#']).unwrap_or(url.len());
        let (path, suffix) = url.split_at(split);
        let key = path.trim_end_matches('/');
        if workshop.pages.iter().any(|page| page.key == key) {
            out.push_str(&format!("{prefix}{key}/index.html{suffix}"));
        } else if key.is_empty() {
            out.push_str(&format!("{prefix}index.html{suffix}"));
        } else {
            out.push_str(&format!("{prefix}{path}{suffix}"));
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn head(title: &str, prefix: &str, overrides: bool) -> String {
    let theme = if overrides {
        format!("<link rel=\"stylesheet\" href=\"{prefix}{OWN}/workshop-instructions.css\">\n")
    } else {
        String::new()
    };
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"lectern export\">\n<title>{title}</title>\n\
         <link rel=\"stylesheet\" href=\"{prefix}{OWN}/instructions.css\">\n\
         <link rel=\"stylesheet\" href=\"{prefix}{OWN}/highlight.css\">\n{theme}</head>\n"
    )
}

fn page_link(page: &Page, prefix: &str, rel: &str, label: &str) -> String {
    format!(
        "<a class=\"lectern-nav-{rel}\" rel=\"{rel}\" href=\"{prefix}{}/index.html\" title=\"{}\">{label}</a>\n",
        escape(&page.key),
        escape(&page.title)
    )
}

/// One page: its navigation (contents, previous, next), title and body.
fn page_html(workshop: &Workshop, index: usize, overrides: bool) -> String {
    let page = &workshop.pages[index];
    let prefix = up(&page.key);
    let prev = index.checked_sub(1).and_then(|i| workshop.pages.get(i));
    let next = workshop.pages.get(index + 1);
    let mut nav = format!("<a href=\"{prefix}index.html\">Contents</a>\n");
    if let Some(prev) = prev {
        nav.push_str(&page_link(prev, &prefix, "prev", "Previous"));
    }
    nav.push_str(&format!(
        "<span class=\"lectern-page-count\">{} / {}</span>\n",
        index + 1,
        workshop.pages.len()
    ));
    if let Some(next) = next {
        nav.push_str(&page_link(next, &prefix, "next", "Next"));
    }
    let footer = match next {
        Some(next) => format!(
            "<a class=\"lectern-continue\" rel=\"next\" href=\"{prefix}{}/index.html\">Continue: {}</a>\n",
            escape(&next.key),
            escape(&next.title)
        ),
        None => "<p class=\"lectern-last-page\">This is the last page.</p>\n".to_string(),
    };
    format!(
        "{head}<body class=\"lectern-instructions lectern-export\" data-page-key=\"{key}\">\n\
         <header class=\"lectern-page-header\">\n<nav class=\"lectern-page-nav\" aria-label=\"Pages\">\n{nav}</nav>\n</header>\n\
         <main class=\"lectern-page\" id=\"lectern-page\">\n<h1 class=\"lectern-page-title\">{title}</h1>\n\
         <section class=\"lectern-page-content page-content\">\n{body}\n</section>\n</main>\n\
         <footer class=\"lectern-page-footer\">\n{footer}</footer>\n</body>\n</html>\n",
        head = head(
            &format!("{} — {}", escape(&page.title), escape(&workshop.title)),
            &prefix,
            overrides
        ),
        key = escape(&page.key),
        title = escape(&page.title),
        body = relative_urls(workshop, &page.html, &prefix),
    )
}

/// `index.html`: the workshop's title, description and page list.
fn contents_html(workshop: &Workshop, overrides: bool) -> String {
    let list: String = workshop
        .pages
        .iter()
        .map(|page| {
            format!(
                "<li><a href=\"{}/index.html\">{}</a></li>\n",
                escape(&page.key),
                escape(&page.title)
            )
        })
        .collect();
    let description = workshop
        .description
        .as_deref()
        .map(|d| format!("<p>{}</p>\n", escape(d)))
        .unwrap_or_default();
    format!(
        "{head}<body class=\"lectern-instructions lectern-export\">\n<main class=\"lectern-page\" id=\"lectern-page\">\n\
         <h1 class=\"lectern-page-title\">{title}</h1>\n{description}<ol class=\"lectern-page-list\">\n{list}</ol>\n\
         </main>\n</body>\n</html>\n",
        head = head(&escape(&workshop.title), "", overrides),
        title = escape(&workshop.title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_counts_folder_levels() {
        assert_eq!(up("01-intro"), "../");
        assert_eq!(up("exercises/01-intro"), "../../");
    }
}
