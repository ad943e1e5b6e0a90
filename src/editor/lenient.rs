//! The request fields read as leniently as the original's JavaScript read them: a whole number also as a
//! numeric string (`line: "3"`), a yes/no also as `"true"`, a name also as a number (`session: 1`).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// An integer field (line number, count, index); also accepted as a numeric string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Int(pub i32);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let number = match &value {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.trunc() as i64)),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        let number =
            number.ok_or_else(|| serde::de::Error::custom(format!("{value} is not a whole number")))?;
        Ok(Int(number.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32))
    }
}

/// A yes/no field; also accepted as `"true"`/`"false"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Bool(b) => Ok(Flag(b)),
            Value::Null => Ok(Flag(false)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Flag(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Flag(false)),
            other => Err(serde::de::Error::custom(format!("{other} is not true or false"))),
        }
    }
}

/// A name (terminal session); numbers are taken as their text, as the original's `String(session)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Name(pub String);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(s) => Ok(Name(s)),
            Value::Number(n) => Ok(Name(n.to_string())),
            Value::Bool(b) => Ok(Name(b.to_string())),
            other => Err(serde::de::Error::custom(format!("{other} is not a name"))),
        }
    }
}
