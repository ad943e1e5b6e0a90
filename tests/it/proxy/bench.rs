//! Throughput of the proxy against nginx (Debian package) proxying the same upstream in the same run:
//! 1 KiB and 64 KiB GETs over keep-alive connections, and websocket echo round trips. Prints requests per
//! second and the lectern/nginx ratio (also written to target/proxy-bench.txt); asserts only that every
//! request succeeded. Skipped with a printed reason without nginx. `LECTERN_BENCH_SECS` sets the length of
//! each measurement (default 1 s); numbers from a debug build understate lectern.

use std::process::Stdio;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio_tungstenite::tungstenite::Message;

use super::{upstream, workshop};
use crate::support::repo_root;

/// Concurrent connections of the load generator.
const CONNECTIONS: usize = 16;

fn nginx_bin() -> Option<&'static str> {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
}

struct Nginx {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_nginx(bin: &str, upstream_port: u16) -> Nginx {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let path = dir.path().display();
    let conf = format!(
        "worker_processes 2;
daemon off;
pid {path}/nginx.pid;
error_log {path}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {path}/body;
  proxy_temp_path {path}/proxy;
  fastcgi_temp_path {path}/fastcgi;
  uwsgi_temp_path {path}/uwsgi;
  scgi_temp_path {path}/scgi;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' ''; }}
  upstream up {{ server 127.0.0.1:{upstream_port}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_max_temp_file_size 0;
    }}
  }}
}}
"
    );
    let conf_path = dir.path().join("nginx.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let child = std::process::Command::new(bin)
        .arg("-c")
        .arg(&conf_path)
        .arg("-p")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn nginx");
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "nginx did not start within 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Nginx {
        child,
        port,
        _dir: dir,
    }
}

/// GETs `url` on `CONNECTIONS` keep-alive connections for `length`; returns requests per second.
async fn http_rate(url: &str, expected_len: usize, length: Duration) -> f64 {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(CONNECTIONS)
        .build(connector);
    let uri: hyper::Uri = url.parse().unwrap();
    let start = Instant::now();
    let deadline = start + length;
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let client = client.clone();
        let uri = uri.clone();
        tasks.push(tokio::spawn(async move {
            let mut count = 0u64;
            while Instant::now() < deadline {
                let response = client.get(uri.clone()).await.expect("request");
                assert_eq!(response.status(), 200);
                let body = response.into_body().collect().await.expect("body").to_bytes();
                assert_eq!(body.len(), expected_len);
                count += 1;
            }
            count
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    total as f64 / start.elapsed().as_secs_f64()
}

/// Websocket echo round trips of 1 KiB messages on `CONNECTIONS` sockets; returns messages per second.
async fn ws_rate(url: &str, length: Duration) -> f64 {
    let start = Instant::now();
    let deadline = start + length;
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("ws connect");
            let payload = vec![7u8; 1024];
            let mut count = 0u64;
            while Instant::now() < deadline {
                socket.send(Message::binary(payload.clone())).await.unwrap();
                let reply = socket.next().await.unwrap().unwrap();
                assert_eq!(reply.into_data().len(), 1024);
                count += 1;
            }
            let _ = socket.close(None).await;
            count
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    total as f64 / start.elapsed().as_secs_f64()
}

struct Lectern {
    child: std::process::Child,
    port: u16,
    bin: String,
}

impl Drop for Lectern {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the lectern binary as its own process, like nginx (`LECTERN_BENCH_BIN` picks e.g. a release build).
async fn start_lectern(workshop: &std::path::Path) -> Lectern {
    let bin =
        std::env::var("LECTERN_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_lectern").to_string());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(&bin)
        .args([
            "serve",
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--no-watch",
        ])
        .arg(workshop)
        .env("LOG_LEVEL", "warn")
        .env_remove("LECTERN_AUTH")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn lectern");
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "lectern did not start within 20 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let bin = if bin.contains("/release/") {
        "release".to_string()
    } else {
        "debug".to_string()
    };
    Lectern { child, port, bin }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throughput_against_nginx() {
    let Some(bin) = nginx_bin() else {
        eprintln!("SKIPPED: nginx is not installed (Debian package nginx)");
        return;
    };
    let length = Duration::from_secs(
        std::env::var("LECTERN_BENCH_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1),
    );
    let up = upstream::start().await;
    let nginx = start_nginx(bin, up.port()).await;
    let dir = workshop("{}");
    let lectern = start_lectern(dir.path()).await;
    let lectern_addr = format!("127.0.0.1:{}", lectern.port);
    let lectern_base = format!("http://{lectern_addr}/port/{}", up.port());
    let nginx_base = format!("http://127.0.0.1:{}", nginx.port);
    let mut report = format!(
        "proxy throughput, {CONNECTIONS} connections, {} s each, best of 2 (build: {})\n",
        length.as_secs(),
        lectern.bin
    );
    for (label, size) in [("HTTP 1 KiB", 1024usize), ("HTTP 64 KiB", 65536)] {
        let mut best = (0f64, 0f64);
        for _ in 0..2 {
            let direct = http_rate(&format!("{lectern_base}/big/{size}"), size, length).await;
            let reference = http_rate(&format!("{nginx_base}/big/{size}"), size, length).await;
            best = (best.0.max(direct), best.1.max(reference));
        }
        report.push_str(&format!(
            "{label}: lectern {:.0} req/s, nginx {:.0} req/s, ratio {:.2}\n",
            best.0,
            best.1,
            best.0 / best.1
        ));
    }
    let mut best = (0f64, 0f64);
    for _ in 0..2 {
        let direct = ws_rate(&format!("ws://{lectern_addr}/port/{}/ws", up.port()), length).await;
        let reference = ws_rate(&format!("ws://127.0.0.1:{}/ws", nginx.port), length).await;
        best = (best.0.max(direct), best.1.max(reference));
    }
    report.push_str(&format!(
        "websocket 1 KiB echo: lectern {:.0} msg/s, nginx {:.0} msg/s, ratio {:.2}\n",
        best.0,
        best.1,
        best.0 / best.1
    ));
    eprintln!("{report}");
    let _ = std::fs::write(repo_root().join("target/proxy-bench.txt"), &report);
    drop(lectern);
}
