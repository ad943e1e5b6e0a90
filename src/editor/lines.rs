//! The text operations, pure: a [`Doc`] and the request's values in, the new text and the selection the
//! editor should show out. Each mirrors the original helper's edit (dashboard.md §8.1): inserted text is
//! newline-terminated, inserting past the end pads with empty lines, deleting the last lines takes the
//! newline before them, line numbers are 1-based and clamped into the file.

use super::EditorError;
use super::search::{self, Pattern};
use super::text::{Doc, Span, newline_terminated};

/// The result of an edit: the new text and the selection (or cursor, when empty) in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The whole new text.
    pub text: String,
    /// Selection in the new text, in bytes.
    pub selection: Span,
}

/// Inserts `text` (as given) at the start of 0-based `line`, padding with empty lines past the end; the
/// cursor goes to the start of the inserted text's line (the original's `insertTextAtLine`).
pub fn insert_at_line(doc: &Doc, line: usize, text: &str) -> Edit {
    let count = doc.line_count();
    let mut inserted = String::new();
    if line >= count {
        inserted.push_str(&"\n".repeat(line - count + 1));
    }
    inserted.push_str(text);
    let at = doc.line_start(line);
    let new = Doc::new(doc.replaced(&(at..at), &inserted));
    let cursor = new.line_start(line);
    Edit {
        text: new.into_text(),
        selection: cursor..cursor,
    }
}

/// `append-to-file`: after the last line (an empty last line, after a final newline, is not one).
pub fn append(doc: &Doc, text: &str) -> Edit {
    let mut line = doc.line_count();
    if doc.line(line - 1).is_empty() {
        line -= 1;
    }
    insert_at_line(doc, line, &newline_terminated(text))
}

/// A 1-based line number as a 0-based index; 0 and negative numbers are refused.
fn index_of(line: i32, field: &str) -> Result<usize, EditorError> {
    if line < 1 {
        return Err(EditorError::BadRequest(format!(
            "`{field}` must be a line number (1 or more), not {line}"
        )));
    }
    Ok(line as usize - 1)
}

/// `insert-before-line`: before 1-based `line`.
pub fn insert_before_line(doc: &Doc, line: i32, text: &str) -> Result<Edit, EditorError> {
    Ok(insert_at_line(
        doc,
        index_of(line, "line")?,
        &newline_terminated(text),
    ))
}

/// `append-after-line`: after 1-based `line` (0 inserts at the top).
pub fn append_after_line(doc: &Doc, line: i32, text: &str) -> Result<Edit, EditorError> {
    if line < 0 {
        return Err(EditorError::BadRequest(format!(
            "`line` must be 0 or more, not {line}"
        )));
    }
    Ok(insert_at_line(doc, line as usize, &newline_terminated(text)))
}

/// `insert-after-match` (`after`) or `insert-before-match`: at the first line containing `pattern`.
pub fn insert_at_match(
    doc: &Doc,
    pattern: &str,
    text: &str,
    after: bool,
    file: &str,
) -> Result<Edit, EditorError> {
    let line = search::first_line_containing(doc, pattern)
        .ok_or_else(|| EditorError::NoMatch(format!("no line of {file} contains {:?}", pattern.trim())))?;
    Ok(insert_at_line(
        doc,
        line + usize::from(after),
        &newline_terminated(text),
    ))
}

/// 1-based `start`..=`stop` (default `start`) as clamped, ordered 0-based lines.
pub fn clamp_lines(doc: &Doc, start: i32, stop: Option<i32>) -> (usize, usize) {
    let last = doc.line_count() as i64 - 1;
    let a = (i64::from(start) - 1).clamp(0, last);
    let b = (i64::from(stop.unwrap_or(start)) - 1).clamp(0, last);
    (a.min(b) as usize, a.max(b) as usize)
}

/// Deletes whole lines `first..=last` (0-based); at the end of the file the newline before them goes too.
pub fn delete_lines(doc: &Doc, first: usize, last: usize) -> Edit {
    let mut span = doc.lines_span(first, last);
    if last + 1 >= doc.line_count() && first > 0 {
        span.start = doc.line_end(first - 1);
    }
    Edit {
        text: doc.replaced(&span, ""),
        selection: span.start..span.start,
    }
}

/// `delete-matching-lines`: the first line matching, `before` lines above and `after` below (-1: all).
pub fn delete_matching_lines(
    doc: &Doc,
    pattern: &Pattern,
    before: Option<i32>,
    after: Option<i32>,
    file: &str,
) -> Result<Edit, EditorError> {
    let line = search::first_line_matching(doc, pattern)
        .ok_or_else(|| EditorError::NoMatch(format!("no line of {file} matches {}", shown(pattern))))?;
    let count = doc.line_count();
    let before = match before.unwrap_or(0) {
        n if n < 0 => line,
        n => (n as usize).min(line),
    };
    let after = match after.unwrap_or(0) {
        n if n < 0 => count - line - 1,
        n => n as usize,
    };
    Ok(delete_lines(doc, line - before, (line + after).min(count - 1)))
}

