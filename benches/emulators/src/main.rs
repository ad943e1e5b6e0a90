//! Compares three terminal emulator crates as lectern's server-side screen model: parse speed on plain
//! text, colour output and cursor-heavy TUI output; memory of one terminal holding 10,000 lines of
//! scrollback; and, for fidelity, the visible screen each one ends with after a recorded session (the
//! differential test compares those with @xterm/headless).
//!
//!     cargo run --release -- speed              # the table of docs/terminal-protocol.md, section 11
//!     cargo run --release -- screen avt SESSION.json     # visible rows after a recorded session
//!     node fidelity.mjs     # each emulator's rows against @xterm/headless for every recorded session

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes, for the memory column.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// One emulator behind a common face.
trait Emulator {
    fn feed(&mut self, bytes: &[u8]);
    fn resize(&mut self, cols: usize, rows: usize);
    /// Visible screen rows as text (trailing blanks trimmed).
    fn rows(&self) -> Vec<String>;
}

struct Avt {
    vt: avt::Terminal,
    /// Bytes of an incomplete UTF-8 character carried to the next feed (avt takes text).
    carry: Vec<u8>,
}

impl Emulator for Avt {
    fn feed(&mut self, bytes: &[u8]) {
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(bytes);
        let valid = match std::str::from_utf8(&data) {
            Ok(_) => data.len(),
            Err(error) if error.error_len().is_none() => error.valid_up_to(),
            Err(_) => data.len(),
        };
        self.carry = data.split_off(valid);
        self.vt.feed(String::from_utf8_lossy(&data).as_ref());
    }
    fn resize(&mut self, cols: usize, rows: usize) {
        self.vt.resize(cols, rows);
    }
    fn rows(&self) -> Vec<String> {
        self.vt
            .screen()
            .visible_lines()
            .map(|line| line.text().trim_end().to_string())
            .collect()
    }
}

struct Vt100 {
    parser: vt100::Parser,
}

impl Emulator for Vt100 {
    fn feed(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
    }
    fn resize(&mut self, cols: usize, rows: usize) {
        self.parser.screen_mut().set_size(
            std::num::NonZeroU16::new(rows as u16).expect("rows"),
            std::num::NonZeroU16::new(cols as u16).expect("cols"),
        );
    }
    fn rows(&self) -> Vec<String> {
        let (_, cols) = self.parser.screen().size();
        self.parser
            .screen()
            .rows(0, cols.get())
            .map(|row| row.trim_end().to_string())
            .collect()
    }
}

struct Alacritty {
    term: alacritty_terminal::Term<alacritty_terminal::event::VoidListener>,
    processor: alacritty_terminal::vte::ansi::Processor,
}

impl Emulator for Alacritty {
    fn feed(&mut self, bytes: &[u8]) {
        self.processor.advance(&mut self.term, bytes);
    }
    fn resize(&mut self, cols: usize, rows: usize) {
        self.term.resize(alacritty_terminal::term::test::TermSize::new(cols, rows));
    }
    fn rows(&self) -> Vec<String> {
        use alacritty_terminal::grid::Dimensions;
        use alacritty_terminal::index::{Column, Line};
        use alacritty_terminal::term::cell::Flags;
        let grid = self.term.grid();
        (0..grid.screen_lines())
            .map(|line| {
                let row = &grid[Line(line as i32)];
                let text: String = (0..grid.columns())
                    .filter(|&col| !row[Column(col)].flags.contains(Flags::WIDE_CHAR_SPACER))
                    .map(|col| {
                        let cell = &row[Column(col)];
                        // A tab is stored in the cell it was typed at; it shows as a blank.
                        let mut text = if cell.c == '\t' { " ".to_string() } else { cell.c.to_string() };
                        if let Some(extra) = cell.zerowidth() {
                            text.extend(extra);
                        }
                        text
                    })
                    .collect();
                text.trim_end().to_string()
            })
            .collect()
    }
}

const NAMES: [&str; 3] = ["avt", "alacritty_terminal", "vt100"];

fn make(name: &str, cols: usize, rows: usize, scrollback: usize) -> Box<dyn Emulator> {
    match name {
        "avt" => Box::new(Avt {
            vt: avt::Terminal::with_scrollback(cols, rows, Some(scrollback)).expect("size"),
            carry: Vec::new(),
        }),
        "vt100" => Box::new(Vt100 {
            parser: vt100::Parser::new(
                std::num::NonZeroU16::new(rows as u16).expect("rows"),
                std::num::NonZeroU16::new(cols as u16).expect("cols"),
                scrollback,
            ),
        }),
        "alacritty_terminal" => {
            let config = alacritty_terminal::term::Config {
                scrolling_history: scrollback,
                ..Default::default()
            };
            let size = alacritty_terminal::term::test::TermSize::new(cols, rows);
            Box::new(Alacritty {
                term: alacritty_terminal::Term::new(config, &size, alacritty_terminal::event::VoidListener),
                processor: alacritty_terminal::vte::ansi::Processor::new(),
            })
        }
        other => panic!("unknown emulator {other}"),
    }
}

/// Deterministic pseudo-random numbers (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

const WORDS: [&str; 12] = [
    "lorem", "ipsum", "kubectl", "deployment", "ready", "pod/web-7d9c", "Running", "0/1", "12m", "ns",
    "error:", "→",
];

