//! A small Liquid engine for classic pages: `{{ name | filter }}`, `{% if/elsif/else/unless/case %}`,
//! `{% raw %}`, `{% comment %}`, `{% assign %}`, `{% include %}`/`{% render %}`. Values are strings;
//! undefined names are warnings with the source line; text that is not Liquid is left as written.

use super::{Mapped, Variables, vars};

/// A problem found while templating, at a source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// 1-based source line.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

/// Reads an included file (`{% include 'name' %}`), relative to the content folder.
pub type Includer<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Renders `source` with `vars`; `first_line` is the source line of its first byte.
pub fn render(
    source: &str,
    vars: &Variables,
    include: Includer<'_>,
    first_line: u32,
) -> (Mapped, Vec<Issue>) {
    let tokens = tokenize(source);
    let mut parser = Parser {
        tokens: &tokens,
        next: 0,
    };
    let nodes = parser.block(&[]).0;
    let mut eval = Eval {
        src: source,
        pos: 0,
        out: Mapped::new(first_line),
        vars: vars.clone(),
        issues: Vec::new(),
        include,
        depth: 0,
    };
    eval.nodes(&nodes);
    eval.skip_to(source.len());
    (eval.out, eval.issues)
}

#[derive(Debug, Clone)]
enum TokKind<'a> {
    Text,
    Raw(&'a str),
    Output(&'a str),
    Tag(&'a str, &'a str),
}

#[derive(Debug, Clone)]
struct Token<'a> {
    kind: TokKind<'a>,
    start: usize,
    end: usize,
    trim_left: bool,
}

fn tokenize(src: &str) -> Vec<Token<'_>> {
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

#[derive(Debug)]
enum Node<'a> {
    Text(usize, usize),
    Raw {
        start: usize,
        end: usize,
        body: &'a str,
    },
    Output {
        tok: Token<'a>,
        expr: &'a str,
    },
    If {
        start: usize,
        end: usize,
        trim: bool,
        negate: bool,
        branches: Vec<(Option<&'a str>, Vec<Node<'a>>)>,
    },
    Case {
        start: usize,
        end: usize,
        subject: &'a str,
        whens: Vec<(Option<&'a str>, Vec<Node<'a>>)>,
    },
    Assign {
        tok: Token<'a>,
        args: &'a str,
    },
    Include {
        tok: Token<'a>,
        args: &'a str,
    },
    Skip(Token<'a>),
    Unknown {
        tok: Token<'a>,
        name: &'a str,
    },
}

struct Parser<'t, 'a> {
    tokens: &'t [Token<'a>],
    next: usize,
}

impl<'a> Parser<'_, 'a> {
    /// Parses nodes until a tag named in `stops`; returns the nodes and the stop token index.
    fn block(&mut self, stops: &[&str]) -> (Vec<Node<'a>>, Option<usize>) {
        let mut nodes = Vec::new();
        while self.next < self.tokens.len() {
            let index = self.next;
            let tok = self.tokens[index].clone();
            self.next += 1;
            match tok.kind {
                TokKind::Text => nodes.push(Node::Text(tok.start, tok.end)),
                TokKind::Raw(body) => nodes.push(Node::Raw {
                    start: tok.start,
                    end: tok.end,
                    body,
                }),
                TokKind::Output(expr) => nodes.push(Node::Output { tok, expr }),
                TokKind::Tag(name, args) => {
                    if stops.contains(&name) {
                        return (nodes, Some(index));
                    }
                    match name {
                        "if" | "unless" => {
                            let mut branches = Vec::new();
                            let mut cond = Some(args);
                            let end;
                            loop {
                                let (body, stop) = self.block(&["elsif", "else", "endif", "endunless"]);
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
                                    Some(t) => {
                                        end = t.end;
                                        break;
                                    }
                                    None => {
                                        end = usize::MAX;
                                        break;
                                    }
                                }
                            }
                            nodes.push(Node::If {
                                start: tok.start,
                                end,
                                trim: tok.trim_left,
                                negate: name == "unless",
                                branches,
                            });
                        }
                        "case" => {
                            let (_, mut stop) = self.block(&["when", "else", "endcase"]);
                            let mut whens = Vec::new();
                            let end;
                            loop {
                                match stop.map(|i| self.tokens[i].kind.clone()) {
                                    Some(TokKind::Tag("when", a)) => {
                                        let (body, s) = self.block(&["when", "else", "endcase"]);
                                        whens.push((Some(a), body));
                                        stop = s;
                                    }
                                    Some(TokKind::Tag("else", _)) => {
                                        let (body, s) = self.block(&["when", "else", "endcase"]);
                                        whens.push((None, body));
                                        stop = s;
                                    }
                                    _ => {
                                        end = stop.map(|i| self.tokens[i].end).unwrap_or(usize::MAX);
                                        break;
                                    }
                                }
                            }
                            nodes.push(Node::Case {
                                start: tok.start,
                                end,
                                subject: args,
                                whens,
                            });
                        }
                        "assign" => nodes.push(Node::Assign { tok, args }),
                        "include" | "render" => nodes.push(Node::Include { tok, args }),
                        "comment" => nodes.push(Node::Skip(tok)),
                        _ => nodes.push(Node::Unknown { tok, name }),
                    }
                }
            }
        }
        (nodes, None)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Val {
    Nil,
    Bool(bool),
    Str(String),
    Num(f64),
}

