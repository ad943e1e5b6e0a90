//! The shortcodes lectern knows without a template: the Educates theme's (`param`, `note`/`warning`/
//! `danger`, `pathway`, `copy`, `baseurl`) and Hugo's built-ins (`ref`/`relref`, `highlight`,
//! `figure`, `youtube`, `vimeo`, `gist`, `x`/`tweet`, `instagram`, `details`, `qr`). Embeds are
//! privacy-enhanced, lazy iframes (YouTube's no-cookie host, Vimeo's do-not-track); social posts and
//! gists are links, never third-party scripts; a QR code is inline SVG. A workshop template of the same name wins.

use super::tree::{Args, Call};
use super::{Output, Part};
use crate::content::html::escape;
use crate::content::{Variables, vars};

/// Built-ins that never take content (a closing tag after them belongs to something else).
pub fn never_paired(name: &str) -> bool {
    matches!(
        name,
        "param"
            | "copy"
            | "baseurl"
            | "ref"
            | "relref"
            | "figure"
            | "youtube"
            | "vimeo"
            | "gist"
            | "x"
            | "tweet"
            | "instagram"
    )
}

/// The output of built-in `call`, or None when `name` is not a built-in. Problems go to `issue`.
pub fn render(
    call: &Call,
    inner: Option<&str>,
    vars: &Variables,
    issue: &mut dyn FnMut(String),
) -> Option<Output> {
    let args = &call.args;
    let html = |s: String| Output::Parts(vec![Part::Html(s)]);
    Some(match call.name.as_str() {
        "param" => {
            let key = args.get(0).or_else(|| args.named("name")).unwrap_or_default();
            let value = match vars.get(&key).or_else(|| vars.get(&key.to_lowercase())) {
                Some(value) => value.clone(),
                None => {
                    issue(format!("undefined variable `{key}`"));
                    String::new()
                }
            };
            if call.markdown {
                Output::Markdown(value)
            } else {
                html(escape(&value))
            }
        }
        "note" | "warning" | "danger" => {
            let default_title = match call.name.as_str() {
                "note" => "Note",
                "warning" => "Warning",
                _ => "Danger",
            };
            let title = args
                .named("title")
                .or_else(|| args.get(0))
                .unwrap_or_else(|| default_title.to_string());
            Output::Parts(vec![
                Part::Html(format!(
                    "<div class=\"admonition {}\">\n<p class=\"admonition-title\">{}</p>",
                    call.name,
                    escape(&title)
                )),
                Part::Inner,
                Part::Html("</div>".into()),
            ])
        }
        "pathway" => {
            if args.get(0).as_deref() == vars.get("pathway_name").map(String::as_str) {
                Output::Parts(vec![Part::Inner])
            } else {
                Output::Parts(Vec::new())
            }
        }
        "details" => {
            let summary = args
                .named("summary")
                .or_else(|| args.get(0))
                .unwrap_or_else(|| "Details".into());
            let mut open = String::from("<details");
            for attribute in ["class", "name", "title"] {
                if let Some(value) = args.named(attribute) {
                    open.push_str(&format!(" {attribute}=\"{}\"", escape(&value)));
                }
            }
            if args.named.get("open").is_some_and(|v| v.truthy()) {
                open.push_str(" open");
            }
            open.push_str(&format!(">\n<summary>{}</summary>", escape(&summary)));
            Output::Parts(vec![
                Part::Html(open),
                Part::Inner,
                Part::Html("</details>".into()),
            ])
        }
        "copy" => html(vars::COPY_MARKER.to_string()),
        "baseurl" => Output::Markdown("/workshop/content".to_string()),
        "ref" | "relref" => Output::Markdown(page_url(
            &args.get(0).or_else(|| args.named("path")).unwrap_or_default(),
        )),
        "highlight" => {
            let language = args.get(0).unwrap_or_default();
            let code = inner.unwrap_or_default().trim_matches('\n');
            Output::Markdown(format!("```{language}\n{code}\n```"))
        }
        "figure" => figure(args),
        "youtube" => html(youtube(args)),
        "vimeo" => {
            let id = id_arg(args);
            let title = args.named("title").unwrap_or_else(|| "Vimeo video".into());
            html(iframe(
                &format!("https://player.vimeo.com/video/{}?dnt=1", url_part(&id)),
                &title,
                "vimeo",
            ))
        }
        "gist" => {
            let user = args.get(0).or_else(|| args.named("user")).unwrap_or_default();
            let id = args.get(1).or_else(|| args.named("id")).unwrap_or_default();
            let file = args.get(2).or_else(|| args.named("file"));
            let mut url = format!("https://gist.github.com/{}/{}", url_part(&user), url_part(&id));
            let mut label = format!("Gist {user}/{id}");
            if let Some(file) = &file {
                url.push_str(&format!(
                    "#file-{}",
                    url_part(&file.replace('.', "-").to_lowercase())
                ));
                label.push_str(&format!(" ({file})"));
            }
            html(link(&url, &label, "gist"))
        }
        "x" | "tweet" => {
            let user = args.named("user").or_else(|| args.get(0)).unwrap_or_default();
            let id = args.named("id").or_else(|| args.get(1)).unwrap_or_default();
            let url = format!("https://x.com/{}/status/{}", url_part(&user), url_part(&id));
            html(link(&url, &format!("Post by @{user} on X"), "x"))
        }
        "qr" => html(qr(args, inner, issue)),
        "instagram" => {
            let id = id_arg(args);
            let url = format!("https://www.instagram.com/p/{}/", url_part(&id));
            html(link(&url, "Post on Instagram", "instagram"))
        }
        _ => return None,
    })
}

