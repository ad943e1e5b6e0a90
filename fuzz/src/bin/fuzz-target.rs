//! `cargo afl build --features afl`, then `cargo afl fuzz -i corpus/NAME -o OUT -- fuzz-target NAME`:
//! one instrumented binary for every target of `lectern_fuzz::TARGETS`.

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let Some(run) = lectern_fuzz::target(&name) else {
        let names: Vec<&str> = lectern_fuzz::TARGETS.iter().map(|(name, _)| *name).collect();
        eprintln!("usage: fuzz-target NAME (one of {})", names.join(", "));
        std::process::exit(2);
    };
    lectern_fuzz::prepare(&name);
    if name == "content" {
        // lectern guards the AsciiDoc parser with `catch_unwind` (a page showing the error): a panic it
        // catches is not a crash; one that escapes still is.
        afl::fuzz_nohook!(|data: &[u8]| run(data));
    } else {
        afl::fuzz!(|data: &[u8]| run(data));
    }
}
