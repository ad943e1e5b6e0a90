//! Starting the servers compared: lectern's release binary, wetty (installed from npm into
//! target/bench-deps), ttyd (`TTYD=path`, else built by benches/install-ttyd.sh into target/bench-deps), nginx (Debian package) — plus /proc readings
//! (RSS, CPU time) and waiting for a port to answer.

#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A child process killed when dropped.
pub struct Server {
    /// The process.
    pub child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// What it is, for messages.
    pub label: String,
}

impl Server {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Ask politely first so nginx and node remove their children and pid files.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The repository root (benches run with the package as the working directory).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// target/ of this checkout.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// Blocking HTTP GET `path`; returns the status code.
pub fn http_status(addr: SocketAddr, path: &str) -> Result<u16> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head)?;
    let text = String::from_utf8_lossy(&head);
    let code = text.split_whitespace().nth(1).context("no status")?.parse()?;
    Ok(code)
}

/// Waits until `GET path` answers with a non-5xx status (or the process dies / time runs out).
pub fn wait_http(server: &mut Server, path: &str, limit: Duration) -> Result<Duration> {
    let started = Instant::now();
    loop {
        if let Ok(status) = http_status(server.addr, path)
            && status < 500
        {
            return Ok(started.elapsed());
        }
        if let Some(status) = server.child.try_wait()? {
            bail!("{} exited with {status} before answering", server.label);
        }
        if started.elapsed() > limit {
            bail!("{} did not answer {path} within {limit:?}", server.label);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The lectern binary built by cargo for this bench (release profile under `cargo bench`).
pub fn lectern_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_lectern"))
}

/// Starts lectern serving `workshop` with `shell` as the terminal command.
pub fn start_lectern(workshop: &Path, shell: &str, home: &Path, extra: &[&str]) -> Result<Server> {
    let port = free_port()?;
    let child = Command::new(lectern_binary())
        .arg("serve")
        .arg(workshop)
        .args(["--bind", "127.0.0.1", "--port", &port.to_string(), "--no-watch"])
        .args(["--terminal-shell", shell])
        // Rounds and the scale cases open more terminals than a learner's default 32.
        .args(["--max-terminals", "512"])
        .arg("--terminal-home")
        .arg(home)
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("start lectern")?;
    let mut server = Server {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        label: "lectern".to_string(),
    };
    wait_http(&mut server, "/healthz", Duration::from_secs(20))?;
    Ok(server)
}

/// The wetty launcher, installing it into target/bench-deps on first use.
pub fn wetty_binary() -> Result<PathBuf> {
    let deps = target_dir().join("bench-deps");
    let bin = deps.join("node_modules/.bin/wetty");
    if bin.exists() {
        return Ok(bin);
    }
    std::fs::create_dir_all(&deps)?;
    eprintln!("bench: installing wetty with npm into {} …", deps.display());
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&deps)
        .arg("wetty@3")
        .stdout(Stdio::null())
        .status()
        .context("run npm (is Node.js installed?)")?;
    if !status.success() || !bin.exists() {
        bail!("npm install wetty failed ({status})");
    }
    Ok(bin)
}

/// Starts wetty running `script` for every connection.
pub fn start_wetty(script: &Path) -> Result<Server> {
    let bin = wetty_binary()?;
    let port = free_port()?;
    let child = Command::new(bin)
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--base",
            "/wetty",
        ])
        .arg("--command")
        .arg(script)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("start wetty")?;
    let mut server = Server {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        label: "wetty".to_string(),
    };
    wait_http(&mut server, "/wetty", Duration::from_secs(30))?;
    Ok(server)
}

/// The ttyd binary: `TTYD=path` when set, else the one benches/install-ttyd.sh built into
/// target/bench-deps (building it on first use: Debian 12 has no ttyd package).
pub fn ttyd_binary() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("TTYD") {
        return Ok(PathBuf::from(bin));
    }
    let bin = target_dir().join("bench-deps/ttyd/ttyd");
    if bin.exists() {
        return Ok(bin);
    }
    eprintln!("bench: building ttyd into {} …", bin.display());
    let status = Command::new("bash")
        .arg(repo_root().join("benches/install-ttyd.sh"))
        .arg(&bin)
        .stdout(Stdio::null())
        .status()
        .context("run benches/install-ttyd.sh")?;
    if !status.success() || !bin.exists() {
        bail!("benches/install-ttyd.sh failed ({status}); set TTYD=/path/to/ttyd");
    }
    Ok(bin)
}

