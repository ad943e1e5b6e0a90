//! The parser: lexed items → a tree of [`Node`]s. Control structures are `if`/`else if`/`else`,
//! `with`/`else with`/`else`, `range` (with `$i, $v :=`), `break` and `continue`; pipelines are
//! commands joined by `|`, optionally declaring (`:=`) or assigning (`=`) variables. `define`,
//! `template` and `block` are reported as unsupported with their line.

use super::Error;
use super::lex::{Item, Number, Tok, lex};

/// A node of the template tree.
#[derive(Debug, Clone)]
pub enum Node {
    /// Text copied to the output.
    Text(String),
    /// `{{ pipeline }}`: printed unless it declares or assigns a variable.
    Action(Pipe),
    /// `{{ if }}` / `{{ with }}` with their `else if`/`else with`/`else` branches.
    Cond(Branches),
    /// `{{ range }}`.
    Range {
        /// What to iterate, with its `$i, $v :=` declaration.
        pipe: Pipe,
        /// Run per element.
        body: Vec<Node>,
        /// Run when there are no elements.
        otherwise: Option<Vec<Node>>,
    },
    /// `{{ break }}` (inside a `range`).
    Break,
    /// `{{ continue }}` (inside a `range`).
    Continue,
}

/// One conditional branch: `with` arms run their body with dot set to the value.
#[derive(Debug, Clone)]
pub struct Arm {
    /// `with` rather than `if`.
    pub with: bool,
    /// The condition.
    pub pipe: Pipe,
    /// Run when the condition holds.
    pub body: Vec<Node>,
}

/// The conditional branches of `if` or `with` (Go's `else if`/`else with` sugar may mix them).
#[derive(Debug, Clone)]
pub struct Branches {
    /// First arm whose condition holds wins.
    pub arms: Vec<Arm>,
    /// The `else` body.
    pub otherwise: Option<Vec<Node>>,
}

/// A pipeline: `$x := cmd | cmd arg`.
#[derive(Debug, Clone)]
pub struct Pipe {
    /// Source line.
    pub line: u32,
    /// Variables declared or assigned (`$i, $v := …` in `range`).
    pub vars: Vec<String>,
    /// `=` (assign to an existing variable) rather than `:=`.
    pub assign: bool,
    /// The commands; each one's result is the last argument of the next.
    pub cmds: Vec<Vec<Term>>,
}

/// An operand.
#[derive(Debug, Clone)]
pub enum Term {
    /// `.`
    Dot,
    /// `nil`
    Nil,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Num(Number),
    /// A string.
    Str(String),
    /// `.A.B`
    Field(Vec<String>),
    /// `$x.A.B`
    Var(String, Vec<String>),
    /// A function name.
    Func(String),
    /// `(pipeline).A.B`
    Sub(Box<Pipe>, Vec<String>),
}

/// Parses a whole template.
pub fn parse(src: &str) -> Result<Vec<Node>, Error> {
    let items = lex(src)?;
    let mut parser = Parser {
        items,
        next: 0,
        ranges: 0,
    };
    let (nodes, stop) = parser.list()?;
    match stop {
        None => Ok(nodes),
        Some(stop) => Err(Error::new(stop.line, format!("unexpected {{{{{}}}}}", stop.word))),
    }
}

/// The keyword action that ended a list (`else`, `end`).
struct Stop {
    line: u32,
    word: String,
    /// Tokens after the keyword (`else if x` → `if x`).
    rest: Vec<Tok>,
}

struct Parser {
    items: Vec<Item>,
    next: usize,
    /// How many `range` bodies the parser is inside.
    ranges: usize,
}

impl Parser {
    /// Parses nodes until `{{ end }}`, `{{ else … }}` or the end of the template.
    fn list(&mut self) -> Result<(Vec<Node>, Option<Stop>), Error> {
        let mut nodes = Vec::new();
        while self.next < self.items.len() {
            let item = self.items[self.next].clone();
            self.next += 1;
            let (line, toks) = match item {
                Item::Text(text) => {
                    nodes.push(Node::Text(text));
                    continue;
                }
                Item::Action { line, toks } => (line, toks),
            };
            let keyword = match toks.first() {
                Some(Tok::Ident(word)) => word.as_str(),
                _ => "",
            };
            match keyword {
                "end" | "else" => {
                    return Ok((
                        nodes,
                        Some(Stop {
                            line,
                            word: keyword.to_string(),
                            rest: toks[1..].to_vec(),
                        }),
                    ));
                }
                "if" | "with" => nodes.push(Node::Cond(self.branches(keyword, line, &toks[1..])?)),
                "range" => nodes.push(self.range(line, &toks[1..])?),
                "break" | "continue" if self.ranges == 0 => {
                    return Err(Error::new(
                        line,
                        format!("{{{{ {keyword} }}}} outside {{{{ range }}}}"),
                    ));
                }
                "break" => nodes.push(Node::Break),
                "continue" => nodes.push(Node::Continue),
                "define" | "template" | "block" => {
                    return Err(Error::new(
                        line,
                        format!("`{keyword}` is not supported in shortcodes"),
                    ));
                }
                _ => nodes.push(Node::Action(pipeline(line, &toks)?)),
            }
        }
        Ok((nodes, None))
    }

