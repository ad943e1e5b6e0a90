//! Terminal queries in program output: escape sequences a terminal emulator answers by sending bytes
//! back as if typed (device attributes, status and cursor position reports, mode and setting requests,
//! colour and clipboard queries, window reports). Live, the program is waiting for that answer; in
//! replayed output it is long gone, and the answer would land in whatever reads the terminal now (the
//! shell prints `^[[2;1R` or runs it). So replay blanks each query with NUL bytes of the same length:
//! terminals ignore NUL, and every byte keeps its seq.
//!
//! [`QueryScanner`] is a small VT parser (ground, escape, CSI, OSC, DCS and other strings) that keeps
//! its state across calls, so a query split between two reads is still found. It also reports the bits
//! of terminal state the screen model (`screen.rs`) keeps beside its emulator: the title, DEC private
//! modes (mouse, focus, bracketed paste…), the keypad mode and the cursor style.

/// Longest DCS payload looked at: queries are short, a longer string is never one.
const MAX_PAYLOAD: usize = 64;
/// Longest OSC payload kept (a title); an OSC query is never longer than `MAX_PAYLOAD`.
const MAX_OSC: usize = 512;
/// Longest CSI parameter text looked at.
const MAX_PARAMS: usize = 32;

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;
const CAN: u8 = 0x18;
const SUB: u8 = 0x1a;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ground,
    Escape,
    /// ESC followed by intermediate bytes (charset designations and the like).
    EscapeIntermediate,
    Csi,
    Osc,
    /// ESC inside an OSC: `\` ends it (ST).
    OscEscape,
    Dcs,
    DcsEscape,
    /// SOS, PM, APC: ignored strings ended by ST.
    Ignored,
    IgnoredEscape,
}

/// A sequence the scanner recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A query that started at this offset and ends with the byte just scanned.
    Query(u64),
    /// DEC private modes set (`true`) or reset (`CSI ? Pm h` / `l`).
    Modes(Vec<u16>, bool),
    /// Application keypad on (`ESC =`) or off (`ESC >`).
    Keypad(bool),
    /// Cursor style (`CSI Ps SP q`).
    CursorStyle(u16),
    /// Window title (`OSC 0` or `OSC 2`).
    Title(String),
    /// Erase in display `CSI 2 J` (the screen) or `CSI 3 J` (the scrollback), which started at this
    /// offset.
    EraseDisplay(u64, u16),
}

/// Finds query sequences in a byte stream fed in pieces.
#[derive(Debug, Clone)]
pub struct QueryScanner {
    state: State,
    /// Offset (in the caller's numbering) where the current sequence started.
    start: u64,
    /// Private marker, parameters and intermediates of a CSI (or DCS), or an OSC/DCS payload prefix.
    collected: Vec<u8>,
    /// Bytes of the current string beyond what `collected` keeps.
    overflow: bool,
}

impl Default for QueryScanner {
    fn default() -> Self {
        Self::new()
    }
}

impl QueryScanner {
    /// A scanner in the ground state.
    pub fn new() -> Self {
        Self {
            state: State::Ground,
            start: 0,
            collected: Vec::with_capacity(MAX_PAYLOAD),
            overflow: false,
        }
    }

    /// Whether the scanner is inside an escape sequence, and where it started.
    pub fn pending_start(&self) -> Option<u64> {
        (self.state != State::Ground).then_some(self.start)
    }

    /// Scans `data`, whose first byte has offset `at`; calls `found(start, end)` with the offsets of
    /// every query sequence that ends in `data` (it may have started in an earlier piece).
    pub fn scan(&mut self, data: &[u8], at: u64, mut found: impl FnMut(u64, u64)) {
        self.scan_all(data, at, |offset, event| {
            if let Found::Query(start) = event {
                found(start, offset + 1);
            }
        });
    }

    /// Scans `data` like [`scan`](Self::scan) and reports every recognised sequence with the offset
    /// of its last byte.
    pub fn scan_all(&mut self, data: &[u8], at: u64, mut found: impl FnMut(u64, Found)) {
        for (i, &byte) in data.iter().enumerate() {
            let offset = at + i as u64;
            if let Some(event) = self.step(byte, offset) {
                found(offset, event);
            }
        }
    }

