//! `cargo bench --bench suite [-- --quick] [--only CASE,CASE]`: lectern's terminal and proxy paths
//! measured side by side with ttyd, wetty, nginx and the raw PTY ceiling in one run (and in Chromium:
//! `browser_flood`), every server alternating over rounds (medians with their spread), plus cost curves
//! (`scale_*`, `session_density`), written to target/bench/results.json (the contract in README
//! "Benchmarks"), target/bench/results.md and the curves' SVG plots in target/bench/.

#[path = "suite/browser.rs"]
mod browser;
#[path = "suite/cases.rs"]
mod cases;
#[path = "suite/harness.rs"]
mod harness;
#[path = "suite/load.rs"]
mod load;
#[path = "suite/peers.rs"]
mod peers;
#[path = "suite/plot.rs"]
mod plot;
#[path = "suite/scale.rs"]
mod scale;
#[path = "suite/term.rs"]
mod term;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};

use cases::{Params, Peer};
use harness::{Case, Figure};
use term::Flavor;

struct Options {
    quick: bool,
    only: Option<Vec<String>>,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut only = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--only" {
            only = iter
                .next()
                .map(|list| list.split(',').map(str::to_string).collect());
        }
    }
    Options {
        quick: args.iter().any(|a| a == "--quick"),
        only,
    }
}

fn main() -> Result<()> {
    // `cargo test --all-targets` runs bench targets without `--bench`: the suite is measurement only
    // (its functions are smoke-tested by tests/it/bench_smoke.rs), so it does nothing there.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("suite: run it with `cargo bench --bench suite`; nothing to do under `cargo test`");
        return Ok(());
    }
    let options = options();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(options))
}

fn wanted(options: &Options, name: &str) -> bool {
    options
        .only
        .as_ref()
        .is_none_or(|only| only.iter().any(|o| name.starts_with(o.as_str())))
}

fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("LECTERN_CORPUS") {
        return PathBuf::from(dir);
    }
    let beside = peers::repo_root().join("../shared/corpus");
    if beside.is_dir() {
        return beside;
    }
    PathBuf::from("/work/shared/corpus")
}

