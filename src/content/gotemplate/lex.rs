//! The lexer: template text → text pieces and actions (`{{ … }}`) as token lists, with Go's rules:
//! `{{- ` and ` -}}` trim the whitespace beside them, `{{/* … */}}` is a comment, and a `}}` inside a
//! string literal does not end the action.

use super::Error;

/// A literal number as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer constant.
    Int(i64),
    /// A floating-point constant.
    Float(f64),
}

/// One token inside an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// `.` alone.
    Dot,
    /// `.A.B`: a chain of field names.
    Field(Vec<String>),
    /// `$x.A.B` (`$` alone is the empty name).
    Var(String, Vec<String>),
    /// A function name or keyword (`eq`, `strings.ToUpper`, `if`).
    Ident(String),
    /// A string literal, unquoted.
    Str(String),
    /// A number.
    Num(Number),
    /// `(`.
    LParen,
    /// `)`, with the field chain written right after it (`(…).A.B`).
    RParen(Vec<String>),
    /// `|`.
    Pipe,
    /// `:=`.
    Declare,
    /// `=`.
    Assign,
    /// `,`.
    Comma,
}

/// A piece of the template.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Text copied to the output.
    Text(String),
    /// An action starting at `line` (1-based).
    Action {
        /// Source line of `{{`.
        line: u32,
        /// Its tokens.
        toks: Vec<Tok>,
    },
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Splits `src` into text and actions.
pub fn lex(src: &str) -> Result<Vec<Item>, Error> {
    let bytes = src.as_bytes();
    let mut items: Vec<Item> = Vec::new();
    let mut pos = 0;
    let mut line = 1u32;
    let mut trim_next = false;
    loop {
        let open = src[pos..].find("{{").map(|i| pos + i);
        let text_end = open.unwrap_or(src.len());
        let mut text = &src[pos..text_end];
        if trim_next {
            text = text.trim_start_matches([' ', '\t', '\r', '\n']);
        }
        line += count_lines(&src[pos..text_end]);
        let Some(open) = open else {
            push_text(&mut items, text);
            return Ok(items);
        };
        let action_line = line;
        let mut at = open + 2;
        let trim_left = bytes.get(at) == Some(&b'-') && bytes.get(at + 1).is_some_and(|c| is_space(*c));
        if trim_left {
            text = text.trim_end_matches([' ', '\t', '\r', '\n']);
            at += 2;
        }
        push_text(&mut items, text);
        // A comment: `{{/*` (or `{{- /*`) … `*/}}` (or `*/ -}}`).
        let after_space = at + src[at..].len() - src[at..].trim_start().len();
        if src[after_space..].starts_with("/*") {
            let Some(end) = src[after_space..].find("*/").map(|i| after_space + i + 2) else {
                return Err(Error::new(action_line, "unclosed comment"));
            };
            let rest = &src[end..];
            let (close_len, trims) = if rest.starts_with("}}") {
                (2, false)
            } else if rest.trim_start().starts_with("-}}") && rest.starts_with(|c: char| c.is_whitespace()) {
                (rest.len() - rest.trim_start().len() + 3, true)
            } else {
                return Err(Error::new(action_line, "comment ends before closing delimiter"));
            };
            line += count_lines(&src[open..end + close_len]);
            pos = end + close_len;
            trim_next = trims;
            continue;
        }
        let (toks, end, trims) = lex_action(src, at, action_line)?;
        line += count_lines(&src[open..end]);
        items.push(Item::Action {
            line: action_line,
            toks,
        });
        pos = end;
        trim_next = trims;
    }
}

fn push_text(items: &mut Vec<Item>, text: &str) {
    if !text.is_empty() {
        items.push(Item::Text(text.to_string()));
    }
}

fn count_lines(text: &str) -> u32 {
    text.bytes().filter(|b| *b == b'\n').count() as u32
}

