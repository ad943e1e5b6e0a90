//! The functions templates may call: Go's built-ins (`eq`, `printf`, `index`, `len`, `not`, …) and
//! the Hugo functions shortcode authors use (`default`, `markdownify`, `safeHTML`, `upper`, `trim`,
//! `replace`, `in`, `dict`, …). `and`/`or` short-circuit, so the evaluator handles them itself.
//! An unknown name is an error naming it.

use std::collections::BTreeMap;

use super::Host;
use super::printf::sprintf;
use super::value::{Value, equal, order};
use crate::content::html;

fn arity(name: &str, args: &[Value], want: usize) -> Result<(), String> {
    if args.len() == want {
        Ok(())
    } else {
        Err(format!(
            "wrong number of args for {name}: want {want} got {}",
            args.len()
        ))
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::Nil => String::new(),
        other => other.display(),
    }
}

/// Calls function `name`.
pub fn call(name: &str, mut args: Vec<Value>, host: &dyn Host) -> Result<Value, String> {
    let n = args.len();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    Ok(match name {
        "not" => {
            arity(name, &args, 1)?;
            Value::Bool(!args[0].truthy())
        }
        "eq" => {
            if n < 2 {
                return Err(format!("wrong number of args for eq: want at least 2 got {n}"));
            }
            Value::Bool(args[1..].iter().any(|b| equal(&args[0], b)))
        }
        "ne" => {
            arity(name, &args, 2)?;
            Value::Bool(!equal(&args[0], &args[1]))
        }
        "lt" | "le" | "gt" | "ge" => {
            arity(name, &args, 2)?;
            let ordering = order(&args[0], &args[1])?;
            Value::Bool(match name {
                "lt" => ordering.is_lt(),
                "le" => ordering.is_le(),
                "gt" => ordering.is_gt(),
                _ => ordering.is_ge(),
            })
        }
        "default" => {
            // `default DEFAULT GIVEN`: GIVEN unless it is unset (nil, empty, zero, false).
            if n < 1 {
                return Err("wrong number of args for default: want 2 got 0".into());
            }
            match args.get(1) {
                Some(given) if given.truthy() => given.clone(),
                _ => arg(0),
            }
        }
        "cond" => {
            arity(name, &args, 3)?;
            if args[0].truthy() { arg(1) } else { arg(2) }
        }
        "printf" => {
            let format = text(&arg(0));
            Value::Str(sprintf(&format, args.get(1..).unwrap_or(&[])))
        }
        "print" => Value::Str(sprint(&args)),
        "println" => {
            let words: Vec<String> = args.iter().map(text).collect();
            Value::Str(words.join(" ") + "\n")
        }
        "len" => {
            arity(name, &args, 1)?;
            Value::Int(match &args[0] {
                Value::Str(s) | Value::Html(s) => s.len() as i64,
                Value::List(l) => l.len() as i64,
                Value::Map(m) => m.len() as i64,
                Value::Nil => 0,
                other => return Err(format!("len of type {}", other.kind())),
            })
        }
        "index" => {
            let mut value = arg(0);
            for key in args.iter().skip(1) {
                value = index(&value, key)?;
            }
            value
        }
        "isset" => {
            arity(name, &args, 2)?;
            Value::Bool(!matches!(index(&args[0], &args[1]), Ok(Value::Nil) | Err(_)))
        }
        "in" => {
            arity(name, &args, 2)?;
            Value::Bool(match &args[0] {
                Value::List(list) => list.iter().any(|v| equal(v, &args[1])),
                Value::Str(s) | Value::Html(s) => s.contains(&text(&args[1])),
                _ => false,
            })
        }
        "first" | "last" => {
            arity(name, &args, 2)?;
            let count = args[0].as_i64().unwrap_or(0).max(0) as usize;
            match &args[1] {
                Value::List(list) => {
                    let count = count.min(list.len());
                    let slice = if name == "first" {
                        &list[..count]
                    } else {
                        &list[list.len() - count..]
                    };
                    Value::List(slice.to_vec())
                }
                other => return Err(format!("{name} of type {}", other.kind())),
            }
        }
        "slice" => Value::List(args),
        "dict" => {
            if !n.is_multiple_of(2) {
                return Err("invalid dictionary call: odd number of arguments".into());
            }
            let mut map = BTreeMap::new();
            for pair in args.chunks(2) {
                map.insert(text(&pair[0]), pair[1].clone());
            }
            Value::Map(map)
        }
        "delimit" => {
            let separator = text(&arg(1));
            match &args.first() {
                Some(Value::List(list)) => {
                    Value::Str(list.iter().map(text).collect::<Vec<_>>().join(&separator))
                }
                Some(Value::Map(map)) => {
                    Value::Str(map.values().map(text).collect::<Vec<_>>().join(&separator))
                }
                _ => return Err("delimit needs a list".into()),
            }
        }
        "split" | "strings.Split" => {
            arity(name, &args, 2)?;
            Value::List(text(&args[0]).split(&text(&args[1])).map(Value::from).collect())
        }
        "safeHTML" | "safeHTMLAttr" | "safeCSS" | "safeJS" | "safeURL" | "safeJSStr" => {
            arity(name, &args, 1)?;
            Value::Html(text(&args[0]))
        }
        "markdownify" | "transform.Markdownify" | "page.RenderString" | ".RenderString" => {
            let source = text(args.last().unwrap_or(&Value::Nil));
            Value::Html(host.markdownify(&source))
        }
        "plainify" => Value::Str(strip_tags(&text(&arg(0)))),
        "htmlEscape" | "html" => Value::Str(html::escape(&text(&arg(0)))),
        "htmlUnescape" => Value::Str(unescape(&text(&arg(0)))),
        "upper" | "strings.ToUpper" => Value::Str(text(&arg(0)).to_uppercase()),
        "lower" | "strings.ToLower" => Value::Str(text(&arg(0)).to_lowercase()),
        "title" | "strings.Title" => Value::Str(title_case(&text(&arg(0)))),
        "trim" | "strings.Trim" => {
            arity(name, &args, 2)?;
            let cutset: Vec<char> = text(&args[1]).chars().collect();
            Value::Str(text(&args[0]).trim_matches(|c| cutset.contains(&c)).to_string())
        }
        "strings.TrimSpace" | "trimSpace" => Value::Str(text(&arg(0)).trim().to_string()),
        "strings.TrimPrefix" | "strings.TrimSuffix" => {
            arity(name, &args, 2)?;
            let (affix, s) = (text(&args[0]), text(&args[1]));
            Value::Str(if name.ends_with("Prefix") {
                s.strip_prefix(&affix).unwrap_or(&s).to_string()
            } else {
                s.strip_suffix(&affix).unwrap_or(&s).to_string()
            })
        }
        "chomp" | "strings.Chomp" => Value::Str(text(&arg(0)).trim_end_matches(['\r', '\n']).to_string()),
        "replace" | "strings.Replace" | "strings.ReplaceAll" => {
            if n < 3 {
                return Err(format!("wrong number of args for {name}: want 3 got {n}"));
            }
            Value::Str(text(&args[0]).replace(&text(&args[1]), &text(&args[2])))
        }
        "strings.Contains" | "strings.HasPrefix" | "strings.HasSuffix" => {
            arity(name, &args, 2)?;
            let (s, t) = (text(&args[0]), text(&args[1]));
            Value::Bool(match name {
                "strings.Contains" => s.contains(&t),
                "strings.HasPrefix" => s.starts_with(&t),
                _ => s.ends_with(&t),
            })
        }
        "strings.Repeat" => {
            arity(name, &args, 2)?;
            let count = args[0].as_i64().unwrap_or(0).clamp(0, 10_000) as usize;
            Value::Str(text(&args[1]).repeat(count))
        }
        "urlize" | "anchorize" => Value::Str(crate::content::markdown::slugify(&text(&arg(0)))),
        "urlquery" => Value::Str(url_encode(&sprint(&args))),
        "string" => Value::Str(text(&arg(0))),
        "int" => Value::Int(to_number(&arg(0))? as i64),
        "float" => Value::Float(to_number(&arg(0))?),
        "add" | "sub" | "mul" | "div" | "mod" | "math.Add" | "math.Sub" | "math.Mul" | "math.Div"
        | "math.Mod" => {
            arity(name, &args, 2)?;
            arithmetic(
                name.trim_start_matches("math.").to_lowercase().as_str(),
                &args[0],
                &args[1],
            )?
        }
        "emojify" => Value::Html(text(&arg(0))),
        "relURL" | "absURL" | "relLangURL" | "absLangURL" => {
            let path = text(&arg(0));
            Value::Str(host.url(&path))
        }
        _ => {
            args.clear();
            return Err(format!("function \"{name}\" is not supported"));
        }
    })
}