    /// Advances one byte; returns what this byte completes.
    fn step(&mut self, byte: u8, offset: u64) -> Option<Found> {
        // CAN and SUB abort any sequence; ESC starts a new one (except where it may begin ST).
        match (self.state, byte) {
            (_, CAN | SUB) => {
                self.state = State::Ground;
                return None;
            }
            (State::Osc, ESC) => {
                self.state = State::OscEscape;
                return None;
            }
            (State::Dcs, ESC) => {
                self.state = State::DcsEscape;
                return None;
            }
            (State::Ignored, ESC) => {
                self.state = State::IgnoredEscape;
                return None;
            }
            (State::OscEscape, b'\\') => return self.finish_osc(),
            (State::DcsEscape, b'\\') => return self.finish_dcs(),
            (State::IgnoredEscape, b'\\') => {
                self.state = State::Ground;
                return None;
            }
            (_, ESC) => {
                self.begin(State::Escape, offset);
                return None;
            }
            _ => {}
        }
        match self.state {
            State::Ground => None,
            State::Escape => match byte {
                b'[' => {
                    self.state = State::Csi;
                    None
                }
                b']' => {
                    self.state = State::Osc;
                    None
                }
                b'P' => {
                    self.state = State::Dcs;
                    None
                }
                b'X' | b'^' | b'_' => {
                    self.state = State::Ignored;
                    None
                }
                0x20..=0x2f => {
                    self.state = State::EscapeIntermediate;
                    None
                }
                // DECID: answered like primary device attributes.
                b'Z' => self.finish(true),
                b'=' | b'>' => {
                    self.finish(false);
                    Some(Found::Keypad(byte == b'='))
                }
                0x00..=0x1f => None,
                _ => self.finish(false),
            },
            State::EscapeIntermediate => match byte {
                0x00..=0x2f => None,
                _ => self.finish(false),
            },
            State::Csi => match byte {
                0x20..=0x3f => {
                    self.collect(byte, MAX_PARAMS);
                    None
                }
                0x40..=0x7e => {
                    let query = csi_is_query(&self.collected, self.overflow, byte);
                    let state = (!self.overflow)
                        .then(|| csi_state(&self.collected, byte, self.start))
                        .flatten();
                    self.finish(query).or(state)
                }
                // C0 controls are executed inside a CSI and do not end it.
                0x00..=0x1f => None,
                _ => self.finish(false),
            },
            State::Osc => {
                if byte == BEL {
                    return self.finish_osc();
                }
                self.collect(byte, MAX_OSC);
                None
            }
            State::Dcs => {
                self.collect(byte, MAX_PAYLOAD);
                None
            }
            State::Ignored => None,
            // ESC inside a string not followed by `\`: the string ends, a new sequence begins.
            State::OscEscape | State::DcsEscape | State::IgnoredEscape => {
                self.begin(State::Escape, offset.saturating_sub(1));
                self.step(byte, offset)
            }
        }
    }

    fn begin(&mut self, state: State, offset: u64) {
        self.state = state;
        self.start = offset;
        self.collected.clear();
        self.overflow = false;
    }

    fn collect(&mut self, byte: u8, limit: usize) {
        if self.collected.len() < limit {
            self.collected.push(byte);
        } else {
            self.overflow = true;
        }
    }

    fn finish(&mut self, query: bool) -> Option<Found> {
        self.state = State::Ground;
        query.then_some(Found::Query(self.start))
    }

    fn finish_osc(&mut self) -> Option<Found> {
        let query = self.collected.len() <= MAX_PAYLOAD && osc_is_query(&self.collected);
        let title = match self.collected.split(|b| *b == b';').next() {
            Some(b"0" | b"2") if !query => {
                let text = &self.collected[self.collected.iter().position(|b| *b == b';').unwrap_or(0) + 1..];
                Some(Found::Title(
                    String::from_utf8_lossy(text)
                        .chars()
                        .filter(|c| !c.is_control())
                        .collect(),
                ))
            }
            _ => None,
        };
        self.finish(query).or(title)
    }

    fn finish_dcs(&mut self) -> Option<Found> {
        // `DCS $ q … ST` (DECRQSS) and `DCS + q … ST` (XTGETTCAP), possibly after parameters.
        let head: Vec<u8> = self
            .collected
            .iter()
            .copied()
            .skip_while(|b| b.is_ascii_digit() || *b == b';')
            .take(2)
            .collect();
        let query = head == b"$q" || head == b"+q";
        self.finish(query)
    }
}