impl Val {
    fn truthy(&self) -> bool {
        !matches!(self, Val::Nil | Val::Bool(false))
    }
    fn to_text(&self) -> String {
        match self {
            Val::Nil => String::new(),
            Val::Bool(b) => b.to_string(),
            Val::Str(s) => s.clone(),
            Val::Num(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    n.to_string()
                }
            }
        }
    }
    fn as_num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

struct Eval<'s, 'i> {
    src: &'s str,
    pos: usize,
    out: Mapped,
    vars: Variables,
    issues: Vec<Issue>,
    include: Includer<'i>,
    depth: u32,
}

impl Eval<'_, '_> {
    fn skip_to(&mut self, end: usize) {
        let end = end.min(self.src.len());
        if end > self.pos {
            self.out.skip(&self.src[self.pos..end]);
            self.pos = end;
        }
    }

    fn verbatim_to(&mut self, end: usize) {
        let end = end.min(self.src.len());
        if end > self.pos {
            self.out.verbatim(&self.src[self.pos..end]);
            self.pos = end;
        }
    }

    fn issue(&mut self, message: String) {
        let line = self.out.source_line();
        self.issues.push(Issue { line, message });
    }

    fn nodes(&mut self, nodes: &[Node<'_>]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node<'_>) {
        match node {
            Node::Text(start, end) => {
                self.skip_to(*start);
                self.verbatim_to(*end);
            }
            Node::Raw { start, end, body } => {
                self.skip_to(*start);
                let body_start = self.src[*start..]
                    .find(*body)
                    .map(|i| start + i)
                    .unwrap_or(*start);
                self.skip_to(body_start);
                self.verbatim_to(body_start + body.len());
                self.skip_to(*end);
            }
            Node::Output { tok, expr } => {
                self.skip_to(tok.start);
                if tok.trim_left {
                    self.out.trim_end();
                }
                match self.output(expr) {
                    Some(text) => {
                        self.out.generated(&text);
                        self.skip_to(tok.end);
                    }
                    None => {
                        self.issue(format!(
                            "`{{{{ {expr} }}}}` is not a Liquid expression, left as written"
                        ));
                        self.verbatim_to(tok.end);
                    }
                }
            }
            Node::If {
                start,
                end,
                trim,
                negate,
                branches,
            } => {
                self.skip_to(*start);
                if *trim {
                    self.out.trim_end();
                }
                let mut chosen = None;
                for (index, (cond, _)) in branches.iter().enumerate() {
                    let pass = match cond {
                        None => true,
                        Some(c) => {
                            let v = self.condition(c);
                            if index == 0 && *negate { !v } else { v }
                        }
                    };
                    if pass {
                        chosen = Some(index);
                        break;
                    }
                }
                if *end == usize::MAX {
                    self.issue("`{% if %}` without `{% endif %}`".to_string());
                }
                if let Some(index) = chosen {
                    let body = &branches[index].1;
                    if let Some(first) = body.first() {
                        self.skip_to(node_start(first));
                    }
                    self.nodes(body);
                }
                self.skip_to(*end);
            }
            Node::Case {
                start,
                end,
                subject,
                whens,
            } => {
                self.skip_to(*start);
                let value = self.expr(subject);
                let mut chosen = None;
                for (index, (when, _)) in whens.iter().enumerate() {
                    let pass = match when {
                        None => true,
                        Some(list) => list
                            .split([',', ' '])
                            .filter(|p| !p.is_empty() && *p != "or")
                            .any(|p| self.expr(p).map(|v| v.to_text()) == value.clone().map(|v| v.to_text())),
                    };
                    if pass {
                        chosen = Some(index);
                        break;
                    }
                }
                if let Some(index) = chosen {
                    let body = &whens[index].1;
                    if let Some(first) = body.first() {
                        self.skip_to(node_start(first));
                    }
                    self.nodes(body);
                }
                self.skip_to(*end);
            }
            Node::Assign { tok, args } => {
                self.skip_to(tok.start);
                if tok.trim_left {
                    self.out.trim_end();
                }
                if let Some((name, expr)) = args.split_once('=') {
                    let value = self.output(expr.trim()).unwrap_or_default();
                    self.vars.insert(name.trim().to_string(), value);
                } else {
                    self.issue(format!("`{{% assign {args} %}}` needs NAME = VALUE"));
                }
                self.skip_to(tok.end);
            }
            Node::Include { tok, args } => {
                self.skip_to(tok.start);
                if tok.trim_left {
                    self.out.trim_end();
                }
                let name = args
                    .split([',', ' '])
                    .next()
                    .unwrap_or("")
                    .trim_matches(['"', '\''])
                    .to_string();
                match (self.include)(&name) {
                    Some(text) if self.depth < 8 => {
                        let include = self.include;
                        let mut inner = Eval {
                            src: &text,
                            pos: 0,
                            out: Mapped::new(1),
                            vars: self.vars.clone(),
                            issues: Vec::new(),
                            include,
                            depth: self.depth + 1,
                        };
                        let tokens = tokenize(&text);
                        let nodes = Parser {
                            tokens: &tokens,
                            next: 0,
                        }
                        .block(&[])
                        .0;
                        inner.nodes(&nodes);
                        inner.skip_to(text.len());
                        for issue in inner.issues {
                            self.issue(format!("in included {name:?}: {}", issue.message));
                        }
                        self.out.generated(&inner.out.text);
                    }
                    Some(_) => self.issue(format!("include of {name:?} nests too deeply")),
                    None => self.issue(format!("included file {name:?} not found")),
                }
                self.skip_to(tok.end);
            }
            Node::Skip(tok) => {
                self.skip_to(tok.start);
                if tok.trim_left {
                    self.out.trim_end();
                }
                self.skip_to(tok.end);
            }
            Node::Unknown { tok, name } => {
                self.skip_to(tok.start);
                if matches!(
                    *name,
                    "endif" | "endunless" | "endcase" | "else" | "elsif" | "when" | "endraw" | "endcomment"
                ) {
                    self.issue(format!("`{{% {name} %}}` without an opening tag"));
                } else {
                    self.issue(format!(
                        "unsupported Liquid tag `{{% {name} %}}`, left as written"
                    ));
                }
                self.verbatim_to(tok.end);
            }
        }
    }

    /// `expr | filter: a, b | …` → text; None when it is not a Liquid expression.
    fn output(&mut self, text: &str) -> Option<String> {
        let mut parts = split_outside_quotes(text, '|').into_iter();
        let mut value = self.expr(parts.next()?.trim())?;
        for filter in parts {
            let filter = filter.trim();
            let (name, args) = filter.split_once(':').unwrap_or((filter, ""));
            let args: Vec<String> = split_outside_quotes(args, ',')
                .into_iter()
                .filter(|a| !a.trim().is_empty())
                .map(|a| self.expr(a.trim()).map(|v| v.to_text()).unwrap_or_default())
                .collect();
            value = self.filter(name.trim(), value, &args);
        }
        Some(value.to_text())
    }

    fn filter(&mut self, name: &str, value: Val, args: &[String]) -> Val {
        let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
        let text = value.to_text();
        match name {
            "default" => {
                if !value.truthy() || text.is_empty() {
                    Val::Str(arg(0))
                } else {
                    value
                }
            }
            "upcase" => Val::Str(text.to_uppercase()),
            "downcase" => Val::Str(text.to_lowercase()),
            "capitalize" => {
                let mut chars = text.chars();
                Val::Str(
                    chars
                        .next()
                        .map(|c| c.to_uppercase().chain(chars).collect())
                        .unwrap_or_default(),
                )
            }
            "strip" => Val::Str(text.trim().to_string()),
            "lstrip" => Val::Str(text.trim_start().to_string()),
            "rstrip" => Val::Str(text.trim_end().to_string()),
            "append" => Val::Str(text + &arg(0)),
            "prepend" => Val::Str(arg(0) + &text),
            "replace" => Val::Str(text.replace(&arg(0), &arg(1))),
            "replace_first" => Val::Str(text.replacen(&arg(0), &arg(1), 1)),
            "remove" => Val::Str(text.replace(&arg(0), "")),
            "size" => Val::Num(text.chars().count() as f64),
            "escape" => Val::Str(super::html::escape(&text)),
            "url_encode" => Val::Str(
                text.bytes()
                    .map(|b| {
                        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                            (b as char).to_string()
                        } else {
                            format!("%{b:02X}")
                        }
                    })
                    .collect(),
            ),
            _ => {
                self.issue(format!("unknown Liquid filter `{name}`"));
                value
            }
        }
    }