/// Go's `fmt.Sprint`: a space between operands when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (index, value) in args.iter().enumerate() {
        let is_string = |v: &Value| matches!(v, Value::Str(_) | Value::Html(_));
        if index > 0 && !is_string(value) && !is_string(&args[index - 1]) {
            out.push(' ');
        }
        out.push_str(&value.display());
    }
    out
}

fn index(value: &Value, key: &Value) -> Result<Value, String> {
    match (value, key) {
        (Value::List(list), key) => {
            let i = key
                .as_i64()
                .ok_or_else(|| format!("cannot index slice with {}", key.kind()))?;
            usize::try_from(i)
                .ok()
                .and_then(|i| list.get(i).cloned())
                .ok_or_else(|| format!("index out of range: {i}"))
        }
        (Value::Map(_), _) | (Value::Object(_), _) => value.field(&text(key)),
        (Value::Nil, _) => Ok(Value::Nil),
        (other, _) => Err(format!("can't index item of type {}", other.kind())),
    }
}

fn to_number(value: &Value) -> Result<f64, String> {
    match value {
        Value::Str(s) | Value::Html(s) => s
            .trim()
            .parse()
            .map_err(|_| format!("unable to cast {s:?} to a number")),
        Value::Bool(b) => Ok(f64::from(u8::from(*b))),
        Value::Nil => Ok(0.0),
        other => other
            .as_f64()
            .ok_or_else(|| format!("unable to cast {} to a number", other.kind())),
    }
}

