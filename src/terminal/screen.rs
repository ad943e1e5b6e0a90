//! The server-side screen model of one terminal: an `avt` virtual terminal fed the PTY output, plus what
//! avt does not keep (title, mouse/focus/paste modes, keypad mode, cursor style, from `queries.rs`).
//! It answers two questions: what is on the screen (`GET /terminal/{name}/screen`), and how to draw it
//! from nothing (a snapshot: the bytes that bring a reset terminal to this state — scrollback lines,
//! both screens, cursor, modes, title — and never a query, since only state is written).
//!
//! Feeding happens off the PTY's hot path (`session/model.rs`). The choice of avt over
//! alacritty_terminal and vt100, with measurements, is in docs/terminal-protocol.md, section 12.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::queries::{Found, QueryScanner};
use super::{Seq, Size};

/// DEC private modes the snapshot restores besides avt's own (cursor keys, origin, wrap, cursor
/// visibility, alternate screen): cursor blink, mouse tracking and encodings, focus events, bracketed
/// paste.
const TRACKED_MODES: &[u16] = &[12, 1000, 1002, 1003, 1004, 1005, 1006, 1015, 2004];

/// A terminal's screen, fed in order.
pub struct Screen {
    vt: avt::Terminal,
    size: Size,
    /// Bytes of an incomplete UTF-8 character, kept for the next feed.
    carry: Vec<u8>,
    scanner: QueryScanner,
    title: String,
    modes: BTreeMap<u16, bool>,
    keypad: bool,
    cursor_style: u16,
    /// Seq of the next byte to feed.
    seq: Seq,
    /// Lines of history kept.
    scrollback: usize,
    /// Output was skipped (a flood faster than the model): attributes set in the skipped part may be
    /// missing; the visible text is right once the tail fed afterwards fills the screen.
    skipped: bool,
}

impl std::fmt::Debug for Screen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screen")
            .field("size", &self.size)
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

/// What `GET /terminal/{name}/screen` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenText {
    /// Columns and rows.
    pub size: Size,
    /// Visible rows, trailing blanks trimmed.
    pub lines: Vec<String>,
    /// Cursor column and row (0-based), and whether it is shown.
    pub cursor: (usize, usize, bool),
    /// The window title the program set (empty if none).
    pub title: String,
    /// The alternate screen is active (a full-screen program runs).
    pub alternate: bool,
    /// Seq of the next output byte: the screen shows everything before it.
    pub seq: Seq,
    /// Some output was skipped while flooding (see [`Screen`]).
    pub skipped: bool,
}

impl Screen {
    /// A blank screen of `size` keeping `scrollback` lines of history, at stream position `seq`.
    pub fn new(size: Size, scrollback: usize, seq: Seq) -> Self {
        let vt = avt::Terminal::with_scrollback(size.cols.into(), size.rows.into(), Some(scrollback))
            .unwrap_or_else(|_| {
                // A Size is never zero; keep a usable model regardless.
                avt::Terminal::new(80, 24).expect("80x24 is a valid size")
            });
        Self {
            vt,
            size,
            carry: Vec::new(),
            scanner: QueryScanner::new(),
            title: String::new(),
            modes: BTreeMap::new(),
            keypad: false,
            cursor_style: 0,
            seq,
            scrollback,
            skipped: false,
        }
    }

    /// Seq of the next byte to feed.
    pub fn seq(&self) -> Seq {
        self.seq
    }

    /// The model's size.
    pub fn size(&self) -> Size {
        self.size
    }

    /// Feeds output bytes (the next ones of the stream). Where avt and xterm differ on erasing the
    /// display, this follows xterm (and xterm.js, which the dashboard runs): `CSI 2 J` erases in place
    /// instead of scrolling the screen into the history (avt), and `CSI 3 J` clears the history (avt
    /// ignores it).
    pub fn feed(&mut self, data: &[u8]) {
        let at = self.seq;
        let mut erases: Vec<(usize, usize, u16)> = Vec::new();
        let (title, modes, keypad, style) = (
            &mut self.title,
            &mut self.modes,
            &mut self.keypad,
            &mut self.cursor_style,
        );
        self.scanner.scan_all(data, at, |end, found| match found {
            Found::Title(text) => *title = text,
            Found::Modes(list, on) => {
                for mode in list {
                    if TRACKED_MODES.contains(&mode) {
                        modes.insert(mode, on);
                    }
                }
            }
            Found::Keypad(on) => *keypad = on,
            Found::CursorStyle(n) => *style = n,
            // Only a sequence wholly in this piece can be rewritten.
            Found::EraseDisplay(start, which) if start >= at => {
                erases.push(((start - at) as usize, (end - at) as usize + 1, which));
            }
            Found::EraseDisplay(..) | Found::Query(_) => {}
        });
        self.seq += data.len() as u64;
        let mut done = 0;
        for (start, end, which) in erases {
            self.feed_vt(&data[done..start]);
            if which == 2 {
                // Erase above and below the cursor: the whole screen, the cursor unmoved, no scroll-out.
                self.feed_vt(b"\x1b[1J\x1b[0J");
            } else {
                self.clear_history();
            }
            done = end;
        }
        self.feed_vt(&data[done..]);
    }

