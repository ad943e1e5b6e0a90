//! `browser_flood` (issue 23): what a learner sees in Chromium while a terminal floods — the 50 MB flood's
//! end on screen (the case's figure), and as its parts Ctrl-C until the screen is quiet and keystrokes in a
//! second terminal meanwhile. Driven by `benches/browser_flood.mjs` (playwright-core from
//! frontend/node_modules and Debian's Chromium), lectern beside ttyd alternating within each round; medians
//! over the rounds with their spread.

use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::harness::{Case, Figure};
use crate::peers;

/// The `browser_flood` case: prompt back (s), with parts `browser_flood.ctrlc` (ms) and
/// `browser_flood.type_p99` (ms, each round's p99 of the keystrokes typed in a second terminal).
pub fn browser_flood(rounds: usize, bytes: u64) -> Case {
    let mut prompt = Case::new("browser_flood", "s", false);
    let mut ctrlc = Case::new("browser_flood.ctrlc", "ms", false);
    let mut typing = Case::new("browser_flood.type_p99", "ms", false);
    let ttyd = peers::ttyd_binary().map_err(|error| format!("{error:#}"));
    let figures = run(rounds, bytes, ttyd.as_ref().ok());
    prompt.detail("rounds", rounds);
    prompt.detail("flood_bytes", bytes);
    prompt.detail(
        "targets",
        "issue 23: prompt back <= 2 s, Ctrl-C -> quiet <= 250 ms, typing p99 <= 50 ms",
    );
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
                    Ok(_) => record(case, &json, "ttyd", key),
                    Err(why) => case.peer("ttyd", Figure::Skipped(why.clone())),
                }
            }
            for server in ["lectern", "ttyd"] {
                let summary = &json["servers"][server]["summary"];
                for key in ["type_p50_ms", "type_p99_ms", "keystrokes"] {
                    if let Some(value) = summary[key].as_f64() {
                        typing.detail(&format!("{server}_all_rounds_{key}"), value);
                    }
                }
                // CPU seconds Chromium and the server used during the flood (medians over the rounds).
                for key in ["browser_cpu_s", "server_cpu_s"] {
                    if let Some(value) = summary[key].as_f64() {
                        prompt.detail(&format!("{server}_median_{key}"), value);
                    }
                }
            }
        }
    }
    prompt.parts = vec![ctrlc, typing];
    prompt
}

/// Sets `server`'s figure to the median and spread of its per-round values.
fn record(case: &mut Case, json: &Value, server: &str, key: &str) {
    let entry = &json["servers"][server];
    let samples: Vec<f64> = entry[key]
        .as_array()
        .map(|rounds| rounds.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    let samples = if samples.is_empty() {
        Err(entry["error"].as_str().unwrap_or("no figure").to_string())
    } else {
        Ok(samples)
    };
    case.measured(server, &samples);
}

fn run(rounds: usize, bytes: u64, ttyd: Option<&std::path::PathBuf>) -> Result<Value> {
    let root = peers::repo_root();
    let mut command = Command::new("node");
    command
        .arg(root.join("benches/browser_flood.mjs"))
        .args(["--rounds", &rounds.to_string(), "--bytes", &bytes.to_string()])
        .arg(format!("lectern={}", peers::lectern_binary().display()));
    if let Some(ttyd) = ttyd {
        command.arg(format!("ttyd={}", ttyd.display()));
    }
    // Its progress lines (stderr) go to the suite's stderr; the figures come as JSON on stdout.
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("run node benches/browser_flood.mjs")?;
    if !output.status.success() {
        bail!("browser_flood.mjs failed ({})", output.status);
    }
    serde_json::from_slice(&output.stdout).context("browser_flood.mjs printed no JSON")
}
