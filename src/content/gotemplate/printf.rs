//! Go's `fmt.Sprintf` for the verbs templates use: `%s %v %d %q %t %f %e %g %x %X %c %%`, with flags
//! (`-`, `0`, `+`, space), width and precision. Wrong or missing operands print as Go prints them
//! (`%!d(string=x)`, `%!s(MISSING)`).

use super::value::{Value, format_float};

/// Formats `args` by `format`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::with_capacity(format.len());
    let mut chars = format.chars().peekable();
    let mut next_arg = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&flag) = chars.peek() {
            match flag {
                '-' => spec.left = true,
                '0' => spec.zero = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '#' => spec.sharp = true,
                _ => break,
            }
            chars.next();
        }
        spec.width = digits(&mut chars);
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.precision = Some(digits(&mut chars).unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next_arg) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next_arg += 1;
        let body = match format_one(verb, &spec, arg) {
            Some(body) => body,
            None => format!("%!{verb}({}={})", arg.kind(), arg.display()),
        };
        out.push_str(&pad(&spec, body));
    }
    if next_arg < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[next_arg..]
            .iter()
            .map(|a| format!("{}={}", a.kind(), a.display()))
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

#[derive(Default)]
struct Spec {
    left: bool,
    zero: bool,
    plus: bool,
    space: bool,
    sharp: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

fn digits(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<usize> {
    let mut n: Option<usize> = None;
    while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
        n = Some(
            n.unwrap_or(0)
                .saturating_mul(10)
                .saturating_add(d as usize)
                .min(1 << 16),
        );
        chars.next();
    }
    n
}

fn format_one(verb: char, spec: &Spec, arg: &Value) -> Option<String> {
    let signed = |text: String, negative: bool| {
        if negative {
            text
        } else if spec.plus {
            format!("+{text}")
        } else if spec.space {
            format!(" {text}")
        } else {
            text
        }
    };
    match verb {
        's' | 'v' => {
            let text = match arg {
                Value::Nil if verb == 'v' => "<nil>".to_string(),
                Value::Nil => "%!s(<nil>)".to_string(),
                Value::Str(_) | Value::Html(_) | Value::List(_) | Value::Map(_) => arg.display(),
                _ if verb == 's' && !matches!(arg, Value::Bool(_)) => {
                    return Some(format!("%!s({}={})", arg.kind(), arg.display()));
                }
                _ => arg.display(),
            };
            Some(match spec.precision {
                Some(p) if verb == 's' => text.chars().take(p).collect(),
                _ => text,
            })
        }
        'q' => match arg {
            Value::Str(s) | Value::Html(s) => Some(go_quote(s)),
            Value::Int(i) => char::from_u32(u32::try_from(*i).ok()?).map(|c| format!("{c:?}")),
            _ => None,
        },
        't' => match arg {
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        },
        'd' => match arg {
            Value::Int(i) => Some(signed(i.to_string(), *i < 0)),
            _ => None,
        },
        'c' => match arg {
            Value::Int(i) => char::from_u32(u32::try_from(*i).ok()?).map(String::from),
            _ => None,
        },
        'x' | 'X' => {
            let text = match arg {
                Value::Int(i) if *i < 0 => format!("-{:x}", i.unsigned_abs()),
                Value::Int(i) => format!("{i:x}"),
                Value::Str(s) | Value::Html(s) => s.bytes().map(|b| format!("{b:02x}")).collect(),
                _ => return None,
            };
            let text = if spec.sharp { format!("0x{text}") } else { text };
            Some(if verb == 'X' { text.to_uppercase() } else { text })
        }
        'f' | 'F' | 'e' | 'g' => {
            let f = arg.as_f64()?;
            let text = match verb {
                'e' => {
                    let text = format!("{:.*e}", spec.precision.unwrap_or(6), f);
                    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
                    let exponent: i32 = exponent.parse().unwrap_or(0);
                    let sign = if exponent < 0 { '-' } else { '+' };
                    format!("{mantissa}e{sign}{:02}", exponent.abs())
                }
                'g' => format_float(f),
                _ => format!("{:.*}", spec.precision.unwrap_or(6), f),
            };
            Some(signed(text, f < 0.0))
        }
        _ => None,
    }
}

fn pad(spec: &Spec, body: String) -> String {
    let Some(width) = spec.width else { return body };
    let len = body.chars().count();
    if len >= width {
        return body;
    }
    let fill = width - len;
    if spec.left {
        format!("{body}{}", " ".repeat(fill))
    } else if spec.zero {
        match body.strip_prefix(['-', '+']) {
            Some(rest) => format!("{}{}{rest}", &body[..1], "0".repeat(fill)),
            None => format!("{}{body}", "0".repeat(fill)),
        }
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

/// Go's `strconv.Quote`.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