fn id_arg(args: &Args) -> String {
    args.named("id").or_else(|| args.get(0)).unwrap_or_default()
}

/// Keeps an id safe inside a URL path or query.
fn url_part(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn youtube(args: &Args) -> String {
    let id = id_arg(args);
    let mut query = Vec::new();
    for (name, param) in [("start", "start"), ("end", "end")] {
        if let Some(value) = args.named(name) {
            query.push(format!("{param}={}", url_part(&value)));
        }
    }
    for flag in ["autoplay", "mute", "loop"] {
        if args.named.get(flag).is_some_and(|v| v.truthy()) {
            query.push(format!("{flag}=1"));
        }
    }
    if args.named.get("controls").is_some_and(|v| !v.truthy()) {
        query.push("controls=0".into());
    }
    let mut url = format!("https://www.youtube-nocookie.com/embed/{}", url_part(&id));
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    let title = args.named("title").unwrap_or_else(|| "YouTube video".into());
    iframe(&url, &title, "youtube")
}

/// A lazy, 16:9 iframe embed that sends only the origin as referrer (players need it).
fn iframe(url: &str, title: &str, kind: &str) -> String {
    format!(
        "<div class=\"lectern-embed lectern-embed-{kind}\"><iframe src=\"{}\" title=\"{}\" loading=\"lazy\" \
         referrerpolicy=\"strict-origin-when-cross-origin\" allow=\"autoplay; encrypted-media; picture-in-picture; \
         fullscreen\" allowfullscreen></iframe></div>",
        escape(url),
        escape(title)
    )
}

fn link(url: &str, label: &str, kind: &str) -> String {
    format!(
        "<p class=\"lectern-embed-link lectern-embed-{kind}\"><a href=\"{}\" target=\"_blank\" rel=\"noopener\">{}</a></p>",
        escape(url),
        escape(label)
    )
}

/// `{{< qr text="…" >}}` (or the text as inner content): Hugo 0.141's QR code, drawn as inline SVG rather
/// than a generated PNG. `level` (low, medium, quartile, high) and `scale` (pixels per module, default 4)
/// as Hugo; `alt`, `class`, `id`, `title` on the image.
fn qr(args: &Args, inner: Option<&str>, issue: &mut dyn FnMut(String)) -> String {
    use qrcode::{EcLevel, QrCode, render::svg};
    let text = args
        .named("text")
        .or_else(|| inner.map(|inner| inner.trim().to_string()))
        .unwrap_or_default();
    if text.is_empty() {
        issue("qr: no text to encode (text=\"…\" or inner content)".to_string());
        return String::new();
    }
    let level = match args.named("level").as_deref() {
        Some("low") => EcLevel::L,
        Some("quartile") => EcLevel::Q,
        Some("high") => EcLevel::H,
        _ => EcLevel::M,
    };
    let scale = args
        .named("scale")
        .and_then(|s| s.parse::<u32>().ok())
        .filter(|s| (1..=64).contains(s))
        .unwrap_or(4);
    let code = match QrCode::with_error_correction_level(text.as_bytes(), level) {
        Ok(code) => code,
        Err(error) => {
            issue(format!("qr: cannot encode the text: {error}"));
            return String::new();
        }
    };
    let image = code
        .render::<svg::Color>()
        .module_dimensions(scale, scale)
        .build();
    let svg = image.find("<svg").map_or(image.as_str(), |at| &image[at..]);
    let mut attributes = format!(
        "<svg role=\"img\" aria-label=\"{}\"",
        escape(&args.named("alt").unwrap_or_else(|| text.clone()))
    );
    for attribute in ["class", "id"] {
        if let Some(value) = args.named(attribute) {
            attributes.push_str(&format!(" {attribute}=\"{}\"", escape(&value)));
        }
    }
    let title = args
        .named("title")
        .map(|title| format!("<title>{}</title>", escape(&title)))
        .unwrap_or_default();
    let body = svg.strip_prefix("<svg").unwrap_or(svg);
    let body = match body.find('>') {
        Some(end) => format!("{}>{title}{}", &body[..end], &body[end + 1..]),
        None => body.to_string(),
    };
    format!("{attributes}{body}")
}

/// `{{< figure src=… alt=… title=… caption=… >}}`: Hugo's `<figure>`, its image written as Markdown
/// so the page's URL rules and checks apply to it.
fn figure(args: &Args) -> Output {
    let src = args.named("src").unwrap_or_default();
    let alt = args
        .named("alt")
        .or_else(|| args.named("caption"))
        .unwrap_or_default();
    let image = format!("![{}]({})", alt.replace(']', "\\]"), src.replace(' ', "%20"));
    let mut caption = String::new();
    if let Some(title) = args.named("title") {
        caption.push_str(&format!("<h4>{}</h4>", escape(&title)));
    }
    if let Some(text) = args.named("caption") {
        caption.push_str(&format!("<p>{}</p>", escape(&text)));
    }
    let mut close = String::new();
    if !caption.is_empty() {
        close.push_str(&format!("<figcaption>{caption}</figcaption>"));
    }
    close.push_str("</figure>");
    Output::Parts(vec![
        Part::Html("<figure>".into()),
        Part::Markdown(image),
        Part::Html(close),
    ])
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
