//! Liquid expressions for the evaluator: values ([`Val`]), `expr | filter: args` outputs (the filters
//! are in `filters`), ranges `(1..n)`, loop variables (`forloop.index`, `item`), and `if`/`unless`
//! conditions (`and`/`or` right to left, comparisons, `contains`). An undefined variable is an issue
//! and evaluates to nil.

use std::collections::BTreeMap;

use super::eval::Eval;
use crate::content::vars;

/// A Liquid value (everything from the session is a string; lists come from `split` and ranges).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Val {
    Nil,
    Bool(bool),
    Str(String),
    Num(f64),
    List(Vec<Val>),
    Map(BTreeMap<String, Val>),
}

impl Val {
    pub(super) fn truthy(&self) -> bool {
        !matches!(self, Val::Nil | Val::Bool(false))
    }
    pub(super) fn to_text(&self) -> String {
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
            // LiquidJS prints an array as its items joined with nothing.
            Val::List(items) => items.iter().map(Val::to_text).collect(),
            Val::Map(_) => "[object Object]".to_string(),
        }
    }
    pub(super) fn as_num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
    /// Items to iterate: a list, or one item for a non-empty scalar.
    pub(super) fn items(self) -> Vec<Val> {
        match self {
            Val::List(items) => items,
            Val::Nil => Vec::new(),
            Val::Str(s) if s.is_empty() => Vec::new(),
            Val::Map(map) => map
                .into_iter()
                .map(|(k, v)| Val::List(vec![Val::Str(k), v]))
                .collect(),
            other => vec![other],
        }
    }
}

impl Eval<'_, '_> {
    /// `expr | filter: a, b | …` → text; None when it is not a Liquid expression.
    pub(super) fn output(&mut self, text: &str) -> Option<String> {
        self.value(text).map(|v| v.to_text())
    }

    /// `expr | filter: a, b | …` → its value.
    pub(super) fn value(&mut self, text: &str) -> Option<Val> {
        let mut parts = split_outside_quotes(text, '|').into_iter();
        let mut value = self.expr(parts.next()?.trim())?;
        for filter in parts {
            let filter = filter.trim();
            let (name, args) = filter.split_once(':').unwrap_or((filter, ""));
            let args: Vec<Val> = split_outside_quotes(args, ',')
                .into_iter()
                .filter(|a| !a.trim().is_empty())
                .map(|a| self.expr(a.trim()).unwrap_or(Val::Nil))
                .collect();
            value = match super::filters::apply(name.trim(), value, &args) {
                Ok(value) => value,
                Err((value, message)) => {
                    self.issue(message);
                    value
                }
            };
        }
        Some(value)
    }

    /// A name set by `assign`, `capture` or a loop, with `.field`, `.size`, `.first`, `.last`.
    fn local(&self, text: &str) -> Option<Val> {
        let mut path = text.split('.');
        let mut value = self.locals.get(path.next()?)?.clone();
        for segment in path {
            value = match (value, segment) {
                (Val::List(items), "size") => Val::Num(items.len() as f64),
                (Val::List(items), "first") => items.first().cloned().unwrap_or(Val::Nil),
                (Val::List(items), "last") => items.last().cloned().unwrap_or(Val::Nil),
                (Val::Str(s), "size") => Val::Num(s.chars().count() as f64),
                (Val::Map(map), key) => map.get(key).cloned().unwrap_or(Val::Nil),
                _ => Val::Nil,
            };
        }
        Some(value)
    }

    pub(super) fn expr(&mut self, text: &str) -> Option<Val> {
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
        if let Some(range) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')'))
            && let Some((from, to)) = range.split_once("..")
        {
            let from = self.expr(from)?.as_num()?.trunc() as i64;
            let to = self.expr(to)?.as_num()?.trunc() as i64;
            // A range longer than this is a mistake, not a workshop page.
            let to = to.min(from.saturating_add(10_000));
            return Some(Val::List((from..=to).map(|n| Val::Num(n as f64)).collect()));
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
        if let Some(value) = self.local(text) {
            return Some(value);
        }
        match vars::lookup(&self.vars, text) {
            Some(value) => Some(Val::Str(value)),
            None => {
                self.issue(format!("undefined variable `{text}`"));
                Some(Val::Nil)
            }
        }
    }

    pub(super) fn condition(&mut self, text: &str) -> bool {
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
        (Val::List(items), Val::Str(s)) | (Val::Str(s), Val::List(items)) if s.is_empty() => items.is_empty(),
        (Val::List(a), Val::List(b)) => a == b,
        _ => match (l.as_num(), r.as_num()) {
            (Some(a), Some(b)) => a == b,
            _ => l.to_text() == r.to_text(),
        },
    };
    match op {
        "==" => equal,
        "!=" | "<>" => !equal,
        "contains" => match l {
            Val::List(items) => items.iter().any(|item| item.to_text() == r.to_text()),
            _ => l.to_text().contains(&r.to_text()),
        },
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
