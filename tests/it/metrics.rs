//! `/metrics`: OpenMetrics text counted at the hooks (terminal bytes, websockets, proxied requests,
//! auth failures), behind the login with `SERVICES_PASSWORD` as the scraper's bearer token, and scraped
//! by Debian's real `prometheus` (skipped, saying why, only when it is not installed).
//!
//! The registry is process-wide and other tests run beside these, so counters are compared as
//! "grew by at least", never as exact values.

#![allow(clippy::unwrap_used)] // tests may unwrap (STYLE: no unwrap in server paths)

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use lectern::config::{AuthMode, Config, CookieKeySource, Secret, WorkshopSource};
use lectern::terminal::protocol::split_output_frame;
use tokio_tungstenite::tungstenite::Message;

use crate::support::{TestServer, fixture, get, http_client};

const SERVICES: &str = "scrape-secret-for-the-metrics-tests";
/// Failure guard for one wait (not a performance assertion).
const GUARD: Duration = Duration::from_secs(120);

fn config(mode: AuthMode) -> Config {
    let mut config = Config::for_tests(WorkshopSource::Dir(fixture("minimal")));
    config.auth.mode = mode;
    config.auth.cookie_key =
        CookieKeySource::Secret(Secret("a-cookie-secret-of-at-least-32-characters".into()));
    config.auth.services_password = Some(Secret(SERVICES.into()));
    config.auth.basic = Some(("learner".into(), Secret("learner-password".into())));
    config.auth.login_token = Some(Secret("a-login-token-of-some-length".into()));
    config.terminal.shell = ["bash", "--norc", "--noprofile", "-i"].map(String::from).to_vec();
    config.terminal.shell_is_default = false;
    config.terminal.home = Some(std::env::temp_dir());
    config
}

/// The text of `/metrics`, fetched with the services password as a bearer token.
async fn scrape(server: &TestServer) -> String {
    let response = http_client()
        .get(server.url("/metrics"))
        .bearer_auth(SERVICES)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    assert!(
        text.ends_with("# EOF\n"),
        "an OpenMetrics exposition ends with # EOF"
    );
    text
}

/// The value of the sample written exactly as `series` (name and labels), or 0 when absent.
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

/// Opens terminal `name` over the websocket, runs `command` and waits for `expect` in its output (the
/// command is written so that its echo does not contain `expect`).
async fn run_in_terminal(server: &TestServer, name: &str, command: &str, expect: &str) -> TerminalSocket {
    let url = format!("ws://{}/terminal/ws/{name}", server.addr);
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let hello = serde_json::json!({"type":"hello","version":1,"cols":80,"rows":24});
    ws.send(Message::text(hello.to_string())).await.unwrap();
    ws.send(Message::binary(command.as_bytes().to_vec()))
        .await
        .unwrap();
    let mut seen = Vec::new();
    tokio::time::timeout(GUARD, async {
        while let Some(Ok(message)) = ws.next().await {
            if let Message::Binary(frame) = message {
                let (_, payload) = split_output_frame(&frame).expect("output frame");
                seen.extend_from_slice(payload);
                if String::from_utf8_lossy(&seen).contains(expect) {
                    return;
                }
            }
        }
        panic!("the terminal closed before printing {expect:?}");
    })
    .await
    .expect("the command's output arrives");
    ws
}

type TerminalSocket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A port nothing listens on: bound but never listening, so connections are refused and no other
/// socket can take the port while the returned guard lives (a port bound and released could be reused
/// by a neighbouring test, the load tests open thousands).
fn dead_port() -> (u16, tokio::net::TcpSocket) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    (port, socket)
}

#[tokio::test]
async fn metrics_count_terminals_websockets_and_proxied_requests() {
    let server = TestServer::start(config(AuthMode::None)).await;
    let before = scrape(&server).await;
    let typed = "echo metrics-probe-$((6*7))\n";
    let ws = run_in_terminal(&server, "metrics", typed, "metrics-probe-42").await;
    let (port, _reserved) = dead_port();
    let proxied = get(&server.url(&format!("/port/{port}/"))).await;
    assert_eq!(proxied.status(), 502);
    let during = scrape(&server).await;

    for family in [
        "# TYPE lectern_build_info gauge",
        "# TYPE lectern_terminal_bytes counter",
        "# TYPE lectern_terminals gauge",
        "# TYPE lectern_terminal_viewers gauge",
        "# TYPE lectern_websockets_open gauge",
        "# TYPE lectern_proxy_requests counter",
        "# TYPE lectern_proxy_request_duration_seconds histogram",
        "# TYPE lectern_page_render_duration_seconds histogram",
        "# TYPE lectern_content_reloads counter",
        "# TYPE lectern_auth_failures counter",
        "# TYPE process_resident_memory_bytes gauge",
    ] {
        assert!(during.contains(family), "{family} missing from\n{during}");
    }
    let grew = |series: &str| value(&during, series) - value(&before, series);
    assert!(
        grew("lectern_terminal_bytes_total{direction=\"in\"}") >= typed.len() as f64,
        "typed bytes are counted"
    );
    assert!(
        grew("lectern_terminal_bytes_total{direction=\"out\"}") >= "metrics-probe-42".len() as f64,
        "output bytes are counted"
    );
    // Gauges describe the scraped server: this test's terminal with its one viewer.
    assert!(value(&during, "lectern_terminals") >= 1.0, "{during}");
    assert!(value(&during, "lectern_terminal_viewers") >= 1.0, "{during}");
    assert!(value(&during, "lectern_websockets_open{kind=\"terminal\"}") >= 1.0);
    assert!(grew("lectern_proxy_requests_total{route=\"port\",status=\"502\"}") >= 1.0);
    assert!(grew("lectern_proxy_request_duration_seconds_count{route=\"port\"}") >= 1.0);
    assert!(value(&during, "lectern_page_render_duration_seconds_count") >= 1.0);
    assert!(value(&during, "process_resident_memory_bytes") > 0.0);

    drop(ws);
    server.stop().await;
}

