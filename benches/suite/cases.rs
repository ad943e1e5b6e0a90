//! The benchmark cases. Every terminal server runs the same menu program (`menu.sh`): the client
//! types a mode name, the menu `exec`s that mode's script, which prints `R` when ready.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::harness::{Case, Figure, Samples, median, percentile};
use super::peers::{self, Server};
use super::term::{Event, Flavor, Term};

/// How much work each case does.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Rounds per case: every server is measured once per round, servers alternating, and the case
    /// reports each server's median over the rounds with their spread (at least 3).
    pub rounds: usize,
    /// Bytes per throughput repetition.
    pub tput_bytes: usize,
    /// Measured repetitions (after one warm-up) where a case takes one sample per repetition
    /// (throughput, proxy load: these are its rounds), and Ctrl-C presses spread over the rounds.
    pub reps: usize,
    /// Runs of the exit-integrity program, spread over the rounds.
    pub exit_runs: usize,
    /// Bytes the exit-integrity program writes before exiting.
    pub exit_bytes: usize,
    /// Echo round trips measured per round.
    pub echo_samples: usize,
    /// Seconds per proxy load measurement.
    pub load_seconds: f64,
    /// Cold starts measured.
    pub cold_starts: usize,
    /// Idle terminals opened for the per-terminal memory figure.
    pub idle_terminals: usize,
    /// Seconds each step of `scale_terminals` measures (every terminal types once a second).
    pub scale_seconds: f64,
}

impl Params {
    /// `--quick`: under two minutes.
    pub const QUICK: Params = Params {
        rounds: 3,
        tput_bytes: 16 << 20,
        reps: 3,
        exit_runs: 6,
        exit_bytes: 1 << 20,
        echo_samples: 100,
        load_seconds: 2.0,
        cold_starts: 3,
        idle_terminals: 10,
        scale_seconds: 2.0,
    };
    /// The full run: under fifteen minutes.
    pub const FULL: Params = Params {
        rounds: 3,
        tput_bytes: 64 << 20,
        reps: 5,
        exit_runs: 21,
        exit_bytes: 4 << 20,
        echo_samples: 700,
        load_seconds: 5.0,
        cold_starts: 10,
        idle_terminals: 20,
        scale_seconds: 5.0,
    };
}

/// Bytes of the replay used by `reconnect_replay` (fits the default 2 MiB ring).
pub const REPLAY_BYTES: usize = 1 << 20;

/// Writes the menu, the mode scripts and the data files into `dir`.
pub fn write_programs(dir: &Path, params: &Params) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let d = dir.display();
    let data = |name: &str, len: usize| -> Result<()> {
        // Printable lines, so every server (wetty sends text) carries them unchanged.
        let line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-lectern-bench\n";
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            out.extend_from_slice(line);
        }
        out.truncate(len);
        std::fs::write(dir.join(name), out)?;
        Ok(())
    };
    data("tput.data", params.tput_bytes)?;
    data("exit.data", params.exit_bytes)?;
    data("replay.data", REPLAY_BYTES)?;
    let scripts = [
        (
            "menu.sh",
            format!("stty -echo\nprintf M\nread -r mode\nstty echo\nexec sh \"{d}/$mode.sh\"\n"),
        ),
        (
            "tput.sh",
            format!("stty -echo -opost\nprintf R\nwhile read -r x; do cat \"{d}/tput.data\"; done\n"),
        ),
        (
            "exit.sh",
            format!("stty -echo -opost\nprintf R\nread -r x\ncat \"{d}/exit.data\"\nexit 0\n"),
        ),
        (
            "replay.sh",
            format!("stty -echo -opost\nprintf R\nwhile read -r x; do cat \"{d}/replay.data\"; done\n"),
        ),
        ("echo.sh", "stty raw echo\nprintf R\nexec cat >/dev/null\n".to_string()),
        (
            "flood.sh",
            "stty -echo -opost\nprintf R\nexec yes flooding-flooding-flooding\n".to_string(),
        ),
        (
            "ctrlc.sh",
            "stty -echo -opost\ntrap 'printf CTRLC-DONE' INT\nprintf R\nread -r x\nyes flooding-flooding\nexec sleep 1000000\n"
                .to_string(),
        ),
        ("idle.sh", "printf R\nexec sleep 1000000\n".to_string()),
    ];
    for (name, text) in scripts {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{text}"))?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(dir.join("menu.sh"))
}

