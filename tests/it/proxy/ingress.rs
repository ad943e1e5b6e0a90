//! Session ingresses from `resources/workshop.yaml`: host-based (`<name>-<session>.<domain>`) and path-based
//! (`/ingress/<name>/…`) rules, path filters in list order, custom headers with `$(…)` substitution,
//! `authentication: none` before login, websockets through an ingress host.

use futures_util::{SinkExt, StreamExt};
use lectern::config::{AuthMode, CookieKeySource, Secret};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::{config, ingress_host, upstream, workshop};
use crate::support::{TestServer, get, http_client};

const TOKEN: &str = "login-token-for-ingress-tests";

fn ingresses(port: u16) -> String {
    format!(
        "ingresses:
- name: app
  port: {port}
  path: /api/
  headers:
  - name: X-Which
    value: api
- name: app
  port: {port}
  headers:
  - name: X-Session
    value: $(session_name)-$(ingress_domain)
  - name: Authorization
    value: Bearer injected
- name: open
  port: {port}
  authentication:
    type: none
- name: remote
  protocol: https
  port: {port}
"
    )
}

async fn start(port: u16) -> (TestServer, tempfile::TempDir) {
    let dir = workshop(&ingresses(port));
    let mut config = config(dir.path());
    config.auth.mode = AuthMode::Token;
    config.auth.login_token = Some(Secret(TOKEN.into()));
    config.auth.cookie_key = CookieKeySource::Secret(Secret("k".repeat(40)));
    (TestServer::start(config).await, dir)
}

/// Logs in with the token and returns the `Cookie` header value.
async fn login(server: &TestServer) -> String {
    let response = http_client()
        .get(server.url(&format!("/dashboard/?token={TOKEN}&tab=2")))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(
        response.headers()["location"],
        "/dashboard/?tab=2",
        "token stripped from the URL"
    );
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    set_cookie.split(';').next().unwrap().to_string()
}