#[tokio::test]
async fn metrics_need_a_login_or_the_services_password_as_bearer_token() {
    let server = TestServer::start(config(AuthMode::Basic)).await;
    let client = http_client();
    let status = |request: reqwest::RequestBuilder| async move { request.send().await.unwrap().status() };
    let url = server.url("/metrics");
    assert_eq!(status(client.get(&url)).await, 401, "no credentials");
    assert_eq!(
        status(client.get(&url).bearer_auth("not-the-password")).await,
        401
    );
    assert_eq!(
        status(client.get(server.url("/metrics?token=not-the-password"))).await,
        401
    );
    assert_eq!(status(client.get(&url).bearer_auth(SERVICES)).await, 200);
    assert_eq!(
        status(client.get(server.url(&format!("/metrics?token={SERVICES}")))).await,
        200
    );
    assert_eq!(
        status(client.get(&url).basic_auth("learner", Some("learner-password"))).await,
        200,
        "a logged-in user may read them too"
    );
    // The services password opens only the service routes, not the rest of the session.
    assert_eq!(
        status(client.get(server.url("/api/workshop")).bearer_auth(SERVICES)).await,
        401
    );
    let text = scrape(&server).await;
    assert!(value(&text, "lectern_auth_failures_total{reason=\"bad_credentials\"}") >= 2.0);
    assert!(value(&text, "lectern_auth_failures_total{reason=\"no_credentials\"}") >= 1.0);
    server.stop().await;
}

/// `prometheus` from `LECTERN_PROMETHEUS` or `PATH`.
fn prometheus_binary() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("LECTERN_PROMETHEUS") {
        return Some(path.into());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("prometheus"))
            .find(|path| path.is_file())
    })
}

#[tokio::test]
async fn a_real_prometheus_scrapes_lectern() {
    let Some(prometheus) = prometheus_binary() else {
        eprintln!("skipped: Debian's `prometheus` is not installed (tests/run.sh installs it)");
        return;
    };
    let server = TestServer::start(config(AuthMode::Basic)).await;
    // Series that only exist once used: a proxied request (logged in, so it reaches the proxy — this test
    // must not lean on another test having made one) and a refused login.
    let client = http_client();
    let (port, _reserved) = dead_port();
    client
        .get(server.url(&format!("/port/{port}/")))
        .basic_auth("learner", Some("learner-password"))
        .send()
        .await
        .unwrap();
    get(&server.url("/api/workshop")).await;

    let dir = tempfile::tempdir().unwrap();
    let web_port = dead_port().0; // released at once: Prometheus listens on it
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: lectern\n    \
         authorization:\n      credentials: {SERVICES}\n    static_configs:\n      - targets: ['{}']\n",
        server.addr
    );
    std::fs::write(dir.path().join("prometheus.yml"), config).unwrap();
    let mut child = tokio::process::Command::new(&prometheus)
        .arg(format!(
            "--config.file={}",
            dir.path().join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{web_port}"))
        .arg("--log.level=warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start prometheus");

    let api = format!("http://127.0.0.1:{web_port}/api/v1");
    let query = |promql: &'static str| {
        let client = client.clone();
        let api = api.clone();
        async move {
            let response = client
                .get(format!("{api}/query"))
                .query(&[("query", promql)])
                .send()
                .await
                .ok()?;
            let body: serde_json::Value = response.json().await.ok()?;
            let result = body["data"]["result"].as_array()?.clone();
            (!result.is_empty()).then_some(result)
        }
    };
    // Wait until a scrape succeeded (`up` is 1), then ask for lectern's series.
    let up = tokio::time::timeout(GUARD, async {
        loop {
            if let Some(result) = query("up{job=\"lectern\"} == 1").await {
                return result;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await;
    if up.is_err() {
        let targets = client.get(format!("{api}/targets")).send().await;
        let targets = match targets {
            Ok(response) => response.text().await.unwrap_or_default(),
            Err(error) => format!("prometheus is not answering: {error}"),
        };
        let _ = child.start_kill();
        let output = child.wait_with_output().await.unwrap();
        panic!(
            "prometheus never scraped lectern successfully; targets: {targets}\nprometheus said: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    for promql in [
        "lectern_build_info",
        "lectern_terminal_bytes_total",
        "lectern_terminals",
        "lectern_proxy_requests_total{route=\"port\",status=\"502\"}",
        "lectern_proxy_request_duration_seconds_bucket{route=\"port\"}",
        "lectern_page_render_duration_seconds_count",
        "lectern_auth_failures_total{reason=\"no_credentials\"}",
        "process_resident_memory_bytes",
    ] {
        assert!(query(promql).await.is_some(), "prometheus has no {promql}");
    }
    let version = query("lectern_build_info").await.unwrap();
    assert_eq!(
        version[0]["metric"]["version"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    let _ = child.start_kill();
    let _ = child.wait().await;
    server.stop().await;
}