/// `replace-lines`: lines `first..=last` (0-based) become `text`; the new lines are selected.
pub fn replace_lines(doc: &Doc, first: usize, last: usize, text: &str) -> Edit {
    let mut replacement = newline_terminated(text);
    let mut span = doc.lines_span(first, last);
    let mut skip = 0;
    if last + 1 >= doc.line_count() && first > 0 {
        // The last lines: replace from the end of the line before, with the newline first.
        span.start = doc.line_end(first - 1);
        replacement = format!("\n{}", &replacement[..replacement.len() - 1]);
        skip = 1;
    }
    let start = span.start;
    Edit {
        text: doc.replaced(&span, &replacement),
        selection: start + skip..start + replacement.len(),
    }
}

/// `replace-text-selection`: the selection becomes `text`, which is then selected.
pub fn replace_selection(doc: &Doc, selection: &Span, text: &str) -> Edit {
    Edit {
        text: doc.replaced(selection, text),
        selection: selection.start..selection.start + text.len(),
    }
}

/// `insert-before-selection`: before the selection's first line.
pub fn insert_before_selection(doc: &Doc, selection: &Span, text: &str) -> Edit {
    insert_at_line(doc, doc.line_of(selection.start), &newline_terminated(text))
}

/// `append-after-selection`: after the selection's last line (a selection ending at a line's start ends
/// before that line).
pub fn append_after_selection(doc: &Doc, selection: &Span, text: &str) -> Edit {
    let end = doc.position(selection.end);
    let line = if end.character == 0 && !selection.is_empty() {
        end.line as usize
    } else {
        end.line as usize + 1
    };
    insert_at_line(doc, line, &newline_terminated(text))
}

/// `replace-matching-text`: replaces `spans` (ascending, disjoint) by `replacement`; the last
/// replacement is selected.
pub fn replace_spans(doc: &Doc, spans: &[Span], replacement: &str) -> Edit {
    let mut text = String::with_capacity(doc.text().len());
    let mut at = 0;
    let mut last = 0..0;
    for span in spans {
        if span.start < at {
            continue; // overlapping matches (a block pattern found twice): keep the first
        }
        text.push_str(&doc.text()[at..span.start]);
        let start = text.len();
        text.push_str(replacement);
        last = start..text.len();
        at = span.end;
    }
    text.push_str(&doc.text()[at..]);
    Edit {
        text,
        selection: last,
    }
}

/// How a pattern is named in a message.
pub fn shown(pattern: &Pattern) -> String {
    match pattern {
        Pattern::Literal(text) => format!("{text:?}"),
        Pattern::Regex(regex) => format!("the pattern {:?}", regex.as_str()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Doc {
        Doc::new(text.to_string())
    }

    #[test]
    fn appending_and_inserting() {
        assert_eq!(append(&doc("a\nb\n"), "c").text, "a\nb\nc\n");
        assert_eq!(append(&doc("a\nb"), "c").text, "a\nb\nc\n");
        assert_eq!(append(&doc(""), "c").text, "c\n");
        assert_eq!(
            insert_before_line(&doc("a\nb\n"), 2, "x").unwrap().text,
            "a\nx\nb\n"
        );
        assert_eq!(
            insert_before_line(&doc("a\n"), 4, "x").unwrap().text,
            "a\n\n\nx\n"
        );
        assert_eq!(
            append_after_line(&doc("a\nb\n"), 1, "x").unwrap().text,
            "a\nx\nb\n"
        );
        assert!(insert_before_line(&doc("a\n"), 0, "x").is_err());
        assert_eq!(
            insert_at_match(&doc("a\n  key: v\nb\n"), " key ", "x", true, "f")
                .unwrap()
                .text,
            "a\n  key: v\nx\nb\n"
        );
        assert!(insert_at_match(&doc("a\n"), "zzz", "x", true, "f").is_err());
    }

    #[test]
    fn deleting_and_replacing_lines() {
        let d = doc("1\n2\n3\n");
        assert_eq!(delete_lines(&d, 1, 1).text, "1\n3\n");
        let (a, b) = clamp_lines(&d, 3, Some(2));
        assert_eq!((a, b), (1, 2));
        assert_eq!(delete_lines(&doc("1\n2\n3"), 1, 2).text, "1");
        let edit = replace_lines(&d, 0, 1, "x");
        assert_eq!(edit.text, "x\n3\n");
        assert_eq!(&edit.text[edit.selection.clone()], "x\n");
        let edit = replace_lines(&doc("1\n2\n3"), 1, 2, "x\ny");
        assert_eq!(edit.text, "1\nx\ny");
        assert_eq!(&edit.text[edit.selection], "x\ny");
        let p = Pattern::new("2", false).unwrap();
        assert_eq!(
            delete_matching_lines(&d, &p, Some(-1), Some(0), "f")
                .unwrap()
                .text,
            "3\n"
        );
    }

    #[test]
    fn selection_edits() {
        let d = doc("one two\nthree\n");
        let edit = replace_selection(&d, &(4..7), "2");
        assert_eq!(edit.text, "one 2\nthree\n");
        assert_eq!(
            insert_before_selection(&d, &(9..10), "x").text,
            "one two\nx\nthree\n"
        );
        assert_eq!(
            append_after_selection(&d, &(0..8), "x").text,
            "one two\nx\nthree\n"
        );
        assert_eq!(
            append_after_selection(&d, &(0..3), "x").text,
            "one two\nx\nthree\n"
        );
        let edit = replace_spans(&d, &[0..3, 8..13], "N");
        assert_eq!(edit.text, "N two\nN\n");
        assert_eq!(edit.selection, 6..7);
    }
}
