//! Hugo shortcodes of the Educates themes: `param`, `note`/`warning`/`danger`, `pathway`, `copy`,
//! `baseurl`, and the escaped `{{</* name */>}}` form that renders literally. Expanded everywhere,
//! code blocks included (that is how variables reach action bodies), with lines kept mapped.

use super::html::escape;
use super::liquid::Issue;
use super::{Mapped, Variables, vars};

/// Expands the shortcodes in `source` (front matter already removed; `first_line` is its first line).
pub fn expand(source: &str, vars: &Variables, first_line: u32) -> (Mapped, Vec<Issue>) {
    let mut expander = Expander {
        vars,
        out: Mapped::new(first_line),
        issues: Vec::new(),
        skip_depth: 0,
        open: Vec::new(),
    };
    let mut rest = source;
    while let Some(start) = find_open(rest) {
        let delim = rest.as_bytes()[start + 2];
        let closer = if delim == b'<' { ">}}" } else { "%}}" };
        let Some(close_rel) = rest[start + 3..].find(closer) else {
            break;
        };
        expander.text(&rest[..start]);
        let whole = &rest[start..start + 3 + close_rel + 3];
        let inner = rest[start + 3..start + 3 + close_rel].trim();
        rest = &rest[start + whole.len()..];
        expander.shortcode(whole, inner, delim);
    }
    expander.text(rest);
    expander.finish()
}

/// The state of one expansion.
struct Expander<'v> {
    vars: &'v Variables,
    out: Mapped,
    issues: Vec<Issue>,
    /// Depth of a `pathway` block being skipped (0 = not skipping).
    skip_depth: usize,
    /// Open admonitions, with their lines, for the closing checks.
    open: Vec<(String, u32)>,
}

/// A shortcode's name and arguments (`name "pos" key="value"`).
struct Call {
    name: String,
    args: Vec<String>,
}

impl Call {
    fn parse(inner: &str) -> Call {
        let mut words = split_args(inner).into_iter();
        Call {
            name: words.next().unwrap_or_default(),
            args: words.collect(),
        }
    }

    /// The first positional argument, unquoted.
    fn first(&self) -> Option<String> {
        self.args
            .iter()
            .find(|w| !w.contains('='))
            .map(|s| s.trim_matches('"').to_string())
    }

    /// The named argument `key=…`, unquoted.
    fn named(&self, key: &str) -> Option<String> {
        self.args.iter().find_map(|w| {
            w.split_once('=')
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v.trim_matches('"').to_string())
        })
    }
}

impl Expander<'_> {
    /// Text between shortcodes: kept, or skipped inside an unselected pathway.
    fn text(&mut self, text: &str) {
        if self.skip_depth > 0 {
            self.out.skip(text)
        } else {
            self.out.verbatim(text)
        }
    }

    fn issue(&mut self, line: u32, message: String) {
        self.issues.push(Issue { line, message });
    }

    /// One shortcode `whole` (`inner` between its delimiters; `delim` is `<` or `%`).
    fn shortcode(&mut self, whole: &str, inner: &str, delim: u8) {
        let line = self.out.source_line();
        if self.skip_depth > 0 {
            self.out.skip(whole);
            if !inner.starts_with("/*") {
                match Call::parse(inner).name.as_str() {
                    "pathway" => self.skip_depth += 1,
                    "/pathway" => self.skip_depth -= 1,
                    _ => {}
                }
            }
            return;
        }
        if let Some(escaped) = inner.strip_prefix("/*").and_then(|s| s.strip_suffix("*/")) {
            let (open, close) = if delim == b'<' {
                ("{{<", ">}}")
            } else {
                ("{{%", "%}}")
            };
            self.out.generated(&format!("{open}{escaped}{close}"));
            self.out.skip(whole);
            return;
        }
        let call = Call::parse(inner);
        let replacement = match call.name.as_str() {
            "param" => self.param(&call, line),
            "note" | "warning" | "danger" => self.admonition(&call, line),
            "/note" | "/warning" | "/danger" => self.admonition_end(&call.name[1..], line),
            "pathway" => self.pathway(&call),
            "/pathway" => String::new(),
            "ref" | "relref" => page_url(&call.first().unwrap_or_default()),
            "highlight" => format!("```{}", call.first().unwrap_or_default()),
            "/highlight" => "```".to_string(),
            "figure" => figure(&call),
            "copy" => vars::COPY_MARKER.to_string(),
            "baseurl" => "/workshop/content".to_string(),
            name => {
                self.issue(line, format!("unknown shortcode `{name}`, left as written"));
                self.out.verbatim(whole);
                return;
            }
        };
        self.out.generated(&replacement);
        self.out.skip(whole);
    }

    /// `{{< param name >}}`: a session variable's value.
    fn param(&mut self, call: &Call, line: u32) -> String {
        let key = call.first().or_else(|| call.named("name")).unwrap_or_default();
        match self.vars.get(&key).or_else(|| self.vars.get(&key.to_lowercase())) {
            Some(value) => value.clone(),
            None => {
                self.issue(line, format!("undefined variable `{key}`"));
                String::new()
            }
        }
    }

    /// `{{% note %}}` (or `warning`, `danger`), optionally titled: opens an admonition box.
    fn admonition(&mut self, call: &Call, line: u32) -> String {
        let name = &call.name;
        let default_title = match name.as_str() {
            "note" => "Note",
            "warning" => "Warning",
            _ => "Danger",
        };
        let title = call
            .named("title")
            .or_else(|| call.first())
            .unwrap_or_else(|| default_title.to_string());
        self.open.push((name.clone(), line));
        format!(
            "<div class=\"admonition {name}\">\n<p class=\"admonition-title\">{}</p>\n",
            escape(&title)
        )
    }

    /// `{{% /note %}}`: closes the innermost open admonition of that kind.
    fn admonition_end(&mut self, name: &str, line: u32) -> String {
        match self.open.iter().rposition(|(n, _)| n == name) {
            Some(index) => self.open.truncate(index),
            None => self.issue(
                line,
                format!("closing shortcode `/{name}` without an opening one"),
            ),
        }
        "\n</div>".to_string()
    }

    /// `{{< pathway name >}}`: its content shows only on the selected pathway.
    fn pathway(&mut self, call: &Call) -> String {
        if call.first().as_deref() != self.vars.get("pathway_name").map(String::as_str) {
            self.skip_depth = 1;
        }
        String::new()
    }

    fn finish(mut self) -> (Mapped, Vec<Issue>) {
        for (name, line) in std::mem::take(&mut self.open) {
            self.issue(line, format!("shortcode `{name}` is never closed"));
        }
        (self.out, self.issues)
    }
}

/// `{{< figure src=… alt=… caption=… >}}` as a Markdown image (plus its caption).
fn figure(call: &Call) -> String {
    let src = call.named("src").unwrap_or_default();
    let alt = call
        .named("alt")
        .or_else(|| call.named("caption"))
        .unwrap_or_default();
    let mut out = format!("![{}]({})", alt.replace(']', "\\]"), src.replace(' ', "%20"));
    if let Some(caption) = call.named("caption") {
        out.push_str(&format!("<br><em>{}</em>", escape(&caption)));
    }
    out
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
