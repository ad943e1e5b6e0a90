//! The Liquid evaluator: walks the node tree and writes the output into a [`Mapped`] (so every output
//! line knows its source line), one method per node kind. Source bytes a tag consumes are skipped,
//! text is kept verbatim, values are generated; problems become [`Issue`]s.

use std::collections::BTreeMap;

use super::expr::Val;
use super::parse::{Branch, CaptureBlock, CaseBlock, Close, ForBlock, IfBlock, Node, Token, parse};
use super::{Includer, Issue};
use crate::content::{Mapped, Variables};

/// How deep `{% include %}` may nest (a file including itself stops here).
const MAX_INCLUDE_DEPTH: u32 = 8;

pub(super) struct Eval<'s, 'i> {
    src: &'s str,
    /// Bytes of `src` before this are written (or skipped) already.
    pos: usize,
    pub(super) out: Mapped,
    pub(super) vars: Variables,
    pub(super) issues: Vec<Issue>,
    include: Includer<'i>,
    depth: u32,
    /// Values set by `assign`, `capture` and loops (lists included), looked up before `vars`.
    pub(super) locals: BTreeMap<String, Val>,
    /// A `{% break %}` (true) or `{% continue %}` (false) waiting for its loop.
    flow: Option<bool>,
    /// Positions of `{% cycle %}` groups.
    cycles: BTreeMap<String, usize>,
}

impl<'s, 'i> Eval<'s, 'i> {
    pub(super) fn new(
        src: &'s str,
        first_line: u32,
        vars: Variables,
        include: Includer<'i>,
        depth: u32,
    ) -> Self {
        Eval {
            src,
            pos: 0,
            out: Mapped::new(first_line),
            vars,
            issues: Vec::new(),
            include,
            depth,
            locals: BTreeMap::new(),
            flow: None,
            cycles: BTreeMap::new(),
        }
    }

    /// Renders the whole source.
    pub(super) fn run(&mut self) {
        let src = self.src;
        self.nodes(&parse(src));
        self.skip_to(src.len());
    }

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

    pub(super) fn issue(&mut self, message: String) {
        let line = self.out.source_line();
        self.issues.push(Issue { line, message });
    }

    /// Skips to a tag, trimming the output before it for `{%-`/`{{-`.
    fn enter(&mut self, tok: &Token<'_>) {
        self.skip_to(tok.start);
        if tok.trim_left {
            self.out.trim_end();
        }
    }

