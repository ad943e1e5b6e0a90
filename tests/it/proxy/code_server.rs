//! Real code-server (npm package, installed by tests/support/install-code-server.sh into
//! target/test-deps/, or found through `LECTERN_CODE_SERVER`) behind `/editor/`: the workbench page and
//! its scripts load through the proxy, and its websocket (VS Code's remote protocol) answers the client's
//! `auth` handshake through the proxy. Skipped with a printed reason when code-server is not installed.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use lectern::config::{AuthMode, CookieKeySource, Secret, proxy_local_upstream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::{config, workshop};
use crate::support::{TestServer, get, http_client, repo_root};

/// The code-server executable, if installed.
pub fn code_server_bin() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("LECTERN_CODE_SERVER") {
        return Some(PathBuf::from(path)).filter(|p| p.exists());
    }
    let path = repo_root().join("target/test-deps/code-server/node_modules/.bin/code-server");
    path.exists().then_some(path)
}

/// A running code-server; its whole process group is killed on drop (the `code-server` launcher forks
/// the real server, which `kill_on_drop` alone would leave running as an orphan).
pub struct CodeServer {
    /// Its port on 127.0.0.1.
    pub port: u16,
    child: tokio::process::Child,
    _dirs: tempfile::TempDir,
}

impl Drop for CodeServer {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            let group = nix::unistd::Pid::from_raw(pid as i32);
            let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        }
    }
}

/// Starts code-server on a free loopback port and waits (at most 60 s) until it answers.
pub async fn start_code_server(bin: &PathBuf) -> CodeServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dirs = tempfile::tempdir().unwrap();
    let folder = dirs.path().join("exercises");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("hello.txt"), "hello from the workshop\n").unwrap();
    let child = tokio::process::Command::new(bin)
        .args(["--auth", "none", "--bind-addr", &format!("127.0.0.1:{port}")])
        .args([
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
        ])
        .arg("--user-data-dir")
        .arg(dirs.path().join("data"))
        .arg("--extensions-dir")
        .arg(dirs.path().join("extensions"))
        .arg(&folder)
        .env("HOME", dirs.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .process_group(0)
        .spawn()
        .expect("spawn code-server");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(response) = http_client()
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            && response.status().is_success()
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "code-server did not start within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    CodeServer {
        port,
        child,
        _dirs: dirs,
    }
}

/// VS Code's protocol header: type, id, ack (u32 BE each after the type byte), length.
fn control_message(json: &str) -> Vec<u8> {
    let mut frame = vec![2u8]; // ProtocolMessageType.Control
    frame.extend_from_slice(&0u32.to_be_bytes());
    frame.extend_from_slice(&0u32.to_be_bytes());
    frame.extend_from_slice(&(json.len() as u32).to_be_bytes());
    frame.extend_from_slice(json.as_bytes());
    frame
}

#[tokio::test]
async fn code_server_loads_through_editor_and_its_websocket_works() {
    let Some(bin) = code_server_bin() else {
        eprintln!("SKIPPED: code-server is not installed (run tests/support/install-code-server.sh)");
        return;
    };
    let code_server = start_code_server(&bin).await;
    let dir = workshop("{}");
    let mut config = config(dir.path());
    config.proxy.editor.enabled = Some(true);
    config.proxy.editor.upstream = proxy_local_upstream(code_server.port);
    // The real code-server can take seconds to answer on a loaded machine (the load tests run beside
    // it): the tests' 2 s response timeout made this a 504 now and then.
    config.proxy.response_timeout = Duration::from_secs(60);
    config.auth.mode = AuthMode::Token;
    config.auth.login_token = Some(Secret("code-server-login-token".into()));
    config.auth.cookie_key = CookieKeySource::Secret(Secret("k".repeat(40)));
    let server = TestServer::start(config).await;
    let client = http_client();
    let login = get(&server.url("/editor/?token=code-server-login-token")).await;
    assert_eq!(login.status(), 302);
    let cookie = crate::auth::login_cookie(&login).expect("cookie");

    // Follow code-server's own redirects (to `./?folder=…`), resolved under /editor/.
    let mut path = "/editor/".to_string();
    let mut page = None;
    for _ in 0..5 {
        let response = client
            .get(server.url(&path))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        if response.status().is_redirection() {
            let location = response.headers()["location"].to_str().unwrap().to_string();
            path = match location.strip_prefix("./") {
                Some(rest) => format!("/editor/{rest}"),
                None if location.starts_with('/') => location,
                None => format!("/editor/{location}"),
            };
            continue;
        }
        assert_eq!(response.status(), 200, "{path}");
        page = Some(response.text().await.unwrap());
        break;
    }
    let page = page.expect("workbench page");
    assert!(
        page.contains("workbench"),
        "not the VS Code workbench: {page:.500}"
    );
    // A script the page loads, resolved relative to /editor/.
    let script = page
        .split('"')
        .find(|s| s.ends_with("workbench.js") || s.ends_with("workbench.web.main.js"))
        .unwrap_or_else(|| panic!("no workbench script in {page:.2000}"))
        .to_string();
    let script_path = match script.strip_prefix("./") {
        Some(rest) => format!("/editor/{rest}"),
        None if script.starts_with('/') => format!("/editor{script}"),
        None => format!("/editor/{script}"),
    };
    let js = client
        .get(server.url(&script_path))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200, "{script_path}");
    assert!(js.bytes().await.unwrap().len() > 10_000);

    // The websocket, as the workbench opens it, with the browser's Origin.
    let url = format!(
        "ws://{}/editor/?reconnectionToken=lectern-test-1&reconnection=false&skipWebSocketFrames=false",
        server.addr
    );
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("cookie", cookie.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", format!("http://{}", server.addr).parse().unwrap());
    let (mut socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("code-server websocket");
    assert_eq!(response.status(), 101);
    socket
        .send(Message::binary(control_message(
            r#"{"type":"auth","auth":"00000000000000000000","data":""}"#,
        )))
        .await
        .unwrap();
    let reply = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Binary(data))) => return data,
                Some(Ok(_)) => continue,
                other => panic!("websocket ended: {other:?}"),
            }
        }
    })
    .await
    .expect("code-server answered the auth message within 30 s");
    assert!(reply.len() > 13 && reply[0] == 2, "a control message: {reply:?}");
    let json = String::from_utf8_lossy(&reply[13..]);
    assert!(json.contains("\"sign\""), "code-server's sign request: {json}");

    // Without the login the same upgrade is refused before it reaches code-server.
    let mut anonymous = format!("ws://{}/editor/?reconnectionToken=x", server.addr)
        .into_client_request()
        .unwrap();
    anonymous
        .headers_mut()
        .insert("origin", format!("http://{}", server.addr).parse().unwrap());
    let error = tokio_tungstenite::connect_async(anonymous)
        .await
        .expect_err("anonymous upgrade");
    assert!(
        matches!(error, tokio_tungstenite::tungstenite::Error::Http(ref r) if r.status() == 401),
        "{error:?}"
    );
    server.stop().await;
}
