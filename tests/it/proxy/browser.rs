//! Real code-server in Debian's Chromium through lectern: headless Chromium, driven over the DevTools
//! protocol, logs in with the token, opens `/editor/` and must show the workspace's file in VS Code's
//! explorer — which needs code-server's websocket, through the proxy. Skipped with a printed reason when
//! Chromium or code-server is missing.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use lectern::config::{AuthMode, CookieKeySource, Secret, proxy_local_upstream};
use tokio_tungstenite::tungstenite::Message;

use super::code_server::{code_server_bin, start_code_server};
use super::{config, workshop};
use crate::support::{TestServer, get_json};

fn chromium_bin() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Sends one DevTools command and returns its result.
async fn devtools<S>(socket: &mut S, id: u64, method: &str, params: serde_json::Value) -> serde_json::Value
where
    S: futures_util::Sink<Message>
        + futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
        + Unpin,
    <S as futures_util::Sink<Message>>::Error: std::fmt::Debug,
{
    let command = serde_json::json!({"id": id, "method": method, "params": params});
    socket.send(Message::text(command.to_string())).await.unwrap();
    loop {
        let message = socket.next().await.expect("devtools open").unwrap();
        let Ok(text) = message.into_text() else { continue };
        let value: serde_json::Value = serde_json::from_str(text.as_str()).unwrap_or_default();
        if value["id"] == id {
            return value["result"].clone();
        }
    }
}

#[tokio::test]
async fn code_server_workbench_runs_in_chromium_through_editor() {
    let (Some(chromium), Some(code_server)) = (chromium_bin(), code_server_bin()) else {
        eprintln!("SKIPPED: needs chromium and code-server (tests/support/install-code-server.sh)");
        return;
    };
    let code_server = start_code_server(&code_server).await;
    let dir = workshop("{}");
    let mut config = config(dir.path());
    config.proxy.editor.enabled = Some(true);
    config.proxy.editor.upstream = proxy_local_upstream(code_server.port);
    config.proxy.response_timeout = Duration::from_secs(60);
    config.auth.mode = AuthMode::Token;
    config.auth.login_token = Some(Secret("chromium-login-token".into()));
    config.auth.cookie_key = CookieKeySource::Secret(Secret("k".repeat(40)));
    let server = TestServer::start(config).await;

    let profile = tempfile::tempdir().unwrap();
    let mut browser = tokio::process::Command::new(chromium)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn chromium");
    let port_file = profile.path().join("DevToolsActivePort");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let devtools_port = loop {
        if let Some(port) = std::fs::read_to_string(&port_file)
            .ok()
            .and_then(|t| t.lines().next()?.parse::<u16>().ok())
        {
            break port;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "chromium did not start within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let targets: serde_json::Value = get_json(&format!("http://127.0.0.1:{devtools_port}/json/list")).await;
    let page = targets
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "page")
        .expect("a page target");
    let (mut socket, _) = tokio_tungstenite::connect_async(page["webSocketDebuggerUrl"].as_str().unwrap())
        .await
        .expect("devtools websocket");
    let url = server.url("/editor/?token=chromium-login-token");
    devtools(&mut socket, 1, "Page.navigate", serde_json::json!({ "url": url })).await;
    let probe = "JSON.stringify({workbench: !!document.querySelector('.monaco-workbench'), \
                 file: document.body ? document.body.innerText.includes('hello.txt') : false, url: location.href})";
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let mut id = 2;
    let state = loop {
        let result = devtools(
            &mut socket,
            id,
            "Runtime.evaluate",
            serde_json::json!({ "expression": probe }),
        )
        .await;
        id += 1;
        let state: serde_json::Value =
            serde_json::from_str(result["result"]["value"].as_str().unwrap_or("{}")).unwrap_or_default();
        if state["workbench"] == true && state["file"] == true {
            break state;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "VS Code did not show the workspace within 120 s: {state}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let location = state["url"].as_str().unwrap_or_default();
    assert!(
        location.contains("/editor/") && !location.contains("token="),
        "{location}"
    );
    let _ = browser.kill().await;
    server.stop().await;
}