fn arithmetic(op: &str, a: &Value, b: &Value) -> Result<Value, String> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return Ok(Value::Int(match op {
            "add" => x.wrapping_add(*y),
            "sub" => x.wrapping_sub(*y),
            "mul" => x.wrapping_mul(*y),
            "div" | "mod" if *y == 0 => return Err("can't divide the value by 0".into()),
            "div" => x / y,
            _ => x % y,
        }));
    }
    if op == "add"
        && let (Some(x), Some(y)) = (a.as_str(), b.as_str())
    {
        return Ok(Value::Str(format!("{x}{y}")));
    }
    let (x, y) = (to_number(a)?, to_number(b)?);
    Ok(Value::Float(match op {
        "add" => x + y,
        "sub" => x - y,
        "mul" => x * y,
        "div" => x / y,
        _ => return Err("modulo needs integers".into()),
    }))
}

fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c.is_whitespace() || c == '-';
    }
    out
}

/// Percent-encoding with `+` for spaces (Hugo's `urlquery`, Liquid's `url_encode`).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else if b == b' ' {
                "+".to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Removes tags (Hugo's `plainify`).
pub fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Decodes the character references HTML escaping produces (`&amp;`, `&#39;`, `&#x27;`, …).
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // Bytes, not a `str` slice: the 12th byte may fall inside a multi-byte character (`;` is ASCII,
        // so where it is found is a character boundary).
        let Some(end) = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|&b| b == b';')
        else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            "ldquo" => Some('“'),
            "rdquo" => Some('”'),
            "lsquo" => Some('‘'),
            "rsquo" => Some('’'),
            "ndash" => Some('–'),
            "mdash" => Some('—'),
            "hellip" => Some('…'),
            "laquo" => Some('«'),
            "raquo" => Some('»'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
