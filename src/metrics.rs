//! Prometheus metrics, transport-free: one process-wide registry (`prometheus-client`), small recording
//! calls for the hooks in `terminal`, `content`, `auth`, `proxy` and `web`, and [`encode`] for
//! `GET /metrics` (OpenMetrics text). Served behind the login like every protected route; tools in the
//! pod (Prometheus) use `SERVICES_PASSWORD` as a bearer token (docs/configuration.md, "Metrics").
//!
//! Hot paths stay cheap: the terminal byte counters are plain atomics created once (no label lookup,
//! no allocation per chunk); labelled families are touched once per request or connection.
//! Everything is process-wide, as Prometheus expects of one process; gauges that describe a server's
//! state (terminals, viewers) are set from that server when it is scraped ([`encode`]).

use std::fmt::Write as _;
use std::sync::LazyLock;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

/// The content type of [`encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Which kind of proxied route answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// `/editor/` (code-server).
    Editor,
    /// `/console/`.
    Console,
    /// `/port/{port}/`.
    Port,
    /// A session ingress (by host or `/ingress/{name}/`).
    Ingress,
}

/// Which kind of websocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Websocket {
    /// A terminal connection (`/terminal/…`).
    Terminal,
    /// An upgraded connection spliced to an upstream.
    Proxied,
}

/// Why a request was refused a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthFailure {
    /// No credentials at all.
    NoCredentials,
    /// Wrong Basic credentials or a wrong `?token=`.
    BadCredentials,
    /// A login cookie that is forged, expired or for another session.
    InvalidCookie,
    /// A websocket upgrade or unsafe method from another origin.
    CrossOrigin,
    /// Too many wrong credentials from this client: refused without checking.
    Throttled,
    /// The OAuth callback's state is missing or belongs to another browser.
    OauthState,
    /// The portal refused the login or the session belongs to someone else.
    OauthForbidden,
    /// The portal could not be reached or answered nonsense.
    OauthError,
}

/// Label values in snake case (`OauthState` → `oauth_state`), from the variants' names.
macro_rules! label_values {
    ($($kind:ident { $($variant:ident => $text:literal),* $(,)? })*) => {$(
        impl $kind {
            /// Every value (their series exist from the start, at zero).
            pub const ALL: &[$kind] = &[$($kind::$variant),*];

            /// The label value.
            pub fn as_str(self) -> &'static str {
                match self { $($kind::$variant => $text),* }
            }
        }
        impl EncodeLabelValue for $kind {
            fn encode(&self, encoder: &mut LabelValueEncoder) -> std::fmt::Result {
                encoder.write_str(self.as_str())
            }
        }
    )*};
}

