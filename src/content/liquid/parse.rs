//! Liquid source → a tree of [`Node`]s: the tokenizer (`{{ … }}`, `{% … %}`, `{% raw %}`/`{% comment %}`
//! bodies, `-` whitespace control) and the parser that pairs block tags (`if`/`unless`, `case`) with
//! their branches and closing tags. Positions are byte offsets into the source, so the evaluator can
//! keep every untouched byte and the line map.

#[derive(Debug, Clone)]
pub(super) enum TokKind<'a> {
    Text,
    Raw(&'a str),
    Output(&'a str),
    Tag(&'a str, &'a str),
}

#[derive(Debug, Clone)]
pub(super) struct Token<'a> {
    pub(super) kind: TokKind<'a>,
    /// Byte offset of the opening `{`.
    pub(super) start: usize,
    /// Byte offset just after the closing `}` (and the whitespace a `-}}` trims).
    pub(super) end: usize,
    /// `{{-` / `{%-`: trim the whitespace before the tag.
    pub(super) trim_left: bool,
}

pub(super) fn tokenize(src: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let bytes = src.as_bytes();
    let mut pos = 0;
    let mut text_start = 0;
    while let Some(found) = memchr::memchr(b'{', &bytes[pos..]) {
        let open = pos + found;
        let kind = bytes.get(open + 1).copied();
        let closer = match kind {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            _ => {
                pos = open + 1;
                continue;
            }
        };
        let Some(close_rel) = src[open + 2..].find(closer) else {
            break;
        };
        let inner_start = open + 2;
        let inner_end = open + 2 + close_rel;
        let mut end = inner_end + 2;
        let mut inner = &src[inner_start..inner_end];
        let trim_left = inner.starts_with('-');
        if trim_left {
            inner = &inner[1..];
        }
        let trim_right = inner.ends_with('-');
        if trim_right {
            inner = &inner[..inner.len() - 1];
        }
        let inner = inner.trim();
        if open > text_start {
            tokens.push(Token {
                kind: TokKind::Text,
                start: text_start,
                end: open,
                trim_left: false,
            });
        }
        let token_kind = if kind == Some(b'{') {
            TokKind::Output(inner)
        } else {
            let (name, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
            if name == "raw" || name == "comment" {
                let end_name = if name == "raw" { "endraw" } else { "endcomment" };
                if let Some((body_end, after)) = find_end_tag(src, end, end_name) {
                    let body = &src[end..body_end];
                    end = after;
                    if name == "raw" {
                        TokKind::Raw(body)
                    } else {
                        TokKind::Tag("comment", "")
                    }
                } else {
                    TokKind::Tag(name, args.trim())
                }
            } else {
                TokKind::Tag(name, args.trim())
            }
        };
        if trim_right {
            end += src[end..].len() - src[end..].trim_start().len();
        }
        tokens.push(Token {
            kind: token_kind,
            start: open,
            end,
            trim_left,
        });
        pos = end;
        text_start = end;
    }
    if text_start < src.len() {
        tokens.push(Token {
            kind: TokKind::Text,
            start: text_start,
            end: src.len(),
            trim_left: false,
        });
    }
    tokens
}

/// Finds `{% end_name %}` after `from`: returns (start of the tag, end of the tag).
fn find_end_tag(src: &str, from: usize, end_name: &str) -> Option<(usize, usize)> {
    let mut pos = from;
    while let Some(rel) = src[pos..].find("{%") {
        let open = pos + rel;
        let close = open + 2 + src[open + 2..].find("%}")?;
        let inner = src[open + 2..close].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if inner == end_name {
            return Some((open, close + 2));
        }
        pos = open + 2;
    }
    None
}

/// Where a block tag (`if`, `unless`, `case`) ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Close {
    /// Just after its closing tag (byte offset).
    At(usize),
    /// It has no closing tag: the block runs to the end of the source.
    Unclosed,
}

impl Close {
    /// The byte offset the block ends at in a source of `len` bytes.
    pub(super) fn offset(self, len: usize) -> usize {
        match self {
            Close::At(end) => end,
            Close::Unclosed => len,
        }
    }
}

/// A condition (`None` for `else`) and the nodes rendered when it is the first to hold.
pub(super) type Branch<'a> = (Option<&'a str>, Vec<Node<'a>>);

/// `{% if %}`/`{% unless %}` … `{% elsif %}` … `{% else %}` … `{% endif %}`.
#[derive(Debug)]
pub(super) struct IfBlock<'a> {
    pub(super) start: usize,
    pub(super) close: Close,
    pub(super) trim: bool,
    /// `unless`: the first condition is negated.
    pub(super) negate: bool,
    pub(super) branches: Vec<Branch<'a>>,
}