/// A started terminal server of one flavor.
pub struct Peer {
    /// Which server.
    pub flavor: Flavor,
    /// The process.
    pub server: Server,
}

impl Peer {
    /// Connects a new terminal (`name` matters to lectern only) and selects `mode`; returns once
    /// the mode printed its ready mark.
    pub async fn open(&self, name: &str, mode: &str) -> Result<Term> {
        let term = Term::connect(self.flavor, self.server.addr, name).await?;
        Self::select(term, mode).await
    }

    /// `open` as a lossless viewer (`Term::connect_lossless`): for the cases that measure throughput and
    /// byte-exact delivery.
    pub async fn open_lossless(&self, name: &str, mode: &str) -> Result<Term> {
        let term = Term::connect_lossless(self.flavor, self.server.addr, name, None).await?;
        Self::select(term, mode).await
    }

    async fn select(mut term: Term, mode: &str) -> Result<Term> {
        term.read_until(b"M").await.context("menu prompt")?;
        term.send(format!("{mode}\r").as_bytes()).await?;
        term.read_until(b"R").await.context("ready mark")?;
        Ok(term)
    }

    /// Server-side CPU seconds so far.
    pub fn cpu(&self) -> f64 {
        peers::cpu_of(&[self.server.pid()])
    }
}

/// The throughput program read straight from a PTY by this process, no server: the ceiling.
pub struct RawPty {
    pty: pty_process::Pty,
    child: tokio::process::Child,
    buffer: Vec<u8>,
}

impl RawPty {
    /// Starts the throughput program on a fresh PTY and waits for its ready mark.
    pub async fn start(dir: &Path) -> Result<Self> {
        let (pty, pts) = pty_process::open()?;
        pty.resize(pty_process::Size::new(24, 80))?;
        let child = pty_process::Command::new("sh")
            .arg(dir.join("tput.sh"))
            .spawn(pts)?;
        let mut raw = Self {
            pty,
            child,
            buffer: vec![0u8; 64 * 1024],
        };
        let mut window = Vec::new();
        loop {
            let n = raw.pty.read(&mut raw.buffer).await?;
            if n == 0 {
                bail!("pty closed before ready");
            }
            if super::harness::scan_for(&mut window, &raw.buffer[..n], b"R") {
                return Ok(raw);
            }
        }
    }

    /// One repetition: MB/s for `bytes`.
    pub async fn rep(&mut self, bytes: usize) -> Result<f64> {
        let started = Instant::now();
        self.pty.write_all(b"go\r").await?;
        let mut seen = 0;
        while seen < bytes {
            let n = self.pty.read(&mut self.buffer).await?;
            if n == 0 {
                bail!("pty closed");
            }
            seen += n;
        }
        Ok(bytes as f64 / started.elapsed().as_secs_f64() / 1e6)
    }
}