    /// `if`/`with` from the tokens after the keyword, through `else if`/`else with` to `end`.
    fn branches(&mut self, keyword: &str, line: u32, toks: &[Tok]) -> Result<Branches, Error> {
        let mut arms = Vec::new();
        let mut cond = pipeline(line, toks)?;
        let mut with = keyword == "with";
        loop {
            let (body, stop) = self.list()?;
            arms.push(Arm {
                with,
                pipe: cond,
                body,
            });
            let stop =
                stop.ok_or_else(|| Error::new(line, format!("unclosed `{keyword}`: no {{{{ end }}}}")))?;
            if stop.word == "end" {
                return Ok(Branches {
                    arms,
                    otherwise: None,
                });
            }
            match stop.rest.first() {
                Some(Tok::Ident(word)) if word == "if" || word == "with" => {
                    with = word == "with";
                    cond = pipeline(stop.line, &stop.rest[1..])?;
                }
                Some(_) => return Err(Error::new(stop.line, "unexpected tokens after else")),
                None => {
                    let (body, stop) = self.list()?;
                    match stop {
                        Some(stop) if stop.word == "end" => {
                            return Ok(Branches {
                                arms,
                                otherwise: Some(body),
                            });
                        }
                        Some(stop) => return Err(Error::new(stop.line, "a second `else`")),
                        None => {
                            return Err(Error::new(
                                line,
                                format!("unclosed `{keyword}`: no {{{{ end }}}}"),
                            ));
                        }
                    }
                }
            }
        }
    }

    fn range(&mut self, line: u32, toks: &[Tok]) -> Result<Node, Error> {
        let pipe = pipeline(line, toks)?;
        self.ranges += 1;
        let body = self.list();
        self.ranges -= 1;
        let (body, stop) = body?;
        let stop = stop.ok_or_else(|| Error::new(line, "unclosed `range`: no {{ end }}"))?;
        let otherwise = if stop.word == "else" {
            if !stop.rest.is_empty() {
                return Err(Error::new(stop.line, "unexpected tokens after else in range"));
            }
            let (other, end) = self.list()?;
            match end {
                Some(end) if end.word == "end" => Some(other),
                _ => return Err(Error::new(line, "unclosed `range`: no {{ end }}")),
            }
        } else {
            None
        };
        Ok(Node::Range {
            pipe,
            body,
            otherwise,
        })
    }
}

/// Parses a pipeline from the tokens of one action.
fn pipeline(line: u32, toks: &[Tok]) -> Result<Pipe, Error> {
    let err = |message: &str| Error::new(line, message.to_string());
    let mut vars = Vec::new();
    let mut assign = false;
    let mut rest = toks;
    // `$x :=`, `$x =`, `$i, $v :=`.
    let mut probe = 0;
    let mut names = Vec::new();
    while let Some(Tok::Var(name, chain)) = toks.get(probe) {
        if !chain.is_empty() {
            break;
        }
        names.push(name.clone());
        probe += 1;
        match toks.get(probe) {
            Some(Tok::Comma) => probe += 1,
            Some(Tok::Declare) | Some(Tok::Assign) => {
                assign = toks[probe] == Tok::Assign;
                vars = names;
                rest = &toks[probe + 1..];
                break;
            }
            _ => break,
        }
    }
    let mut cmds = Vec::new();
    let mut terms = Vec::new();
    let mut index = 0;
    while index < rest.len() {
        let tok = &rest[index];
        index += 1;
        let term = match tok {
            Tok::Pipe => {
                if terms.is_empty() {
                    return Err(err("missing command before |"));
                }
                cmds.push(std::mem::take(&mut terms));
                continue;
            }
            Tok::Dot => Term::Dot,
            Tok::Field(chain) => Term::Field(chain.clone()),
            Tok::Var(name, chain) => Term::Var(name.clone(), chain.clone()),
            Tok::Str(s) => Term::Str(s.clone()),
            Tok::Num(n) => Term::Num(*n),
            Tok::Ident(word) => match word.as_str() {
                "true" => Term::Bool(true),
                "false" => Term::Bool(false),
                "nil" => Term::Nil,
                _ => Term::Func(word.clone()),
            },
            Tok::LParen => {
                // Find the matching `)`.
                let mut depth = 1;
                let start = index;
                while index < rest.len() {
                    match &rest[index] {
                        Tok::LParen => depth += 1,
                        Tok::RParen(_) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    index += 1;
                }
                let Some(Tok::RParen(chain)) = rest.get(index) else {
                    return Err(err("unclosed left paren"));
                };
                let inner = pipeline(line, &rest[start..index])?;
                index += 1;
                Term::Sub(Box::new(inner), chain.clone())
            }
            Tok::RParen(_) => return Err(err("unexpected right paren")),
            Tok::Declare | Tok::Assign | Tok::Comma => return Err(err("unexpected := , or = in command")),
        };
        terms.push(term);
    }
    if !terms.is_empty() {
        cmds.push(terms);
    } else if !cmds.is_empty() {
        return Err(err("missing command after |"));
    }
    if cmds.is_empty() {
        return Err(err("missing value for command"));
    }
    Ok(Pipe {
        line,
        vars,
        assign,
        cmds,
    })
}
