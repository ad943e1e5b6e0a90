//! Liquid expressions for the evaluator: values ([`Val`]), `expr | filter: args` outputs, the filters
//! classic workshops use, and `if`/`unless` conditions (`and`/`or` right to left, comparisons,
//! `contains`). An undefined variable is an issue and evaluates to nil.

use super::eval::Eval;
use crate::content::{html, vars};

/// A Liquid value (everything from the session is a string).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Val {
    Nil,
    Bool(bool),
    Str(String),
    Num(f64),
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

impl Eval<'_, '_> {
    /// `expr | filter: a, b | …` → text; None when it is not a Liquid expression.
    pub(super) fn output(&mut self, text: &str) -> Option<String> {
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
            "escape" => Val::Str(html::escape(&text)),
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