    /// Drops the history, as `CSI 3 J` does in xterm: a fresh avt terminal given this one's state.
    fn clear_history(&mut self) {
        let dump = self.vt.dump();
        if let Ok(mut fresh) = avt::Terminal::with_scrollback(
            self.size.cols.into(),
            self.size.rows.into(),
            Some(self.scrollback),
        ) {
            fresh.feed(dump.as_str());
            self.vt = fresh;
        }
    }

    /// Feeds bytes to avt as text (an incomplete trailing character waits for the next piece).
    fn feed_vt(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(data);
        let complete = match std::str::from_utf8(&bytes) {
            Ok(_) => bytes.len(),
            // An incomplete character at the end waits for its tail; invalid bytes become U+FFFD.
            Err(error) if error.error_len().is_none() => error.valid_up_to(),
            Err(_) => bytes.len(),
        };
        self.carry = bytes.split_off(complete);
        self.vt.feed(String::from_utf8_lossy(&bytes).as_ref());
    }

    /// Resizes, as the PTY was.
    pub fn resize(&mut self, size: Size) {
        if size != self.size {
            self.size = size;
            self.vt.resize(size.cols.into(), size.rows.into());
        }
    }

    /// Jumps to stream position `seq` without the bytes before it, then feeds `tail` (the output just
    /// before `seq`… up to it): used when the output came faster than the model could follow. Starts
    /// the tail at a line boundary and cancels any sequence in progress, so the visible text is right.
    pub fn skip_to(&mut self, tail: &[u8], tail_start: Seq) {
        let from = tail
            .iter()
            .take(4096)
            .position(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        self.carry.clear();
        self.scanner = QueryScanner::new();
        // CAN aborts an escape sequence; CR starts the line.
        self.vt.feed("\u{18}\r");
        self.seq = tail_start + from as u64;
        self.skipped = true;
        self.feed(&tail[from..]);
    }

    /// The screen as text.
    pub fn text(&self) -> ScreenText {
        let cursor = self.vt.cursor();
        ScreenText {
            size: self.size,
            lines: self
                .vt
                .screen()
                .visible_lines()
                .map(|line| line.text().trim_end().to_string())
                .collect(),
            cursor: (cursor.col, cursor.row, cursor.visible),
            title: self.title.clone(),
            alternate: self.vt.active_screen_kind() == avt::ScreenKind::Alternate,
            seq: self.seq,
            skipped: self.skipped,
        }
    }

    /// The bytes that draw this state on a terminal just reset: the last `scrollback` lines of
    /// history, both screens, cursor, modes and title. Written after a reset, then the output from
    /// [`seq`](Self::seq) on, they give what the whole stream would have given (see the differential
    /// test in frontend/e2e). Holds no query.
    pub fn snapshot(&self, scrollback: usize) -> String {
        let mut out = String::new();
        let history = self.history(scrollback);
        if !history.is_empty() {
            for line in &history {
                write_line(&mut out, line);
                out.push_str("\x1b[0m\r\n");
            }
            // Scroll every history line off the screen, into the scrollback.
            for _ in 1..self.size.rows {
                out.push('\n');
            }
            out.push_str("\x1b[H");
        }
        out.push_str(&self.vt.dump());
        if !self.title.is_empty() {
            let _ = write!(out, "\x1b]0;{}\x07", self.title);
        }
        for (mode, on) in &self.modes {
            if *on {
                let _ = write!(out, "\x1b[?{mode}h");
            }
        }
        if self.keypad {
            out.push_str("\x1b=");
        }
        if self.cursor_style != 0 {
            let _ = write!(out, "\x1b[{} q", self.cursor_style);
        }
        out
    }

    /// The last `count` lines above the primary screen.
    fn history(&self, count: usize) -> Vec<&avt::Line> {
        let screen = self.vt.primary_screen();
        let all: Vec<&avt::Line> = screen.all_lines().collect();
        let above = all.len().saturating_sub(screen.visible_lines().len());
        all[above.saturating_sub(count)..above].to_vec()
    }
}

/// Writes one line's cells with their colours and attributes (trailing default blanks left out).
fn write_line(out: &mut String, line: &avt::Line) {
    let cells = line.cells();
    let end = cells
        .iter()
        .rposition(|c| c.char() != ' ' || !c.pen().is_default())
        .map_or(0, |i| i + 1);
    let mut pen: Option<avt::Pen> = None;
    for cell in &cells[..end] {
        if cell.width() == 0 {
            continue;
        }
        if pen.as_ref() != Some(cell.pen()) {
            out.push_str(&sgr(cell.pen()));
            pen = Some(*cell.pen());
        }
        out.push(cell.char());
    }
}

/// The SGR sequence that sets exactly `pen` (from a reset).
fn sgr(pen: &avt::Pen) -> String {
    let mut params = vec!["0".to_string()];
    if pen.is_bold() {
        params.push("1".into());
    }
    if pen.is_faint() {
        params.push("2".into());
    }
    if pen.is_italic() {
        params.push("3".into());
    }
    if pen.is_underline() {
        params.push("4".into());
    }
    if pen.is_blink() {
        params.push("5".into());
    }
    if pen.is_inverse() {
        params.push("7".into());
    }
    if pen.is_strikethrough() {
        params.push("9".into());
    }
    for (color, base) in [(pen.foreground(), 30), (pen.background(), 40)] {
        match color {
            Some(avt::Color::Indexed(n)) if n < 8 => params.push((base + u16::from(n)).to_string()),
            Some(avt::Color::Indexed(n)) if n < 16 => params.push((base + 60 + u16::from(n) - 8).to_string()),
            Some(avt::Color::Indexed(n)) => params.push(format!("{};5;{n}", base + 8)),
            Some(avt::Color::RGB(rgb)) => {
                params.push(format!("{};2;{};{};{}", base + 8, rgb.r, rgb.g, rgb.b))
            }
            None => {}
        }
    }
    format!("\x1b[{}m", params.join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(cols: u16, rows: u16) -> Size {
        Size { cols, rows }
    }

    #[test]
    fn text_cursor_title_and_alternate_screen() {
        let mut screen = Screen::new(size(20, 3), 100, 0);
        screen.feed(b"hello\r\nw\xc3");
        screen.feed(b"\xa9rld\x1b]2;my title\x07");
        let text = screen.text();
        assert_eq!(text.lines, vec!["hello", "wérld", ""]);
        assert_eq!(text.cursor, (5, 1, true));
        assert_eq!(text.title, "my title");
        assert!(!text.alternate);
        assert_eq!(text.seq, 26);
        screen.feed(b"\x1b[?1049h\x1b[Hvim");
        assert!(screen.text().alternate);
        assert_eq!(screen.text().lines[0], "vim");
    }

    #[test]
    fn a_snapshot_redraws_the_same_screen_and_holds_no_query() {
        let mut original = Screen::new(size(30, 4), 100, 0);
        for i in 0..10 {
            original.feed(format!("\x1b[3{}mline {i}\x1b[0m\r\n", i % 8).as_bytes());
        }
        original.feed(b"\x1b[6n\x1b]11;?\x07\x1b[?2004h\x1b[?1000h\x1b]0;t\x07$ ");
        let snapshot = original.snapshot(50);
        let mut queries = 0;
        QueryScanner::new().scan(snapshot.as_bytes(), 0, |_, _| queries += 1);
        assert_eq!(queries, 0, "{snapshot:?}");
        let mut copy = Screen::new(size(30, 4), 100, 0);
        copy.feed(snapshot.as_bytes());
        assert_eq!(copy.text().lines, original.text().lines);
        assert_eq!(copy.text().cursor, original.text().cursor);
        assert_eq!(copy.text().title, "t");
        assert_eq!(copy.modes, original.modes);
        // The history went to the scrollback, in order.
        let history: Vec<String> = copy
            .history(50)
            .iter()
            .map(|l| l.text().trim_end().to_string())
            .collect();
        assert_eq!(history, (0..7).map(|i| format!("line {i}")).collect::<Vec<_>>());
    }

    #[test]
    fn skipping_ahead_keeps_the_tail_right() {
        let mut screen = Screen::new(size(10, 2), 10, 0);
        screen.feed(b"old\r\n\x1b[31");
        let tail = b"ial line\r\nnew 1\r\nnew 2";
        screen.skip_to(tail, 1000);
        assert_eq!(screen.text().lines, vec!["new 1", "new 2"]);
        assert_eq!(screen.seq(), 1000 + tail.len() as u64);
        assert!(screen.text().skipped);
    }
}
