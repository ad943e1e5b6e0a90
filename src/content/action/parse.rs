//! Reading an action block: the body (raw text for legacy types, YAML for namespaced ones, loaded the
//! way js-yaml loads it) into a typed [`Action`] with its title and display body.

use serde_json::{Map, Value};

use super::catalogue::field;
use super::{Action, ActionError, ActionSpec, BodyKind};

/// Parses the body of an action block. Errors are the broken-action cases (bad YAML, not a mapping);
/// the warnings are problems that leave the action usable but probably wrong (missing or unknown fields),
/// each with its line offset inside the body (0 = the fence line, as [`ActionError::body_line`]).
pub fn parse(
    spec: &'static ActionSpec,
    body: &str,
    line: u32,
) -> (Result<Action, ActionError>, Vec<(u32, String)>) {
    let mut warnings = Vec::new();
    let args = match spec.body {
        BodyKind::Text => {
            let mut map = Map::new();
            map.insert(
                "text".into(),
                Value::String(body.trim_end_matches('\n').to_string()),
            );
            Value::Object(map)
        }
        BodyKind::Yaml => match parse_yaml(body) {
            Ok(Value::Object(map)) => Value::Object(map),
            Ok(Value::Null) => Value::Object(Map::new()),
            Ok(other) => {
                return (
                    Err(ActionError {
                        body_line: 1,
                        column: 0,
                        message: format!(
                            "body of `{}` must be a YAML mapping of fields, found {}",
                            spec.name,
                            kind_of(&other)
                        ),
                    }),
                    warnings,
                );
            }
            Err(error) => return (Err(error), warnings),
        },
    };
    if spec.body == BodyKind::Yaml {
        for warning in super::suggest::unknown_fields(spec, &args) {
            warnings.push((super::suggest::key_line(body, &warning.key), warning.message));
        }
        for field in spec.required {
            if args.get(field).is_none_or(Value::is_null) {
                warnings.push((0, format!("`{}` needs a `{field}` field", spec.name)));
            }
        }
    }
    let flag = |name: &str| args.get(name).and_then(Value::as_bool).unwrap_or(false);
    let autostart = flag("autostart");
    let cascade = flag("cascade");
    let hidden = flag("hidden") || spec.name == "section:end";
    let title = title(spec, &args);
    let body = display_body(spec, &args);
    let action = Action {
        spec,
        line,
        args,
        title,
        body,
        autostart,
        hidden,
        cascade,
    };
    (Ok(action), warnings)
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a plain string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// YAML → JSON value the way js-yaml would load it: trimmed text, empty = `{}`, `.inf` → `"Infinity"`.
pub fn parse_yaml(body: &str) -> Result<Value, ActionError> {
    let text = body.trim();
    if text.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let mut options = serde_saphyr::Options::default();
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::PassThrough;
    // js-yaml (the original) follows the YAML 1.2 core schema: `yes`/`on` are strings.
    options.strict_booleans = true;
    match serde_saphyr::from_str_with_options::<Json>(text, options) {
        Ok(Json(value)) => Ok(value),
        Err(error) => {
            let location = error.location();
            let body_line = location
                .map(|loc| loc.line() as u32 + leading_blank_lines(body))
                .unwrap_or(1);
            let column = location.map_or(0, |loc| loc.column() as u32);
            let message = error.to_string();
            let first = strip_location(message.lines().next().unwrap_or("").trim());
            Err(ActionError {
                body_line,
                column,
                message: format!("invalid YAML: {first}"),
            })
        }
    }
}

/// Drops a leading `error: line N column M:` (the body-relative location is reported separately).
fn strip_location(message: &str) -> String {
    let rest = message.strip_prefix("error:").unwrap_or(message).trim_start();
    if let Some(after) = rest.strip_prefix("line ")
        && let Some((_, tail)) = after.split_once(": ")
    {
        return tail.to_string();
    }
    rest.to_string()
}

fn leading_blank_lines(body: &str) -> u32 {
    let trimmed = body.trim_start();
    body[..body.len() - trimmed.len()]
        .bytes()
        .filter(|b| *b == b'\n')
        .count() as u32
}

/// A JSON value deserialised from YAML, with non-finite floats kept as `"Infinity"`-style strings.
struct Json(Value);

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor).map(Json)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(match serde_json::Number::from_f64(v) {
            Some(n) => Value::Number(n),
            None if v.is_nan() => Value::String("NaN".into()),
            None if v > 0.0 => Value::String("Infinity".into()),
            None => Value::String("-Infinity".into()),
        })
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Json(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some((Json(key), Json(value))) = map.next_entry()? {
            let key = match key {
                Value::String(s) => s,
                Value::Null => String::new(),
                other => other.to_string(),
            };
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// `"<prefix>: <subject>"` with the author's `prefix`/`title` overrides.
pub fn title(spec: &ActionSpec, args: &Value) -> String {
    let is_yaml = spec.body == BodyKind::Yaml;
    let prefix = is_yaml
        .then(|| field(args, "prefix"))
        .flatten()
        .unwrap_or_else(|| spec.prefix.to_string());
    let subject = is_yaml
        .then(|| field(args, "title"))
        .flatten()
        .unwrap_or_else(|| (spec.subject)(args));
    format!("{prefix}: {subject}")
}

/// The text shown in the block, as the original displays it (`description` replaces it).
pub fn display_body(spec: &ActionSpec, args: &Value) -> String {
    if spec.body == BodyKind::Yaml
        && let Some(description) = field(args, "description")
    {
        return description;
    }
    (spec.display)(args)
}
