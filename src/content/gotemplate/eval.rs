//! The evaluator: walks the tree with a dot value and variable scopes, prints values (escaped for
//! HTML templates unless they are safe HTML), and calls functions (`funcs`) and host methods.

use super::lex::Number;
use super::parse::{Branches, Node, Pipe, Term};
use super::value::Value;
use super::{Error, Host, funcs};
use crate::content::html;

/// Output larger than this stops the template (a runaway `range`).
const MAX_OUTPUT: usize = 8 << 20;

/// What a list of nodes asks its enclosing `range` to do.
enum Flow {
    Normal,
    Break,
    Continue,
}

pub(super) struct Exec<'h> {
    host: &'h dyn Host,
    /// html/template: strings are escaped when printed.
    html: bool,
    /// Variables in scope, innermost last; `$` is the first.
    vars: Vec<(String, Value)>,
    pub(super) out: String,
}

impl<'h> Exec<'h> {
    pub(super) fn new(host: &'h dyn Host, html: bool, root: &Value) -> Self {
        Exec {
            host,
            html,
            vars: vec![(String::new(), root.clone())],
            out: String::new(),
        }
    }

    pub(super) fn run(&mut self, nodes: &[Node], dot: &Value) -> Result<(), Error> {
        match self.nodes(nodes, dot)? {
            Flow::Normal => Ok(()),
            _ => Err(Error::new(0, "break or continue outside range")),
        }
    }

    fn nodes(&mut self, nodes: &[Node], dot: &Value) -> Result<Flow, Error> {
        for node in nodes {
            match node {
                Node::Text(text) => self.out.push_str(text),
                Node::Action(pipe) => {
                    let value = self.pipe(pipe, dot)?;
                    if pipe.vars.is_empty() {
                        self.print(&value);
                    }
                }
                Node::Cond(branches) => {
                    let mark = self.vars.len();
                    let flow = self.cond(branches, dot);
                    self.vars.truncate(mark);
                    match flow? {
                        Flow::Normal => {}
                        other => return Ok(other),
                    }
                }
                Node::Range {
                    pipe,
                    body,
                    otherwise,
                } => {
                    let mark = self.vars.len();
                    let result = self.range(pipe, body, otherwise.as_deref(), dot);
                    self.vars.truncate(mark);
                    result?;
                }
                Node::Break => return Ok(Flow::Break),
                Node::Continue => return Ok(Flow::Continue),
            }
            if self.out.len() > MAX_OUTPUT {
                return Err(Error::new(0, "template output too large"));
            }
        }
        Ok(Flow::Normal)
    }

    fn cond(&mut self, branches: &Branches, dot: &Value) -> Result<Flow, Error> {
        for arm in &branches.arms {
            let value = self.pipe(&arm.pipe, dot)?;
            if value.truthy() {
                let inner_dot = if arm.with { value } else { dot.clone() };
                return self.nodes(&arm.body, &inner_dot);
            }
        }
        match &branches.otherwise {
            Some(body) => self.nodes(body, dot),
            None => Ok(Flow::Normal),
        }
    }