/// Lexes the tokens of one action from `at` (just inside `{{`); returns them, the offset after `}}`
/// and whether it ended with ` -}}`.
fn lex_action(src: &str, mut at: usize, line: u32) -> Result<(Vec<Tok>, usize, bool), Error> {
    let bytes = src.as_bytes();
    let err = |message: String| Error::new(line, message);
    let mut toks = Vec::new();
    loop {
        let Some(&c) = bytes.get(at) else {
            return Err(err("unclosed action".into()));
        };
        if is_space(c) {
            // ` -}}` closes with trimming.
            let rest = &src[at..];
            let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
            if trimmed.starts_with("-}}") {
                return Ok((toks, src.len() - trimmed.len() + 3, true));
            }
            at += 1;
            continue;
        }
        if src[at..].starts_with("}}") {
            return Ok((toks, at + 2, false));
        }
        match c {
            b'(' => {
                toks.push(Tok::LParen);
                at += 1;
            }
            b')' => {
                let (chain, next) = field_chain(src, at + 1);
                toks.push(Tok::RParen(chain));
                at = next;
            }
            b'|' => {
                toks.push(Tok::Pipe);
                at += 1;
            }
            b',' => {
                toks.push(Tok::Comma);
                at += 1;
            }
            b':' if bytes.get(at + 1) == Some(&b'=') => {
                toks.push(Tok::Declare);
                at += 2;
            }
            b'=' => {
                toks.push(Tok::Assign);
                at += 1;
            }
            b'"' => {
                let (text, next) = quoted(src, at).ok_or_else(|| err("unterminated quoted string".into()))?;
                toks.push(Tok::Str(text));
                at = next;
            }
            b'`' => {
                let end = src[at + 1..]
                    .find('`')
                    .map(|i| at + 1 + i)
                    .ok_or_else(|| err("unterminated raw quoted string".into()))?;
                toks.push(Tok::Str(src[at + 1..end].to_string()));
                at = end + 1;
            }
            b'\'' => {
                let (text, next) =
                    quoted(src, at).ok_or_else(|| err("unterminated character constant".into()))?;
                let code = text.chars().next().map_or(0, |c| c as i64);
                toks.push(Tok::Num(Number::Int(code)));
                at = next;
            }
            b'.' if bytes.get(at + 1).is_none_or(|c| !is_ident_char(*c)) => {
                toks.push(Tok::Dot);
                at += 1;
            }
            b'.' => {
                let (chain, next) = field_chain(src, at);
                toks.push(Tok::Field(chain));
                at = next;
            }
            b'$' => {
                let end = ident_end(src, at + 1);
                let name = src[at + 1..end].to_string();
                let (chain, next) = field_chain(src, end);
                toks.push(Tok::Var(name, chain));
                at = next;
            }
            b'0'..=b'9' | b'-' | b'+' => {
                let end = at
                    + 1
                    + src[at + 1..]
                        .find(|c: char| {
                            !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '+' || c == '-')
                        })
                        .unwrap_or(src.len() - at - 1);
                let word = &src[at..end];
                toks.push(Tok::Num(
                    number(word).ok_or_else(|| err(format!("bad number syntax: {word:?}")))?,
                ));
                at = end;
            }
            c if is_ident_char(c) => {
                let mut end = ident_end(src, at);
                // Namespaced functions: `strings.ToUpper`.
                while bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(|c| is_ident_char(*c)) {
                    end = ident_end(src, end + 1);
                }
                toks.push(Tok::Ident(src[at..end].to_string()));
                at = end;
            }
            _ => {
                let ch = src[at..].chars().next().unwrap_or('?');
                return Err(err(format!("unexpected {ch:?} in action")));
            }
        }
    }
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn ident_end(src: &str, from: usize) -> usize {
    from + src[from..]
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(src.len() - from)
}

/// `.A.B.C` starting at `from` (possibly empty): the names and the offset after them.
fn field_chain(src: &str, mut from: usize) -> (Vec<String>, usize) {
    let bytes = src.as_bytes();
    let mut chain = Vec::new();
    while bytes.get(from) == Some(&b'.') && bytes.get(from + 1).is_some_and(|c| is_ident_char(*c)) {
        let end = ident_end(src, from + 1);
        chain.push(src[from + 1..end].to_string());
        from = end;
    }
    (chain, from)
}

/// A Go interpreted string (or char) literal at `at`: its value and the offset after it.
fn quoted(src: &str, at: usize) -> Option<(String, usize)> {
    let quote = src[at..].chars().next()?;
    let mut out = String::new();
    let mut chars = src[at + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c == quote => return Some((out, at + 1 + i + 1)),
            '\n' => return None,
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '\'' => out.push('\''),
                    'x' | 'u' | 'U' => {
                        let len = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String = (0..len).filter_map(|_| chars.next().map(|(_, h)| h)).collect();
                        out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            c => out.push(c),
        }
    }
    None
}

fn number(word: &str) -> Option<Number> {
    let clean = word.replace('_', "");
    let (negative, digits) = match clean.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, clean.trim_start_matches('+').to_string()),
    };
    let sign = if negative { -1 } else { 1 };
    let radix = [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)]
        .iter()
        .find_map(|(prefix, radix)| digits.strip_prefix(prefix).map(|d| (d.to_string(), *radix)));
    if let Some((rest, radix)) = radix {
        return i64::from_str_radix(&rest, radix)
            .ok()
            .map(|n| Number::Int(sign * n));
    }
    if let Ok(n) = digits.parse::<i64>() {
        return Some(Number::Int(sign * n));
    }
    digits.parse::<f64>().ok().map(|f| Number::Float(sign as f64 * f))
}