/// `{% case subject %}` … `{% when a, b %}` … `{% else %}` … `{% endcase %}`.
#[derive(Debug)]
pub(super) struct CaseBlock<'a> {
    pub(super) start: usize,
    pub(super) close: Close,
    pub(super) subject: &'a str,
    pub(super) whens: Vec<Branch<'a>>,
}

/// `{% for var in collection [limit: n] [offset: n] [reversed] %}` … `{% else %}` … `{% endfor %}`.
#[derive(Debug)]
pub(super) struct ForBlock<'a> {
    pub(super) start: usize,
    pub(super) close: Close,
    pub(super) trim: bool,
    /// Everything after `for`: `item in list limit: 2`.
    pub(super) args: &'a str,
    /// Byte offset where the body starts (after the opening tag).
    pub(super) body_start: usize,
    pub(super) body: Vec<Node<'a>>,
    /// The `else` branch (no items) and where it starts.
    pub(super) otherwise: Option<(usize, Vec<Node<'a>>)>,
}

/// `{% capture name %}` … `{% endcapture %}`.
#[derive(Debug)]
pub(super) struct CaptureBlock<'a> {
    pub(super) start: usize,
    pub(super) close: Close,
    pub(super) trim: bool,
    pub(super) name: &'a str,
    pub(super) body_start: usize,
    pub(super) body: Vec<Node<'a>>,
}