    fn range(
        &mut self,
        pipe: &Pipe,
        body: &[Node],
        otherwise: Option<&[Node]>,
        dot: &Value,
    ) -> Result<(), Error> {
        let value = self.pipe_value(pipe, dot)?;
        let items: Vec<(Value, Value)> = match value {
            Value::Nil => Vec::new(),
            Value::List(list) => list
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::Int(i as i64), v))
                .collect(),
            Value::Map(map) => map.into_iter().map(|(k, v)| (Value::Str(k), v)).collect(),
            Value::Int(n) => (0..n.max(0)).map(|i| (Value::Int(i), Value::Int(i))).collect(),
            other => {
                return Err(Error::new(
                    pipe.line,
                    format!("range can't iterate over {}", other.display()),
                ));
            }
        };
        if items.is_empty() {
            if let Some(otherwise) = otherwise {
                self.nodes(otherwise, dot)?;
            }
            return Ok(());
        }
        let mark = self.vars.len();
        for (key, item) in items {
            self.vars.truncate(mark);
            match pipe.vars.as_slice() {
                [] => {}
                [v] => self.vars.push((v.clone(), item.clone())),
                [k, v, ..] => {
                    self.vars.push((k.clone(), key));
                    self.vars.push((v.clone(), item.clone()));
                }
            }
            if let Flow::Break = self.nodes(body, &item)? {
                break;
            }
        }
        Ok(())
    }

    /// A pipeline's value, declaring or assigning its variables.
    fn pipe(&mut self, pipe: &Pipe, dot: &Value) -> Result<Value, Error> {
        let value = self.pipe_value(pipe, dot)?;
        for name in &pipe.vars {
            if pipe.assign {
                match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = value.clone(),
                    None => return Err(Error::new(pipe.line, format!("undefined variable: ${name}"))),
                }
            } else {
                self.vars.push((name.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    /// The value of a pipeline's commands (without touching its variables).
    fn pipe_value(&mut self, pipe: &Pipe, dot: &Value) -> Result<Value, Error> {
        let mut value: Option<Value> = None;
        for cmd in &pipe.cmds {
            value = Some(self.command(cmd, value, dot, pipe.line)?);
        }
        Ok(value.unwrap_or_default())
    }

    fn command(
        &mut self,
        terms: &[Term],
        piped: Option<Value>,
        dot: &Value,
        line: u32,
    ) -> Result<Value, Error> {
        let err = |message: String| Error::new(line, message);
        let (first, rest) = terms.split_first().ok_or_else(|| err("empty command".into()))?;
        match first {
            Term::Func(name) if name == "and" || name == "or" => {
                // Short-circuit: the first falsy (and) or truthy (or) argument, else the last.
                let want = name == "or";
                let mut last = Value::Nil;
                let count = rest.len() + usize::from(piped.is_some());
                if count == 0 {
                    return Err(err(format!(
                        "wrong number of args for {name}: want at least 1 got 0"
                    )));
                }
                for term in rest {
                    last = self.term(term, dot, line)?;
                    if last.truthy() == want {
                        return Ok(last);
                    }
                }
                Ok(piped.unwrap_or(last))
            }
            Term::Func(name) => {
                let mut args = Vec::with_capacity(rest.len() + 1);
                for term in rest {
                    args.push(self.term(term, dot, line)?);
                }
                args.extend(piped);
                funcs::call(name, args, self.host).map_err(err)
            }
            Term::Field(chain) | Term::Var(_, chain) | Term::Sub(_, chain)
                if !rest.is_empty() || piped.is_some() =>
            {
                // A method call: `.Get 0`, `$.Page.Param "x"`, `"x" | .Get`.
                let (method, receiver_chain) = chain
                    .split_last()
                    .ok_or_else(|| err(format!("can't give argument to non-function {}", describe(first))))?;
                let base = match first {
                    Term::Field(_) => dot.clone(),
                    Term::Var(name, _) => self.var(name, line)?,
                    Term::Sub(pipe, _) => self.pipe_value(pipe, dot)?,
                    _ => Value::Nil,
                };
                let receiver = fields(base, receiver_chain).map_err(&err)?;
                let mut args = Vec::with_capacity(rest.len() + 1);
                for term in rest {
                    args.push(self.term(term, dot, line)?);
                }
                args.extend(piped);
                match &receiver {
                    Value::Object(object) => match object.call(method, &args) {
                        Some(result) => result.map_err(err),
                        None => Err(err(format!("can't call method {method}"))),
                    },
                    other => Err(err(format!("can't call method {method} on {}", other.kind()))),
                }
            }
            _ if !rest.is_empty() || piped.is_some() => Err(err(format!(
                "can't give argument to non-function {}",
                describe(first)
            ))),
            _ => self.term(first, dot, line),
        }
    }

    fn term(&mut self, term: &Term, dot: &Value, line: u32) -> Result<Value, Error> {
        let err = |message: String| Error::new(line, message);
        Ok(match term {
            Term::Dot => dot.clone(),
            Term::Nil => Value::Nil,
            Term::Bool(b) => Value::Bool(*b),
            Term::Num(Number::Int(i)) => Value::Int(*i),
            Term::Num(Number::Float(f)) => Value::Float(*f),
            Term::Str(s) => Value::Str(s.clone()),
            Term::Field(chain) => fields(dot.clone(), chain).map_err(err)?,
            Term::Var(name, chain) => fields(self.var(name, line)?, chain).map_err(err)?,
            Term::Sub(pipe, chain) => {
                let value = self.pipe_value(pipe, dot)?;
                fields(value, chain).map_err(err)?
            }
            Term::Func(name) => funcs::call(name, Vec::new(), self.host).map_err(err)?,
        })
    }

    fn var(&self, name: &str, line: u32) -> Result<Value, Error> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| Error::new(line, format!("undefined variable: ${name}")))
    }

    fn print(&mut self, value: &Value) {
        match value {
            Value::Html(text) => self.out.push_str(text),
            Value::Nil if self.html => {}
            Value::Nil => self.out.push_str("<no value>"),
            other if self.html => self.out.push_str(&html::escape(&other.display())),
            other => self.out.push_str(&other.display()),
        }
    }
}

fn fields(mut value: Value, chain: &[String]) -> Result<Value, String> {
    for name in chain {
        value = value.field(name)?;
    }
    Ok(value)
}

fn describe(term: &Term) -> String {
    match term {
        Term::Field(chain) => format!(".{}", chain.join(".")),
        Term::Var(name, chain) if chain.is_empty() => format!("${name}"),
        Term::Var(name, chain) => format!("${name}.{}", chain.join(".")),
        Term::Str(s) => format!("{s:?}"),
        Term::Num(Number::Int(i)) => i.to_string(),
        Term::Num(Number::Float(f)) => f.to_string(),
        Term::Bool(b) => b.to_string(),
        Term::Nil => "nil".into(),
        Term::Dot => ".".into(),
        Term::Func(name) => name.clone(),
        Term::Sub(..) => "(…)".into(),
    }
}