    fn expr(&mut self, text: &str) -> Option<Val> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if (text.starts_with('\'') && text.ends_with('\'') || text.starts_with('"') && text.ends_with('"'))
            && text.len() >= 2
        {
            return Some(Val::Str(text[1..text.len() - 1].to_string()));
        }
        if let Ok(n) = text.parse::<f64>() {
            return Some(Val::Num(n));
        }
        match text {
            "true" => return Some(Val::Bool(true)),
            "false" => return Some(Val::Bool(false)),
            "nil" | "null" => return Some(Val::Nil),
            "empty" | "blank" => return Some(Val::Str(String::new())),
            _ => {}
        }
        let valid = text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
        if !valid {
            return None;
        }
        match vars::lookup(&self.vars, text) {
            Some(value) => Some(Val::Str(value)),
            None => {
                self.issue(format!("undefined variable `{text}`"));
                Some(Val::Nil)
            }
        }
    }

    fn condition(&mut self, text: &str) -> bool {
        // Liquid evaluates `and`/`or` right to left without precedence.
        let words: Vec<&str> = split_words(text);
        if let Some(pos) = words.iter().position(|w| *w == "and" || *w == "or") {
            let left = words[..pos].join(" ");
            let right = words[pos + 1..].join(" ");
            let l = self.condition(&left);
            let r = self.condition(&right);
            return if words[pos] == "and" { l && r } else { l || r };
        }
        let ops = ["==", "!=", "<>", "<=", ">=", "<", ">", "contains"];
        for op in ops {
            if let Some(i) = words.iter().position(|w| *w == op) {
                let l = self.expr(&words[..i].join(" ")).unwrap_or(Val::Nil);
                let r = self.expr(&words[i + 1..].join(" ")).unwrap_or(Val::Nil);
                return compare(op, &l, &r);
            }
        }
        match self.expr(text) {
            Some(v) => v.truthy(),
            None => {
                self.issue(format!("cannot evaluate condition `{text}`"));
                false
            }
        }
    }
}

