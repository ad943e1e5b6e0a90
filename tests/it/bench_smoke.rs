//! Smoke run of the benchmark harness (benches/suite/*): statistics, the results.json shape, and
//! every measurement function on tiny inputs against real servers. Correctness only: no figure is
//! compared with a threshold.

#![allow(dead_code)]

#[path = "../../benches/suite/cases.rs"]
mod cases;
#[path = "../../benches/suite/harness.rs"]
mod harness;
#[path = "../../benches/suite/load.rs"]
mod load;
#[path = "../../benches/suite/peers.rs"]
mod peers;
#[path = "../../benches/suite/plot.rs"]
mod plot;
#[path = "../../benches/suite/scale.rs"]
mod scale;
#[path = "../../benches/suite/term.rs"]
mod term;

use std::time::Duration;

use cases::{Params, Peer};
use harness::{Case, Figure};
use term::Flavor;

const TINY: Params = Params {
    rounds: 1,
    tput_bytes: 256 * 1024,
    reps: 1,
    exit_runs: 2,
    exit_bytes: 64 * 1024,
    echo_samples: 10,
    load_seconds: 0.2,
    cold_starts: 1,
    idle_terminals: 2,
    scale_seconds: 1.0,
};

#[test]
fn statistics_are_nearest_rank() {
    let samples = [5.0, 1.0, 4.0, 2.0, 3.0];
    assert_eq!(harness::median(&samples), Some(3.0));
    assert_eq!(harness::percentile(&samples, 99.0), Some(5.0));
    assert_eq!(harness::percentile(&samples, 0.0), Some(1.0));
    assert_eq!(harness::percentile(&[], 50.0), None);
    assert_eq!(harness::round(123.456_78), 123.5);
    assert_eq!(harness::round(0.000_123_456), 0.000_123_5);
}

#[test]
fn results_json_keeps_the_contract() {
    let mut case = Case::new("term_tput", "MB/s", true);
    case.lectern = Figure::Value(80.0);
    case.peer("ttyd", Figure::Skipped("set TTYD".into()));
    case.peer("wetty", Figure::Value(40.0));
    case.detail("reps", 3);
    let mut skipped = Case::new("proxy_ws", "msg/s", true);
    skipped.lectern = Figure::Skipped("not yet".into());
    let json = harness::results_json(
        "2026-01-01T00:00:00Z",
        "test machine",
        "quick",
        &[case.clone(), skipped],
    );
    assert_eq!(json["date"], "2026-01-01T00:00:00Z");
    assert_eq!(json["machine"], "test machine");
    let first = &json["cases"][0];
    assert_eq!(first["name"], "term_tput");
    assert_eq!(first["unit"], "MB/s");
    assert_eq!(first["higher_is_better"], true);
    assert_eq!(first["lectern"], 80.0);
    assert_eq!(first["peers"]["ttyd"], serde_json::Value::Null);
    assert_eq!(first["peers"]["wetty"], 40.0);
    assert_eq!(first["skipped"]["ttyd"], "set TTYD");
    assert_eq!(first["ratios"]["wetty"], 2.0);
    assert_eq!(first["ratios"]["ttyd"], serde_json::Value::Null);
    assert_eq!(json["cases"][1]["lectern"], serde_json::Value::Null);
    assert_eq!(json["cases"][1]["skipped"]["lectern"], "not yet");
    let table = harness::table(&[case]);
    assert!(
        table.contains("| term_tput | MB/s | higher | 80 | ttyd –; wetty 40 (×2.00) |"),
        "{table}"
    );
    assert!(table.contains("- term_tput ttyd: set TTYD"), "{table}");
}

