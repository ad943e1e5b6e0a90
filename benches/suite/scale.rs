//! Cost curves (issue 18): how lectern's cost grows with the work. `scale_terminals` (1 → 200 terminals
//! each echoing a keystroke once a second: server RSS, CPU, echo p50/p99 per step), `scale_proxy` (16 →
//! 1,000 concurrent keep-alive proxied connections: req/s and p99, lectern beside nginx and the upstream
//! itself) and `session_density` (a learner's whole session: lectern, 3 terminals and code-server behind
//! `/editor/`, one browser-like client each: lectern's RSS). Each step alternates servers over rounds
//! (a fresh server per step and round) and keeps the per-round figures for medians and spreads.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::cases::{Params, Peer, ProxySetup};
use super::harness::{Case, Figure, percentile};
use super::peers;
use super::plot::{Panel, Series, write_svg};
use super::term::{Event, Flavor, Term};

/// Terminal counts of `scale_terminals`.
pub const TERMINAL_STEPS: [usize; 4] = [1, 10, 50, 200];
/// Concurrent connections of `scale_proxy`.
pub const PROXY_STEPS: [usize; 3] = [16, 256, 1000];

/// One server's curve: per step (its size, that step's per-round figures), or why it stopped.
pub type Curve<T> = Result<Vec<(usize, Vec<T>)>, String>;

/// One server at one step of `scale_terminals`.
#[derive(Debug, Clone, Copy)]
pub struct TerminalStep {
    /// Server RSS with every terminal open, MB.
    pub rss_mb: f64,
    /// Server CPU over the window, percent of one core.
    pub cpu_percent: f64,
    /// Echo round trip p50 over every terminal's keystrokes, µs.
    pub p50_us: f64,
    /// Echo round trip p99, µs.
    pub p99_us: f64,
}

/// Opens `count` echoing terminals on `peer`, lets each type one key a second (spread evenly over the
/// second) for `window`, and measures the server meanwhile.
pub async fn terminals_step(peer: &Peer, count: usize, window: Duration) -> Result<TerminalStep> {
    let mut terms = Vec::with_capacity(count);
    for i in 0..count {
        let term = peer
            .open(&format!("scale-{i}"), "echo")
            .await
            .with_context(|| format!("terminal {} of {count}", i + 1))?;
        terms.push(term);
    }
    // Settle after the opening burst.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let cpu_before = peer.cpu();
    let started = tokio::time::Instant::now();
    let deadline = started + window;
    let mut tasks = Vec::with_capacity(count);
    for (i, mut term) in terms.into_iter().enumerate() {
        let offset = Duration::from_secs_f64(i as f64 / count as f64);
        tasks.push(tokio::spawn(async move {
            let mut rtts = Vec::new();
            let mut tick = started + offset;
            let mut key = b'a' + (i % 26) as u8;
            while tick < deadline {
                tokio::time::sleep_until(tick).await;
                let sent = Instant::now();
                term.send(&[key]).await?;
                loop {
                    match term.recv().await? {
                        Event::Output(data) if data.contains(&key) => break,
                        Event::Output(_) | Event::Other => {}
                        Event::Exit | Event::Closed => bail!("echo terminal ended"),
                    }
                }
                rtts.push(sent.elapsed().as_secs_f64() * 1e6);
                key = if key == b'z' { b'a' } else { key + 1 };
                tick += Duration::from_secs(1);
            }
            anyhow::Ok((rtts, term))
        }));
    }
    let mut rtts = Vec::new();
    let mut open = Vec::new();
    for task in tasks {
        let (mut samples, term) = task.await.context("echo task")??;
        rtts.append(&mut samples);
        open.push(term);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = peer.cpu() - cpu_before;
    let rss_mb = peers::rss_bytes(peer.server.pid())? as f64 / 1e6;
    for term in open {
        term.close().await;
    }
    Ok(TerminalStep {
        rss_mb,
        cpu_percent: 100.0 * cpu / elapsed,
        p50_us: percentile(&rtts, 50.0).context("no keystrokes")?,
        p99_us: percentile(&rtts, 99.0).context("no keystrokes")?,
    })
}

/// One target at one step of `scale_proxy`.
#[derive(Debug, Clone, Copy)]
pub struct ProxyStep {
    /// Requests per second.
    pub rate: f64,
    /// Request latency p99, µs.
    pub p99_us: f64,
}

/// `connections` keep-alive clients fetching 1 KiB through `addr` for `duration`.
pub async fn proxy_step(
    addr: SocketAddr,
    path: &str,
    cookie: Option<&str>,
    connections: usize,
    duration: Duration,
) -> Result<ProxyStep> {
    let load = super::load::http_load(addr, path, cookie, 1024, connections, duration).await?;
    Ok(ProxyStep {
        rate: load.rate,
        p99_us: load.p99_us,
    })
}

/// The code-server launcher: `LECTERN_CODE_SERVER`, else the one the tests install into target/test-deps.
pub fn code_server_bin() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("LECTERN_CODE_SERVER") {
        return Ok(PathBuf::from(path));
    }
    let path = peers::target_dir().join("test-deps/code-server/node_modules/.bin/code-server");
    if path.exists() {
        return Ok(path);
    }
    bail!("code-server is not installed: run tests/support/install-code-server.sh or set LECTERN_CODE_SERVER")
}