async fn run(options: Options) -> Result<()> {
    let began = Instant::now();
    let params = if options.quick {
        Params::QUICK
    } else {
        Params::FULL
    };
    let out_dir = peers::target_dir().join("bench");
    let work = out_dir.join("work");
    let menu = cases::write_programs(&work, &params)?;
    let workshop = peers::repo_root().join("tests/fixtures/minimal");
    let shell = format!("sh {}", menu.display());

    eprintln!("bench: starting peers …");
    let mut terminals: Vec<(Flavor, Result<Peer, String>)> = Vec::new();
    let lectern = peers::start_lectern(&workshop, &shell, &work, &[]).map(|server| Peer {
        flavor: Flavor::Lectern,
        server,
    });
    terminals.push((Flavor::Lectern, lectern.map_err(|e| format!("{e:#}"))));
    let ttyd = peers::start_ttyd(&menu).map(|server| Peer {
        flavor: Flavor::Ttyd,
        server,
    });
    terminals.push((Flavor::Ttyd, ttyd.map_err(|e| format!("{e:#}"))));
    let wetty = peers::start_wetty(&menu).map(|server| Peer {
        flavor: Flavor::Wetty,
        server,
    });
    terminals.push((Flavor::Wetty, wetty.map_err(|e| format!("{e:#}"))));
    for (flavor, peer) in &terminals {
        if let Err(reason) = peer {
            eprintln!("bench: {} skipped: {reason}", flavor.name());
        }
    }

    let mut all: Vec<Case> = Vec::new();

    if wanted(&options, "pty_ceiling") || wanted(&options, "term_tput") {
        eprintln!("bench: pty_ceiling, term_tput …");
        let (ceiling, results) = cases::tput_interleaved(&work, &terminals, &params).await;
        let mut case = Case::new("pty_ceiling", "MB/s", true);
        case.measured("lectern", &ceiling);
        case.detail(
            "note",
            "a PTY read straight by the bench, no server: the ceiling for term_tput",
        );
        all.push(case);
        let mut case = Case::new("term_tput", "MB/s", true);
        let rates: Vec<_> = results
            .iter()
            .map(|(f, r)| (*f, r.as_ref().map(|v| v.0.clone()).map_err(Clone::clone)))
            .collect();
        cases::fill(&mut case, &rates);
        case.measured("pty_ceiling", &ceiling);
        case.detail("bytes_per_rep", params.tput_bytes);
        case.detail("reps", params.reps);
        all.push(case);
        let mut cpu = Case::new("term_cpu_per_gb", "CPU-s/GB", false);
        let cpus: Vec<_> = results
            .iter()
            .map(|(f, r)| (*f, r.as_ref().map(|v| v.1.clone()).map_err(Clone::clone)))
            .collect();
        cases::fill(&mut cpu, &cpus);
        cpu.detail(
            "note",
            "server process CPU per GB of output, one sample per throughput repetition",
        );
        all.push(cpu);
    }

    if wanted(&options, "exit_integrity") {
        eprintln!("bench: exit_integrity …");
        let results = cases::alternate(&terminals, params.rounds, async |peer, round| {
            cases::exit_integrity(peer, &params, round).await
        })
        .await;
        let mut case = Case::new("exit_integrity", "% runs byte-exact", true);
        cases::fill(&mut case, &cases::column(&results, |percent| *percent));
        case.detail("runs_per_round", params.exit_runs.div_ceil(params.rounds));
        case.detail("bytes_before_exit", params.exit_bytes);
        all.push(case);
    }

    for (name, under_flood) in [("echo_rtt", false), ("echo_under_flood", true)] {
        if !wanted(&options, name) {
            continue;
        }
        eprintln!("bench: {name} …");
        let results = cases::alternate(&terminals, params.rounds, async |peer, round| {
            if under_flood {
                cases::echo_under_flood(peer, &params, round).await
            } else {
                cases::echo_rtt(peer, &params, round).await
            }
        })
        .await;
        let per_round = if under_flood {
            params.echo_samples / 2
        } else {
            params.echo_samples
        };
        for (suffix, pick) in [("p50", 0), ("p99", 1)] {
            let mut case = Case::new(&format!("{name}_{suffix}"), "µs", false);
            let column = cases::column(&results, |&(p50, p99)| if pick == 0 { p50 } else { p99 });
            cases::fill(&mut case, &column);
            case.detail("keystrokes_per_round", per_round);
            all.push(case);
        }
    }

    if wanted(&options, "ctrlc_under_flood") {
        eprintln!("bench: ctrlc_under_flood …");
        let results = cases::alternate(&terminals, params.rounds, async |peer, round| {
            cases::ctrlc_under_flood(peer, &params, round).await
        })
        .await;
        let mut case = Case::new("ctrlc_under_flood", "ms", false);
        cases::fill(&mut case, &cases::column(&results, |&(ms, _)| ms));
        for (flavor, bytes) in cases::column(&results, |&(_, bytes)| bytes) {
            if let Some(bytes) = bytes.ok().as_deref().and_then(harness::median) {
                case.detail(&format!("{}_bytes_drawn_after_ctrl_c", flavor.name()), bytes);
            }
        }
        all.push(case);
    }

    let lectern_only = |case: &mut Case, why: &str| {
        case.peer("ttyd", Figure::Skipped(why.to_string()));
        case.peer("wetty", Figure::Skipped(why.to_string()));
    };
    let lectern_peer = terminals
        .iter()
        .find(|(f, _)| *f == Flavor::Lectern)
        .and_then(|(_, p)| p.as_ref().ok());

    if wanted(&options, "fanout") {
        eprintln!("bench: fanout …");
        let mut case = Case::new("fanout", "MB/s", true);
        match lectern_peer {
            Some(peer) => match cases::fanout(peer, &params).await {
                Ok((stalled, solo)) => {
                    case.measured("lectern", &Ok(stalled));
                    case.measured("lectern_solo", &Ok(solo));
                }
                Err(error) => case.lectern = Figure::Skipped(format!("{error:#}")),
            },
            None => case.lectern = Figure::Skipped("lectern did not start".into()),
        }
        case.detail(
            "note",
            "one viewer's throughput while a second viewer of the same terminal never reads",
        );
        lectern_only(
            &mut case,
            "no shared terminals: every connection runs its own process",
        );
        all.push(case);
    }

    if wanted(&options, "reconnect_replay") {
        eprintln!("bench: reconnect_replay …");
        let mut case = Case::new("reconnect_replay", "ms per MiB", false);
        let samples = match lectern_peer {
            Some(peer) => cases::reconnect_replay(peer, &params)
                .await
                .map_err(|e| format!("{e:#}")),
            None => Err("lectern did not start".into()),
        };
        case.measured("lectern", &samples);
        lectern_only(&mut case, "no replay: a reconnect starts a new process");
        all.push(case);
    }

    if wanted(&options, "proxy") {
        eprintln!("bench: proxy_http_1k, proxy_http_64k, proxy_ws …");
        all.extend(cases::proxy(&params, &workshop, &shell, &work).await);
    }

    drop(terminals);

    if wanted(&options, "scale_terminals") {
        eprintln!("bench: scale_terminals …");
        all.extend(scale::scale_terminals(&params, &workshop, &menu, &work, &out_dir).await);
    }

    if wanted(&options, "scale_proxy") {
        eprintln!("bench: scale_proxy …");
        all.extend(scale::scale_proxy(&params, &workshop, &shell, &work, &out_dir).await);
    }

    if wanted(&options, "session_density") {
        eprintln!("bench: session_density (code-server) …");
        all.push(scale::session_density_case(&params, &workshop, &menu, &work).await);
    }

    if wanted(&options, "idle_rss") {
        eprintln!("bench: idle_rss …");
        let start = |flavor: Flavor| -> Result<Peer, String> {
            let server = match flavor {
                Flavor::Lectern => peers::start_lectern(&workshop, &shell, &work, &[]),
                Flavor::Ttyd => peers::start_ttyd(&menu),
                Flavor::Wetty => peers::start_wetty(&menu),
            };
            server
                .map(|server| Peer { flavor, server })
                .map_err(|e| format!("{e:#}"))
        };
        // A fresh server per round: the memory of a server that ran other cases says little.
        let flavors = [Flavor::Lectern, Flavor::Ttyd, Flavor::Wetty];
        let mut results: Vec<cases::PerRound<(f64, f64)>> =
            flavors.iter().map(|f| (*f, Ok(Vec::new()))).collect();
        for round in 0..params.rounds {
            for turn in 0..flavors.len() {
                let index = (round + turn) % flavors.len();
                let (flavor, slot) = &mut results[index];
                let Ok(samples) = slot.as_mut() else { continue };
                let measured = match start(*flavor) {
                    Ok(peer) => cases::idle_rss(&peer, &params)
                        .await
                        .map_err(|e| format!("{e:#}")),
                    Err(reason) => Err(reason),
                };
                match measured {
                    Ok(value) => samples.push(value),
                    Err(reason) => *slot = Err(reason),
                }
            }
        }
        let mut case = Case::new("idle_rss", "MB", false);
        cases::fill(&mut case, &cases::column(&results, |&(base, _)| base));
        all.push(case);
        let mut case = Case::new("idle_rss_per_terminal", "MB", false);
        cases::fill(&mut case, &cases::column(&results, |&(_, per)| per));
        case.detail("terminals", params.idle_terminals);
        case.detail(
            "note",
            "server process only; each terminal's own program is not counted",
        );
        all.push(case);
    }

    if wanted(&options, "cold_start") {
        eprintln!("bench: cold_start …");
        let mut case = Case::new("cold_start", "ms", false);
        let upstream = std::net::SocketAddr::from(([127, 0, 0, 1], 9));
        let mut samples: [(&str, harness::Samples); 3] = [
            ("lectern", Ok(Vec::new())),
            ("nginx", Ok(Vec::new())),
            ("wetty", Ok(Vec::new())),
        ];
        // The servers alternate run by run; wetty (node) takes ~1 s a start, so it gets 3 runs.
        for run in 0..params.cold_starts.max(params.rounds) {
            for (name, slot) in samples.iter_mut() {
                let Ok(values) = slot.as_mut() else { continue };
                if *name == "wetty" && run >= params.rounds {
                    continue;
                }
                let measured = cases::cold_start(|| {
                    let started = Instant::now();
                    let _server = match *name {
                        "lectern" => peers::start_lectern(&workshop, &shell, &work, &[])?,
                        "nginx" => peers::start_nginx(upstream, upstream)?,
                        _ => peers::start_wetty(&menu)?,
                    };
                    Ok(started.elapsed())
                });
                match measured {
                    Ok(ms) => values.push(ms),
                    Err(error) => *slot = Err(format!("{error:#}")),
                }
            }
        }
        for (name, slot) in &samples {
            case.measured(name, slot);
        }
        case.detail(
            "note",
            "spawn to the first answered HTTP request (lectern: /healthz)",
        );
        all.push(case);
    }

    if wanted(&options, "render_corpus") {
        eprintln!("bench: render_corpus …");
        let mut case = Case::new("render_corpus", "ms", false);
        match cases::render_corpus(&corpus_dir(), params.rounds) {
            Ok((ms, workshops)) => {
                case.measured("lectern", &Ok(ms));
                case.detail("workshops", workshops);
            }
            Err(error) => case.lectern = Figure::Skipped(format!("{error:#}")),
        }
        case.detail(
            "note",
            "`lectern check` of every corpus workshop, one process each",
        );
        all.push(case);
    }

    if wanted(&options, "browser_flood") {
        eprintln!("bench: browser_flood (Chromium) …");
        // 3 rounds of the 50 MB flood; --quick: 1 round of 10 MB.
        let (rounds, bytes) = if options.quick {
            (1, 10_000_000)
        } else {
            (3, 50_000_000)
        };
        all.push(browser::browser_flood(rounds, bytes));
    }

    let date = chrono_like_now();
    let machine = peers::machine();
    let mode = if options.quick { "quick" } else { "full" };
    let json = harness::results_json(&date, &machine, mode, &all);
    std::fs::create_dir_all(&out_dir)?;
    std::fs::write(out_dir.join("results.json"), serde_json::to_string_pretty(&json)?)?;
    let table = format!(
        "Date: {date} · machine: {machine} · mode: {mode} · {:.0} s\n\n{}",
        began.elapsed().as_secs_f64(),
        harness::table(&all)
    );
    std::fs::write(out_dir.join("results.md"), &table)?;
    println!("{table}");
    eprintln!("bench: wrote {}", out_dir.join("results.json").display());
    Ok(())
}

/// UTC date and time without a date crate: `date -u` output.
fn chrono_like_now() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .context("date")
        .unwrap_or_else(|_| "unknown".to_string())
}