    fn nodes(&mut self, nodes: &[Node<'_>]) {
        for node in nodes {
            self.node(node);
            if self.flow.is_some() {
                return;
            }
        }
    }

    fn node(&mut self, node: &Node<'_>) {
        match node {
            Node::Text { start, end } => self.text(*start, *end),
            Node::Raw { start, end, body } => self.raw(*start, *end, body),
            Node::Output { tok, expr } => self.output_tag(tok, expr),
            Node::If(block) => self.if_block(block),
            Node::Case(block) => self.case_block(block),
            Node::For(block) => self.for_block(block),
            Node::Capture(block) => self.capture_block(block),
            Node::Jump { tok, brk } => {
                self.enter(tok);
                self.skip_to(tok.end);
                self.flow = Some(*brk);
            }
            Node::Cycle { tok, args } => self.cycle(tok, args),
            Node::Assign { tok, args } => self.assign(tok, args),
            Node::Include { tok, args } => self.include(tok, args),
            Node::Skip(tok) => self.comment(tok),
            Node::Unknown { tok, name } => self.unknown(tok, name),
        }
    }

    fn text(&mut self, start: usize, end: usize) {
        self.skip_to(start);
        self.verbatim_to(end);
    }

    fn raw(&mut self, start: usize, end: usize, body: &str) {
        self.skip_to(start);
        let body_start = self.src[start..].find(body).map(|i| start + i).unwrap_or(start);
        self.skip_to(body_start);
        self.verbatim_to(body_start + body.len());
        self.skip_to(end);
    }

    fn output_tag(&mut self, tok: &Token<'_>, expr: &str) {
        self.enter(tok);
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

    fn if_block(&mut self, block: &IfBlock<'_>) {
        self.skip_to(block.start);
        if block.trim {
            self.out.trim_end();
        }
        let chosen = (0..block.branches.len()).find(|&index| match block.branches[index].0 {
            None => true,
            Some(cond) => {
                let holds = self.condition(cond);
                if index == 0 && block.negate { !holds } else { holds }
            }
        });
        if block.close == Close::Unclosed {
            self.issue("`{% if %}` without `{% endif %}`".to_string());
        }
        self.branch(chosen.map(|index| &block.branches[index]), block.close);
    }

    fn case_block(&mut self, block: &CaseBlock<'_>) {
        self.skip_to(block.start);
        let value = self.expr(block.subject).map(|v| v.to_text());
        let chosen = (0..block.whens.len()).find(|&index| match block.whens[index].0 {
            None => true,
            Some(list) => list
                .split([',', ' '])
                .filter(|p| !p.is_empty() && *p != "or")
                .any(|p| self.expr(p).map(|v| v.to_text()) == value),
        });
        self.branch(chosen.map(|index| &block.whens[index]), block.close);
    }

    /// Renders the chosen branch of a block (if any) and skips the rest of the block.
    fn branch(&mut self, chosen: Option<&Branch<'_>>, close: Close) {
        if let Some((_, body)) = chosen {
            if let Some(first) = body.first() {
                self.skip_to(first.start());
            }
            self.nodes(body);
        }
        self.skip_to(close.offset(self.src.len()));
    }

    fn assign(&mut self, tok: &Token<'_>, args: &str) {
        self.enter(tok);
        if let Some((name, expr)) = args.split_once('=') {
            let value = self.value(expr.trim()).unwrap_or(Val::Nil);
            self.set(name.trim(), value);
        } else {
            self.issue(format!("`{{% assign {args} %}}` needs NAME = VALUE"));
        }
        self.skip_to(tok.end);
    }

    fn include(&mut self, tok: &Token<'_>, args: &str) {
        self.enter(tok);
        let name = args
            .split([',', ' '])
            .next()
            .unwrap_or("")
            .trim_matches(['"', '\''])
            .to_string();
        match (self.include)(&name) {
            Some(text) if self.depth < MAX_INCLUDE_DEPTH => {
                let mut inner = Eval::new(&text, 1, self.vars.clone(), self.include, self.depth + 1);
                inner.run();
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

    /// Sets a variable (strings are also session-style variables, for `%x%` and includes).
    fn set(&mut self, name: &str, value: Val) {
        match &value {
            Val::List(_) | Val::Map(_) => {
                self.vars.remove(name);
            }
            other => {
                self.vars.insert(name.to_string(), other.to_text());
            }
        }
        self.locals.insert(name.to_string(), value);
    }

    /// Renders `nodes` (starting at byte `start`, inside the current block) in a child evaluator and
    /// appends its output, keeping its lines; its variables come back. Returns its break/continue.
    fn nested(&mut self, start: usize, nodes: &[Node<'_>], append: bool) -> (Option<bool>, String) {
        let line =
            self.out.source_line() + self.src[self.pos..start].bytes().filter(|b| *b == b'\n').count() as u32;
        let vars = std::mem::take(&mut self.vars);
        let mut child = Eval::new(self.src, line, vars, self.include, self.depth);
        child.pos = start;
        child.locals = std::mem::take(&mut self.locals);
        child.cycles = std::mem::take(&mut self.cycles);
        child.nodes(nodes);
        if append {
            self.out.append(&child.out);
        }
        self.vars = child.vars;
        self.locals = child.locals;
        self.cycles = child.cycles;
        self.issues.extend(child.issues);
        (child.flow, child.out.text)
    }

    /// `{% for item in list limit: n offset: n reversed %}`, `forloop.*` inside, `else` when empty.
    fn for_block(&mut self, block: &ForBlock<'_>) {
        self.skip_to(block.start);
        if block.trim {
            self.out.trim_end();
        }
        if block.close == Close::Unclosed {
            self.issue("`{% for %}` without `{% endfor %}`".to_string());
        }
        let Some((name, rest)) = block.args.split_once(" in ") else {
            self.issue(format!("`{{% for {} %}}` needs ITEM in LIST", block.args));
            self.skip_to(block.close.offset(self.src.len()));
            return;
        };
        let (collection, options) = split_for_options(rest.trim());
        let mut items = self.value(collection).map(Val::items).unwrap_or_default();
        let mut option = |key: &str| {
            options
                .iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, v)| self.expr(v))
                .and_then(|v| v.as_num())
        };
        if let Some(offset) = option("offset") {
            items = items.into_iter().skip(offset.max(0.0) as usize).collect();
        }
        if let Some(limit) = option("limit") {
            items.truncate(limit.max(0.0) as usize);
        }
        if options.iter().any(|(k, _)| *k == "reversed") {
            items.reverse();
        }
        let (name, length) = (name.trim().to_string(), items.len());
        if items.is_empty()
            && let Some((start, nodes)) = &block.otherwise
        {
            self.nested(*start, nodes, true);
        }
        let saved = (
            self.locals.get(&name).cloned(),
            self.locals.get("forloop").cloned(),
        );
        for (index, item) in items.into_iter().enumerate() {
            let forloop: BTreeMap<String, Val> = [
                ("index", Val::Num((index + 1) as f64)),
                ("index0", Val::Num(index as f64)),
                ("rindex", Val::Num((length - index) as f64)),
                ("rindex0", Val::Num((length - index - 1) as f64)),
                ("first", Val::Bool(index == 0)),
                ("last", Val::Bool(index + 1 == length)),
                ("length", Val::Num(length as f64)),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            self.locals.insert(name.clone(), item);
            self.locals.insert("forloop".into(), Val::Map(forloop));
            if self.nested(block.body_start, &block.body, true).0 == Some(true) {
                break;
            }
        }
        for (key, value) in [(name, saved.0), ("forloop".to_string(), saved.1)] {
            match value {
                Some(value) => self.locals.insert(key, value),
                None => self.locals.remove(&key),
            };
        }
        self.skip_to(block.close.offset(self.src.len()));
    }

    /// `{% capture name %}…{% endcapture %}`: the rendered body becomes the variable.
    fn capture_block(&mut self, block: &CaptureBlock<'_>) {
        self.skip_to(block.start);
        if block.trim {
            self.out.trim_end();
        }
        if block.close == Close::Unclosed {
            self.issue("`{% capture %}` without `{% endcapture %}`".to_string());
        }
        let (_, text) = self.nested(block.body_start, &block.body, false);
        self.set(block.name, Val::Str(text));
        self.skip_to(block.close.offset(self.src.len()));
    }

    /// `{% cycle 'a', 'b' %}`: the next value of the group, round and round.
    fn cycle(&mut self, tok: &Token<'_>, args: &str) {
        self.enter(tok);
        let values: Vec<&str> = args.split(',').map(str::trim).filter(|v| !v.is_empty()).collect();
        if !values.is_empty() {
            let position = self.cycles.entry(args.to_string()).or_insert(0);
            let chosen = values[*position % values.len()];
            *position += 1;
            let text = self.expr(chosen).map(|v| v.to_text()).unwrap_or_default();
            self.out.generated(&text);
        }
        self.skip_to(tok.end);
    }

    fn comment(&mut self, tok: &Token<'_>) {
        self.enter(tok);
        self.skip_to(tok.end);
    }

    fn unknown(&mut self, tok: &Token<'_>, name: &str) {
        self.skip_to(tok.start);
        if matches!(
            name,
            "endif"
                | "endunless"
                | "endcase"
                | "else"
                | "elsif"
                | "when"
                | "endraw"
                | "endcomment"
                | "endfor"
                | "endcapture"
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

/// `list limit: 2 offset: 1 reversed` → (`list`, [("limit", "2"), ("offset", "1"), ("reversed", "")]).
fn split_for_options(text: &str) -> (&str, Vec<(&str, &str)>) {
    // A range `(1..n)` may hold spaces; otherwise the collection is the first word.
    let collection_end = if text.starts_with('(') {
        text.find(')').map_or(text.len(), |i| i + 1)
    } else {
        text.find(char::is_whitespace).unwrap_or(text.len())
    };
    let (collection, rest) = text.split_at(collection_end);
    let mut options = Vec::new();
    let mut parts = rest.split_whitespace();
    while let Some(part) = parts.next() {
        match part.split_once(':') {
            Some((key, "")) => options.push((key, parts.next().unwrap_or(""))),
            Some((key, value)) => options.push((key, value)),
            None => options.push((part, "")),
        }
    }
    (collection, options)
}
