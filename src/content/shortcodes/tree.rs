//! Shortcode tags in a page → a tree: `{{< name args >}}` and `{{% name args %}}`, self-closing
//! `{{< name />}}`, closing `{{< /name >}}`, and the escaped `{{</* name */>}}` that renders literally.
//! A call is paired when a matching closing tag follows (nested calls of the same name counted) and it
//! is not self-closing or a built-in that never takes content. Quoted arguments may hold `>}}`.

use std::collections::BTreeMap;

use crate::content::gotemplate::Value;

/// The arguments of a call: positional or named (Hugo does not allow both).
#[derive(Debug, Clone, Default)]
pub struct Args {
    /// `"a" b 3`, in order.
    pub positional: Vec<Value>,
    /// `key="value"`.
    pub named: BTreeMap<String, Value>,
}

impl Args {
    /// Positional argument `index` as text.
    pub fn get(&self, index: usize) -> Option<String> {
        self.positional.get(index).map(text)
    }

    /// Named argument `key` as text.
    pub fn named(&self, key: &str) -> Option<String> {
        self.named.get(key).map(text)
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::Nil => String::new(),
        other => other.display(),
    }
}

/// A piece of a page.
#[derive(Debug, Clone)]
pub enum Piece {
    /// Source text between tags (byte range).
    Text(usize, usize),
    /// `{{</* x */>}}` (byte range) and the literal text it renders.
    Escaped(usize, usize, String),
    /// A shortcode call.
    Call(Call),
    /// A closing tag with no opening one (byte range, name).
    Stray(usize, usize, String),
}

/// One shortcode call.
#[derive(Debug, Clone)]
pub struct Call {
    /// The shortcode name.
    pub name: String,
    /// `{{%` (Markdown) rather than `{{<`.
    pub markdown: bool,
    /// Its arguments.
    pub args: Args,
    /// Byte range of the whole call, closing tag included.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// Content between the tags (paired calls): its byte range and pieces.
    pub inner: Option<(usize, usize, Vec<Piece>)>,
}

/// A tag as found in the source.
#[derive(Debug, Clone)]
struct Tag {
    start: usize,
    end: usize,
    markdown: bool,
    kind: TagKind,
}

#[derive(Debug, Clone)]
enum TagKind {
    Open {
        name: String,
        args: Args,
        self_closing: bool,
    },
    Close(String),
    Escaped(String),
}

/// Parses `src` into pieces. `never_paired(name)` says which built-ins never take content.
pub fn parse(src: &str, never_paired: &dyn Fn(&str) -> bool) -> Vec<Piece> {
    let tags = scan(src);
    let mut builder = Builder {
        tags: &tags,
        next: 0,
        never_paired,
    };
    builder.pieces(src, 0, None)
}

struct Builder<'t> {
    tags: &'t [Tag],
    next: usize,
    never_paired: &'t dyn Fn(&str) -> bool,
}

impl Builder<'_> {
    /// Pieces from byte `from` until the closing tag `until` (consumed) or the end.
    fn pieces(&mut self, src: &str, mut from: usize, until: Option<&str>) -> Vec<Piece> {
        let mut out = Vec::new();
        while self.next < self.tags.len() {
            let tag = self.tags[self.next].clone();
            if tag.start > from {
                out.push(Piece::Text(from, tag.start));
            }
            self.next += 1;
            from = tag.end;
            match tag.kind {
                TagKind::Escaped(literal) => out.push(Piece::Escaped(tag.start, tag.end, literal)),
                TagKind::Close(name) if until == Some(name.as_str()) => {
                    // The caller records where its content ends from this tag.
                    self.next -= 1;
                    return out;
                }
                TagKind::Close(name) => out.push(Piece::Stray(tag.start, tag.end, name)),
                TagKind::Open {
                    name,
                    args,
                    self_closing,
                } => {
                    let paired = !self_closing && !(self.never_paired)(&name) && self.has_close(&name);
                    let mut call = Call {
                        name: name.clone(),
                        markdown: tag.markdown,
                        args,
                        start: tag.start,
                        end: tag.end,
                        inner: None,
                    };
                    if paired {
                        let inner = self.pieces(src, tag.end, Some(&name));
                        match self.tags.get(self.next) {
                            Some(close) if matches!(&close.kind, TagKind::Close(n) if *n == name) => {
                                self.next += 1;
                                call.inner = Some((tag.end, close.start, inner));
                                call.end = close.end;
                                from = close.end;
                            }
                            // Crossed nesting swallowed the closing tag: the content runs to the end.
                            _ => {
                                call.inner = Some((tag.end, src.len(), inner));
                                call.end = src.len();
                                from = src.len();
                            }
                        }
                    }
                    out.push(Piece::Call(call));
                }
            }
        }
        if from < src.len() {
            out.push(Piece::Text(from, src.len()));
        }
        out
    }

    /// Whether a closing tag for `name` follows at this nesting level.
    fn has_close(&self, name: &str) -> bool {
        let mut depth = 0;
        for tag in &self.tags[self.next..] {
            match &tag.kind {
                TagKind::Open {
                    name: n,
                    self_closing: false,
                    ..
                } if n == name => depth += 1,
                TagKind::Close(n) if n == name => {
                    if depth == 0 {
                        return true;
                    }
                    depth -= 1;
                }
                _ => {}
            }
        }
        false
    }
}

