//! Times the `content` target on a folder of inputs (e.g. an afl queue):
//! `cargo run --release --manifest-path fuzz/Cargo.toml --example time_content -- DIR [ROUNDS]`.
//! Prints the median time per input over the inputs (each input's time is its best of ROUNDS runs),
//! the total, and the slowest inputs; run it under `perf record` for a profile.

use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: time_content DIR [ROUNDS]");
    let rounds: usize = args.next().map_or(3, |r| r.parse().expect("ROUNDS"));
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("input folder")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_file())
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).expect("input"))
        })
        .collect();
    inputs.sort();
    lectern_fuzz::prepare("content");
    let mut times: Vec<(Duration, &str, usize)> = inputs
        .iter()
        .map(|(name, data)| {
            let best = (0..rounds)
                .map(|_| {
                    let start = Instant::now();
                    lectern_fuzz::content::run(data);
                    start.elapsed()
                })
                .min()
                .unwrap_or_default();
            (best, name.as_str(), data.len())
        })
        .collect();
    let total: Duration = times.iter().map(|(time, ..)| *time).sum();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(times[((times.len() - 1) as f64 * q) as usize].0);
    println!(
        "{} inputs: median {:.3} ms, p90 {:.3} ms, max {:.3} ms, mean {:.3} ms",
        times.len(),
        at(0.5),
        at(0.9),
        at(1.0),
        ms(total) / times.len() as f64
    );
    let slow: Vec<_> = times.iter().filter(|(time, ..)| ms(*time) > 10.0).collect();
    let slow_total: Duration = slow.iter().map(|(time, ..)| *time).sum();
    println!(
        "{} inputs over 10 ms take {:.0}% of the total {:.1} ms",
        slow.len(),
        100.0 * slow_total.as_secs_f64() / total.as_secs_f64().max(f64::MIN_POSITIVE),
        ms(total)
    );
    for (time, name, len) in times.iter().rev().take(5) {
        println!("  {:.3} ms  {len} bytes  {name}", ms(*time));
    }
}