label_values! {
    Route { Editor => "editor", Console => "console", Port => "port", Ingress => "ingress" }
    Websocket { Terminal => "terminal", Proxied => "proxied" }
    AuthFailure {
        NoCredentials => "no_credentials",
        BadCredentials => "bad_credentials",
        InvalidCookie => "invalid_cookie",
        CrossOrigin => "cross_origin",
        Throttled => "throttled",
        OauthState => "oauth_state",
        OauthForbidden => "oauth_forbidden",
        OauthError => "oauth_error",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct DirectionLabels {
    direction: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    route: Route,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    route: Route,
    status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct WebsocketLabels {
    kind: Websocket,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ReasonLabels {
    reason: AuthFailure,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
}

struct Metrics {
    registry: Registry,
    terminal_in: Counter,
    terminal_out: Counter,
    terminals: Gauge,
    viewers: Gauge,
    websockets_open: Family<WebsocketLabels, Gauge>,
    websockets_opened: Family<WebsocketLabels, Counter>,
    proxy_requests: Family<RequestLabels, Counter>,
    proxy_seconds: Family<RouteLabels, Histogram>,
    render_seconds: Histogram,
    reloads: Counter,
    auth_failures: Family<ReasonLabels, Counter>,
    resident_bytes: Gauge,
    cpu_seconds: Counter<f64, AtomicU64>,
    open_fds: Gauge,
}

fn proxy_histogram() -> Histogram {
    // 1 ms to ~16 s: loopback upstreams answer in about a millisecond, the timeout is 60 s.
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.001, 2.0, 15,
    ))
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::default();
    let process = Metrics::process(&mut registry);
    let lectern = registry.sub_registry_with_prefix("lectern");
    let build: Family<BuildLabels, Gauge> = Family::default();
    build
        .get_or_create(&BuildLabels {
            version: env!("CARGO_PKG_VERSION"),
        })
        .set(1);
    lectern.register("build_info", "lectern's version (always 1)", build);
    let bytes: Family<DirectionLabels, Counter> = Family::default();
    let terminal_in = bytes.get_or_create(&DirectionLabels { direction: "in" }).clone();
    let terminal_out = bytes.get_or_create(&DirectionLabels { direction: "out" }).clone();
    lectern.register_with_unit(
        "terminal",
        "Terminal bytes: in = typed or sent to the PTYs, out = read from them",
        Unit::Bytes,
        bytes,
    );
    let terminals = Gauge::default();
    lectern.register("terminals", "Terminals whose shell is running", terminals.clone());
    let viewers = Gauge::default();
    lectern.register(
        "terminal_viewers",
        "Viewers attached to terminals",
        viewers.clone(),
    );
    let websockets_open: Family<WebsocketLabels, Gauge> = Family::default();
    lectern.register(
        "websockets_open",
        "Open websocket connections",
        websockets_open.clone(),
    );
    let websockets_opened: Family<WebsocketLabels, Counter> = Family::default();
    lectern.register(
        "websockets_opened",
        "Websocket connections accepted",
        websockets_opened.clone(),
    );
    let proxy_requests = Family::default();
    lectern.register(
        "proxy_requests",
        "Proxied requests by route class and status (502/504 when the upstream failed)",
        proxy_requests.clone(),
    );
    let proxy_seconds = Family::new_with_constructor(proxy_histogram as fn() -> Histogram);
    lectern.register_with_unit(
        "proxy_request_duration",
        "Time until a proxied request's response headers",
        Unit::Seconds,
        proxy_seconds.clone(),
    );
    let render_seconds = Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.0001, 2.0, 15,
    ));
    lectern.register_with_unit(
        "page_render_duration",
        "Time to render one instructions page (at start and on every reload)",
        Unit::Seconds,
        render_seconds.clone(),
    );
    let reloads = Counter::default();
    lectern.register(
        "content_reloads",
        "Workshop reloads after changes on disk",
        reloads.clone(),
    );
    let auth_failures: Family<ReasonLabels, Counter> = Family::default();
    lectern.register(
        "auth_failures",
        "Requests refused a login, by reason",
        auth_failures.clone(),
    );
    // Series that exist from the start, at zero: dashboards and rate() need no special case.
    for &route in Route::ALL {
        let _ = proxy_seconds.get_or_create(&RouteLabels { route });
    }
    for &kind in Websocket::ALL {
        let _ = websockets_open.get_or_create(&WebsocketLabels { kind });
        let _ = websockets_opened.get_or_create(&WebsocketLabels { kind });
    }
    for &reason in AuthFailure::ALL {
        let _ = auth_failures.get_or_create(&ReasonLabels { reason });
    }
    Metrics {
        registry,
        terminal_in,
        terminal_out,
        terminals,
        viewers,
        websockets_open,
        websockets_opened,
        proxy_requests,
        proxy_seconds,
        render_seconds,
        reloads,
        auth_failures,
        resident_bytes: process.0,
        cpu_seconds: process.1,
        open_fds: process.2,
    }
});

impl Metrics {
    /// The conventional `process_*` families (unprefixed, as every Prometheus client names them).
    fn process(registry: &mut Registry) -> (Gauge, Counter<f64, AtomicU64>, Gauge) {
        let resident = Gauge::default();
        registry.register_with_unit(
            "process_resident_memory",
            "Resident memory size",
            Unit::Bytes,
            resident.clone(),
        );
        let cpu = Counter::<f64, AtomicU64>::default();
        registry.register_with_unit(
            "process_cpu",
            "User and system CPU time spent",
            Unit::Seconds,
            cpu.clone(),
        );
        let fds = Gauge::default();
        registry.register("process_open_fds", "Open file descriptors", fds.clone());
        (resident, cpu, fds)
    }
}

/// Bytes sent to a terminal's PTY (keystrokes, pastes, clicked commands).
#[inline]
pub fn terminal_input(bytes: usize) {
    METRICS.terminal_in.inc_by(bytes as u64);
}

/// Bytes read from a terminal's PTY.
#[inline]
pub fn terminal_output(bytes: usize) {
    METRICS.terminal_out.inc_by(bytes as u64);
}

/// An open websocket; closed (the gauge goes down) when dropped.
#[derive(Debug)]
#[must_use = "the connection counts as open while this lives"]
pub struct OpenWebsocket(Websocket);

/// Counts a websocket as open until the returned guard is dropped.
pub fn websocket(kind: Websocket) -> OpenWebsocket {
    let labels = WebsocketLabels { kind };
    METRICS.websockets_opened.get_or_create(&labels).inc();
    METRICS.websockets_open.get_or_create(&labels).inc();
    OpenWebsocket(kind)
}

impl Drop for OpenWebsocket {
    fn drop(&mut self) {
        METRICS
            .websockets_open
            .get_or_create(&WebsocketLabels { kind: self.0 })
            .dec();
    }
}