/// One piece of a template.
#[derive(Debug)]
pub(super) enum Node<'a> {
    /// Text outside tags, kept as written.
    Text { start: usize, end: usize },
    /// `{% raw %}…{% endraw %}`: `body` kept as written.
    Raw { start: usize, end: usize, body: &'a str },
    /// `{{ expr }}`.
    Output { tok: Token<'a>, expr: &'a str },
    /// `{% if %}` / `{% unless %}`.
    If(IfBlock<'a>),
    /// `{% case %}`.
    Case(CaseBlock<'a>),
    /// `{% for %}`.
    For(ForBlock<'a>),
    /// `{% capture %}`.
    Capture(CaptureBlock<'a>),
    /// `{% break %}` / `{% continue %}` (true for break).
    Jump { tok: Token<'a>, brk: bool },
    /// `{% cycle 'a', 'b' %}`.
    Cycle { tok: Token<'a>, args: &'a str },
    /// `{% assign name = expr %}`.
    Assign { tok: Token<'a>, args: &'a str },
    /// `{% include 'name' %}` / `{% render 'name' %}`.
    Include { tok: Token<'a>, args: &'a str },
    /// `{% comment %}…{% endcomment %}`: dropped.
    Skip(Token<'a>),
    /// A tag this engine does not know (or a stray closing tag).
    Unknown { tok: Token<'a>, name: &'a str },
}

impl Node<'_> {
    /// Byte offset where the node starts.
    pub(super) fn start(&self) -> usize {
        match self {
            Node::Text { start, .. } | Node::Raw { start, .. } => *start,
            Node::If(block) => block.start,
            Node::Case(block) => block.start,
            Node::For(block) => block.start,
            Node::Capture(block) => block.start,
            Node::Jump { tok, .. } | Node::Cycle { tok, .. } => tok.start,
            Node::Output { tok, .. } | Node::Assign { tok, .. } | Node::Include { tok, .. } => tok.start,
            Node::Skip(tok) | Node::Unknown { tok, .. } => tok.start,
        }
    }
}

/// Parses `src` into its node tree (never fails: unknown or stray tags become [`Node::Unknown`]).
pub(super) fn parse(src: &str) -> Vec<Node<'_>> {
    let tokens = tokenize(src);
    Parser {
        tokens: &tokens,
        next: 0,
    }
    .block(&[])
    .0
}

struct Parser<'t, 'a> {
    tokens: &'t [Token<'a>],
    next: usize,
}

/// The tags that end a branch of `if`/`unless`, and of `case`.
const IF_STOPS: &[&str] = &["elsif", "else", "endif", "endunless"];
const CASE_STOPS: &[&str] = &["when", "else", "endcase"];
const FOR_STOPS: &[&str] = &["else", "endfor"];

impl<'a> Parser<'_, 'a> {
    /// Parses nodes until a tag named in `stops`; returns the nodes and the stop token index.
    fn block(&mut self, stops: &[&str]) -> (Vec<Node<'a>>, Option<usize>) {
        let mut nodes = Vec::new();
        while self.next < self.tokens.len() {
            let index = self.next;
            let tok = self.tokens[index].clone();
            self.next += 1;
            match tok.kind {
                TokKind::Text => nodes.push(Node::Text {
                    start: tok.start,
                    end: tok.end,
                }),
                TokKind::Raw(body) => nodes.push(Node::Raw {
                    start: tok.start,
                    end: tok.end,
                    body,
                }),
                TokKind::Output(expr) => nodes.push(Node::Output { tok, expr }),
                TokKind::Tag(name, _) if stops.contains(&name) => return (nodes, Some(index)),
                TokKind::Tag(name @ ("if" | "unless"), args) => {
                    nodes.push(Node::If(self.if_block(&tok, name, args)))
                }
                TokKind::Tag("case", args) => nodes.push(Node::Case(self.case_block(&tok, args))),
                TokKind::Tag("for", args) => nodes.push(Node::For(self.for_block(&tok, args))),
                TokKind::Tag("capture", args) => nodes.push(Node::Capture(self.capture_block(&tok, args))),
                TokKind::Tag(name @ ("break" | "continue"), _) => nodes.push(Node::Jump {
                    brk: name == "break",
                    tok,
                }),
                TokKind::Tag("cycle", args) => nodes.push(Node::Cycle { tok, args }),
                TokKind::Tag("assign", args) => nodes.push(Node::Assign { tok, args }),
                TokKind::Tag("include" | "render", args) => nodes.push(Node::Include { tok, args }),
                TokKind::Tag("comment", _) => nodes.push(Node::Skip(tok)),
                TokKind::Tag(name, _) => nodes.push(Node::Unknown { tok, name }),
            }
        }
        (nodes, None)
    }

    /// The branches of an `if`/`unless` whose opening tag is `tok`, up to its closing tag.
    fn if_block(&mut self, tok: &Token<'a>, name: &str, args: &'a str) -> IfBlock<'a> {
        let mut branches = Vec::new();
        let mut cond = Some(args);
        let close = loop {
            let (body, stop) = self.block(IF_STOPS);
            branches.push((cond, body));
            match stop.map(|i| &self.tokens[i]) {
                Some(Token {
                    kind: TokKind::Tag("elsif", a),
                    ..
                }) => cond = Some(a),
                Some(Token {
                    kind: TokKind::Tag("else", _),
                    ..
                }) => cond = None,
                Some(t) => break Close::At(t.end),
                None => break Close::Unclosed,
            }
        };
        IfBlock {
            start: tok.start,
            close,
            trim: tok.trim_left,
            negate: name == "unless",
            branches,
        }
    }

    /// A `for` whose opening tag is `tok`: body, optional `else`, up to `endfor`.
    fn for_block(&mut self, tok: &Token<'a>, args: &'a str) -> ForBlock<'a> {
        let (body, stop) = self.block(FOR_STOPS);
        let (otherwise, stop) = match stop.map(|i| &self.tokens[i]) {
            Some(
                t @ Token {
                    kind: TokKind::Tag("else", _),
                    ..
                },
            ) => {
                let else_start = t.end;
                let (nodes, stop) = self.block(&["endfor"]);
                (Some((else_start, nodes)), stop)
            }
            _ => (None, stop),
        };
        ForBlock {
            start: tok.start,
            close: stop.map_or(Close::Unclosed, |i| Close::At(self.tokens[i].end)),
            trim: tok.trim_left,
            args,
            body_start: tok.end,
            body,
            otherwise,
        }
    }

    /// A `capture` whose opening tag is `tok`, up to `endcapture`.
    fn capture_block(&mut self, tok: &Token<'a>, name: &'a str) -> CaptureBlock<'a> {
        let (body, stop) = self.block(&["endcapture"]);
        CaptureBlock {
            start: tok.start,
            close: stop.map_or(Close::Unclosed, |i| Close::At(self.tokens[i].end)),
            trim: tok.trim_left,
            name: name.trim(),
            body_start: tok.end,
            body,
        }
    }

    /// The `when`/`else` branches of a `case` whose opening tag is `tok`, up to `endcase`. Text
    /// before the first `when` is dropped.
    fn case_block(&mut self, tok: &Token<'a>, subject: &'a str) -> CaseBlock<'a> {
        let (_, mut stop) = self.block(CASE_STOPS);
        let mut whens = Vec::new();
        let close = loop {
            let when = match stop.map(|i| self.tokens[i].kind.clone()) {
                Some(TokKind::Tag("when", a)) => Some(a),
                Some(TokKind::Tag("else", _)) => None,
                _ => break stop.map_or(Close::Unclosed, |i| Close::At(self.tokens[i].end)),
            };
            let (body, next) = self.block(CASE_STOPS);
            whens.push((when, body));
            stop = next;
        };
        CaseBlock {
            start: tok.start,
            close,
            subject,
            whens,
        }
    }
}
