//! A file's text as VS Code sees it: lines split at `\n` (a `\r` before it belongs to the line ending),
//! `line_count` = newlines + 1, positions in UTF-16 code units. Edits are byte ranges; positions are
//! converted only at the edges (the reply and the extension's messages).

use super::request::{Position, Range};

/// A byte range of the text (`start` ≤ `end`, both on char boundaries).
pub type Span = std::ops::Range<usize>;

/// A text with its line starts.
#[derive(Debug, Clone)]
pub struct Doc {
    text: String,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl Doc {
    /// Indexes `text`.
    pub fn new(text: String) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { text, starts }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, owned.
    pub fn into_text(self) -> String {
        self.text
    }

    /// Lines, as VS Code counts them (an empty last line after a final newline counts).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where line `line` starts (clamped: past the last line is the end of the text).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }

    /// Byte offset where line `line`'s text ends (before its `\r\n` or `\n`).
    pub fn line_end(&self, line: usize) -> usize {
        if line >= self.starts.len() {
            return self.text.len();
        }
        let mut end = self.starts.get(line + 1).map_or(self.text.len(), |next| next - 1);
        if end > self.starts[line] && self.text.as_bytes()[end - 1] == b'\r' && end < self.text.len() {
            end -= 1;
        }
        end
    }

    /// Line `line`'s text without its ending.
    pub fn line(&self, line: usize) -> &str {
        &self.text[self.line_start(line)..self.line_end(line).max(self.line_start(line))]
    }

    /// The line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// VS Code position of byte `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let character = self.text[start..offset].encode_utf16().count();
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    /// Byte offset of a VS Code position (clamped into the text, as VS Code clamps).
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.line_count() {
            return self.text.len();
        }
        let start = self.line_start(line);
        let end = self.line_end(line);
        let mut units = 0u32;
        for (index, ch) in self.text[start..end].char_indices() {
            if units >= position.character {
                return start + index;
            }
            units += ch.len_utf16() as u32;
        }
        end
    }

    /// The VS Code range of a byte span.
    pub fn range(&self, span: &Span) -> Range {
        Range {
            start: self.position(span.start),
            end: self.position(span.end),
        }
    }

    /// The byte span of a VS Code range (ordered).
    pub fn span(&self, range: Range) -> Span {
        let (a, b) = (self.offset(range.start), self.offset(range.end));
        a.min(b)..a.max(b)
    }

    /// Byte span from the start of line `first` to the start of the line after `last` — or, when `last`
    /// is the last line, to its end (the original's whole-line selections).
    pub fn lines_span(&self, first: usize, last: usize) -> Span {
        let start = self.line_start(first);
        let end = if last + 1 < self.line_count() {
            self.line_start(last + 1)
        } else {
            self.line_end(last)
        };
        start..end.max(start)
    }

    /// A new text with `span` replaced by `with`.
    pub fn replaced(&self, span: &Span, with: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + with.len());
        out.push_str(&self.text[..span.start]);
        out.push_str(with);
        out.push_str(&self.text[span.end..]);
        out
    }
}

/// `text` with a final newline (the original's `ensureNewlineTerminated`).
pub fn newline_terminated(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

/// The lines of `new` that differ from `old` (common first and last lines removed), as whole lines of
/// `new`: what an edit changed, for the editor to reveal. `None` when nothing changed, or when only lines
/// were removed (then the cursor goes where they were).
pub fn changed_lines(old: &str, new: &str) -> Option<(usize, usize)> {
    let old_lines: Vec<&str> = old.split('\n').collect();
    let new_lines: Vec<&str> = new.split('\n').collect();
    let prefix = old_lines
        .iter()
        .zip(&new_lines)
        .take_while(|(a, b)| a == b)
        .count();
    if prefix == old_lines.len() && prefix == new_lines.len() {
        return None;
    }
    let max_suffix = old_lines.len().min(new_lines.len()) - prefix;
    let suffix = old_lines
        .iter()
        .rev()
        .zip(new_lines.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let last = new_lines.len() - suffix;
    (last > prefix).then(|| (prefix, last - 1))
}

/// What to select after `old` became `new`: the changed lines, or the cursor where lines were removed.
pub fn changed_span(old: &str, new: &str) -> Span {
    let doc = Doc::new(new.to_string());
    match changed_lines(old, new) {
        Some((first, last)) => doc.lines_span(first, last),
        None => {
            let same = old
                .split('\n')
                .zip(new.split('\n'))
                .take_while(|(a, b)| a == b)
                .count();
            let at = doc.line_start(same);
            at..at
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_positions() {
        let doc = Doc::new("ab\r\nc😀d\n".to_string());
        assert_eq!(doc.line_count(), 3);
        assert_eq!(doc.line(0), "ab");
        assert_eq!(doc.line(1), "c😀d");
        assert_eq!(doc.line(2), "");
        let d = doc.text().find('d').unwrap();
        assert_eq!(
            doc.position(d),
            Position {
                line: 1,
                character: 3
            }
        );
        assert_eq!(
            doc.offset(Position {
                line: 1,
                character: 3
            }),
            d
        );
        assert_eq!(
            doc.offset(Position {
                line: 9,
                character: 0
            }),
            doc.text().len()
        );
        assert_eq!(doc.lines_span(0, 0), 0..4);
        assert_eq!(doc.lines_span(1, 2), 4..doc.text().len());
    }

    #[test]
    fn changed_lines_of_edits() {
        assert_eq!(changed_lines("a\nb\n", "a\nx\nb\n"), Some((1, 1)));
        assert_eq!(changed_lines("a\nb\n", "a\nb\n"), None);
        assert_eq!(changed_lines("a\nb\nc\n", "a\nc\n"), None);
        assert_eq!(changed_lines("", "x\ny\n"), Some((0, 1)));
        assert_eq!(changed_lines("a\nb\n", "a\nB\n"), Some((1, 1)));
    }
}
