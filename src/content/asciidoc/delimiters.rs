//! Long delimiter lines (`------------`), which Asciidoctor accepts and asciidork does not, rewritten to
//! the four-character forms before parsing, line count unchanged.

use std::borrow::Cow;

/// The delimiter kind of a line made of one repeated character, if it can open a delimited block:
/// `(char, length, verbatim)`. Verbatim blocks (listing, literal, passthrough, comment) hold no
/// nested blocks.
fn delimiter_line(line: &str) -> Option<(u8, usize, bool)> {
    let line = line.trim_end();
    let first = *line.as_bytes().first()?;
    if line.len() < 4 || !line.bytes().all(|b| b == first) {
        return None;
    }
    match first {
        b'-' | b'.' | b'+' | b'/' => Some((first, line.len(), true)),
        b'*' | b'_' => Some((first, line.len(), false)),
        _ => None,
    }
}

/// Asciidoctor accepts delimiter lines of any length from four (`------------` … `------------`),
/// the closing line matching the opening one; asciidork knows only the four-character forms (and
/// variable `====`). Rewrite longer pairs to four characters when that keeps the structure (no
/// four-character line of the same kind inside), leaving everything else — and the line count —
/// unchanged.
pub(super) fn normalize_delimiters(source: &str) -> Cow<'_, str> {
    let has_long = source
        .lines()
        .any(|l| delimiter_line(l).is_some_and(|(_, len, _)| len > 4));
    if !has_long {
        return Cow::Borrowed(source);
    }
    let mut lines: Vec<String> = source.split('\n').map(str::to_string).collect();
    let mut i = 0;
    let mut in_fence = false;
    while i < lines.len() {
        let current = lines[i].trim_end().to_string();
        if current == "```" || (current.starts_with("```") && !in_fence) {
            in_fence = !in_fence;
            i += 1;
            continue;
        }
        if in_fence {
            i += 1;
            continue;
        }
        let Some((ch, len, verbatim)) = delimiter_line(&current) else {
            i += 1;
            continue;
        };
        let closer = (i + 1..lines.len()).find(|&j| lines[j].trim_end() == current);
        let Some(closer) = closer else {
            i += 1;
            continue;
        };
        if len > 4 {
            let short = String::from_utf8(vec![ch; 4]).unwrap_or_default();
            let clash = lines[i + 1..closer].iter().any(|l| l.trim_end() == short);
            if !clash {
                lines[i] = short.clone();
                lines[closer] = short;
            }
        }
        // Verbatim content is left alone; compound blocks may hold more delimited blocks.
        i = if verbatim { closer + 1 } else { i + 1 };
    }
    Cow::Owned(lines.join("\n"))
}
