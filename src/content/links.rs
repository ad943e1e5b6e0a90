//! Resolving image and link URLs of a page: relative URLs become absolute `/workshop/content/…` paths
//! (page keys for links to other pages), and targets that exist nowhere are diagnostics.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::Diagnostic;

/// URL prefix pages and their files are served under.
pub const BASE: &str = "/workshop/content/";

/// Resolves URLs for one page.
#[derive(Debug)]
pub struct Resolver<'a> {
    /// Source file for diagnostics (relative to the workshop root).
    pub file: &'a Path,
    /// The page key.
    pub key: &'a str,
    /// Directory of the source file relative to the content folder ("" at the top).
    pub dir: &'a str,
    /// Every page key of the workshop.
    pub keys: &'a HashSet<String>,
    /// The content folder.
    pub content_dir: &'a Path,
    /// Extra folders served at the content root (Hugo `static/`).
    pub static_dirs: &'a [PathBuf],
}

fn is_external(url: &str) -> bool {
    url.is_empty()
        || url.starts_with('#')
        || url.starts_with("//")
        || url.contains("://")
        || ["mailto:", "data:", "javascript:", "tel:"]
            .iter()
            .any(|p| url.starts_with(p))
}

/// Joins and normalises `base/rel`; None when it climbs above the root.
fn normalize(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in base.split('/').chain(rel.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Resolver<'_> {
    /// The source file diagnostics name.
    pub fn file(&self) -> &Path {
        self.file
    }

    fn file_exists(&self, rel: &str) -> bool {
        let rel = percent_decode(rel);
        if rel.is_empty() {
            return false;
        }
        std::iter::once(self.content_dir)
            .chain(self.static_dirs.iter().map(PathBuf::as_path))
            .any(|dir| dir.join(&rel).is_file())
    }

    fn page_key(&self, rel: &str) -> Option<String> {
        let trimmed = rel.trim_end_matches('/');
        let candidates = [
            trimmed.to_string(),
            trimmed.strip_suffix(".md").unwrap_or(trimmed).to_string(),
            trimmed.strip_suffix(".adoc").unwrap_or(trimmed).to_string(),
            trimmed.strip_suffix(".html").unwrap_or(trimmed).to_string(),
            trimmed.strip_suffix("/index.md").unwrap_or(trimmed).to_string(),
            trimmed.strip_suffix("/index").unwrap_or(trimmed).to_string(),
        ];
        candidates.into_iter().find(|c| self.keys.contains(c))
    }

    /// Split `url` into (path, suffix of `?query#fragment`).
    fn split(url: &str) -> (&str, &str) {
        match url.find(['?', '#']) {
            Some(i) => (&url[..i], &url[i..]),
            None => (url, ""),
        }
    }

    /// Resolves an image URL; Some(new) when it should be rewritten.
    pub fn image(&self, url: &str, line: u32, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
        if is_external(url) {
            return None;
        }
        let (path, suffix) = Self::split(url);
        if let Some(rest) = path.strip_prefix(BASE) {
            if !self.file_exists(rest) {
                diagnostics.push(Diagnostic::warning(
                    self.file,
                    line,
                    format!("image not found: {url}"),
                ));
            }
            return None;
        }
        if path.starts_with('/') {
            return None;
        }
        for base in [self.dir, self.key] {
            if let Some(rel) = normalize(base, path)
                && self.file_exists(&rel)
            {
                return Some(format!("{BASE}{rel}{suffix}"));
            }
        }
        diagnostics.push(Diagnostic::warning(
            self.file,
            line,
            format!("image not found: {url}"),
        ));
        normalize(self.dir, path).map(|rel| format!("{BASE}{rel}{suffix}"))
    }

    /// Resolves a link URL; Some(new) when it should be rewritten.
    pub fn link(&self, url: &str, line: u32, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
        if is_external(url) {
            return None;
        }
        let (path, suffix) = Self::split(url);
        if path.is_empty() {
            return None;
        }
        if let Some(rest) = path
            .strip_prefix(BASE)
            .or_else(|| (path == BASE.trim_end_matches('/')).then_some(""))
        {
            if !rest.is_empty() && self.page_key(rest).is_none() && !self.file_exists(rest) {
                diagnostics.push(Diagnostic::warning(
                    self.file,
                    line,
                    format!("broken link: {url}"),
                ));
            }
            return None;
        }
        if path.starts_with('/') {
            return None;
        }
        for base in [self.dir, self.key] {
            let Some(rel) = normalize(base, path) else {
                continue;
            };
            if let Some(key) = self.page_key(&rel) {
                return Some(format!("{BASE}{key}{suffix}"));
            }
            if self.file_exists(&rel) {
                return Some(format!("{BASE}{rel}{suffix}"));
            }
        }
        diagnostics.push(Diagnostic::warning(
            self.file,
            line,
            format!("broken link: {url}"),
        ));
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_survives_odd_input() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("%é%"), "%é%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn normalize_joins_and_refuses_to_escape() {
        assert_eq!(normalize("a/b", "../c.png").as_deref(), Some("a/c.png"));
        assert_eq!(normalize("", "./x/y").as_deref(), Some("x/y"));
        assert_eq!(normalize("", "../x"), None);
    }

    #[test]
    fn links_to_pages_become_keys() {
        let keys: HashSet<String> = ["intro".to_string(), "ex/one".to_string()].into_iter().collect();
        let dir = std::env::temp_dir();
        let r = Resolver {
            file: Path::new("workshop/content/intro.md"),
            key: "intro",
            dir: "",
            keys: &keys,
            content_dir: &dir,
            static_dirs: &[],
        };
        let mut d = Vec::new();
        assert_eq!(
            r.link("ex/one.md#top", 1, &mut d).as_deref(),
            Some("/workshop/content/ex/one#top")
        );
        assert_eq!(
            r.link("../ex/one/", 1, &mut d).as_deref(),
            Some("/workshop/content/ex/one")
        );
        assert!(d.is_empty());
        assert_eq!(r.link("nope.md", 7, &mut d), None);
        assert_eq!(d[0].line, 7);
        assert_eq!(r.link("https://x.test/", 1, &mut d), None);
    }
}