fn compare(op: &str, l: &Val, r: &Val) -> bool {
    let equal = match (l, r) {
        (Val::Nil, Val::Nil) => true,
        (Val::Nil, _) | (_, Val::Nil) => false,
        _ => match (l.as_num(), r.as_num()) {
            (Some(a), Some(b)) => a == b,
            _ => l.to_text() == r.to_text(),
        },
    };
    match op {
        "==" => equal,
        "!=" | "<>" => !equal,
        "contains" => l.to_text().contains(&r.to_text()),
        _ => {
            let ord = match (l.as_num(), r.as_num()) {
                (Some(a), Some(b)) => a.partial_cmp(&b),
                _ => Some(l.to_text().cmp(&r.to_text())),
            };
            match (op, ord) {
                ("<", Some(o)) => o.is_lt(),
                (">", Some(o)) => o.is_gt(),
                ("<=", Some(o)) => o.is_le(),
                (">=", Some(o)) => o.is_ge(),
                _ => false,
            }
        }
    }
}

fn node_start(node: &Node<'_>) -> usize {
    match node {
        Node::Text(start, _) => *start,
        Node::Raw { start, .. } | Node::If { start, .. } | Node::Case { start, .. } => *start,
        Node::Output { tok, .. } | Node::Assign { tok, .. } | Node::Include { tok, .. } => tok.start,
        Node::Skip(tok) | Node::Unknown { tok, .. } => tok.start,
    }
}

