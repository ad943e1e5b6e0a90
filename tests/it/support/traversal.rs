//! The path-traversal payloads every file-serving route is tried with (`/files/`, `/webdav/`, Git, the Files
//! tab's API): ways of spelling "leave the folder" that servers and proxies have been fooled by. Each is a
//! path *suffix* to put after a route's prefix and sent raw (no client normalises it). A test places a file
//! holding [`SECRET`] outside the folder, with a symlink `escape` (folder) and `link.txt` (file) inside
//! pointing at it, and checks that no answer contains the secret and nothing is created outside.

use std::path::Path;

/// Content of the file outside the folder; an answer containing it is an escape.
pub const SECRET: &str = "TOP-SECRET-7c1e";

/// Name of the secret file, outside the folder.
pub const SECRET_FILE: &str = "secret.txt";

/// Suffixes that try to reach `../secret.txt` (one level up, where [`plant`] puts it) or `/etc/passwd`.
pub const PAYLOADS: &[&str] = &[
    "../secret.txt",
    "../../../../../../etc/passwd",
    "%2e%2e/secret.txt",
    "%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
    "%2e%2e%2fsecret.txt",
    "..%2fsecret.txt",
    "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "..%5csecret.txt",
    "..\\secret.txt",
    "..;/secret.txt",
    "%252e%252e/secret.txt",
    "%c0%ae%c0%ae/secret.txt",
    "%e0%80%ae%e0%80%ae/secret.txt",
    "....//secret.txt",
    ".../secret.txt",
    "./../secret.txt",
    "sub/../../secret.txt",
    "sub/%2e%2e/%2e%2e/secret.txt",
    "%00../secret.txt",
    "..%00/secret.txt",
    "//etc/passwd",
    "%2fetc%2fpasswd",
    "escape/secret.txt",
    "escape/",
    "link.txt",
    "escape%2fsecret.txt",
];

/// Puts [`SECRET_FILE`] in `outside`, and in `inside` a folder `sub/`, a symlink `escape` → `outside` and
/// `link.txt` → the secret. `outside` must be `inside`'s parent for the `../` payloads to aim right; they
/// are caught either way.
pub fn plant(inside: &Path, outside: &Path) {
    std::fs::write(outside.join(SECRET_FILE), SECRET).expect("secret");
    std::fs::create_dir_all(inside.join("sub")).expect("sub");
    std::os::unix::fs::symlink(outside, inside.join("escape")).expect("escape symlink");
    std::os::unix::fs::symlink(outside.join(SECRET_FILE), inside.join("link.txt")).expect("link symlink");
}

/// Names in `outside` besides the secret and the folder itself (what a write that escaped left there).
pub fn created_outside(outside: &Path, inside: &Path) -> Vec<String> {
    let inside_name = inside.file_name().map(|n| n.to_os_string());
    std::fs::read_dir(outside)
        .expect("list outside")
        .flatten()
        .map(|entry| entry.file_name())
        .filter(|name| name != SECRET_FILE && Some(name) != inside_name.as_ref())
        .map(|name| name.to_string_lossy().into_owned())
        .collect()
}

/// Sends a raw request (method, target, extra header lines, body) to `addr` with `Host: host` and returns
/// the status and the whole response text.
pub async fn raw(
    addr: std::net::SocketAddr,
    host: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    socket.write_all(request.as_bytes()).await.expect("send");
    socket.write_all(body).await.expect("send body");
    let mut response = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        socket.read_to_end(&mut response),
    )
    .await
    .expect("response within 30 s")
    .expect("read");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// True when an answer gave away something outside the folder.
pub fn leaked(text: &str) -> bool {
    text.contains(SECRET) || text.contains("root:x:0:0")
}
