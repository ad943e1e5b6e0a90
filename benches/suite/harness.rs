//! Benchmark bookkeeping without I/O: statistics, the results.json contract and the readable table.
//! Shared by the suite and by its smoke test (tests/it/bench_smoke.rs), so keep it std + serde_json.

#![allow(dead_code)]

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// A measured figure, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    /// The value in the case's unit.
    Value(f64),
    /// Could not run: the reason.
    Skipped(String),
}

impl Figure {
    /// The value, if measured.
    pub fn value(&self) -> Option<f64> {
        match self {
            Figure::Value(value) => Some(*value),
            Figure::Skipped(_) => None,
        }
    }

    /// The median of per-round samples (skipped when there are none).
    pub fn from_samples(samples: &[f64]) -> Self {
        match median(samples) {
            Some(value) if value.is_finite() => Figure::Value(value),
            Some(value) => Figure::Skipped(format!("not a finite number: {value}")),
            None => Figure::Skipped("no samples".to_string()),
        }
    }

    /// From a fallible measurement.
    pub fn from_result(result: anyhow::Result<f64>) -> Self {
        match result {
            Ok(value) if value.is_finite() => Figure::Value(value),
            Ok(value) => Figure::Skipped(format!("not a finite number: {value}")),
            Err(error) => Figure::Skipped(format!("{error:#}")),
        }
    }
}

/// The spread behind a median: the smallest and largest per-round figure, and how many rounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Smallest per-round figure.
    pub min: f64,
    /// Largest per-round figure.
    pub max: f64,
    /// Rounds (samples) behind the median.
    pub rounds: usize,
}

impl Spread {
    /// The spread of `samples` (None when empty).
    pub fn of(samples: &[f64]) -> Option<Self> {
        let min = samples.iter().copied().reduce(f64::min)?;
        let max = samples.iter().copied().reduce(f64::max)?;
        Some(Self {
            min,
            max,
            rounds: samples.len(),
        })
    }
}

/// Per-round samples of one server, or why it has none.
pub type Samples = Result<Vec<f64>, String>;

/// One benchmark case: lectern's figure and each peer's, measured in the same run.
#[derive(Debug, Clone)]
pub struct Case {
    /// Stable case name (`term_tput`, …).
    pub name: String,
    /// Unit of every figure in the case.
    pub unit: String,
    /// Whether bigger figures are better.
    pub higher_is_better: bool,
    /// lectern's figure.
    pub lectern: Figure,
    /// Peer figures by peer name, in insertion order.
    pub peers: Vec<(String, Figure)>,
    /// Extra figures (p99, CPU-seconds per GB, repetitions, …).
    pub details: BTreeMap<String, Value>,
    /// Per server (`lectern` or a peer name): the spread of the rounds behind its median.
    pub spread: BTreeMap<String, Spread>,
    /// Further figures of the same measurement, each a case of its own unit (`browser_flood`'s Ctrl-C and
    /// typing figures beside its prompt time): `parts` in results.json, rows below the case in the table.
    pub parts: Vec<Case>,
}

impl Case {
    /// A case with no figures yet.
    pub fn new(name: &str, unit: &str, higher_is_better: bool) -> Self {
        Self {
            name: name.to_string(),
            unit: unit.to_string(),
            higher_is_better,
            lectern: Figure::Skipped("not measured".to_string()),
            peers: Vec::new(),
            details: BTreeMap::new(),
            spread: BTreeMap::new(),
            parts: Vec::new(),
        }
    }

    /// Sets server `name`'s figure (`lectern` or a peer) to the median of its per-round samples and
    /// records their spread.
    pub fn measured(&mut self, name: &str, samples: &Samples) {
        let figure = match samples {
            Ok(values) => {
                if let Some(spread) = Spread::of(values) {
                    self.spread.insert(name.to_string(), spread);
                }
                Figure::from_samples(values)
            }
            Err(reason) => Figure::Skipped(reason.clone()),
        };
        if name == "lectern" {
            self.lectern = figure;
        } else {
            self.peer(name, figure);
        }
    }

    /// Adds a peer figure.
    pub fn peer(&mut self, name: &str, figure: Figure) {
        self.peers.push((name.to_string(), figure));
    }

    /// Adds a detail figure.
    pub fn detail(&mut self, name: &str, value: impl Into<Value>) {
        self.details.insert(name.to_string(), value.into());
    }

    /// lectern's figure divided by the peer's (None unless both exist and the peer is non-zero).
    pub fn ratio(&self, peer: &Figure) -> Option<f64> {
        let (ours, theirs) = (self.lectern.value()?, peer.value()?);
        (theirs != 0.0).then(|| ours / theirs)
    }

