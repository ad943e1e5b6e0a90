//! Finding text in a file the way the original helper does: a literal or a regular expression, line by
//! line (or over a block of lines when the text spans lines), within `start`/`stop` (0-based lines,
//! negative counting from the end, `stop` excluded), optionally one capture `group`.
//!
//! Regular expressions are Rust's `regex` syntax, which matches JavaScript's for what workshops write
//! (classes, groups, quantifiers, anchors); look-around and back-references are refused with a clear error.

use regex::{Regex, RegexBuilder};

use super::EditorError;
use super::text::{Doc, Span};

/// Longest compiled pattern, bytes (keeps a hostile pattern from eating memory).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// What to look for.
#[derive(Debug)]
pub enum Pattern {
    /// Exact text.
    Literal(String),
    /// A regular expression.
    Regex(Regex),
}

impl Pattern {
    /// `text` as a literal, or compiled when `is_regex`.
    pub fn new(text: &str, is_regex: bool) -> Result<Self, EditorError> {
        if !is_regex {
            return Ok(Pattern::Literal(text.to_string()));
        }
        RegexBuilder::new(text)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map(Pattern::Regex)
            .map_err(|error| EditorError::BadRegex {
                pattern: text.to_string(),
                reason: error
                    .to_string()
                    .lines()
                    .rfind(|line| line.starts_with("error:"))
                    .unwrap_or("does not compile")
                    .trim_start_matches("error: ")
                    .to_string(),
            })
    }

    /// The first match in `haystack` at or after byte `from`: the whole match, or capture `group`.
    fn find(&self, haystack: &str, from: usize, group: usize) -> Result<Option<Span>, EditorError> {
        match self {
            Pattern::Literal(text) => Ok(haystack[from..]
                .find(text.as_str())
                .map(|at| from + at..from + at + text.len())),
            Pattern::Regex(regex) => {
                if group >= regex.captures_len() {
                    return Err(EditorError::BadRequest(format!(
                        "the pattern {:?} has no group {group}",
                        regex.as_str()
                    )));
                }
                let Some(captures) = regex.captures_at(haystack, from) else {
                    return Ok(None);
                };
                match captures.get(group) {
                    Some(found) => Ok(Some(found.range())),
                    None => Err(EditorError::NoMatch(format!(
                        "group {group} of {:?} matched nothing",
                        regex.as_str()
                    ))),
                }
            }
        }
    }

    /// Whether `line` matches (substring test, or a regex search).
    pub fn is_in(&self, line: &str) -> bool {
        match self {
            Pattern::Literal(text) => line.contains(text.as_str()),
            Pattern::Regex(regex) => regex.is_match(line),
        }
    }
}

/// Where to search, as the original clamps it: lines `start..stop` of a `lines`-line file.
pub fn search_lines(lines: usize, start: Option<i32>, stop: Option<i32>) -> (usize, usize) {
    let lines = lines as i64;
    let mut first = start.map_or(0, i64::from);
    if first < 0 {
        first += lines;
    }
    let first = first.clamp(0, (lines - 1).max(0));
    let mut last = stop.map_or(lines, i64::from);
    if last < 0 {
        last += lines;
    }
    let last = last.clamp(0, lines);
    (first as usize, last as usize)
}

/// Matches of `pattern` in lines `first..stop` of `doc`, at most `limit` (`None`: all). Text spanning
/// lines (`multi_line`) is searched in the block of those lines; otherwise one match per line at most.
pub fn find_matches(
    doc: &Doc,
    pattern: &Pattern,
    multi_line: bool,
    (first, stop): (usize, usize),
    group: usize,
    limit: Option<usize>,
) -> Result<Vec<Span>, EditorError> {
    let mut found = Vec::new();
    let full = |found: &Vec<Span>| limit.is_some_and(|limit| found.len() >= limit);
    if multi_line {
        let last = stop.saturating_sub(1).max(first);
        let block = doc.line_start(first)..doc.line_end(last).max(doc.line_start(first));
        let text = &doc.text()[block.clone()];
        let mut from = 0;
        while from <= text.len() {
            let Some(span) = pattern.find(text, from, group)? else {
                break;
            };
            found.push(block.start + span.start..block.start + span.end);
            if full(&found) {
                break;
            }
            // The original searches again from one character after the match's start.
            from = span.start + text[span.start..].chars().next().map_or(1, char::len_utf8);
        }
    } else {
        for line in first..stop {
            let start = doc.line_start(line);
            if let Some(span) = pattern.find(doc.line(line), 0, group)? {
                found.push(start + span.start..start + span.end);
                if full(&found) {
                    break;
                }
            }
        }
    }
    Ok(found)
}

/// The first line containing `text` (trimmed), for the insert-at-match operations.
pub fn first_line_containing(doc: &Doc, text: &str) -> Option<usize> {
    let text = text.trim();
    (0..doc.line_count()).find(|&line| doc.line(line).contains(text))
}

/// The first line matching `pattern` (trimmed first when literal), for `delete-matching-lines`.
pub fn first_line_matching(doc: &Doc, pattern: &Pattern) -> Option<usize> {
    match pattern {
        Pattern::Literal(text) => first_line_containing(doc, text),
        Pattern::Regex(_) => (0..doc.line_count()).find(|&line| pattern.is_in(doc.line(line))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ranges_clamp_like_the_original() {
        assert_eq!(search_lines(10, None, None), (0, 10));
        assert_eq!(search_lines(10, Some(-5), None), (5, 10));
        assert_eq!(search_lines(10, Some(3), Some(-2)), (3, 8));
        assert_eq!(search_lines(10, Some(40), Some(99)), (9, 10));
        assert_eq!(search_lines(10, Some(-40), Some(-40)), (0, 0));
    }

    #[test]
    fn literal_regex_group_and_block_matches() {
        let doc = Doc::new("image: a\nname: x\nimage: b\n".to_string());
        let all = (0, doc.line_count());
        let literal = Pattern::new("image", false).unwrap();
        assert_eq!(
            find_matches(&doc, &literal, false, all, 0, None).unwrap().len(),
            2
        );
        let regex = Pattern::new("image: (.*)", true).unwrap();
        let spans = find_matches(&doc, &regex, false, all, 1, Some(1)).unwrap();
        assert_eq!(&doc.text()[spans[0].clone()], "a");
        let block = Pattern::new("x\nimage: (.*)", true).unwrap();
        let spans = find_matches(&doc, &block, true, all, 1, None).unwrap();
        assert_eq!(&doc.text()[spans[0].clone()], "b");
        assert!(matches!(
            Pattern::new("(", true),
            Err(EditorError::BadRegex { .. })
        ));
        assert!(find_matches(&doc, &regex, false, all, 2, None).is_err());
    }
}