/// Issue 18: every figure is a median over rounds; results.json adds each server's spread and the table
/// shows `median [min–max]`.
#[test]
fn medians_carry_their_spread() {
    let mut case = Case::new("echo_rtt_p50", "µs", false);
    case.measured("lectern", &Ok(vec![60.0, 50.0, 90.0]));
    case.measured("ttyd", &Ok(vec![100.0, 80.0, 120.0]));
    case.measured("wetty", &Err("did not start".into()));
    assert_eq!(case.lectern, Figure::Value(60.0));
    let json = case.to_json();
    assert_eq!(json["lectern"], 60.0);
    assert_eq!(json["peers"]["ttyd"], 100.0);
    assert_eq!(json["ratios"]["ttyd"], 0.6);
    assert_eq!(
        json["spread"]["lectern"],
        serde_json::json!({"min": 50.0, "max": 90.0, "rounds": 3})
    );
    assert_eq!(json["spread"]["ttyd"]["max"], 120.0);
    assert_eq!(json["peers"]["wetty"], serde_json::Value::Null);
    assert_eq!(json["skipped"]["wetty"], "did not start");
    let table = harness::table(&[case]);
    assert!(
        table.contains("| echo_rtt_p50 | µs | lower | 60 [50–90] | ttyd 100 [80–120] (×0.60); wetty – |"),
        "{table}"
    );
    let rounds = vec![(Flavor::Lectern, Ok(vec![(1.0, 2.0), (3.0, 4.0)]))];
    let p99 = cases::column(&rounds, |&(_, p99)| p99);
    assert_eq!(p99[0].1, Ok(vec![2.0, 4.0]));
}

/// Issue 23: `browser_flood` is one case (the prompt's time) whose Ctrl-C and typing figures ride along as
/// its parts, each with its own unit, peers and spread, in results.json and as rows of the table.
#[test]
fn a_case_carries_its_parts() {
    let mut flood = Case::new("browser_flood", "s", false);
    flood.measured("lectern", &Ok(vec![1.5, 1.2, 1.9]));
    flood.measured("ttyd", &Ok(vec![30.0]));
    let mut ctrlc = Case::new("browser_flood.ctrlc", "ms", false);
    ctrlc.measured("lectern", &Ok(vec![200.0, 100.0, 300.0]));
    ctrlc.measured("ttyd", &Err("closed the connection".into()));
    flood.parts = vec![ctrlc];
    let json = harness::results_json("d", "m", "full", &[flood.clone()]);
    let case = &json["cases"][0];
    assert_eq!(case["name"], "browser_flood");
    assert_eq!(case["lectern"], 1.5);
    assert_eq!(case["ratios"]["ttyd"], 0.05);
    assert_eq!(case["parts"][0]["name"], "browser_flood.ctrlc");
    assert_eq!(case["parts"][0]["lectern"], 200.0);
    assert_eq!(case["parts"][0]["spread"]["lectern"]["min"], 100.0);
    assert_eq!(json["cases"].as_array().map(Vec::len), Some(1));
    let table = harness::table(&[flood]);
    assert!(
        table.contains("| browser_flood | s | lower | 1.5 [1.2–1.9] | ttyd 30 (×0.05) |\n| browser_flood.ctrlc | ms | lower | 200 [100–300] | ttyd – |"),
        "{table}"
    );
    assert!(
        table.contains("- browser_flood.ctrlc ttyd: closed the connection"),
        "{table}"
    );
}