#[tokio::test]
async fn host_based_rules_headers_and_public_ingress() {
    let up = upstream::start().await;
    let (server, _dir) = start(up.port()).await;
    let port = server.addr.port();
    let client = http_client();
    let get = |host: String, path: &str, cookie: Option<&str>| {
        let mut request = client.get(server.url(path)).header("host", host);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    // Public ingress: no login needed, and the browser's Authorization reaches it.
    let open = get(ingress_host("open", port), "/x", None).await.unwrap();
    assert_eq!(open.status(), 200);
    let echo: serde_json::Value = open.json().await.unwrap();
    assert_eq!(echo["uri"], "/x");
    // Session ingress without login: refused, never proxied.
    let refused = get(ingress_host("app", port), "/", None).await.unwrap();
    assert_eq!(refused.status(), 401);
    assert!(!refused.text().await.unwrap().contains("echo"));

    let cookie = login(&server).await;
    let app = get(ingress_host("app", port), "/page?q=1", Some(&cookie))
        .await
        .unwrap();
    assert_eq!(app.status(), 200);
    let echo: serde_json::Value = app.json().await.unwrap();
    assert_eq!(echo["uri"], "/page?q=1", "host-based ingresses keep the path");
    let headers = &echo["headers"];
    assert_eq!(headers["x-session"], "s1-example.test");
    assert_eq!(headers["authorization"], "Bearer injected");
    assert_eq!(
        headers["host"],
        ingress_host("app", port),
        "localhost upstreams see the ingress host"
    );
    assert!(
        headers.get("cookie").is_none(),
        "our cookie never reaches the upstream: {headers}"
    );
    assert!(headers.get("x-which").is_none());

    let api = get(ingress_host("app", port), "/api/items", Some(&cookie))
        .await
        .unwrap();
    let echo: serde_json::Value = api.json().await.unwrap();
    assert_eq!(echo["headers"]["x-which"], "api", "first matching rule wins");

    // Legacy `<session>-<name>` form.
    let legacy = get(format!("s1-app.example.test:{port}"), "/", Some(&cookie))
        .await
        .unwrap();
    assert_eq!(legacy.status(), 200);
    // Unknown ingress: 404 after login, 401 before.
    assert_eq!(
        get(ingress_host("nope", port), "/", Some(&cookie))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        get(ingress_host("nope", port), "/", None).await.unwrap().status(),
        401
    );
    // https upstreams: a clear 502.
    let remote = get(ingress_host("remote", port), "/", Some(&cookie))
        .await
        .unwrap();
    assert_eq!(remote.status(), 502);
    assert!(
        remote
            .text()
            .await
            .unwrap()
            .contains("https upstreams are not supported")
    );
    // The dashboard host itself is lectern.
    let own = get(format!("s1.example.test:{port}"), "/healthz", None)
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn path_based_rules() {
    let up = upstream::start().await;
    let (server, _dir) = start(up.port()).await;
    let client = http_client();
    let open = get(&server.url("/ingress/open/a?b=c")).await;
    assert_eq!(open.status(), 200);
    let echo: serde_json::Value = open.json().await.unwrap();
    assert_eq!(echo["uri"], "/a?b=c", "the /ingress/<name> prefix is stripped");
    assert_eq!(get(&server.url("/ingress/app/")).await.status(), 401);
    let cookie = login(&server).await;
    let api = client
        .get(server.url("/ingress/app/api/x"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let echo: serde_json::Value = api.json().await.unwrap();
    assert_eq!(echo["uri"], "/api/x");
    assert_eq!(echo["headers"]["x-which"], "api");
    let bare = get(&server.url("/ingress/open")).await;
    assert_eq!(bare.status(), 303);
    server.stop().await;
}

#[tokio::test]
async fn websocket_through_an_ingress_host() {
    let up = upstream::start().await;
    let (server, _dir) = start(up.port()).await;
    let cookie = login(&server).await;
    let host = ingress_host("app", server.addr.port());
    let connect = |cookie: Option<String>, origin: String| {
        let mut request = format!("ws://{}/socket", server.addr)
            .into_client_request()
            .unwrap();
        let headers = request.headers_mut();
        headers.insert("host", host.parse().unwrap());
        headers.insert("origin", origin.parse().unwrap());
        if let Some(cookie) = cookie {
            headers.insert("cookie", cookie.parse().unwrap());
        }
        tokio_tungstenite::connect_async(request)
    };
    let (mut socket, _) = connect(Some(cookie.clone()), format!("http://{host}"))
        .await
        .expect("ws via ingress");
    socket.send(Message::text("ping")).await.unwrap();
    assert_eq!(
        socket
            .next()
            .await
            .unwrap()
            .unwrap()
            .into_text()
            .unwrap()
            .as_str(),
        "ping"
    );
    let error = connect(None, format!("http://{host}"))
        .await
        .expect_err("no cookie");
    assert!(
        matches!(error, tokio_tungstenite::tungstenite::Error::Http(ref r) if r.status() == 401),
        "{error:?}"
    );
    let error = connect(Some(cookie), "http://evil.example".into())
        .await
        .expect_err("wrong origin");
    assert!(
        matches!(error, tokio_tungstenite::tungstenite::Error::Http(ref r) if r.status() == 403),
        "{error:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn ingresses_follow_the_definition_on_disk() {
    // W34: the original read the workshop definition once; new ingresses needed a gateway restart.
    let up = upstream::start().await;
    let dir = workshop("{}");
    let server = TestServer::start(config(dir.path())).await;
    let status = || async { get(&server.url("/ingress/late/x")).await.status() };
    assert_eq!(status().await, 404);
    super::write_workshop(
        dir.path(),
        &format!("ingresses:\n- name: late\n  port: {}\n", up.port()),
    );
    let deadline = tokio::time::Instant::now() + crate::site::WAIT;
    while status().await != 200 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the new ingress never answered"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    server.stop().await;
}