/// Starts ttyd running `script` writable for every connection.
pub fn start_ttyd(script: &Path) -> Result<Server> {
    let bin = ttyd_binary()?;
    let port = free_port()?;
    let child = Command::new(bin)
        .args(["-p", &port.to_string(), "-i", "127.0.0.1", "-W"])
        .arg(script)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("start ttyd")?;
    let mut server = Server {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        label: "ttyd".to_string(),
    };
    wait_http(&mut server, "/", Duration::from_secs(10))?;
    Ok(server)
}

/// The nginx binary, installing Debian's package on first use (needs root and apt).
pub fn nginx_binary() -> Result<PathBuf> {
    for candidate in ["/usr/sbin/nginx", "/usr/bin/nginx"] {
        if Path::new(candidate).exists() {
            return Ok(PathBuf::from(candidate));
        }
    }
    eprintln!("bench: installing nginx from Debian …");
    let status = Command::new("apt-get")
        .args([
            "-o",
            "DPkg::Lock::Timeout=300",
            "install",
            "-y",
            "--no-install-recommends",
            "nginx-light",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdout(Stdio::null())
        .status()
        .context("run apt-get")?;
    if !status.success() {
        bail!("apt-get install nginx-light failed ({status})");
    }
    Ok(PathBuf::from("/usr/sbin/nginx"))
}

/// Starts nginx as a keep-alive reverse proxy to `upstream` (HTTP and websockets) plus `/healthz`.
pub fn start_nginx(upstream: SocketAddr, ws_upstream: SocketAddr) -> Result<Server> {
    let bin = nginx_binary()?;
    let port = free_port()?;
    let prefix = target_dir().join("bench").join(format!("nginx-{port}"));
    std::fs::create_dir_all(prefix.join("logs"))?;
    let config = format!(
        "daemon off;\nworker_processes auto;\npid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log warn;\n\
         events {{ worker_connections 4096; }}\n\
         http {{\n  access_log off;\n  keepalive_requests 10000000;\n  keepalive_timeout 300s;\n  tcp_nodelay on;\n  client_body_temp_path {prefix}/body;\n  proxy_temp_path {prefix}/proxy;\n\
           fastcgi_temp_path {prefix}/fastcgi;\n  uwsgi_temp_path {prefix}/uwsgi;\n  scgi_temp_path {prefix}/scgi;\n\
           upstream backend {{ server {upstream}; keepalive 64; keepalive_requests 10000000; }}\n\
           upstream wsbackend {{ server {ws_upstream}; }}\n\
           map $http_upgrade $connection_upgrade {{ default upgrade; '' ''; }}\n\
           server {{\n    listen 127.0.0.1:{port};\n    location = /healthz {{ return 200 ok; }}\n\
             location /ws {{\n      proxy_pass http://wsbackend;\n      proxy_http_version 1.1;\n\
               proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection $connection_upgrade;\n    }}\n\
             location / {{\n      proxy_pass http://backend;\n      proxy_http_version 1.1;\n\
               proxy_set_header Connection \"\";\n      proxy_buffering on;\n    }}\n  }}\n}}\n",
        prefix = prefix.display()
    );
    let conf = prefix.join("nginx.conf");
    std::fs::write(&conf, config)?;
    let child = Command::new(bin)
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("start nginx")?;
    let mut server = Server {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        label: "nginx".to_string(),
    };
    wait_http(&mut server, "/healthz", Duration::from_secs(10))?;
    Ok(server)
}

/// Resident set size of `pid` in bytes (VmRSS).
pub fn rss_bytes(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .context("no VmRSS")?;
    let kb: u64 = line.split_whitespace().nth(1).context("VmRSS value")?.parse()?;
    Ok(kb * 1024)
}

/// User + system CPU seconds used so far by `pid` (all its threads; not its children).
pub fn cpu_seconds(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = &stat[stat.rfind(')').context("stat format")? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11).context("utime")?.parse()?;
    let stime: f64 = fields.get(12).context("stime")?.parse()?;
    Ok((utime + stime) / clock_ticks())
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// CPU seconds of `pid` and every descendant that is a server-side helper (wetty: node only; ttyd:
/// itself). The terminal programs are excluded by the caller choosing `pid`.
pub fn cpu_of(pids: &[u32]) -> f64 {
    pids.iter().filter_map(|pid| cpu_seconds(*pid).ok()).sum()
}

/// The machine description for results.json.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|name| name.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{cores} cores, {cpu}, Linux {}", kernel.trim())
}