impl Drop for RawPty {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// The PTY ceiling alone (median MB/s), for the smoke test; the suite interleaves it with the
/// servers in [`tput_interleaved`].
pub async fn pty_ceiling(dir: &Path, params: &Params) -> Result<f64> {
    let mut raw = RawPty::start(dir).await?;
    let mut rates = Vec::new();
    for rep in 0..=params.reps {
        let rate = raw.rep(params.tput_bytes).await?;
        if rep > 0 {
            rates.push(rate);
        }
    }
    median(&rates).context("no samples")
}

/// One repetition of a server's throughput: (MB/s, server CPU seconds).
async fn term_rep(peer: &Peer, term: &mut Term, bytes: usize) -> Result<(f64, f64)> {
    let cpu_before = peer.cpu();
    let started = Instant::now();
    term.send(b"go\r").await?;
    term.read_bytes(bytes).await?;
    Ok((
        bytes as f64 / started.elapsed().as_secs_f64() / 1e6,
        peer.cpu() - cpu_before,
    ))
}

/// Terminal throughput of one server in MB/s and its CPU-seconds per GB.
pub async fn term_tput(peer: &Peer, params: &Params) -> Result<(f64, f64)> {
    let mut term = peer.open_lossless("tput-1", "tput").await?;
    let mut rates = Vec::new();
    let mut cpu = 0.0;
    for rep in 0..=params.reps {
        let (rate, used) = term_rep(peer, &mut term, params.tput_bytes).await?;
        if rep > 0 {
            rates.push(rate);
            cpu += used;
        }
    }
    term.close().await;
    let gigabytes = (params.tput_bytes * params.reps) as f64 / 1e9;
    Ok((median(&rates).context("no samples")?, cpu / gigabytes))
}

/// One server in the interleaved throughput run: its client, rates so far, CPU-s/GB so far.
type Contender<'a> = (Flavor, Option<&'a Peer>, Result<Term, String>, Vec<f64>, Vec<f64>);

