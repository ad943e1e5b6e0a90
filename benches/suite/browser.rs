//! `browser_flood` (issue 23): what a learner sees in Chromium while a terminal floods — the 50 MB flood's
//! end on screen, Ctrl-C until the screen is quiet, and keystrokes in a second terminal meanwhile. Driven by
//! `benches/browser_flood.mjs` (playwright-core from frontend/node_modules and Debian's Chromium), lectern
//! beside ttyd (when `TTYD=path`) alternating within each round; medians over the rounds.

use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::harness::{Case, Figure};
use crate::peers;

/// The three cases of one run: prompt back (s), Ctrl-C → quiet (ms), keystroke p99 in another terminal (ms).
pub fn browser_flood(rounds: usize, bytes: u64) -> Vec<Case> {
    let mut prompt = Case::new("browser_flood_prompt", "s", false);
    let mut ctrlc = Case::new("browser_flood_ctrlc", "ms", false);
    let mut typing = Case::new("browser_flood_type_p99", "ms", false);
    let ttyd = std::env::var("TTYD").ok();
    let figures = run(rounds, bytes, ttyd.as_deref());
    for case in [&mut prompt, &mut ctrlc, &mut typing] {
        case.detail("rounds", rounds);
        case.detail("flood_bytes", bytes);
    }
    match figures {
        Err(error) => {
            let why = format!("{error:#}");
            for case in [&mut prompt, &mut ctrlc, &mut typing] {
                case.lectern = Figure::Skipped(why.clone());
            }
        }
        Ok(json) => {
            for (key, case) in [
                ("prompt_s", &mut prompt),
                ("ctrlc_ms", &mut ctrlc),
                ("type_p99_ms", &mut typing),
            ] {
                record(case, &json, "lectern", key);
                match &ttyd {
                    Some(_) => record(case, &json, "ttyd", key),
                    None => case.peer("ttyd", Figure::Skipped("set TTYD=/path/to/ttyd".into())),
                }
            }
            if let Some(p50) = json["servers"]["lectern"]["summary"]["type_p50_ms"].as_f64() {
                typing.detail("lectern_p50_ms", p50);
            }
        }
    }
    vec![prompt, ctrlc, typing]
}

/// Sets `server`'s figure: the median and spread of its per-round values where the script keeps them
/// (`prompt_s`, `ctrlc_ms`), else its summary (the keystroke p99 is over all rounds' keystrokes).
fn record(case: &mut Case, json: &Value, server: &str, key: &str) {
    let entry = &json["servers"][server];
    let why = || entry["error"].as_str().unwrap_or("no figure").to_string();
    if let Some(rounds) = entry[key].as_array() {
        let samples: Vec<f64> = rounds.iter().filter_map(Value::as_f64).collect();
        let samples = if samples.is_empty() {
            Err(why())
        } else {
            Ok(samples)
        };
        case.measured(server, &samples);
        return;
    }
    let figure = match entry["summary"][key].as_f64() {
        Some(value) => Figure::Value(value),
        None => Figure::Skipped(why()),
    };
    if server == "lectern" {
        case.lectern = figure;
    } else {
        case.peer(server, figure);
    }
}

fn run(rounds: usize, bytes: u64, ttyd: Option<&str>) -> Result<Value> {
    let root = peers::repo_root();
    let mut command = Command::new("node");
    command
        .arg(root.join("benches/browser_flood.mjs"))
        .args(["--rounds", &rounds.to_string(), "--bytes", &bytes.to_string()])
        .arg(format!("lectern={}", peers::lectern_binary().display()));
    if let Some(ttyd) = ttyd {
        command.arg(format!("ttyd={ttyd}"));
    }
    let output = command.output().context("run node benches/browser_flood.mjs")?;
    if !output.status.success() {
        bail!(
            "browser_flood.mjs failed: {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
    }
    serde_json::from_slice(&output.stdout).context("browser_flood.mjs printed no JSON")
}
