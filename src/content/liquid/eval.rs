//! The Liquid evaluator: walks the node tree and writes the output into a [`Mapped`] (so every output
//! line knows its source line), one method per node kind. Source bytes a tag consumes are skipped,
//! text is kept verbatim, values are generated; problems become [`Issue`]s.

use super::parse::{Branch, CaseBlock, Close, IfBlock, Node, Token, parse};
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
        }
    }

    fn node(&mut self, node: &Node<'_>) {
        match node {
            Node::Text { start, end } => self.text(*start, *end),
            Node::Raw { start, end, body } => self.raw(*start, *end, body),
            Node::Output { tok, expr } => self.output_tag(tok, expr),
            Node::If(block) => self.if_block(block),
            Node::Case(block) => self.case_block(block),
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
            let value = self.output(expr.trim()).unwrap_or_default();
            self.vars.insert(name.trim().to_string(), value);
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

    fn comment(&mut self, tok: &Token<'_>) {
        self.enter(tok);
        self.skip_to(tok.end);
    }

    fn unknown(&mut self, tok: &Token<'_>, name: &str) {
        self.skip_to(tok.start);
        if matches!(
            name,
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
