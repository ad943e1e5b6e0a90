//! Hugo shortcodes of the Educates themes: `param`, `note`/`warning`/`danger`, `pathway`, `copy`,
//! `baseurl`, and the escaped `{{</* name */>}}` form that renders literally. Expanded everywhere,
//! code blocks included (that is how variables reach action bodies), with lines kept mapped.

use super::html::escape;
use super::liquid::Issue;
use super::{Mapped, Variables, vars};

/// Expands the shortcodes in `source` (front matter already removed; `first_line` is its first line).
pub fn expand(source: &str, vars: &Variables, first_line: u32) -> (Mapped, Vec<Issue>) {
    let mut out = Mapped::new(first_line);
    let mut issues = Vec::new();
    let mut rest = source;
    // Depth of a `pathway` block being skipped, and open admonitions/pathways for closing checks.
    let mut skip_depth = 0usize;
    let mut open: Vec<(String, u32)> = Vec::new();
    let emit = |out: &mut Mapped, skip: usize, text: &str| {
        if skip > 0 {
            out.skip(text)
        } else {
            out.verbatim(text)
        }
    };
    while let Some(start) = find_open(rest) {
        let delim = rest.as_bytes()[start + 2];
        let closer = if delim == b'<' { ">}}" } else { "%}}" };
        let Some(close_rel) = rest[start + 3..].find(closer) else {
            break;
        };
        emit(&mut out, skip_depth, &rest[..start]);
        let whole = &rest[start..start + 3 + close_rel + 3];
        let inner = rest[start + 3..start + 3 + close_rel].trim();
        rest = &rest[start + whole.len()..];
        let line = out.source_line();
        if skip_depth > 0 {
            out.skip(whole);
            if inner.starts_with("/*") {
                continue;
            }
            let words = split_args(inner);
            match words.first().map(String::as_str) {
                Some("pathway") => skip_depth += 1,
                Some("/pathway") => skip_depth -= 1,
                _ => {}
            }
            continue;
        }
        if let Some(escaped) = inner.strip_prefix("/*").and_then(|s| s.strip_suffix("*/")) {
            let open_text = if delim == b'<' { "{{<" } else { "{{%" };
            let close_text = if delim == b'<' { ">}}" } else { "%}}" };
            out.generated(&format!("{open_text}{escaped}{close_text}"));
            out.skip(whole);
            continue;
        }
        let words = split_args(inner);
        let name = words.first().cloned().unwrap_or_default();
        let positional: Vec<&String> = words[1..].iter().filter(|w| !w.contains('=')).collect();
        let named = |key: &str| {
            words[1..].iter().find_map(|w| {
                w.split_once('=')
                    .filter(|(k, _)| *k == key)
                    .map(|(_, v)| v.trim_matches('"').to_string())
            })
        };
        let replacement = match name.as_str() {
            "param" => {
                let key = positional
                    .first()
                    .map(|s| s.trim_matches('"').to_string())
                    .or_else(|| named("name"))
                    .unwrap_or_default();
                match vars.get(&key).or_else(|| vars.get(&key.to_lowercase())) {
                    Some(value) => value.clone(),
                    None => {
                        issues.push(Issue {
                            line,
                            message: format!("undefined variable `{key}`"),
                        });
                        String::new()
                    }
                }
            }
            "note" | "warning" | "danger" => {
                let default_title = match name.as_str() {
                    "note" => "Note",
                    "warning" => "Warning",
                    _ => "Danger",
                };
                let title = named("title")
                    .or_else(|| positional.first().map(|s| s.trim_matches('"').to_string()))
                    .unwrap_or_else(|| default_title.to_string());
                open.push((name.clone(), line));
                format!(
                    "<div class=\"admonition {name}\">\n<p class=\"admonition-title\">{}</p>\n",
                    escape(&title)
                )
            }
            "/note" | "/warning" | "/danger" => {
                match open.iter().rposition(|(n, _)| *n == name[1..]) {
                    Some(index) => {
                        open.truncate(index);
                    }
                    None => issues.push(Issue {
                        line,
                        message: format!("closing shortcode `{name}` without an opening one"),
                    }),
                }
                "\n</div>".to_string()
            }
            "pathway" => {
                let wanted = positional.first().map(|s| s.trim_matches('"').to_string());
                if wanted.as_deref() != vars.get("pathway_name").map(String::as_str) {
                    skip_depth = 1;
                }
                String::new()
            }
            "/pathway" => String::new(),
            "ref" | "relref" => {
                let target = positional
                    .first()
                    .map(|s| s.trim_matches('"').to_string())
                    .unwrap_or_default();
                page_url(&target)
            }
            "highlight" => {
                let lang = positional.first().map(|s| s.trim_matches('"').to_string());
                format!("```{}", lang.unwrap_or_default())
            }
            "/highlight" => "```".to_string(),
            "figure" => {
                let src = named("src").unwrap_or_default();
                let alt = named("alt").or_else(|| named("caption")).unwrap_or_default();
                let mut out = format!("![{}]({})", alt.replace(']', "\\]"), src.replace(' ', "%20"));
                if let Some(caption) = named("caption") {
                    out.push_str(&format!("<br><em>{}</em>", escape(&caption)));
                }
                out
            }
            "copy" => vars::COPY_MARKER.to_string(),
            "baseurl" => "/workshop/content".to_string(),
            _ => {
                issues.push(Issue {
                    line,
                    message: format!("unknown shortcode `{name}`, left as written"),
                });
                out.verbatim(whole);
                continue;
            }
        };
        out.generated(&replacement);
        out.skip(whole);
    }
    emit(&mut out, skip_depth, rest);
    for (name, line) in open {
        issues.push(Issue {
            line,
            message: format!("shortcode `{name}` is never closed"),
        });
    }
    (out, issues)
}

