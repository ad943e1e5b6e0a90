//! Line-mapped text: template passes (Liquid, `%x%`, Hugo shortcodes, front matter) change the text a
//! page is rendered from; this keeps, for every output line, the source line it came from, so
//! diagnostics and `data-action-line` point at the author's file.

/// Text produced by a pass plus the source line (1-based) of each of its lines.
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    /// The produced text.
    pub text: String,
    /// `lines[i]` = source line of output line `i` (0-based index, 1-based value).
    lines: Vec<u32>,
    /// Source line the next source byte is on.
    src_line: u32,
}

impl Mapped {
    /// An empty builder whose first source line is `first_line` (1-based).
    pub fn new(first_line: u32) -> Self {
        Self {
            text: String::new(),
            lines: vec![first_line],
            src_line: first_line,
        }
    }

    /// The identity mapping of `text`, starting at source line `first_line`.
    pub fn identity(text: &str, first_line: u32) -> Self {
        let mut mapped = Self::new(first_line);
        mapped.verbatim(text);
        mapped
    }

    /// Copies source text unchanged: both sides advance line by line.
    pub fn verbatim(&mut self, text: &str) {
        for (index, piece) in text.split('\n').enumerate() {
            if index > 0 {
                self.text.push('\n');
                self.src_line += 1;
                self.lines.push(self.src_line);
            }
            self.text.push_str(piece);
        }
    }

    /// Emits generated text standing for source text at the current source line.
    pub fn generated(&mut self, text: &str) {
        for (index, piece) in text.split('\n').enumerate() {
            if index > 0 {
                self.text.push('\n');
                self.lines.push(self.src_line);
            }
            self.text.push_str(piece);
        }
    }

    /// Appends the output of another pass over a part of the same source (its lines keep their own
    /// source lines; the current line keeps its own). The source position does not move.
    pub fn append(&mut self, other: &Mapped) {
        self.text.push_str(&other.text);
        self.lines.extend(other.lines.iter().skip(1));
    }

    /// Consumes source text without output (only its line count matters).
    pub fn skip(&mut self, source: &str) {
        self.src_line += source.bytes().filter(|b| *b == b'\n').count() as u32;
    }

    /// The current source line (where the next consumed source byte lies).
    pub fn source_line(&self) -> u32 {
        self.src_line
    }

    /// Source line of the output byte `offset`.
    pub fn line_at(&self, offset: usize) -> u32 {
        let end = offset.min(self.text.len());
        let line = self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.line_of(line)
    }

    /// Source line of output line `index` (0-based).
    pub fn line_of(&self, index: usize) -> u32 {
        self.lines
            .get(index)
            .or_else(|| self.lines.last())
            .copied()
            .unwrap_or(1)
    }

    /// Chains a later pass: `later` maps its output to lines of `self.text` (1-based, as produced by
    /// `Mapped::identity(&self.text, 1)`-style passes); the result maps straight to the original source.
    pub fn then(&self, later: Mapped) -> Mapped {
        let lines = later
            .lines
            .iter()
            .map(|line| self.line_of(line.saturating_sub(1) as usize))
            .collect();
        Mapped {
            text: later.text,
            lines,
            src_line: later.src_line,
        }
    }
}

/// Maps byte offsets of a text to 0-based line indexes quickly (binary search over line starts).
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { starts }
    }

    /// 1-based column (in characters) of byte `offset` of `text`.
    pub fn column(&self, text: &str, offset: usize) -> u32 {
        let start = self.starts[self.line(offset)];
        let end = offset.min(text.len());
        text.get(start..end).map_or(0, |s| s.chars().count() as u32 + 1)
    }

    /// 0-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(index) => index,
            Err(index) => index.saturating_sub(1),
        }
    }
}

impl Mapped {
    /// Removes trailing whitespace from the output (Liquid `{{-` / `{%-`), keeping the line map right.
    pub fn trim_end(&mut self) {
        let trimmed = self.text.trim_end().len();
        let removed_newlines = self.text[trimmed..].bytes().filter(|b| *b == b'\n').count();
        self.text.truncate(trimmed);
        for _ in 0..removed_newlines {
            if self.lines.len() > 1 {
                self.lines.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_lines_map_to_the_tag_and_skips_advance() {
        let mut m = Mapped::new(1);
        m.verbatim("a\nb ");
        m.generated("X\nY");
        m.skip("{% if %}\n\n");
        m.verbatim("\nc");
        assert_eq!(m.text, "a\nb X\nY\nc");
        assert_eq!(m.line_of(0), 1);
        assert_eq!(m.line_of(1), 2);
        assert_eq!(m.line_of(2), 2);
        assert_eq!(m.line_of(3), 5);
        let later = Mapped::identity(&m.text, 1);
        assert_eq!(m.then(later).line_of(3), 5);
    }

    #[test]
    fn line_index_finds_lines() {
        let index = LineIndex::new("ab\ncd\n\ne");
        assert_eq!(index.line(0), 0);
        assert_eq!(index.line(3), 1);
        assert_eq!(index.line(6), 2);
        assert_eq!(index.line(7), 3);
    }
}