/// A running code-server; its whole process group is killed on drop (the launcher forks the server).
pub struct CodeServer {
    /// Where it listens.
    pub addr: SocketAddr,
    child: std::process::Child,
}

impl Drop for CodeServer {
    fn drop(&mut self) {
        // The process group of the launcher (started as its own group leader).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts code-server on a free port serving `folder`, its data under `dir`; waits until it answers.
pub fn start_code_server(dir: &Path) -> Result<CodeServer> {
    use std::os::unix::process::CommandExt;
    let bin = code_server_bin()?;
    let port = peers::free_port()?;
    let folder = dir.join("exercises");
    std::fs::create_dir_all(&folder)?;
    std::fs::write(folder.join("hello.txt"), "hello from the bench\n")?;
    let child = Command::new(bin)
        .args(["--auth", "none", "--bind-addr", &format!("127.0.0.1:{port}")])
        .args([
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
        ])
        .arg("--user-data-dir")
        .arg(dir.join("data"))
        .arg("--extensions-dir")
        .arg(dir.join("extensions"))
        .arg(&folder)
        .env("HOME", dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .context("start code-server")?;
    let mut code_server = CodeServer {
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        child,
    };
    let started = Instant::now();
    loop {
        if peers::http_status(code_server.addr, "/healthz").is_ok_and(|status| status < 500) {
            return Ok(code_server);
        }
        if let Some(status) = code_server.child.try_wait()? {
            bail!("code-server exited with {status} before answering");
        }
        if started.elapsed() > Duration::from_secs(90) {
            bail!("code-server did not answer within 90 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// One GET with the login cookie; returns status, `Location` and body.
async fn get(addr: SocketAddr, path: &str, cookie: &str) -> Result<(u16, Option<String>, bytes::Bytes)> {
    let stream = TcpStream::connect(addr).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let request = hyper::Request::get(path)
        .header("host", addr.to_string())
        .header("cookie", cookie)
        .header("accept", "text/html,*/*")
        .body(Empty::<bytes::Bytes>::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, location, body))
}

/// A path under `/editor/` for a reference found in code-server's page.
fn under_editor(reference: &str) -> String {
    match reference.strip_prefix("./") {
        Some(rest) => format!("/editor/{rest}"),
        None if reference.starts_with('/') => format!("/editor{reference}"),
        None => format!("/editor/{reference}"),
    }
}

/// What a browser does when it opens the editor tab: the workbench page (following code-server's
/// redirects), every script and style sheet it names, and the remote-protocol websocket with its `auth`
/// handshake. Returns the open websocket (kept open like a browser tab) and the bytes loaded.
pub async fn open_editor(
    addr: SocketAddr,
    cookie: &str,
) -> Result<(
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>,
    usize,
)> {
    let mut path = "/editor/".to_string();
    let mut page = None;
    for _ in 0..5 {
        let (status, location, body) = get(addr, &path, cookie).await?;
        if (300..400).contains(&status) {
            path = under_editor(&location.context("redirect without location")?);
            continue;
        }
        if status != 200 {
            bail!("{path}: status {status}");
        }
        page = Some(String::from_utf8_lossy(&body).into_owned());
        break;
    }
    let page = page.context("code-server kept redirecting")?;
    let mut loaded = page.len();
    let assets: Vec<&str> = page
        .split('"')
        .filter(|s| (s.ends_with(".js") || s.ends_with(".css")) && !s.contains("://") && !s.contains(' '))
        .collect();
    for asset in &assets {
        let (status, _, body) = get(addr, &under_editor(asset), cookie).await?;
        if status == 200 {
            loaded += body.len();
        }
    }
    let url = format!(
        "ws://{addr}/editor/?reconnectionToken=lectern-bench-1&reconnection=false&skipWebSocketFrames=false"
    );
    let mut request = url.into_client_request()?;
    request.headers_mut().insert("cookie", cookie.parse()?);
    request
        .headers_mut()
        .insert("origin", format!("http://{addr}").parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .context("code-server websocket")?;
    let auth = r#"{"type":"auth","auth":"00000000000000000000","data":""}"#;
    let mut frame = vec![2u8];
    frame.extend_from_slice(&0u32.to_be_bytes());
    frame.extend_from_slice(&0u32.to_be_bytes());
    frame.extend_from_slice(&(auth.len() as u32).to_be_bytes());
    frame.extend_from_slice(auth.as_bytes());
    socket.send(Message::binary(frame)).await?;
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Binary(data))) => {
                    loaded += data.len();
                    return Ok(());
                }
                Some(Ok(_)) => continue,
                other => bail!("code-server websocket ended: {other:?}"),
            }
        }
    })
    .await
    .context("code-server did not answer the websocket handshake within 30 s")??;
    Ok((socket, loaded))
}

/// lectern's RSS (MB) in a whole session: 3 terminals with a client each that types and reads some
/// output, the dashboard page, and code-server behind `/editor/` opened as a browser does.
pub async fn session_density(lectern: &Peer, cookie: &str) -> Result<f64> {
    let (status, _, _) = get(lectern.server.addr, "/", cookie).await?;
    if status >= 400 {
        bail!("dashboard page: status {status}");
    }
    let mut terms: Vec<Term> = Vec::new();
    for i in 0..3 {
        let mut term = lectern.open(&format!("density-{i}"), "echo").await?;
        for key in b"ls -la /usr/bin\r" {
            term.send(&[*key]).await?;
        }
        terms.push(term);
    }
    let (editor, _loaded) = open_editor(lectern.server.addr, cookie).await?;
    // Let the echoes drain and the allocator settle.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss = peers::rss_bytes(lectern.server.pid())? as f64 / 1e6;
    drop(editor);
    for term in terms {
        term.close().await;
    }
    Ok(rss)
}

/// The median of each step's per-round figure, for the details and the plots.
fn medians<T>(steps: &[(usize, Vec<T>)], pick: impl Fn(&T) -> f64) -> Vec<(f64, f64)> {
    steps
        .iter()
        .filter_map(|(x, rounds)| {
            let values: Vec<f64> = rounds.iter().map(&pick).collect();
            super::harness::median(&values).map(|y| (*x as f64, y))
        })
        .collect()
}

/// Starts a fresh terminal server of `flavor` running `menu`.
fn start_terminal_server(flavor: Flavor, workshop: &Path, menu: &Path, work: &Path) -> Result<Peer> {
    let shell = format!("sh {}", menu.display());
    let server = match flavor {
        Flavor::Lectern => peers::start_lectern(workshop, &shell, work, &[])?,
        Flavor::Ttyd => peers::start_ttyd(menu)?,
        Flavor::Wetty => peers::start_wetty(menu)?,
    };
    Ok(Peer { flavor, server })
}

/// `scale_terminals` and `scale_terminals_p99`, lectern beside ttyd (when `TTYD=` is set); writes
/// `scale_terminals.svg` into `out_dir`.
pub async fn scale_terminals(
    params: &Params,
    workshop: &Path,
    menu: &Path,
    work: &Path,
    out_dir: &Path,
) -> Vec<Case> {
    let window = Duration::from_secs_f64(params.scale_seconds);
    let servers = [Flavor::Lectern, Flavor::Ttyd];
    // Per server: the steps measured so far (terminals, per-round figures), or why it stopped.
    let mut results: Vec<Curve<TerminalStep>> = servers.iter().map(|_| Ok(Vec::new())).collect();
    for count in TERMINAL_STEPS {
        for slot in results.iter_mut().flatten() {
            slot.push((count, Vec::new()));
        }
        for round in 0..params.rounds.max(1) {
            for turn in 0..servers.len() {
                let index = (round + turn) % servers.len();
                let Ok(steps) = results[index].as_mut() else {
                    continue;
                };
                let measured = async {
                    // A fresh server per step and round: its RSS is this step's alone.
                    let peer = start_terminal_server(servers[index], workshop, menu, work)?;
                    let limit =
                        Duration::from_secs(60) + window * 2 + Duration::from_millis(100 * count as u64);
                    tokio::time::timeout(limit, terminals_step(&peer, count, window))
                        .await
                        .map_err(|_| anyhow::anyhow!("{count} terminals: timed out after {limit:?}"))?
                };
                match measured.await {
                    Ok(step) => {
                        if let Some((_, rounds)) = steps.last_mut() {
                            rounds.push(step);
                        }
                    }
                    Err(error) => results[index] = Err(format!("{error:#}")),
                }
            }
        }
    }
    let (first, last) = (TERMINAL_STEPS[0], TERMINAL_STEPS[TERMINAL_STEPS.len() - 1]);
    let mut growth = Case::new("scale_terminals", "MB per terminal", false);
    let mut p99 = Case::new("scale_terminals_p99", "µs", false);
    let mut panels = vec![
        Panel {
            title: "server RSS, MB".into(),
            series: Vec::new(),
        },
        Panel {
            title: "server CPU, % of a core".into(),
            series: Vec::new(),
        },
        Panel {
            title: "echo p50, ms".into(),
            series: Vec::new(),
        },
        Panel {
            title: "echo p99, ms".into(),
            series: Vec::new(),
        },
    ];
    let mut details = serde_json::Map::new();
    for (flavor, result) in servers.iter().zip(&results) {
        let name = flavor.name();
        let steps = match result {
            Ok(steps) if steps.iter().all(|(_, rounds)| !rounds.is_empty()) => steps,
            Ok(_) => {
                growth.measured(name, &Err("no samples".into()));
                p99.measured(name, &Err("no samples".into()));
                continue;
            }
            Err(reason) => {
                growth.measured(name, &Err(reason.clone()));
                p99.measured(name, &Err(reason.clone()));
                continue;
            }
        };
        let at = |count: usize| {
            steps
                .iter()
                .find(|(c, _)| *c == count)
                .map(|(_, r)| r.as_slice())
                .unwrap_or(&[])
        };
        let per_terminal: Vec<f64> = at(first)
            .iter()
            .zip(at(last))
            .map(|(one, many)| (many.rss_mb - one.rss_mb) / (last - first) as f64)
            .collect();
        growth.measured(name, &Ok(per_terminal));
        p99.measured(name, &Ok(at(last).iter().map(|s| s.p99_us).collect()));
        let figures: [fn(&TerminalStep) -> f64; 4] = [
            |s| s.rss_mb,
            |s| s.cpu_percent,
            |s| s.p50_us / 1e3,
            |s| s.p99_us / 1e3,
        ];
        for (panel, pick) in panels.iter_mut().zip(figures) {
            panel.series.push(Series {
                name: name.to_string(),
                points: medians(steps, pick),
            });
        }
        let rows: Vec<serde_json::Value> = steps
            .iter()
            .map(|(count, rounds)| {
                let median = |pick: fn(&TerminalStep) -> f64| {
                    super::harness::median(&rounds.iter().map(pick).collect::<Vec<_>>())
                        .map(super::harness::round)
                };
                serde_json::json!({
                    "terminals": count,
                    "rss_mb": median(|s| s.rss_mb),
                    "cpu_percent": median(|s| s.cpu_percent),
                    "echo_p50_us": median(|s| s.p50_us),
                    "echo_p99_us": median(|s| s.p99_us),
                })
            })
            .collect();
        details.insert(name.to_string(), serde_json::Value::Array(rows));
    }
    growth.detail("steps", serde_json::Value::Object(details));
    growth.detail(
        "note",
        format!(
            "(RSS at {last} − RSS at {first}) ÷ {}: each terminal types one key a second for {} s",
            last - first,
            params.scale_seconds
        ),
    );
    p99.detail(
        "note",
        format!("echo round trip p99 with {last} terminals each typing once a second"),
    );
    let svg = out_dir.join("scale_terminals.svg");
    match write_svg(
        &svg,
        "scale_terminals: N terminals, each echoing a key once a second",
        "terminals",
        &panels,
    ) {
        Ok(()) => growth.detail("plot", "scale_terminals.svg"),
        Err(error) => growth.detail("plot_error", format!("{error:#}")),
    }
    vec![growth, p99]
}

/// `scale_proxy` and `scale_proxy_p99`: 1 KiB keep-alive GETs at every step of [`PROXY_STEPS`] through
/// lectern, nginx and straight to the upstream, alternating; writes `scale_proxy.svg`.
pub async fn scale_proxy(
    params: &Params,
    workshop: &Path,
    shell: &str,
    work: &Path,
    out_dir: &Path,
) -> Vec<Case> {
    let mut rate = Case::new("scale_proxy", "req/s", true);
    let mut p99 = Case::new("scale_proxy_p99", "µs", false);
    let setup = match ProxySetup::start(workshop, shell, work).await {
        Ok(setup) => setup,
        Err(error) => {
            rate.lectern = Figure::Skipped(format!("{error:#}"));
            p99.lectern = Figure::Skipped(format!("{error:#}"));
            return vec![rate, p99];
        }
    };
    // Long enough that 1,000 connections reach a steady state (the first upstream connections are being
    // opened during the warm-up, a fifth of it): 2 s quick, 3 s full.
    let duration = Duration::from_secs_f64((params.load_seconds * 0.6).max(2.0));
    let cookie = setup.cookie.as_deref();
    let targets = [
        ("lectern", setup.lectern_addr.clone(), "/editor/1k".to_string()),
        ("nginx", setup.nginx_addr(), "/1k".to_string()),
        ("direct", Ok(setup.http), "/1k".to_string()),
    ];
    // Per target: (connections, per-round figures) per step, or why it stopped.
    let mut per_target: Vec<Curve<ProxyStep>> = targets.iter().map(|_| Ok(Vec::new())).collect();
    for connections in PROXY_STEPS {
        let figures = super::cases::interleaved(&targets, params.rounds, async |addr, path| {
            proxy_step(addr, path, cookie, connections, duration).await
        })
        .await;
        for (slot, (_, result)) in per_target.iter_mut().zip(figures) {
            match (slot.as_mut(), result) {
                (Ok(steps), Ok(rounds)) => steps.push((connections, rounds)),
                (Ok(_), Err(reason)) => *slot = Err(format!("{connections} connections: {reason}")),
                (Err(_), _) => {}
            }
        }
    }
    let last = PROXY_STEPS[PROXY_STEPS.len() - 1];
    let mut panels = vec![
        Panel {
            title: "requests per second".into(),
            series: Vec::new(),
        },
        Panel {
            title: "request p99, ms".into(),
            series: Vec::new(),
        },
    ];
    let mut details = serde_json::Map::new();
    for ((name, _, _), result) in targets.iter().zip(&per_target) {
        let steps = match result {
            Ok(steps) => steps,
            Err(reason) => {
                rate.measured(name, &Err(reason.clone()));
                p99.measured(name, &Err(reason.clone()));
                continue;
            }
        };
        let at_last: &[ProxyStep] = steps
            .iter()
            .find(|(c, _)| *c == last)
            .map_or(&[], |(_, r)| r.as_slice());
        rate.measured(name, &Ok(at_last.iter().map(|s| s.rate).collect()));
        p99.measured(name, &Ok(at_last.iter().map(|s| s.p99_us).collect()));
        panels[0].series.push(Series {
            name: name.to_string(),
            points: medians(steps, |s| s.rate),
        });
        panels[1].series.push(Series {
            name: name.to_string(),
            points: medians(steps, |s| s.p99_us / 1e3),
        });
        let rows: Vec<serde_json::Value> = steps
            .iter()
            .map(|(connections, rounds)| {
                let median = |pick: fn(&ProxyStep) -> f64| {
                    super::harness::median(&rounds.iter().map(pick).collect::<Vec<_>>()).map(super::harness::round)
                };
                serde_json::json!({"connections": connections, "req_s": median(|s| s.rate), "p99_us": median(|s| s.p99_us)})
            })
            .collect();
        details.insert(name.to_string(), serde_json::Value::Array(rows));
    }
    rate.detail("steps", serde_json::Value::Object(details));
    rate.detail(
        "note",
        format!(
            "at {last} concurrent keep-alive connections (1 KiB responses); the steps are {PROXY_STEPS:?}"
        ),
    );
    p99.detail("note", format!("request latency p99 at {last} connections"));
    let svg = out_dir.join("scale_proxy.svg");
    match write_svg(
        &svg,
        "scale_proxy: concurrent keep-alive connections, 1 KiB GETs",
        "connections",
        &panels,
    ) {
        Ok(()) => rate.detail("plot", "scale_proxy.svg"),
        Err(error) => rate.detail("plot_error", format!("{error:#}")),
    }
    drop(setup);
    vec![rate, p99]
}

/// `session_density`: lectern's RSS in a whole session (see [`session_density`]), a fresh lectern per
/// round in front of one code-server.
pub async fn session_density_case(params: &Params, workshop: &Path, menu: &Path, work: &Path) -> Case {
    let mut case = Case::new("session_density", "MB", false);
    case.detail(
        "note",
        "lectern's RSS with 3 terminals (a typing client each), the dashboard page and code-server behind /editor/ opened as a browser does (page, scripts, styles, remote-protocol websocket); code-server's own memory is not counted",
    );
    let dir = work.join("code-server");
    let code_server = match start_code_server(&dir) {
        Ok(server) => server,
        Err(error) => {
            case.lectern = Figure::Skipped(format!("{error:#}"));
            return case;
        }
    };
    let editor = format!("http://{}", code_server.addr);
    let shell = format!("sh {}", menu.display());
    let mut samples = Vec::new();
    for _ in 0..params.rounds.max(1) {
        let flags = [
            "--editor-upstream",
            editor.as_str(),
            "--proxy-response-timeout",
            "60",
        ];
        let measured = async {
            let server = peers::start_lectern(workshop, &shell, work, &flags)?;
            let peer = Peer {
                flavor: Flavor::Lectern,
                server,
            };
            tokio::time::timeout(Duration::from_secs(120), session_density(&peer, ""))
                .await
                .context("timed out after 120 s")?
        };
        match measured.await {
            Ok(rss) => samples.push(rss),
            Err(error) => {
                case.lectern = Figure::Skipped(format!("{error:#}"));
                return case;
            }
        }
    }
    case.measured("lectern", &Ok(samples));
    case
}