/// Whether `CSI <collected> <final>` asks the terminal to answer.
fn csi_is_query(collected: &[u8], overflow: bool, final_byte: u8) -> bool {
    if overflow {
        return false;
    }
    let (private, rest) = match collected.first() {
        Some(&p @ (b'<' | b'=' | b'>' | b'?')) => (Some(p), &collected[1..]),
        _ => (None, collected),
    };
    let params_end = rest
        .iter()
        .position(|b| !(b.is_ascii_digit() || *b == b';' || *b == b':'))
        .unwrap_or(rest.len());
    let (params, intermediates) = rest.split_at(params_end);
    let first: Option<u32> = params
        .split(|b| *b == b';')
        .next()
        .and_then(|p| std::str::from_utf8(p).ok())
        .and_then(|p| p.parse().ok());
    match (private, intermediates, final_byte) {
        // Device attributes: primary, secondary, tertiary.
        (None | Some(b'>' | b'='), b"", b'c') => true,
        // Device status reports (status, cursor position) and their DEC forms.
        (None | Some(b'?'), b"", b'n') => true,
        // Mode requests (DECRQM), ANSI and DEC.
        (None | Some(b'?'), b"$", b'p') => true,
        // Terminal name and version (XTVERSION); report terminal parameters (DECREQTPARM).
        (Some(b'>'), b"", b'q') | (None, b"", b'x') => true,
        // Keyboard protocol query.
        (Some(b'?'), b"", b'u') => true,
        // Window reports: state, position, sizes, title.
        (None, b"", b't') => matches!(first, Some(11 | 13 | 14 | 15 | 16 | 18 | 19 | 20 | 21)),
        _ => false,
    }
}

/// The state change a (non-query) `CSI <collected> <final>` makes that the screen model tracks.
fn csi_state(collected: &[u8], final_byte: u8, start: u64) -> Option<Found> {
    match (collected.first(), final_byte) {
        (_, b'J') if collected == b"2" || collected == b"3" => {
            Some(Found::EraseDisplay(start, u16::from(collected[0] - b'0')))
        }
        (Some(b'?'), b'h' | b'l') => {
            let modes = collected[1..]
                .split(|b| *b == b';')
                .filter_map(|p| std::str::from_utf8(p).ok()?.parse().ok())
                .collect();
            Some(Found::Modes(modes, final_byte == b'h'))
        }
        (_, b'q') if collected.last() == Some(&b' ') => {
            let style = std::str::from_utf8(&collected[..collected.len() - 1]).ok()?;
            Some(Found::CursorStyle(if style.is_empty() {
                0
            } else {
                style.parse().ok()?
            }))
        }
        _ => None,
    }
}

/// Whether an OSC payload (`Ps ; Pt`) is a query: colour (`4;n;?`, `10;?`…`19;?`) and selection
/// (`52;c;?`) requests, i.e. a `?` where a value belongs.
fn osc_is_query(payload: &[u8]) -> bool {
    let mut fields = payload.split(|b| *b == b';');
    let Some(number) = fields.next() else {
        return false;
    };
    let question = |mut fields: std::slice::Split<'_, u8, _>| fields.any(|f| f == b"?");
    match number {
        b"4" | b"5" | b"52" => question(fields),
        b"10" | b"11" | b"12" | b"13" | b"14" | b"15" | b"16" | b"17" | b"18" | b"19" => question(fields),
        _ => false,
    }
}