/// Throughput of the raw PTY and of every server, repetitions interleaved round-robin so that a
/// noisy neighbour affects all alike. Returns the ceiling's MB/s per repetition and, per server, its
/// MB/s and CPU-s/GB per repetition.
pub async fn tput_interleaved(
    dir: &Path,
    peers: &[(Flavor, Result<Peer, String>)],
    params: &Params,
) -> (Samples, Vec<(Flavor, Result<(Vec<f64>, Vec<f64>), String>)>) {
    let error = |e: anyhow::Error| format!("{e:#}");
    let mut raw = RawPty::start(dir).await.map_err(error);
    let mut ceiling = Vec::new();
    let mut terms: Vec<Contender> = Vec::new();
    for (flavor, peer) in peers {
        let term = match peer {
            Ok(peer) => peer.open_lossless("tput-1", "tput").await.map_err(error),
            Err(reason) => Err(reason.clone()),
        };
        terms.push((*flavor, peer.as_ref().ok(), term, Vec::new(), Vec::new()));
    }
    for rep in 0..=params.reps {
        if let Ok(pty) = raw.as_mut() {
            match pty.rep(params.tput_bytes).await {
                Ok(rate) if rep > 0 => ceiling.push(rate),
                Ok(_) => {}
                Err(e) => raw = Err(error(e)),
            }
        }
        for (_, peer, term, rates, cpu) in terms.iter_mut() {
            let (Some(peer), Ok(client)) = (peer, term.as_mut()) else {
                continue;
            };
            let rep_result = tokio::time::timeout(
                Duration::from_secs(120),
                term_rep(peer, client, params.tput_bytes),
            )
            .await;
            match rep_result {
                Ok(Ok((rate, used))) if rep > 0 => {
                    rates.push(rate);
                    cpu.push(used / (params.tput_bytes as f64 / 1e9));
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => *term = Err(error(e)),
                Err(_) => *term = Err("timed out".to_string()),
            }
        }
    }
    let ceiling = raw.map(|_| ceiling);
    let mut out = Vec::new();
    for (flavor, _, term, rates, cpu) in terms {
        let result = term.map(|term| {
            tokio::spawn(term.close());
            (rates, cpu)
        });
        out.push((flavor, result));
    }
    (ceiling, out)
}

/// Share of one round's runs (percent) in which every byte written right before exit arrived.
pub async fn exit_integrity(peer: &Peer, params: &Params, round: usize) -> Result<f64> {
    let runs = params.exit_runs.div_ceil(params.rounds.max(1));
    let mut exact = 0;
    let mut lectern: Option<Term> = None;
    for run in 0..runs {
        let mut term = match (peer.flavor, lectern.take()) {
            (Flavor::Lectern, Some(mut term)) => {
                term.restart().await?;
                term.read_until(b"M").await?;
                term.send(b"exit\r").await?;
                term.read_until(b"R").await?;
                term
            }
            _ => peer.open_lossless(&format!("exit-{round}-{run}"), "exit").await?,
        };
        term.send(b"go\r").await?;
        let mut seen = 0;
        loop {
            match term.recv().await? {
                Event::Output(data) => seen += data.len(),
                Event::Exit | Event::Closed => break,
                Event::Other => {}
            }
        }
        if seen == params.exit_bytes {
            exact += 1;
        }
        if peer.flavor == Flavor::Lectern {
            lectern = Some(term);
        } else {
            term.close().await;
        }
    }
    if let Some(term) = lectern {
        term.close().await;
    }
    Ok(100.0 * exact as f64 / runs as f64)
}

/// Keystroke round trips in µs on an echoing terminal.
async fn echo_samples(term: &mut Term, samples: usize) -> Result<Vec<f64>> {
    let mut out = Vec::with_capacity(samples);
    for i in 0..samples + 20 {
        let key = b'a' + (i % 26) as u8;
        let started = Instant::now();
        term.send(&[key]).await?;
        loop {
            match term.recv().await? {
                Event::Output(data) if data.contains(&key) => break,
                Event::Output(_) | Event::Other => {}
                Event::Exit | Event::Closed => bail!("echo terminal ended"),
            }
        }
        if i >= 20 {
            out.push(started.elapsed().as_secs_f64() * 1e6);
        }
    }
    Ok(out)
}

/// Echo round trip p50 and p99 in µs (one round).
pub async fn echo_rtt(peer: &Peer, params: &Params, round: usize) -> Result<(f64, f64)> {
    let mut term = peer.open(&format!("echo-{round}"), "echo").await?;
    let samples = echo_samples(&mut term, params.echo_samples).await?;
    term.close().await;
    Ok((
        percentile(&samples, 50.0).context("samples")?,
        percentile(&samples, 99.0).context("samples")?,
    ))
}

/// A terminal flooding in the background, drained by a task, until stopped with Ctrl-C (lectern
/// keeps terminals without viewers, so the flood must end, not just lose its viewer).
struct Flood {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Flood {
    async fn start(peer: &Peer, name: &str) -> Result<Self> {
        let mut term = peer.open(name, "flood").await?;
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let (flavor, addr, name) = (peer.flavor, peer.server.addr, name.to_string());
        let task = tokio::spawn(async move {
            let mut failed = false;
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    event = term.recv() => match event {
                        Ok(Event::Output(_) | Event::Other) => {}
                        _ => {
                            failed = true;
                            break;
                        }
                    },
                }
            }
            // Stopped (or dropped), or the connection failed: either way the program is interrupted,
            // through a fresh connection when this one failed (lectern keeps the terminal without viewers;
            // ttyd and wetty end a connection's program with it).
            if failed {
                let _ = (&mut stopped).await;
                if flavor == Flavor::Lectern
                    && let Ok(fresh) = Term::connect(flavor, addr, &name).await
                {
                    term = fresh;
                }
            }
            let _ = term.send(b"\x03").await;
            term.close().await;
        });
        // Let it get going.
        tokio::time::sleep(Duration::from_millis(200)).await;
        Ok(Self { stop, task })
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }

    /// `stop`, then (lectern) a second Ctrl-C through a fresh connection: in the full run of 2026-12-08
    /// 00:49 one flood outlived the first (sent, then the socket closed at once) and loaded every later case.
    async fn stop_surely(self, peer: &Peer, name: &str) {
        self.stop().await;
        if peer.flavor == Flavor::Lectern
            && let Ok(mut term) = Term::connect(peer.flavor, peer.server.addr, name).await
        {
            let _ = term.send(b"\x03").await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            term.close().await;
        }
    }
}

