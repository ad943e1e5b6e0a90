//! Regression tests for issue 11's authentication findings: DNS rebinding in auth-none mode (finding 2), and
//! the smaller ones of finding 10 — no throttling of wrong Basic credentials, a logout that leaves the cookie
//! valid, an OAuth `redirect_uri` built from any `Host`, a replayable OAuth `state`, and tokens in the
//! request log (W8).

use lectern::config::{AuthMode, CookieKeySource, Secret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{COOKIE_SECRET, login_cookie, oauth_config};
use crate::proxy::{config, workshop};
use crate::support::portal::FakePortal;
use crate::support::{TestServer, get, http_client};

/// The status line's code of a raw request (the body is not read).
async fn status_of(server: &TestServer, request: &str) -> u16 {
    let mut socket = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    socket.write_all(request.as_bytes()).await.expect("send");
    let mut head = vec![0u8; 256];
    let read = tokio::time::timeout(crate::site::WAIT, socket.read(&mut head))
        .await
        .expect("an answer")
        .expect("read");
    let text = String::from_utf8_lossy(&head[..read]).into_owned();
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn upgrade(host: &str, origin: &str) -> String {
    format!(
        "GET /terminal/ws/1 HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
}

#[tokio::test]
async fn dns_rebinding_reaches_nothing_in_auth_none_mode() {
    // Issue 11, finding 2: any Host was accepted and the Origin check only compared Origin with Host, so a
    // page on an attacker's domain rebound to 127.0.0.1 opened `/terminal/ws/1` and ran commands.
    let dir = workshop("{}");
    let mut config = config(dir.path());
    config.auth.allowed_hosts = vec!["lectern.internal".into()];
    let server = TestServer::start(config).await;
    let port = server.addr.port();
    let evil = format!("rebind.attacker.example:{port}");
    assert_eq!(
        status_of(&server, &upgrade(&evil, &format!("http://{evil}"))).await,
        421
    );
    let execute = format!(
        "POST /terminal/api/1/execute HTTP/1.1\r\nHost: {evil}\r\nOrigin: http://{evil}\r\n\
         Content-Type: application/json\r\nContent-Length: 17\r\n\r\n{{\"command\":\"id\"}}"
    );
    assert_eq!(status_of(&server, &execute).await, 421);
    for path in [
        "/",
        "/api/workshop",
        "/workshop/content/",
        "/static/dashboard.js",
        "/oauth_handshake",
    ] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {evil}\r\n\r\n");
        assert_eq!(status_of(&server, &request).await, 421, "{path}");
    }
    // Health answers any name (probes); known names work; the operator's list adds names.
    for (host, path, expected) in [
        (evil.as_str(), "/healthz", 200),
        ("127.0.0.1", "/api/workshop", 200),
        ("localhost", "/api/workshop", 200),
        ("s1.example.test", "/api/workshop", 200),
        ("lectern.internal:8080", "/api/workshop", 200),
        ("lectern.internal.attacker.example", "/api/workshop", 421),
    ] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n");
        assert_eq!(status_of(&server, &request).await, expected, "{host} {path}");
    }
    // A known host, but the page came from another known host: still cross-origin.
    let own = format!("127.0.0.1:{port}");
    assert_eq!(
        status_of(&server, &upgrade(&own, &format!("http://localhost:{port}"))).await,
        403
    );
    server.stop().await;
}

#[tokio::test]
async fn wrong_basic_credentials_are_throttled_but_the_logged_in_learner_is_not() {
    // Issue 11, finding 10: basic auth had no throttling.
    let dir = workshop("{}");
    let mut config = config(dir.path());
    config.auth.mode = AuthMode::Basic;
    config.auth.basic = Some(("learner".into(), Secret("right-password".into())));
    config.auth.cookie_key = CookieKeySource::Secret(Secret(COOKIE_SECRET.into()));
    // No attempt comes back during the test, however slow the machine.
    config.auth.throttle.refill = std::time::Duration::from_secs(3600);
    let server = TestServer::start(config).await;
    let client = http_client();
    let url = server.url("/api/workshop");
    let ok = client
        .get(&url)
        .basic_auth("learner", Some("right-password"))
        .send()
        .await
        .expect("login");
    assert_eq!(ok.status(), 200);
    let cookie = login_cookie(&ok).expect("cookie");
    let mut statuses = Vec::new();
    for attempt in 0..40 {
        let response = client
            .get(&url)
            .basic_auth("learner", Some(format!("guess-{attempt}")))
            .send()
            .await
            .expect("guess");
        statuses.push(response.status().as_u16());
    }
    assert!(
        statuses[..30].iter().all(|&s| s == 401),
        "a burst is allowed: {statuses:?}"
    );
    assert!(
        statuses[30..].iter().all(|&s| s == 429),
        "then refused: {statuses:?}"
    );
    let refused = client
        .get(&url)
        .basic_auth("learner", Some("right-password"))
        .send()
        .await
        .expect("right password while throttled");
    assert_eq!(
        refused.status(),
        429,
        "credentials are not even checked while throttled"
    );
    assert!(refused.headers().contains_key("retry-after"));
    let learner = client
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await
        .expect("cookie");
    assert_eq!(
        learner.status(),
        200,
        "the learner's open session is not locked out"
    );
    server.stop().await;
}

#[tokio::test]
async fn logout_ends_the_login_on_the_server() {
    // Issue 11, finding 10: logout cleared the browser's cookie, but a copy of it still worked.
    let dir = workshop("{}");
    let mut config = config(dir.path());
    config.auth.mode = AuthMode::Token;
    config.auth.login_token = Some(Secret("the-login-token-123".into()));
    config.auth.cookie_key = CookieKeySource::File(dir.path().join("state/cookie.key"));
    let server = TestServer::start(config.clone()).await;
    let client = http_client();
    let login = |server: &TestServer| client.get(server.url("/?token=the-login-token-123")).send();
    let first = login_cookie(&login(&server).await.expect("login")).expect("cookie");
    let second = login_cookie(&login(&server).await.expect("login")).expect("cookie");
    let api = |server: &TestServer, cookie: &str| {
        client
            .get(server.url("/api/workshop"))
            .header("cookie", cookie.to_string())
            .send()
    };
    assert_eq!(api(&server, &first).await.expect("api").status(), 200);
    let logout = client
        .get(server.url("/logout"))
        .header("cookie", &first)
        .send()
        .await
        .expect("logout");
    assert_eq!(logout.status(), 200);
    assert_eq!(
        api(&server, &first).await.expect("api").status(),
        401,
        "a kept copy is dead"
    );
    assert_eq!(
        api(&server, &second).await.expect("api").status(),
        200,
        "other logins live on"
    );
    server.stop().await;
    let server = TestServer::start(config).await;
    assert_eq!(
        api(&server, &first).await.expect("api").status(),
        401,
        "and stays dead after a restart"
    );
    assert_eq!(api(&server, &second).await.expect("api").status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn an_oauth_state_logs_in_once_and_only_on_known_hosts() {
    // Issue 11, finding 10: the OAuth state could be replayed within its lifetime, and `redirect_uri` was
    // built from whatever `Host` the request carried.
    let portal = FakePortal::start("s1", "alice", &[]).await;
    let dir = workshop("{}");
    let server = TestServer::start(oauth_config(dir.path(), &portal)).await;
    let client = http_client();
    let evil = client
        .get(server.url("/oauth_handshake?next=/"))
        .header("host", "portal-lookalike.attacker.example")
        .send()
        .await
        .expect("handshake");
    assert_eq!(evil.status(), 421, "no callback URL on a foreign host");
    let to_portal = get(&server.url("/oauth_handshake?next=/")).await;
    let state_cookie = to_portal.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let authorize = to_portal.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let mut callbacks = Vec::new();
    for _ in 0..2 {
        let back = get(&authorize).await;
        callbacks.push(back.headers()["location"].to_str().expect("location").to_string());
    }
    let first = client
        .get(&callbacks[0])
        .header("cookie", &state_cookie)
        .send()
        .await
        .expect("callback");
    assert_eq!(first.status(), 302);
    assert!(login_cookie(&first).is_some());
    let replay = client
        .get(&callbacks[1])
        .header("cookie", &state_cookie)
        .send()
        .await
        .expect("replay");
    assert_eq!(replay.status(), 400, "a fresh code with a used state");
    assert!(login_cookie(&replay).is_none());
    server.stop().await;
}

#[tokio::test]
async fn tokens_in_query_strings_never_reach_the_log() {
    // W8 (issue 11, finding 10): `?token=` reached the debug log with the request line. The real binary at
    // LOG_LEVEL=debug, its whole output read back.
    let dir = workshop("{}");
    let log_path = dir.path().join("serve.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--auth",
            "token",
        ])
        .arg(dir.path())
        .env("LOG_LEVEL", "debug")
        .env("LECTERN_LOGIN_TOKEN", "never-log-this-login-token")
        .env("SERVICES_PASSWORD", "never-log-this-either")
        .env("LECTERN_COOKIE_SECRET", COOKIE_SECRET)
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .spawn()
        .expect("lectern serve");
    let client = http_client();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = tokio::time::Instant::now() + crate::site::WAIT;
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "lectern serve did not start"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    for path in [
        "/?token=never-log-this-login-token",
        "/files/x?token=never-log-this-either",
    ] {
        let _ = get(&format!("{base}{path}")).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(&log_path).expect("log");
    assert!(
        log.contains("token=REDACTED"),
        "the request line is logged: {log}"
    );
    assert!(!log.contains("never-log-this"), "{log}");
}

#[tokio::test]
async fn an_unreachable_portal_is_a_502_not_a_crash() {
    // W26: the original dereferenced `error.response.status` when a relay failed without a response.
    let portal = FakePortal::start("s1", "alice", &[]).await;
    let dir = workshop("{}");
    let mut config = oauth_config(dir.path(), &portal);
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port");
    if let Some(oauth) = config.auth.oauth.as_mut() {
        oauth.portal_api_url = format!("http://{closed}");
    }
    let auth = lectern::auth::Auth::new(config.auth.clone()).expect("auth");
    let cookie = auth.login_cookie(&auth.new_claims(
        "alice",
        false,
        Some(lectern::auth::PortalToken {
            access: "portal-token".into(),
            refresh: None,
            expires: 0,
        }),
    ));
    let cookie = cookie.split(';').next().expect("pair").to_string();
    let server = TestServer::start(config).await;
    for path in ["/session/schedule", "/session/extend"] {
        let response = http_client()
            .get(server.url(path))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("relay");
        assert_eq!(response.status(), 502, "{path}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert!(
            body["error"]
                .as_str()
                .expect("error")
                .contains("cannot reach the training portal"),
            "{body}"
        );
    }
    let health = get(&server.url("/healthz")).await;
    assert_eq!(health.status(), 200, "still serving");
    server.stop().await;
}

#[test]
fn cookies_are_secure_when_the_session_is_served_over_https() {
    // W11: the original's session cookie was never `Secure`, even on HTTPS.
    let args = lectern::cli::AuthArgs {
        auth: Some("token".into()),
        cookie_secret: Some(COOKIE_SECRET.into()),
        ..Default::default()
    };
    let mut session = lectern::config::SessionConfig::default();
    session.vars.insert("ingress_protocol".into(), "https".into());
    let listen = std::net::SocketAddr::from(([0, 0, 0, 0], 10080));
    let config = lectern::config::AuthConfig::from_args(&args, listen, &session).expect("config");
    assert!(config.secure);
    let auth = lectern::auth::Auth::new(config).expect("auth");
    let cookie = auth.login_cookie(&auth.new_claims("learner", false, None));
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    session.vars.insert("ingress_protocol".into(), "http".into());
    let plain = lectern::config::AuthConfig::from_args(&args, listen, &session).expect("config");
    assert!(!plain.secure, "http: a Secure cookie would never come back");
}