/// `ls`/`cat`-like lines of words, `\r\n` endings.
fn plain(bytes: usize) -> Vec<u8> {
    let mut rng = Rng(7);
    let mut out = Vec::with_capacity(bytes + 200);
    while out.len() < bytes {
        let mut width = 0;
        while width < 90 {
            let word = WORDS[rng.next(WORDS.len() as u64) as usize];
            out.extend_from_slice(word.as_bytes());
            out.push(b' ');
            width += word.len() + 1;
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// `ls --color` / `grep --color` / compiler output: an SGR change every word or two.
fn colour(bytes: usize) -> Vec<u8> {
    let mut rng = Rng(11);
    let mut out = Vec::with_capacity(bytes + 200);
    while out.len() < bytes {
        let mut width = 0;
        while width < 90 {
            let word = WORDS[rng.next(WORDS.len() as u64) as usize];
            match rng.next(4) {
                0 => out.extend_from_slice(format!("\x1b[1;{}m", 31 + rng.next(7)).as_bytes()),
                1 => out.extend_from_slice(format!("\x1b[38;5;{}m", rng.next(256)).as_bytes()),
                2 => out.extend_from_slice(
                    format!("\x1b[38;2;{};{};{}m", rng.next(256), rng.next(256), rng.next(256)).as_bytes(),
                ),
                _ => out.extend_from_slice(b"\x1b[0m"),
            }
            out.extend_from_slice(word.as_bytes());
            out.extend_from_slice(b"\x1b[0m ");
            width += word.len() + 1;
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// htop/vim-like redraws: cursor moves, short colored writes, erase-in-line, scroll regions.
fn tui(bytes: usize, cols: usize, rows: usize) -> Vec<u8> {
    let mut rng = Rng(13);
    let mut out = Vec::with_capacity(bytes + 200);
    out.extend_from_slice(b"\x1b[?1049h\x1b[H\x1b[2J");
    while out.len() < bytes {
        match rng.next(10) {
            0 => out.extend_from_slice(format!("\x1b[{};{}r", 2, rows - 1).as_bytes()),
            1 => out.extend_from_slice(b"\x1b[r\x1b[S"),
            2 => out.extend_from_slice(b"\x1b[K"),
            _ => {}
        }
        let row = 1 + rng.next(rows as u64);
        let col = 1 + rng.next(cols as u64 - 20);
        out.extend_from_slice(format!("\x1b[{row};{col}H\x1b[{};{}m", 30 + rng.next(8), 40 + rng.next(8)).as_bytes());
        out.extend_from_slice(WORDS[rng.next(WORDS.len() as u64) as usize].as_bytes());
        out.extend_from_slice(format!("{:>6.1}%", rng.next(1000) as f64 / 10.0).as_bytes());
    }
    out.extend_from_slice(b"\x1b[0m\x1b[?1049l");
    out
}

fn mb_per_s(name: &str, data: &[u8], cols: usize, rows: usize) -> f64 {
    // Best of 3, 64 KiB feeds (what one PTY read gives the model).
    (0..3)
        .map(|_| {
            let mut emulator = make(name, cols, rows, 1000);
            let started = Instant::now();
            for chunk in data.chunks(64 * 1024) {
                emulator.feed(chunk);
            }
            std::hint::black_box(emulator.rows());
            data.len() as f64 / started.elapsed().as_secs_f64() / 1e6
        })
        .fold(0.0, f64::max)
}

fn memory_with_scrollback(name: &str) -> f64 {
    let before = LIVE.load(Ordering::Relaxed);
    let mut emulator = make(name, 100, 30, 10_000);
    emulator.feed(&plain(12_000 * 100));
    let after = LIVE.load(Ordering::Relaxed);
    std::hint::black_box(emulator.rows());
    drop(emulator);
    (after - before) as f64 / 1e6
}

fn speed() {
    let size = 20 * 1024 * 1024;
    let inputs = [("plain", plain(size)), ("colour", colour(size)), ("tui", tui(size, 120, 40))];
    println!("| emulator | plain MB/s | colour MB/s | TUI MB/s | MB with 10,000 lines of scrollback |");
    println!("|---|---|---|---|---|");
    for name in NAMES {
        let speeds: Vec<String> = inputs
            .iter()
            .map(|(_, data)| format!("{:.0}", mb_per_s(name, data, 120, 40)))
            .collect();
        println!(
            "| {name} | {} | {:.1} |",
            speeds.join(" | "),
            memory_with_scrollback(name)
        );
    }
}

/// Feeds a recorded session (tests/fixtures/terminal-sessions/*.json) and prints the visible rows.
fn screen(name: &str, file: &str) {
    use base64::Engine as _;
    let text = std::fs::read_to_string(file).expect("read the session file");
    let session: serde_json::Value = serde_json::from_str(&text).expect("session JSON");
    let size = |v: &serde_json::Value| v.as_u64().expect("size") as usize;
    let mut emulator = make(name, size(&session["cols"]), size(&session["rows"]), 1000);
    for event in session["events"].as_array().expect("events") {
        match event[0].as_str() {
            Some("o") => emulator.feed(
                &base64::engine::general_purpose::STANDARD
                    .decode(event[1].as_str().expect("output"))
                    .expect("base64"),
            ),
            Some("r") => emulator.resize(size(&event[1]), size(&event[2])),
            _ => panic!("unknown event {event}"),
        }
    }
    println!("{}", serde_json::to_string(&emulator.rows()).expect("json"));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["speed"] | [] => speed(),
        ["screen", name, file] => screen(name, file),
        _ => eprintln!("usage: emulator-bench speed | screen NAME SESSION.json"),
    }
}