/// Echo round trip p50/p99 (µs) while another terminal floods (one round).
pub async fn echo_under_flood(peer: &Peer, params: &Params, round: usize) -> Result<(f64, f64)> {
    let flood_name = format!("flood-e{round}");
    let flood = Flood::start(peer, &flood_name).await?;
    let mut term = peer.open(&format!("echo-f{round}"), "echo").await?;
    let samples = echo_samples(&mut term, params.echo_samples / 2).await;
    term.close().await;
    flood.stop_surely(peer, &flood_name).await;
    let samples = samples?;
    Ok((
        percentile(&samples, 50.0).context("samples")?,
        percentile(&samples, 99.0).context("samples")?,
    ))
}

/// Milliseconds from Ctrl-C to the program's acknowledgement, while it and another terminal flood,
/// and the bytes of flood output the client still received in between (medians of one round's presses).
pub async fn ctrlc_under_flood(peer: &Peer, params: &Params, round: usize) -> Result<(f64, f64)> {
    let flood_name = format!("flood-c{round}");
    let flood = Flood::start(peer, &flood_name).await?;
    let mut times = Vec::new();
    let mut drained = Vec::new();
    let presses = async {
        for rep in 0..params.reps.div_ceil(params.rounds.max(1)) {
            press(peer, round, rep, &mut times, &mut drained).await?;
        }
        anyhow::Ok(())
    }
    .await;
    flood.stop_surely(peer, &flood_name).await;
    presses?;
    Ok((
        median(&times).context("no samples")?,
        median(&drained).context("no samples")?,
    ))
}

/// One Ctrl-C press of `ctrlc_under_flood`: its ms and the bytes drawn after it.
async fn press(
    peer: &Peer,
    round: usize,
    rep: usize,
    times: &mut Vec<f64>,
    drained: &mut Vec<f64>,
) -> Result<()> {
    {
        let mut term = peer.open(&format!("ctrlc-{round}-{rep}"), "ctrlc").await?;
        let measured = tokio::time::timeout(Duration::from_secs(60), async {
            term.send(b"go\r").await?;
            term.read_past(1 << 20).await?;
            let started = Instant::now();
            term.send(b"\x03").await?;
            let bytes = term.read_until(b"CTRLC-DONE").await?;
            anyhow::Ok((started.elapsed().as_secs_f64() * 1e3, bytes as f64))
        })
        .await;
        // Whatever happened, the program is interrupted before its viewer goes: a terminal without
        // viewers lives on, and a `yes` left running would load every later case.
        let _ = term.send(b"\x03").await;
        term.close().await;
        let (ms, bytes) = measured.context("no Ctrl-C acknowledgement within 60 s")??;
        times.push(ms);
        drained.push(bytes);
    }
    Ok(())
}

/// lectern only: throughput of one viewer (MB/s) beside a viewer that never reads, and solo, per
/// repetition. Solo and stalled repetitions alternate, so drifting machine load hits both alike.
pub async fn fanout(peer: &Peer, params: &Params) -> Result<(Vec<f64>, Vec<f64>)> {
    let mut active = peer.open_lossless("fanout-1", "tput").await?;
    let mut solo = Vec::new();
    let mut beside = Vec::new();
    for rep in 0..=params.reps {
        for with_stalled in [false, true] {
            // Attaches, then never reads again.
            let stalled = if with_stalled {
                Some(Term::connect(Flavor::Lectern, peer.server.addr, "fanout-1").await?)
            } else {
                None
            };
            let started = Instant::now();
            active.send(b"go\r").await?;
            active.read_bytes(params.tput_bytes).await?;
            let rate = params.tput_bytes as f64 / started.elapsed().as_secs_f64() / 1e6;
            drop(stalled);
            if rep > 0 {
                if with_stalled { &mut beside } else { &mut solo }.push(rate);
            }
        }
    }
    active.close().await;
    Ok((beside, solo))
}

