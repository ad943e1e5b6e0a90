//! Instructions served from elsewhere (issue 14): `applications.workshop.proxy` forwards `/workshop/content/…`
//! (any method, websockets, `pathRewrite`, `$(…)` headers, the upstream's framing headers replaced by
//! lectern's) and the dashboard's pane shows `/workshop/content/`; `applications.workshop.url` is shown in the
//! pane (substituted) and `/workshop/` leads there; neither needs pages of its own, for `check` or `/readyz`.

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

use super::{config, upstream, workshop};
use crate::support::{TestServer, http_client};

fn proxy_yaml(port: u16) -> String {
    format!(
        "applications:
  workshop:
    proxy:
      host: 127.0.0.1
      port: {port}
      pathRewrite:
      - pattern: ^/workshop/content/docs/(.*)$
        replacement: /site/$1
      headers:
      - name: X-Session
        value: $(session_name)
"
    )
}

/// Sends `request`; its 200 answer's JSON.
async fn json_of(request: reqwest::RequestBuilder) -> Value {
    let response = request.send().await.expect("request");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

#[tokio::test]
async fn a_proxied_doc_server_answers_under_workshop_content() {
    let up = upstream::start().await;
    let dir = workshop(&proxy_yaml(up.port()));
    let server = TestServer::start(config(dir.path())).await;
    let client = http_client();

    let seen = json_of(client.get(server.url("/workshop/content/a/b.html?x=1"))).await;
    assert_eq!(seen["uri"], "/workshop/content/a/b.html?x=1", "path kept");
    assert_eq!(seen["headers"]["x-session"], "s1", "$(…) in a header value");
    let first = json_of(client.get(server.url("/workshop/content/"))).await;
    assert_eq!(first["uri"], "/workshop/content/");
    let rewritten = json_of(client.get(server.url("/workshop/content/docs/intro/"))).await;
    assert_eq!(rewritten["uri"], "/site/intro/", "first matching pathRewrite");
    let climbed = json_of(client.get(server.url("/workshop/content/x/..;/y"))).await;
    assert_eq!(
        climbed["uri"], "/workshop/content/y",
        "dot segments resolved as upstreams would"
    );
    let posted = json_of(client.post(server.url("/workshop/content/form")).body("abc")).await;
    assert_eq!(
        (posted["method"].as_str(), posted["body_len"].as_u64()),
        (Some("POST"), Some(3))
    );

    // The upstream's framing headers would keep it out of the instructions pane: lectern's own apply.
    let framed = client
        .get(server.url("/workshop/content/set-headers"))
        .send()
        .await
        .unwrap();
    assert_eq!(framed.status(), 200);
    assert!(framed.headers().get("x-frame-options").is_none());
    let csp = framed.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("frame-ancestors"), "{csp}");

    // `hugo server`'s live reload is a websocket.
    let ws_url = server
        .url("/workshop/content/livereload")
        .replacen("http", "ws", 1);
    let (mut socket, _) = tokio_tungstenite::connect_async(ws_url)
        .await
        .expect("websocket through the proxy");
    socket.send(Message::Text("reload".into())).await.unwrap();
    let back = socket.next().await.expect("echo").expect("frame");
    assert_eq!(back.into_text().unwrap().as_str(), "reload");

    let dashboard = json_of(client.get(server.url("/api/dashboard"))).await;
    assert_eq!(dashboard["layout"]["instructions"], "/workshop/content/");
    let root = client.get(server.url("/workshop/")).send().await.unwrap();
    assert_eq!(root.headers()["location"], "/workshop/content/");
    server.stop().await;
}

#[tokio::test]
async fn a_remote_site_is_shown_and_needs_no_pages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("resources")).unwrap();
    std::fs::write(
        dir.path().join("resources/workshop.yaml"),
        "spec:\n  session:\n    applications:\n      workshop:\n        url: https://docs.$(ingress_domain)/$(session_name)/\n",
    )
    .unwrap();
    let (_, diagnostics) = lectern::content::load_workshop(dir.path(), &Default::default());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");

    let server = TestServer::start(config(dir.path())).await;
    let client = http_client();
    let dashboard = json_of(client.get(server.url("/api/dashboard"))).await;
    assert_eq!(
        dashboard["layout"]["instructions"],
        "https://docs.example.test/s1/"
    );
    for path in ["/workshop/", "/workshop/content/"] {
        let response = client.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(
            response.headers()["location"],
            "https://docs.example.test/s1/",
            "{path}"
        );
    }
    assert_eq!(
        client.get(server.url("/readyz")).send().await.unwrap().status(),
        200
    );
    server.stop().await;
}

#[tokio::test]
async fn an_unusable_source_is_a_warning_and_the_own_pages_stay() {
    let cases = [
        ("url: 42", "workshop.url must be a URL"),
        ("proxy:\n  port: 8080", "workshop.proxy is not usable"),
        ("proxy:\n  host: ''", "workshop.proxy has no host"),
        (
            "proxy:\n  host: docs\n  pathRewrite:\n  - pattern: '(('",
            "pathRewrite pattern \"((\" is skipped",
        ),
    ];
    for (yaml, expected) in cases {
        let indented: String = yaml.lines().map(|l| format!("  {l}\n")).collect();
        let dir = workshop(&format!("applications:\n workshop:\n{indented}"));
        let (loaded, diagnostics) = lectern::content::load_workshop(dir.path(), &Default::default());
        assert_eq!(diagnostics.len(), 1, "{yaml}: {diagnostics:?}");
        assert!(
            diagnostics[0].message.contains(expected),
            "{yaml}: {}",
            diagnostics[0].message
        );
        assert_eq!(
            diagnostics[0].file,
            std::path::Path::new("resources/workshop.yaml")
        );
        assert_eq!(loaded.pages.len(), 1, "{yaml}: the workshop's own page");
    }
}
