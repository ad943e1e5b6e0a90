//! Template values: what Go's `text/template` sees through `interface{}` — nil, bools, numbers,
//! strings, HTML that is already safe (`template.HTML`), lists, maps and host objects with fields
//! and methods (a shortcode's `.Get`). Printing follows Go's `fmt` `%v`; truth follows Go templates.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;

/// An object supplied by the host: fields (`.Name`) and methods with arguments (`.Get 0`).
pub trait Object {
    /// The value of field or argument-less method `name`, if it has one.
    fn field(&self, name: &str) -> Option<Value>;
    /// Calls method `name` with `args`; `None` when there is no such method.
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let _ = (name, args);
        None
    }
}

/// A template value.
#[derive(Clone, Default)]
pub enum Value {
    /// Go's untyped nil (also a missing map key).
    #[default]
    Nil,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string (escaped when printed into HTML).
    Str(String),
    /// HTML known to be safe (`safeHTML`, `markdownify`, `.Inner`): printed as is.
    Html(String),
    /// A slice.
    List(Vec<Value>),
    /// A map with string keys (iterated in key order, as Go does).
    Map(BTreeMap<String, Value>),
    /// A host object.
    Object(Rc<dyn Object>),
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Object(_) => f.write_str("<object>"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Html(s) => write!(f, "html{s:?}"),
            other => f.write_str(&other.display()),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

impl From<&serde_json::Value> for Value {
    fn from(json: &serde_json::Value) -> Self {
        match json {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Array(items) => Value::List(items.iter().map(Value::from).collect()),
            // Hugo lower-cases the keys of front matter and site params.
            serde_json::Value::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| (k.to_lowercase(), Value::from(v)))
                    .collect(),
            ),
        }
    }
}

impl Value {
    /// Go template truth: false, 0, nil, and empty strings, slices and maps are false.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) | Value::Html(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(_) => true,
        }
    }

    /// The string inside a `Str` or `Html`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Html(s) => Some(s),
            _ => None,
        }
    }

    /// The number, for arithmetic and ordering (numeric strings do not count, as in Go).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The integer (floats with no fraction count), for `index` and `printf %d`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Float(f) if f.fract() == 0.0 => Some(*f as i64),
            _ => None,
        }
    }

    /// Go's `fmt` `%v` of the value (`<nil>` for nil).
    pub fn display(&self) -> String {
        let mut out = String::new();
        self.write_display(&mut out);
        out
    }

    fn write_display(&self, out: &mut String) {
        match self {
            Value::Nil => out.push_str("<nil>"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) => out.push_str(&format_float(*f)),
            Value::Str(s) | Value::Html(s) => out.push_str(s),
            Value::List(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(' ');
                    }
                    item.write_display(out);
                }
                out.push(']');
            }
            Value::Map(map) => {
                out.push_str("map[");
                for (index, (key, item)) in map.iter().enumerate() {
                    if index > 0 {
                        out.push(' ');
                    }
                    out.push_str(key);
                    out.push(':');
                    item.write_display(out);
                }
                out.push(']');
            }
            Value::Object(_) => out.push_str("{…}"),
        }
    }

    /// The type name used in error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::Html(_) => "template.HTML",
            Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(_) => "object",
        }
    }

    /// Field `name` of a map (exact key, then case-insensitive as Hugo's params) or an object.
    pub fn field(&self, name: &str) -> Result<Value, String> {
        match self {
            Value::Map(map) => Ok(map
                .get(name)
                .or_else(|| map.get(&name.to_lowercase()))
                .or_else(|| {
                    map.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v)
                })
                .cloned()
                .unwrap_or(Value::Nil)),
            Value::Object(object) => object
                .field(name)
                .or_else(|| object.call(name, &[]).and_then(Result::ok))
                .ok_or_else(|| format!("can't evaluate field {name}")),
            // Hugo templates reading a field of a missing param get nothing rather than a failed build
            // in most cases authors hit (`.Site.Params.a.b` with `a` unset).
            Value::Nil => Ok(Value::Nil),
            other => Err(format!("can't evaluate field {name} in type {}", other.kind())),
        }
    }
}

/// Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)` with Go's exponent style).
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e21).contains(&abs) {
        let text = format!("{f:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.abs());
    }
    format!("{f}")
}

/// Go `eq` as Hugo extends it: numbers compare by value across int and float, strings and HTML
/// compare as strings, nil equals only nil; other kinds never equal each other.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        _ => match (a.as_f64(), b.as_f64(), a.as_str(), b.as_str()) {
            (Some(x), Some(y), _, _) => x == y,
            (_, _, Some(x), Some(y)) => x == y,
            _ => match (a, b) {
                (Value::List(x), Value::List(y)) => {
                    x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
                }
                _ => false,
            },
        },
    }
}

/// Hugo's `lt`-style ordering: numbers by value, strings lexically, a number and a numeric string as
/// numbers; other pairs cannot be ordered.
pub fn order(a: &Value, b: &Value) -> Result<std::cmp::Ordering, String> {
    let number = |v: &Value| {
        v.as_f64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    };
    let numbers = match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => Some((x, y)),
        (Some(x), None) => number(b).map(|y| (x, y)),
        (None, Some(y)) => number(a).map(|x| (x, y)),
        (None, None) => None,
    };
    match (numbers, a.as_str(), b.as_str()) {
        (Some((x, y)), _, _) => x.partial_cmp(&y).ok_or_else(|| "cannot compare NaN".to_string()),
        (None, Some(x), Some(y)) => Ok(x.cmp(y)),
        _ => Err(format!(
            "incompatible types for comparison: {} and {}",
            a.kind(),
            b.kind()
        )),
    }
}