/// Finds every tag in `src`, in order.
fn scan(src: &str) -> Vec<Tag> {
    let bytes = src.as_bytes();
    let mut tags = Vec::new();
    let mut pos = 0;
    while let Some(rel) = src[pos..].find("{{") {
        let start = pos + rel;
        let delim = match bytes.get(start + 2) {
            Some(b'<') => b'<',
            Some(b'%') => b'%',
            _ => {
                pos = start + 2;
                continue;
            }
        };
        let closer = if delim == b'<' { ">}}" } else { "%}}" };
        let body_start = start + 3;
        // Escaped form: `{{</* … */>}}`.
        let trimmed = src[body_start..].trim_start();
        if trimmed.starts_with("/*") {
            // The comment's text starts after its `/*`: the close is searched from there, so the `*` of
            // `/*` never counts as the start of `*/` (`{{</*/>}}` sliced backwards: afl, content target).
            let comment_body = src.len() - trimmed.len() + 2;
            let close = format!("*/{closer}");
            let found = src[comment_body..]
                .find(&close)
                .or_else(|| find_spaced_close(&src[comment_body..], closer));
            if let Some(rel_end) = found {
                let body_end = comment_body + rel_end;
                let end = match src[body_end..].strip_prefix(close.as_str()) {
                    Some(_) => body_end + close.len(),
                    None => body_end + src[body_end..].find(closer).unwrap_or(0) + closer.len(),
                };
                let inner = src[comment_body..body_end].to_string();
                let open = if delim == b'<' { "{{<" } else { "{{%" };
                tags.push(Tag {
                    start,
                    end,
                    markdown: delim == b'%',
                    kind: TagKind::Escaped(format!("{open}{inner}{closer}")),
                });
                pos = end;
                continue;
            }
        }
        let Some(body_end) = find_closer(src, body_start, closer) else {
            pos = start + 2;
            continue;
        };
        let end = body_end + closer.len();
        let body = src[body_start..body_end].trim();
        let kind = match body.strip_prefix('/') {
            Some(name) => TagKind::Close(name.trim().to_string()),
            None => {
                let (body, self_closing) = match body.strip_suffix('/') {
                    Some(rest) => (rest.trim_end(), true),
                    None => (body, false),
                };
                let mut words = split_args(body).into_iter();
                let name = words.next().unwrap_or_default();
                TagKind::Open {
                    name,
                    args: args(words),
                    self_closing,
                }
            }
        };
        tags.push(Tag {
            start,
            end,
            markdown: delim == b'%',
            kind,
        });
        pos = end;
    }
    tags
}

/// `*/ >}}` with space between.
fn find_spaced_close(text: &str, closer: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(rel) = text[from..].find("*/") {
        let at = from + rel;
        if text[at + 2..].trim_start().starts_with(closer) {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// Go-template quoting (`"…"` with `\` escapes, `` `…` `` raw), fed one character at a time.
#[derive(Default)]
struct Quoting {
    quote: Option<char>,
    escaped: bool,
}

impl Quoting {
    /// Feeds `c`; true when `c` opens, is inside or closes a quoted string.
    fn feed(&mut self, c: char) -> bool {
        match self.quote {
            Some(q) => {
                if self.escaped {
                    self.escaped = false;
                } else if c == '\\' && q == '"' {
                    self.escaped = true;
                } else if c == q {
                    self.quote = None;
                }
                true
            }
            None if c == '"' || c == '`' => {
                self.quote = Some(c);
                true
            }
            None => false,
        }
    }
}

/// The offset of `closer` after `from`, skipping quoted strings.
fn find_closer(src: &str, from: usize, closer: &str) -> Option<usize> {
    let mut quoting = Quoting::default();
    for (i, c) in src[from..].char_indices() {
        let at = from + i;
        if quoting.feed(c) {
            continue;
        }
        if src[at..].starts_with(closer) {
            return Some(at);
        }
        // A new tag opens before this one closed: not a tag after all.
        if src[at..].starts_with("{{<") || src[at..].starts_with("{{%") {
            return None;
        }
    }
    None
}

/// Words of a tag body, quoted strings kept whole (with their quotes).
fn split_args(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoting = Quoting::default();
    for c in text.chars() {
        if quoting.feed(c) || !c.is_whitespace() {
            current.push(c);
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Typed arguments: quoted values are strings, bare `true`/`false` and numbers are typed (as Hugo).
fn args(words: impl Iterator<Item = String>) -> Args {
    let mut out = Args::default();
    for word in words {
        let named = word
            .find('=')
            .filter(|&eq| !word[..eq].contains(['"', '`']) && eq > 0);
        match named {
            Some(eq) => {
                out.named.insert(word[..eq].to_string(), value(&word[eq + 1..]));
            }
            None => out.positional.push(value(&word)),
        }
    }
    out
}

fn value(word: &str) -> Value {
    if let Some(inner) = word.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
        return Value::Str(inner.replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    if let Some(inner) = word.strip_prefix('`').and_then(|w| w.strip_suffix('`')) {
        return Value::Str(inner.to_string());
    }
    match word {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = word.parse::<i64>() {
        return Value::Int(i);
    }
    if word.contains('.')
        && let Ok(f) = word.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(word.to_string())
}
