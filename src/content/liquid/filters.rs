//! The Liquid filters LiquidJS has that workshop pages use: strings (`upcase`, `replace`, `split`,
//! `truncate`, `strip_html`, …), lists (`join`, `first`, `last`, `size`, `reverse`, `sort`, `uniq`,
//! `compact`, `slice`), numbers (`plus`, `minus`, `times`, `divided_by`, `modulo`, `round`, …) and
//! `default`. An unknown filter is reported and leaves the value unchanged.

use super::expr::Val;
use crate::content::html;

/// Applies filter `name`; `Err` carries the unchanged value and the problem.
pub(super) fn apply(name: &str, value: Val, args: &[Val]) -> Result<Val, (Val, String)> {
    let arg = |i: usize| args.get(i).map(Val::to_text).unwrap_or_default();
    let num_arg = |i: usize| args.get(i).and_then(Val::as_num).unwrap_or(0.0);
    let text = value.to_text();
    let number = |value: &Val| value.as_num().unwrap_or(0.0);
    Ok(match name {
        "default" => {
            let empty = matches!(&value, Val::List(items) if items.is_empty());
            if !value.truthy() || text.is_empty() || empty {
                args.first().cloned().unwrap_or(Val::Str(String::new()))
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
        "strip_newlines" => Val::Str(text.replace(['\r', '\n'], "")),
        "newline_to_br" => Val::Str(text.replace('\n', "<br />\n")),
        "strip_html" => Val::Str(crate::content::gotemplate::strip_tags(&text)),
        "append" => Val::Str(text + &arg(0)),
        "prepend" => Val::Str(arg(0) + &text),
        "replace" => Val::Str(text.replace(&arg(0), &arg(1))),
        "replace_first" => Val::Str(text.replacen(&arg(0), &arg(1), 1)),
        "remove" => Val::Str(text.replace(&arg(0), "")),
        "remove_first" => Val::Str(text.replacen(&arg(0), "", 1)),
        "truncate" => {
            let length = args.first().and_then(Val::as_num).unwrap_or(50.0).max(0.0) as usize;
            let ellipsis = if args.len() > 1 { arg(1) } else { "...".to_string() };
            if text.chars().count() <= length {
                Val::Str(text)
            } else {
                let keep = length.saturating_sub(ellipsis.chars().count());
                Val::Str(text.chars().take(keep).collect::<String>() + &ellipsis)
            }
        }
        "truncatewords" => {
            let count = args.first().and_then(Val::as_num).unwrap_or(15.0).max(1.0) as usize;
            let words: Vec<&str> = text.split_whitespace().collect();
            if words.len() <= count {
                Val::Str(text)
            } else {
                let ellipsis = if args.len() > 1 { arg(1) } else { "...".to_string() };
                Val::Str(words[..count].join(" ") + &ellipsis)
            }
        }
        "escape" => Val::Str(html::escape(&text)),
        "escape_once" => Val::Str(html::escape(&crate::content::gotemplate::unescape(&text))),
        "url_encode" => Val::Str(crate::content::gotemplate::url_encode(&text)),
        "split" => {
            let separator = arg(0);
            if separator.is_empty() {
                Val::List(text.chars().map(|c| Val::Str(c.to_string())).collect())
            } else {
                // Trailing empty pieces are dropped, as in Ruby Liquid and LiquidJS.
                let mut pieces: Vec<&str> = text.split(separator.as_str()).collect();
                while pieces.last() == Some(&"") {
                    pieces.pop();
                }
                Val::List(pieces.into_iter().map(|s| Val::Str(s.to_string())).collect())
            }
        }
        "join" => {
            let separator = if args.is_empty() { " ".to_string() } else { arg(0) };
            Val::Str(
                value
                    .items()
                    .iter()
                    .map(Val::to_text)
                    .collect::<Vec<_>>()
                    .join(&separator),
            )
        }
        "first" => match value {
            Val::List(items) => items.into_iter().next().unwrap_or(Val::Nil),
            Val::Str(s) => s.chars().next().map_or(Val::Nil, |c| Val::Str(c.to_string())),
            _ => Val::Nil,
        },
        "last" => match value {
            Val::List(items) => items.into_iter().last().unwrap_or(Val::Nil),
            Val::Str(s) => s.chars().last().map_or(Val::Nil, |c| Val::Str(c.to_string())),
            _ => Val::Nil,
        },
        "size" => Val::Num(match &value {
            Val::List(items) => items.len(),
            Val::Map(map) => map.len(),
            _ => text.chars().count(),
        } as f64),
        "reverse" => Val::List(value.items().into_iter().rev().collect()),
        "sort" | "sort_natural" => {
            let mut items = value.items();
            let natural = name == "sort_natural";
            items.sort_by(|a, b| match (a.as_num(), b.as_num()) {
                (Some(x), Some(y)) if !natural => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
                _ if natural => a.to_text().to_lowercase().cmp(&b.to_text().to_lowercase()),
                _ => a.to_text().cmp(&b.to_text()),
            });
            Val::List(items)
        }
        "uniq" => {
            let mut seen = Vec::new();
            for item in value.items() {
                if !seen.contains(&item) {
                    seen.push(item);
                }
            }
            Val::List(seen)
        }
        "compact" => Val::List(value.items().into_iter().filter(|v| *v != Val::Nil).collect()),
        "concat" => Val::List(
            value
                .items()
                .into_iter()
                .chain(args.first().cloned().map(Val::items).unwrap_or_default())
                .collect(),
        ),
        "slice" => {
            let start = num_arg(0) as i64;
            let length = if args.len() > 1 {
                num_arg(1).max(0.0) as usize
            } else {
                1
            };
            let pick = |len: usize| {
                let from = if start < 0 {
                    len.saturating_sub(start.unsigned_abs() as usize)
                } else {
                    (start as usize).min(len)
                };
                (from, (from + length).min(len))
            };
            match value {
                Val::List(items) => {
                    let (from, to) = pick(items.len());
                    Val::List(items[from..to].to_vec())
                }
                other => {
                    let chars: Vec<char> = other.to_text().chars().collect();
                    let (from, to) = pick(chars.len());
                    Val::Str(chars[from..to].iter().collect())
                }
            }
        }
        "plus" => Val::Num(number(&value) + num_arg(0)),
        "minus" => Val::Num(number(&value) - num_arg(0)),
        "times" => Val::Num(number(&value) * num_arg(0)),
        "divided_by" => {
            let divisor = num_arg(0);
            if divisor == 0.0 {
                return Err((value, "divided_by: division by zero".into()));
            }
            Val::Num(number(&value) / divisor)
        }
        "modulo" => {
            let divisor = num_arg(0);
            if divisor == 0.0 {
                return Err((value, "modulo: division by zero".into()));
            }
            Val::Num(number(&value) % divisor)
        }
        "abs" => Val::Num(number(&value).abs()),
        "ceil" => Val::Num(number(&value).ceil()),
        "floor" => Val::Num(number(&value).floor()),
        "round" => {
            let places = num_arg(0).max(0.0) as i32;
            let factor = 10f64.powi(places);
            Val::Num((number(&value) * factor).round() / factor)
        }
        "at_least" => Val::Num(number(&value).max(num_arg(0))),
        "at_most" => Val::Num(number(&value).min(num_arg(0))),
        _ => return Err((value, format!("unknown Liquid filter `{name}`"))),
    })
}