/// Replaces every query in `data` (which starts at offset `at`) by NUL bytes, feeding `scanner`;
/// bytes of a query that started before `data` were the caller's to handle.
pub fn blank_queries(scanner: &mut QueryScanner, data: &mut [u8], at: u64) {
    let mut ranges = Vec::new();
    scanner.scan(data, at, |start, end| ranges.push((start, end)));
    for (start, end) in ranges {
        let from = start.saturating_sub(at) as usize;
        let to = (end - at) as usize;
        data[from..to].fill(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(input: &[u8]) -> Vec<u8> {
        let mut data = input.to_vec();
        blank_queries(&mut QueryScanner::new(), &mut data, 0);
        data
    }

    fn queries_in(input: &[u8]) -> Vec<String> {
        let mut found = Vec::new();
        QueryScanner::new().scan(input, 0, |s, e| {
            found.push(String::from_utf8_lossy(&input[s as usize..e as usize]).into_owned())
        });
        found
    }

    #[test]
    fn finds_the_queries_terminals_answer() {
        let queries: &[&[u8]] = &[
            b"\x1b[c",
            b"\x1b[0c",
            b"\x1b[>c",
            b"\x1b[>0c",
            b"\x1b[=c",
            b"\x1b[5n",
            b"\x1b[6n",
            b"\x1b[?6n",
            b"\x1b[?2004$p",
            b"\x1b[4$p",
            b"\x1b[>0q",
            b"\x1b[x",
            b"\x1b[?u",
            b"\x1b[14t",
            b"\x1b[18t",
            b"\x1bZ",
            b"\x1b]10;?\x07",
            b"\x1b]11;?\x1b\\",
            b"\x1b]4;1;?\x07",
            b"\x1b]52;c;?\x07",
            b"\x1bP$qm\x1b\\",
            b"\x1bP+q544e\x1b\\",
        ];
        for query in queries {
            let text = format!("a{}b", String::from_utf8_lossy(query));
            assert_eq!(
                queries_in(text.as_bytes()),
                vec![String::from_utf8_lossy(query).into_owned()],
                "{query:?}"
            );
        }
    }

    #[test]
    fn leaves_everything_else_alone() {
        let plain: &[&[u8]] = &[
            b"\x1b[31mred\x1b[0m",
            b"\x1b[2J\x1b[H",
            b"\x1b[?1049h\x1b[?2004h",
            b"\x1b[8;24;80t",
            b"\x1b[22;0;0t",
            b"\x1b]0;title ? yes\x07",
            b"\x1b]10;#ffffff\x07",
            b"\x1b]8;;https://example.test/?q\x1b\\link\x1b]8;;\x1b\\",
            b"\x1bPzz\x1b\\",
            b"\x1b(B\x1b)0",
            b"\x1b[>4;2m",
            b"\x1b_hidden ?\x1b\\",
            b"\x1b[1;5R",
            "wide 中文 e\u{301}".as_bytes(),
        ];
        for text in plain {
            assert!(queries_in(text).is_empty(), "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn blanks_with_nul_of_the_same_length() {
        let input = b"a\x1b[6nb\x1b]11;?\x07c\x1b[31md";
        let output = blanked(input);
        assert_eq!(output.len(), input.len());
        assert_eq!(output, b"a\0\0\0\0b\0\0\0\0\0\0\0c\x1b[31md");
    }

    #[test]
    fn a_query_split_across_pieces_is_found_with_its_start() {
        let mut scanner = QueryScanner::new();
        let mut found = Vec::new();
        scanner.scan(b"xx\x1b[", 100, |s, e| found.push((s, e)));
        assert_eq!(scanner.pending_start(), Some(102));
        scanner.scan(b"6ny", 104, |s, e| found.push((s, e)));
        assert_eq!(found, vec![(102, 106)]);
        assert_eq!(scanner.pending_start(), None);
    }

    #[test]
    fn reports_title_modes_keypad_and_cursor_style() {
        let mut found = Vec::new();
        let input = b"\x1b]0;my \x07title\x07\x1b[?1000;1006h\x1b[?2004l\x1b=\x1b>\x1b[5 q\x1b]2;two\x1b\\";
        QueryScanner::new().scan_all(input, 0, |_, event| found.push(event));
        assert_eq!(
            found,
            vec![
                Found::Title("my ".to_string()),
                Found::Modes(vec![1000, 1006], true),
                Found::Modes(vec![2004], false),
                Found::Keypad(true),
                Found::Keypad(false),
                Found::CursorStyle(5),
                Found::Title("two".to_string()),
            ]
        );
    }

    #[test]
    fn aborted_and_interrupted_sequences_are_not_queries() {
        assert!(queries_in(b"\x1b[6\x18n").is_empty());
        assert_eq!(queries_in(b"\x1b[31\x1b[6n"), vec!["\x1b[6n"]);
        assert_eq!(queries_in(b"\x1b]11;\x1b[c"), vec!["\x1b[c"]);
        let long = format!("\x1b]11;{}?\x07", "x".repeat(100));
        assert!(queries_in(long.as_bytes()).is_empty());
    }
}