/// lectern only: ms to receive 1 MiB of missed output after reconnecting with `last_seq`, per
/// repetition.
pub async fn reconnect_replay(peer: &Peer, params: &Params) -> Result<Vec<f64>> {
    let mut times = Vec::new();
    for rep in 0..params.reps {
        let name = format!("replay-{rep}");
        let mut term = peer.open_lossless(&name, "replay").await?;
        let last_seq = term.next_seq;
        term.send(b"go\r").await?;
        term.close().await;
        // The program writes 1 MiB into the ring while nobody watches.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let started = Instant::now();
        let mut again =
            Term::connect_lossless(Flavor::Lectern, peer.server.addr, &name, Some(last_seq)).await?;
        again.read_bytes(REPLAY_BYTES).await?;
        times.push(started.elapsed().as_secs_f64() * 1e3);
        if again.next_seq != last_seq + REPLAY_BYTES as u64 {
            bail!(
                "replay ended at {} instead of {}",
                again.next_seq,
                last_seq + REPLAY_BYTES as u64
            );
        }
        again.close().await;
    }
    Ok(times)
}

/// RSS in MB of an idle server, and the MB each extra idle terminal adds.
pub async fn idle_rss(peer: &Peer, params: &Params) -> Result<(f64, f64)> {
    tokio::time::sleep(Duration::from_millis(500)).await;
    let base = peers::rss_bytes(peer.server.pid())? as f64 / 1e6;
    let mut open = Vec::new();
    for i in 0..params.idle_terminals {
        let term = peer.open(&format!("idle-{i}"), "idle").await?;
        if peer.flavor == Flavor::Lectern {
            // lectern keeps the terminal without a viewer; the others kill it on disconnect.
            term.close().await;
        } else {
            open.push(term);
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = peers::rss_bytes(peer.server.pid())? as f64 / 1e6;
    for term in open {
        term.close().await;
    }
    Ok((base, (after - base) / params.idle_terminals as f64))
}

/// Milliseconds from spawn to the first answer, one run.
pub fn cold_start(start: impl FnOnce() -> Result<Duration>) -> Result<f64> {
    Ok(start()?.as_secs_f64() * 1e3)
}

/// Milliseconds for `lectern check` over every workshop of the corpus (one sample per round), and how
/// many workshops.
pub fn render_corpus(corpus: &Path, rounds: usize) -> Result<(Vec<f64>, usize)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus)
        .with_context(|| format!("read {}", corpus.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        bail!("no workshops in {}", corpus.display());
    }
    let mut times = Vec::new();
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        for dir in &dirs {
            let output = std::process::Command::new(peers::lectern_binary())
                .args(["check", "--format", "json"])
                .arg(dir)
                .output()?;
            if output.status.code().is_none_or(|code| code > 1) {
                bail!(
                    "lectern check {} failed: {}",
                    dir.display(),
                    String::from_utf8_lossy(&output.stderr)
                );
            }
        }
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    Ok((times, dirs.len()))
}

/// A server's per-round results, or why it has none.
pub type PerRound<T> = (Flavor, Result<Vec<T>, String>);

/// Runs a terminal measurement `rounds` times for each peer, servers alternating: every round visits
/// each server once and the round's first server moves along, so a neighbour's burst of load hits all
/// alike and nobody always goes first. `measure` gets the round number (lectern keeps terminals, so a
/// round names its own). A peer that failed to start or to measure drops out with the reason.
pub async fn alternate<T>(
    peers: &[(Flavor, Result<Peer, String>)],
    rounds: usize,
    mut measure: impl AsyncFnMut(&Peer, usize) -> Result<T>,
) -> Vec<PerRound<T>> {
    let mut out: Vec<PerRound<T>> = peers
        .iter()
        .map(|(flavor, peer)| (*flavor, peer.as_ref().map(|_| Vec::new()).map_err(Clone::clone)))
        .collect();
    let count = peers.len().max(1);
    for round in 0..rounds.max(1) {
        for turn in 0..peers.len() {
            let index = (round + turn) % count;
            let (Ok(peer), Ok(samples)) = (&peers[index].1, out[index].1.as_mut()) else {
                continue;
            };
            match tokio::time::timeout(Duration::from_secs(180), measure(peer, round)).await {
                Ok(Ok(value)) => samples.push(value),
                Ok(Err(error)) => out[index].1 = Err(format!("{error:#}")),
                Err(_) => out[index].1 = Err("timed out after 180 s".to_string()),
            }
        }
    }
    out
}

/// One figure out of each round's result (`pick(&(p50, p99)) = p50`).
pub fn column<T>(results: &[PerRound<T>], pick: impl Fn(&T) -> f64) -> Vec<(Flavor, Samples)> {
    results
        .iter()
        .map(|(flavor, result)| {
            let samples = result
                .as_ref()
                .map(|rounds| rounds.iter().map(&pick).collect())
                .map_err(Clone::clone);
            (*flavor, samples)
        })
        .collect()
}

/// Fills a case from per-flavor samples: each server's median and spread (lectern's is the case figure).
pub fn fill(case: &mut Case, results: &[(Flavor, Samples)]) {
    for (flavor, samples) in results {
        case.measured(flavor.name(), samples);
    }
}

/// The proxy cases' servers: the bench upstreams, nginx and lectern in front of them.
pub struct ProxySetup {
    /// The HTTP upstream (`/1k`, `/64k`).
    pub http: SocketAddr,
    /// The websocket echo upstream.
    pub ws: SocketAddr,
    /// nginx, or why not.
    pub nginx: Result<Server, String>,
    /// lectern, or why not.
    pub lectern: Result<Server, String>,
    /// lectern's address once it proved to proxy `/editor/1k` to the upstream.
    pub lectern_addr: Result<SocketAddr, String>,
    /// The login cookie lectern handed out, sent by the load clients as a browser would.
    pub cookie: Option<String>,
}

impl ProxySetup {
    /// Starts the upstreams, nginx and lectern (basic auth on, `/editor/` and `/console/` proxied).
    pub async fn start(workshop: &Path, shell: &str, work: &Path) -> Result<Self> {
        let http = super::load::start_http_upstream().await.context("upstream")?;
        let ws = super::load::start_ws_upstream().await.context("upstream")?;
        let nginx = peers::start_nginx(http, ws).map_err(|e| format!("{e:#}"));
        let (editor, console) = (format!("http://{http}"), format!("http://{ws}"));
        let (user, password) = super::load::BASIC_USER;
        let flags = [
            "--editor-upstream",
            &editor,
            "--console-upstream",
            &console,
            "--auth",
            "basic",
            "--auth-username",
            user,
            "--auth-password",
            password,
        ];
        let lectern = peers::start_lectern(workshop, shell, work, &flags).map_err(|e| format!("{e:#}"));
        // lectern counts only if /editor/1k really reaches the upstream.
        // It also hands out the login cookie the load clients then send, as a browser would.
        let mut cookie = None;
        let lectern_addr = match &lectern {
            Ok(server) => match super::load::get_once(server.addr, "/editor/1k").await {
                Ok(probe) if (probe.status, probe.len, probe.from_upstream) == (200, 1024, true) => {
                    cookie = probe.cookie;
                    Ok(server.addr)
                }
                other => Err(format!(
                    "lectern did not proxy /editor/1k to the bench upstream: {other:?}"
                )),
            },
            Err(reason) => Err(reason.clone()),
        };
        Ok(Self {
            http,
            ws,
            nginx,
            lectern,
            lectern_addr,
            cookie,
        })
    }

    /// nginx's address, or why there is none.
    pub fn nginx_addr(&self) -> Result<SocketAddr, String> {
        self.nginx
            .as_ref()
            .map(|server| server.addr)
            .map_err(Clone::clone)
    }
}

/// proxy_http_1k, proxy_http_64k, proxy_ws: lectern (basic auth on, its login cookie sent like a
/// browser) vs nginx vs the upstream directly.
pub async fn proxy(params: &Params, workshop: &Path, shell: &str, work: &Path) -> Vec<Case> {
    let duration = Duration::from_secs_f64(params.load_seconds);
    let setup = match ProxySetup::start(workshop, shell, work).await {
        Ok(setup) => setup,
        Err(error) => {
            let mut case = Case::new("proxy_http_1k", "req/s", true);
            case.lectern = Figure::Skipped(format!("{error:#}"));
            return vec![case];
        }
    };
    let (http, ws, lectern_addr) = (setup.http, setup.ws, setup.lectern_addr.clone());
    let cookie = setup.cookie.as_deref();
    let nginx_addr = setup.nginx_addr();
    let mut out = Vec::new();
    for (name, path, len) in [
        ("proxy_http_1k", "1k", 1024),
        ("proxy_http_64k", "64k", 64 * 1024),
    ] {
        let targets = [
            ("lectern", lectern_addr.clone(), format!("/editor/{path}")),
            ("nginx", nginx_addr.clone(), format!("/{path}")),
            ("direct", Ok(http), format!("/{path}")),
        ];
        let figures = interleaved(&targets, params.reps, async |addr, path| {
            super::load::http_load(addr, path, cookie, len, 16, duration / params.reps as u32)
                .await
                .map(|load| load.rate)
        })
        .await;
        let mut case = Case::new(name, "req/s", true);
        fill_proxy_case(&mut case, figures);
        case.detail("connections", 16);
        out.push(case);
    }
    let targets = [
        ("lectern", lectern_addr.clone(), "/console/ws".to_string()),
        ("nginx", nginx_addr.clone(), "/ws".to_string()),
        ("direct", Ok(ws), "/ws".to_string()),
    ];
    let figures = interleaved(&targets, params.reps, async |addr, path| {
        let url = format!("ws://{addr}{path}");
        super::load::ws_load(&url, cookie, 16, duration / params.reps as u32).await
    })
    .await;
    let mut case = Case::new("proxy_ws", "msg/s", true);
    fill_proxy_case(&mut case, figures);
    case.detail(
        "note",
        "1 KiB messages, 16 in flight on one connection; lectern checks basic auth on the upgrade",
    );
    out.push(case);
    drop(setup);
    out
}

/// Measures every reachable target `rounds` times round-robin (so load drift from neighbours hits
/// all alike) and returns each one's samples, or why it has none.
pub async fn interleaved<T>(
    targets: &[(&str, Result<SocketAddr, String>, String)],
    rounds: usize,
    mut measure: impl AsyncFnMut(SocketAddr, &str) -> Result<T>,
) -> Vec<(String, Result<Vec<T>, String>)> {
    let mut samples: Vec<Result<Vec<T>, String>> = targets
        .iter()
        .map(|(_, addr, _)| addr.as_ref().map(|_| Vec::new()).map_err(Clone::clone))
        .collect();
    for _ in 0..rounds.max(1) {
        for ((_, addr, path), slot) in targets.iter().zip(samples.iter_mut()) {
            let (Ok(addr), Ok(values)) = (addr, slot.as_mut()) else {
                continue;
            };
            match measure(*addr, path).await {
                Ok(value) => values.push(value),
                Err(error) => *slot = Err(format!("{error:#}")),
            }
        }
    }
    targets
        .iter()
        .zip(samples)
        .map(|((name, _, _), result)| (name.to_string(), result))
        .collect()
}

/// lectern's median becomes the case figure, the others peers; each with its spread.
fn fill_proxy_case(case: &mut Case, figures: Vec<(String, Samples)>) {
    for (name, samples) in figures {
        case.measured(&name, &samples);
    }
}
