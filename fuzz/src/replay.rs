//! The short run of a target for the test command: every seed of `corpus/<target>/` (crashes afl
//! found are kept there as regression seeds), then deterministic mutations of them (byte flips,
//! insertions, deletions, splices, tokens such as `..` or `%2e`), through the same function afl
//! fuzzes. A failure names the input.

use std::path::{Path, PathBuf};

/// The corpus folder of `target`.
pub fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target)
}

/// The seeds of `target`, sorted by name.
pub fn seeds(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = corpus_dir(target);
    let mut seeds: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let bytes = std::fs::read(&path).ok()?;
            Some((path, bytes))
        })
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

/// xorshift64*: deterministic, so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens inserted by mutations: what parsers of paths, templates and JSON trip on.
const TOKENS: &[&[u8]] = &[
    b"..", b"%2e", b"%2f", b"/", b"\\", b"\n", b"\r\n", b"{{", b"}}", b"{%", b"\"", b"\0", b"\xff", b";",
];

/// A seed with a few random edits.
fn mutate(rng: &mut Rng, seeds: &[(PathBuf, Vec<u8>)]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].1.clone();
    for _ in 0..=rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(5) {
            0 if at < data.len() => data[at] ^= 1 << rng.below(8),
            1 => data.insert(at, rng.next() as u8),
            2 if at < data.len() => {
                let end = (at + rng.below(16)).min(data.len());
                data.drain(at..end);
            }
            3 => {
                let other = &seeds[rng.below(seeds.len())].1;
                let from = rng.below(other.len());
                let end = (from + rng.below(64)).min(other.len());
                let piece = other[from..end].to_vec();
                data.splice(at..at, piece);
            }
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
        }
    }
    data
}

/// Runs every seed of `target`, then `mutations` mutated inputs; panics naming the first input that
/// breaks an invariant.
pub fn replay(target: &str, mutations: usize) {
    let run = crate::target(target).unwrap_or_else(|| panic!("no fuzz target {target}"));
    let seeds = seeds(target);
    for (path, bytes) in &seeds {
        let outcome = std::panic::catch_unwind(|| run(bytes));
        assert!(outcome.is_ok(), "{target}: seed {} failed", path.display());
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ target.len() as u64);
    for index in 0..mutations {
        let data = mutate(&mut rng, &seeds);
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(
            outcome.is_ok(),
            "{target}: mutation {index} failed; input: {:?}",
            String::from_utf8_lossy(&data)
        );
        if (index + 1) % PROGRESS_EVERY == 0 {
            eprintln!("fuzz {target}: {} mutations, 0 failures", index + 1);
        }
    }
}

/// A long run reports its count this often (so a run cut short still says how far it got).
const PROGRESS_EVERY: usize = 100_000;