/// Splits on `sep` outside quotes.
fn split_outside_quotes(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote = None;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == sep => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            None => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Splits a condition into words, keeping quoted strings whole.
fn split_words(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut quote = None;
    let mut start = None;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    words.push(&text[s..i]);
                }
            }
            None => {
                if start.is_none() {
                    start = Some(i);
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                }
            }
        }
    }
    if let Some(s) = start {
        words.push(&text[s..]);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str) -> (String, Vec<Issue>) {
        let vars: Variables = [("name", "Ann"), ("lang", "java"), ("empty", "")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let none = |_: &str| None;
        let (out, issues) = render(src, &vars, &none, 1);
        (out.text, issues)
    }

    #[test]
    fn outputs_and_filters() {
        assert_eq!(run("Hi {{ name }}, {{name|upcase}}!").0, "Hi Ann, ANN!");
        assert_eq!(run("{{ missing | default: 'x' }}").0, "x");
    }

    #[test]
    fn undefined_variable_is_an_issue_with_line() {
        let (out, issues) = run("a\nb {{ nope }}\n");
        assert_eq!(out, "a\nb \n");
        assert_eq!(
            issues,
            vec![Issue {
                line: 2,
                message: "undefined variable `nope`".into()
            }]
        );
    }

    #[test]
    fn raw_keeps_text_and_go_templates_survive() {
        let (out, _) = run("{% raw %}{{range .items}}{{.x}}{{end}}{% endraw %}");
        assert_eq!(out, "{{range .items}}{{.x}}{{end}}");
        let (out, issues) = run("x {{.metadata.name}}");
        assert_eq!(out, "x {{.metadata.name}}");
        assert_eq!(issues.len(), 1);
    }

    #[test]
    fn conditionals() {
        let src = "{% if lang == 'java' %}J{% elsif lang == 'go' %}G{% else %}O{% endif %}";
        assert_eq!(run(src).0, "J");
        assert_eq!(run("{% unless lang == 'java' %}no{% endunless %}ok").0, "ok");
        assert_eq!(run("{% if empty %}truthy{% endif %}").0, "truthy");
        assert_eq!(
            run("{% case lang %}{% when 'go' %}G{% when 'java' %}J{% endcase %}").0,
            "J"
        );
        assert_eq!(
            run("{% if lang == 'java' and name == 'Ann' %}both{% endif %}").0,
            "both"
        );
    }

    #[test]
    fn skipped_branches_keep_line_numbers() {
        let vars = Variables::new();
        let none = |_: &str| None;
        let (out, _) = render("a\n{% if x %}\nb\nc\n{% endif %}\nd {{ y }}", &vars, &none, 1);
        assert_eq!(out.text, "a\n\nd ");
        assert_eq!(out.line_of(2), 6);
    }

    #[test]
    fn whitespace_control_and_assign() {
        assert_eq!(run("a  {%- assign x = 'v' -%}  {{ x }}").0, "av");
    }
}