/// A proxied request answered with `status` after `elapsed` (time to response headers).
pub fn proxied(route: Route, status: u16, elapsed: Duration) {
    METRICS
        .proxy_requests
        .get_or_create(&RequestLabels { route, status })
        .inc();
    METRICS
        .proxy_seconds
        .get_or_create(&RouteLabels { route })
        .observe(elapsed.as_secs_f64());
}

/// Runs `render` (one page) and records how long it took.
pub fn time_render<T>(render: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let result = render();
    METRICS.render_seconds.observe(started.elapsed().as_secs_f64());
    result
}

/// The workshop was reloaded from disk.
pub fn reloaded() {
    METRICS.reloads.inc();
}

/// A request was refused a login.
pub fn auth_failed(reason: AuthFailure) {
    METRICS
        .auth_failures
        .get_or_create(&ReasonLabels { reason })
        .inc();
}

/// A server's terminal state at scrape time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TerminalCounts {
    /// Terminals whose shell is running.
    pub running: usize,
    /// Viewers attached to any terminal.
    pub viewers: usize,
}

/// The OpenMetrics text of every family, with the server's current terminal counts.
pub fn encode(terminals: TerminalCounts) -> String {
    let metrics = &*METRICS;
    metrics.terminals.set(terminals.running as i64);
    metrics.viewers.set(terminals.viewers as i64);
    let process = process_stats();
    metrics.resident_bytes.set(process.resident_bytes as i64);
    // A counter moved to the current total (getrusage is monotonic).
    let counted = metrics.cpu_seconds.get();
    if process.cpu_seconds > counted {
        metrics.cpu_seconds.inc_by(process.cpu_seconds - counted);
    }
    metrics.open_fds.set(process.open_fds as i64);
    let mut text = String::with_capacity(8 * 1024);
    if prometheus_client::encoding::text::encode(&mut text, &metrics.registry).is_err() {
        // Writing to a String cannot fail; keep the exposition well-formed regardless.
        text.clear();
        let _ = writeln!(text, "# EOF");
    }
    text
}

#[derive(Debug, Default)]
struct ProcessStats {
    resident_bytes: u64,
    cpu_seconds: f64,
    open_fds: u64,
}

/// Reads this process's resident memory, CPU time and open descriptors from `/proc` (zeros elsewhere).
fn process_stats() -> ProcessStats {
    let mut stats = ProcessStats::default();
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        stats.resident_bytes = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().strip_suffix("kB"))
            .and_then(|kb| kb.trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024);
    }
    if let Ok(usage) = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_SELF) {
        let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
        stats.cpu_seconds = seconds(usage.user_time()) + seconds(usage.system_time());
    }
    if let Ok(entries) = std::fs::read_dir("/proc/self/fd") {
        // Minus the descriptor read_dir itself holds open.
        stats.open_fds = (entries.count() as u64).saturating_sub(1);
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_is_exposed_and_counts() {
        terminal_input(3);
        terminal_output(5);
        {
            let _open = websocket(Websocket::Terminal);
            proxied(Route::Port, 502, Duration::from_millis(3));
            auth_failed(AuthFailure::CrossOrigin);
            reloaded();
            time_render(|| ());
            let text = encode(TerminalCounts {
                running: 2,
                viewers: 3,
            });
            for expected in [
                "lectern_build_info{version=\"",
                "lectern_terminal_bytes_total{direction=\"in\"}",
                "lectern_terminal_bytes_total{direction=\"out\"}",
                "lectern_terminals 2",
                "lectern_terminal_viewers 3",
                "lectern_websockets_open{kind=\"terminal\"} ",
                "lectern_websockets_opened_total{kind=\"terminal\"}",
                "lectern_proxy_requests_total{route=\"port\",status=\"502\"}",
                "lectern_proxy_request_duration_seconds_bucket{le=\"0.004\",route=\"port\"}",
                "lectern_page_render_duration_seconds_count",
                "lectern_content_reloads_total",
                "lectern_auth_failures_total{reason=\"cross_origin\"}",
                // Label values that were never recorded still have their series, at zero.
                "lectern_auth_failures_total{reason=\"oauth_error\"} 0",
                "lectern_websockets_open{kind=\"proxied\"} 0",
                "lectern_proxy_request_duration_seconds_count{route=\"ingress\"} 0",
                "process_resident_memory_bytes ",
                "process_open_fds ",
                "process_cpu_seconds_total ",
                "# EOF",
            ] {
                assert!(text.contains(expected), "{expected:?} missing from\n{text}");
            }
        }
        let text = encode(TerminalCounts::default());
        assert!(text.contains("lectern_terminals 0"), "{text}");
    }
}