/// The URL of a page named like Hugo's `ref` shortcode does (`page.md`, `/dir/page`, `bundle/_index.md`).
fn page_url(target: &str) -> String {
    let (path, fragment) = match target.find('#') {
        Some(i) => (&target[..i], &target[i..]),
        None => (target, ""),
    };
    let mut key = path.trim_start_matches('/').trim_end_matches('/');
    for suffix in ["/index.md", "/_index.md", ".md"] {
        if let Some(stripped) = key.strip_suffix(suffix) {
            key = stripped;
            break;
        }
    }
    format!("/workshop/content/{key}{fragment}")
}

fn find_open(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(rel) = text[from..].find("{{") {
        let at = from + rel;
        match bytes.get(at + 2) {
            Some(b'<') | Some(b'%') => return Some(at),
            _ => from = at + 2,
        }
    }
    None
}

fn split_args(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Variables {
        [("session_name", "s1"), ("pathway_name", "java")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn params_escapes_and_go_templates() {
        let (out, issues) = expand(
            "a {{< param session_name >}} {{% param session_name %}} {{</* param x */>}} {{range .x}}",
            &vars(),
            1,
        );
        assert_eq!(out.text, "a s1 s1 {{< param x >}} {{range .x}}");
        assert!(issues.is_empty());
    }

    #[test]
    fn undefined_param_is_reported_at_its_line() {
        let (_, issues) = expand("x\n\n{{< param nope >}}", &vars(), 3);
        assert_eq!(issues[0].line, 5);
    }

    #[test]
    fn admonitions_wrap_markdown() {
        let (out, _) = expand("{{< note title=\"Tip\" >}}\n*x*\n{{< /note >}}", &vars(), 1);
        assert_eq!(
            out.text,
            "<div class=\"admonition note\">\n<p class=\"admonition-title\">Tip</p>\n\n*x*\n\n</div>"
        );
    }

    #[test]
    fn builtin_ref_highlight_and_figure() {
        let (out, issues) = expand(
            "[x]({{< ref \"02-next.md#top\" >}}) [y]({{< relref \"/b/index.md\" >}})\n{{< highlight go >}}\nfunc(){}\n{{< /highlight >}}\n{{< figure src=\"a b.png\" alt=\"A\" >}}",
            &vars(),
            1,
        );
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            out.text,
            "[x](/workshop/content/02-next#top) [y](/workshop/content/b)\n```go\nfunc(){}\n```\n![A](a%20b.png)"
        );
    }

    #[test]
    fn pathway_blocks_are_kept_or_dropped() {
        let src = "{{< pathway java >}}J{{< /pathway >}}{{< pathway go >}}G{{< /pathway >}}.";
        assert_eq!(expand(src, &vars(), 1).0.text, "J.");
    }
}