    /// The results.json object of this case.
    pub fn to_json(&self) -> Value {
        let mut peers = serde_json::Map::new();
        let mut ratios = serde_json::Map::new();
        let mut skipped = serde_json::Map::new();
        if let Figure::Skipped(reason) = &self.lectern {
            skipped.insert("lectern".to_string(), json!(reason));
        }
        for (name, figure) in &self.peers {
            peers.insert(name.clone(), json!(figure.value().map(round)));
            if let Figure::Skipped(reason) = figure {
                skipped.insert(name.clone(), json!(reason));
            }
            ratios.insert(name.clone(), json!(self.ratio(figure).map(round)));
        }
        let mut object = json!({
            "name": self.name,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better,
            "lectern": self.lectern.value().map(round),
            "peers": peers,
            "ratios": ratios,
        });
        if !skipped.is_empty() {
            object["skipped"] = Value::Object(skipped);
        }
        if !self.details.is_empty() {
            object["details"] = json!(self.details);
        }
        if !self.spread.is_empty() {
            let spread: serde_json::Map<String, Value> = self
                .spread
                .iter()
                .map(|(name, s)| {
                    (
                        name.clone(),
                        json!({"min": round(s.min), "max": round(s.max), "rounds": s.rounds}),
                    )
                })
                .collect();
            object["spread"] = Value::Object(spread);
        }
        if !self.parts.is_empty() {
            object["parts"] = json!(self.parts.iter().map(Case::to_json).collect::<Vec<_>>());
        }
        object
    }
}

/// Four significant digits are plenty for noisy measurements.
pub fn round(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let digits = 4 - value.abs().log10().floor() as i32 - 1;
    let factor = 10f64.powi(digits.clamp(-12, 12));
    (value * factor).round() / factor
}

/// The whole results.json document.
pub fn results_json(date: &str, machine: &str, mode: &str, cases: &[Case]) -> Value {
    json!({
        "date": date,
        "machine": machine,
        "mode": mode,
        "cases": cases.iter().map(Case::to_json).collect::<Vec<_>>(),
    })
}

/// Median of the samples (None when empty).
pub fn median(samples: &[f64]) -> Option<f64> {
    percentile(samples, 50.0)
}

/// Nearest-rank percentile `p` (0..=100) of the samples (None when empty).
pub fn percentile(samples: &[f64], p: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn show(figure: &Figure, spread: Option<&Spread>) -> String {
    match (figure, spread) {
        (Figure::Value(value), Some(s)) if s.rounds > 1 => {
            format!("{} [{}–{}]", round(*value), round(s.min), round(s.max))
        }
        (Figure::Value(value), _) => format!("{}", round(*value)),
        (Figure::Skipped(_), _) => "–".to_string(),
    }
}

/// A Markdown table of the cases, one row each; figures as `median [min–max]` over the rounds, peers as
/// `name median [min–max] (×ratio of the medians)`.
pub fn table(cases: &[Case]) -> String {
    let mut out = String::from(
        "| case | unit | better | lectern median [min–max] | peers (lectern ÷ peer) |\n|---|---|---|---|---|\n",
    );
    for case in cases
        .iter()
        .flat_map(|case| std::iter::once(case).chain(&case.parts))
    {
        let peers: Vec<String> = case
            .peers
            .iter()
            .map(|(name, figure)| match case.ratio(figure) {
                Some(ratio) => format!("{name} {} (×{:.2})", show(figure, case.spread.get(name)), ratio),
                None => format!("{name} {}", show(figure, case.spread.get(name))),
            })
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            case.name,
            case.unit,
            if case.higher_is_better { "higher" } else { "lower" },
            show(&case.lectern, case.spread.get("lectern")),
            if peers.is_empty() {
                "–".to_string()
            } else {
                peers.join("; ")
            },
        ));
    }
    let notes: Vec<String> = cases
        .iter()
        .flat_map(|case| std::iter::once(case).chain(&case.parts))
        .flat_map(|case| {
            let lectern = match &case.lectern {
                Figure::Skipped(reason) => vec![format!("{} lectern: {reason}", case.name)],
                Figure::Value(_) => Vec::new(),
            };
            let peers = case.peers.iter().filter_map(|(name, figure)| match figure {
                Figure::Skipped(reason) => Some(format!("{} {name}: {reason}", case.name)),
                Figure::Value(_) => None,
            });
            lectern.into_iter().chain(peers).collect::<Vec<_>>()
        })
        .collect();
    if !notes.is_empty() {
        out.push_str("\nSkipped:\n");
        for note in notes {
            out.push_str(&format!("- {note}\n"));
        }
    }
    out
}

/// Counts bytes of a terminal stream until `want` have arrived (helper for streamed reads).
#[derive(Debug, Default)]
pub struct Counter {
    /// Bytes seen.
    pub seen: usize,
}

impl Counter {
    /// Adds a chunk; true once at least `want` bytes were seen.
    pub fn add(&mut self, chunk: &[u8], want: usize) -> bool {
        self.seen += chunk.len();
        self.seen >= want
    }
}

/// Finds `needle` in the last `needle.len() + chunk.len()` bytes of `window` after appending
/// `chunk` (keeps `window` short).
pub fn scan_for(window: &mut Vec<u8>, chunk: &[u8], needle: &[u8]) -> bool {
    window.extend_from_slice(chunk);
    let found = memchr_find(window, needle);
    let keep = needle.len().saturating_sub(1);
    if window.len() > keep {
        let cut = window.len() - keep;
        window.drain(..cut);
    }
    found
}

fn memchr_find(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