#[test]
fn scan_finds_needles_across_chunks() {
    let mut window = Vec::new();
    assert!(!harness::scan_for(&mut window, b"xxCTRL", b"CTRLC-DONE"));
    assert!(harness::scan_for(&mut window, b"C-DONEyy", b"CTRLC-DONE"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminal_cases_run_against_lectern() {
    let dir = tempfile::tempdir().expect("tempdir");
    let menu = cases::write_programs(dir.path(), &TINY).expect("programs");
    let workshop = crate::support::fixture("minimal");
    let shell = format!("sh {}", menu.display());
    let server = peers::start_lectern(&workshop, &shell, dir.path(), &[]).expect("start lectern");
    let peer = Peer {
        flavor: Flavor::Lectern,
        server,
    };

    let ceiling = cases::pty_ceiling(dir.path(), &TINY).await.expect("pty ceiling");
    assert!(ceiling > 0.0);
    let (rate, cpu) = cases::term_tput(&peer, &TINY).await.expect("term_tput");
    assert!(rate > 0.0 && cpu >= 0.0);
    assert_eq!(cases::exit_integrity(&peer, &TINY, 0).await.expect("exit"), 100.0);
    let (p50, p99) = cases::echo_rtt(&peer, &TINY, 0).await.expect("echo");
    assert!(p50 > 0.0 && p99 >= p50);
    let (p50, p99) = cases::echo_under_flood(&peer, &TINY, 0)
        .await
        .expect("echo under flood");
    assert!(p50 > 0.0 && p99 >= p50);
    let (ms, drained) = cases::ctrlc_under_flood(&peer, &TINY, 0).await.expect("ctrl-c");
    assert!(ms > 0.0 && drained > 0.0);
    let (stalled, solo) = cases::fanout(&peer, &TINY).await.expect("fanout");
    assert!(stalled.iter().chain(&solo).all(|rate| *rate > 0.0) && !stalled.is_empty());
    assert!(
        !cases::reconnect_replay(&peer, &TINY)
            .await
            .expect("replay")
            .is_empty()
    );
    let (base, per) = cases::idle_rss(&peer, &TINY).await.expect("idle rss");
    assert!(base > 0.0 && per.is_finite());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_clients_count_requests_and_echoes() {
    let http = load::start_http_upstream().await.expect("upstream");
    let ws = load::start_ws_upstream().await.expect("ws upstream");
    let probe = load::get_once(http, "/1k").await.expect("get");
    assert_eq!((probe.status, probe.len, probe.from_upstream), (200, 1024, true));
    let duration = Duration::from_millis(200);
    assert!(
        load::http_load(http, "/64k", None, 64 * 1024, 2, duration)
            .await
            .expect("load")
            .rate
            > 0.0
    );
    let url = format!("ws://{ws}/ws");
    assert!(load::ws_load(&url, None, 4, duration).await.expect("ws load") > 0.0);
}

/// The proxy cases end to end: lectern (basic auth, cookie) and nginx in front of the bench upstreams.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_cases_measure_lectern_and_nginx() {
    let dir = tempfile::tempdir().expect("tempdir");
    let workshop = crate::support::fixture("minimal");
    let cases = cases::proxy(&TINY, &workshop, "sh", dir.path()).await;
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["proxy_http_1k", "proxy_http_64k", "proxy_ws"]);
    for case in &cases {
        assert!(
            matches!(case.lectern, Figure::Value(v) if v > 0.0),
            "{}: lectern {:?}",
            case.name,
            case.lectern
        );
        for peer in ["nginx", "direct"] {
            let figure = case.peers.iter().find(|(name, _)| name == peer).map(|(_, f)| f);
            assert!(
                matches!(figure, Some(Figure::Value(v)) if *v > 0.0),
                "{}: {peer} {figure:?}",
                case.name
            );
        }
    }
}

#[test]
fn corpus_render_runs_lectern_check() {
    // A corpus of workshops only: `check` refuses a folder that is not one (issue 16).
    let corpus = tempfile::tempdir().expect("tempdir");
    for name in ["minimal", "broken"] {
        std::os::unix::fs::symlink(crate::support::fixture(name), corpus.path().join(name)).expect("link");
    }
    let (ms, count) = cases::render_corpus(corpus.path(), 1).expect("render");
    assert!(ms.len() == 1 && ms[0] > 0.0 && count == 2);
}

/// Issue 18's cost curves on tiny inputs: a scale step against lectern, a proxied load step with its
/// percentiles, and an SVG plot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_curves_measure_and_plot() {
    let dir = tempfile::tempdir().expect("tempdir");
    let menu = cases::write_programs(dir.path(), &TINY).expect("programs");
    let workshop = crate::support::fixture("minimal");
    let shell = format!("sh {}", menu.display());
    let server = peers::start_lectern(&workshop, &shell, dir.path(), &[]).expect("start lectern");
    let peer = Peer {
        flavor: Flavor::Lectern,
        server,
    };
    let step = scale::terminals_step(&peer, 3, Duration::from_secs(1))
        .await
        .expect("scale step");
    assert!(step.rss_mb > 0.0 && step.p50_us > 0.0 && step.p99_us >= step.p50_us);

    let http = load::start_http_upstream().await.expect("upstream");
    let step = scale::proxy_step(http, "/1k", None, 4, Duration::from_millis(200))
        .await
        .expect("proxy step");
    assert!(step.rate > 0.0 && step.p99_us > 0.0);

    let svg = dir.path().join("curve.svg");
    let panel = plot::Panel {
        title: "server RSS, MB".into(),
        series: vec![plot::Series {
            name: "lectern".into(),
            points: vec![(1.0, 11.0), (10.0, 12.0), (200.0, 30.0)],
        }],
    };
    plot::write_svg(&svg, "scale", "terminals", &[panel]).expect("plot");
    let text = std::fs::read_to_string(&svg).expect("svg");
    assert!(text.starts_with("<svg") && text.contains("lectern") && text.contains("server RSS, MB"));
}
