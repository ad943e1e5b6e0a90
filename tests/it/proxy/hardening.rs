//! Regression tests for issue 11's proxy findings: dot segments escaping a public ingress rule (finding 1),
//! `/port/` calling lectern itself and loops through ingresses (8), and the smaller ones of finding 10 —
//! the learner's Basic credentials sent to a public ingress, upstream `Set-Cookie` overwriting lectern's
//! cookie, a client's `X-Forwarded-Host` passed on, and login tokens forwarded in query strings.

use lectern::config::{AuthMode, CookieKeySource, Secret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{config, ingress_host, upstream, workshop};
use crate::support::{TestServer, http_client};

const TOKEN: &str = "login-token-for-hardening-tests";

/// A token-mode server whose `app` ingress has a public `/public/` rule and a session `/` rule, and whose
/// public `loop` ingress points back at the server itself.
async fn start(upstream_port: u16) -> (TestServer, tempfile::TempDir) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let own = listener.local_addr().expect("addr").port();
    let dir = workshop(&format!(
        "ingresses:
- name: app
  port: {upstream_port}
  path: /public/
  authentication:
    type: none
- name: app
  port: {upstream_port}
- name: loop
  port: {own}
  authentication:
    type: none
"
    ));
    let mut config = config(dir.path());
    config.auth.mode = AuthMode::Token;
    config.auth.login_token = Some(Secret(TOKEN.into()));
    config.auth.cookie_key = CookieKeySource::Secret(Secret("k".repeat(40)));
    (TestServer::start_on(listener, config).await, dir)
}

/// `GET target` exactly as written (no client normalises it), with extra header lines; (status, body).
async fn raw(server: &TestServer, method: &str, target: &str, headers: &str) -> (u16, String) {
    let mut socket = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    let host = if headers.to_ascii_lowercase().contains("host:") {
        String::new()
    } else {
        format!("Host: 127.0.0.1:{}\r\n", server.addr.port())
    };
    let request = format!("{method} {target} HTTP/1.1\r\n{host}{headers}Connection: close\r\n\r\n");
    socket.write_all(request.as_bytes()).await.expect("send");
    let mut response = Vec::new();
    tokio::time::timeout(crate::site::WAIT, socket.read_to_end(&mut response))
        .await
        .expect("an answer")
        .expect("read");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn dot_segments_never_escape_a_public_ingress_rule() {
    // Issue 11, finding 1: rules were matched on the raw path and the path forwarded unnormalised, so
    // `/public/../private/x` reached the session-only rule without credentials.
    let up = upstream::start().await;
    let (server, _dir) = start(up.port()).await;
    let host = format!("Host: {}\r\n", ingress_host("app", server.addr.port()));
    // Controls: the public part is public, and the upstream sees the resolved path.
    let (status, body) = raw(&server, "GET", "/ingress/app/public/./x/../ok.txt", "").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"uri\":\"/public/ok.txt\""), "{body}");
    let (status, _) = raw(&server, "GET", "/ingress/app/private/secret.txt", "").await;
    assert_eq!(status, 401);
    for up in [
        "../",
        "%2e%2e/",
        "%2E%2e/",
        ".%2e/",
        "..;/",
        "..%2f",
        "%2e%2e%2f",
        "..%5c",
    ] {
        for (prefix, headers) in [("/ingress/app", ""), ("", host.as_str())] {
            let target = format!("{prefix}/public/{up}private/secret.txt");
            let (status, body) = raw(&server, "GET", &target, headers).await;
            assert!(
                status == 401 || status == 400,
                "{target} {}: {status} {body}",
                if headers.is_empty() {
                    "(path form)"
                } else {
                    "(host form)"
                }
            );
            assert!(
                !body.contains("\"upstream\":\"echo\""),
                "{target} reached the upstream: {body}"
            );
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn the_proxy_never_calls_lectern_itself() {
    // Issue 11, finding 8: `/port/<own port>/…` looped in token mode (the `?token=` forwarded each hop): one
    // 65 KB URL took RSS to 1.5 GB.
    let up = upstream::start().await;
    let (server, _dir) = start(up.port()).await;
    let own = server.addr.port();
    let nested = format!("/port/{own}").repeat(50) + &format!("/healthz?token={TOKEN}");
    let (status, body) = raw(&server, "HEAD", &nested, "").await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = raw(&server, "POST", &format!("/port/{own}/healthz?token={TOKEN}"), "").await;
    assert_eq!(status, 403, "{body}");
    // A public ingress pointing at the server itself: the second hop sees its own `Via` and stops.
    let (status, body) = raw(&server, "GET", "/ingress/loop/ingress/loop/ingress/loop/x", "").await;
    assert_eq!(status, 508, "{body}");
    server.stop().await;
}

#[tokio::test]
async fn secrets_and_spoofable_headers_stay_with_lectern() {
    // Issue 11, finding 10: `?token=` reached upstreams, a client's `X-Forwarded-Host` was passed on, and an
    // upstream's `Set-Cookie` could overwrite lectern's login cookie.
    let up = upstream::start().await;
    let (server, _dir) = start(up.port()).await;
    let port = up.port();
    let (status, body) = raw(
        &server,
        "POST",
        &format!("/port/{port}/echo?token={TOKEN}&x=1"),
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("\"uri\":\"/echo?x=1\""),
        "the login token is not forwarded: {body}"
    );
    let (status, body) = raw(
        &server,
        "POST",
        &format!("/port/{port}/echo?token=the-apps-own-token&token={TOKEN}"),
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("\"uri\":\"/echo?token=the-apps-own-token\""),
        "other tokens are the app's: {body}"
    );

    let echo: serde_json::Value = http_client()
        .post(server.url(&format!("/port/{port}/echo?token={TOKEN}")))
        .header("x-forwarded-host", "evil.example")
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("echo")
        .json()
        .await
        .expect("json");
    assert_eq!(
        echo["headers"]["x-forwarded-host"],
        format!("127.0.0.1:{}", server.addr.port())
    );
    assert_eq!(echo["headers"]["x-forwarded-proto"], "http");

    let response = http_client()
        .post(server.url(&format!("/port/{port}/set-cookie?token={TOKEN}")))
        .send()
        .await
        .expect("set-cookie");
    assert_eq!(response.status(), 200);
    let cookies: Vec<&str> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert_eq!(cookies, ["app-cookie=1; Path=/"]);
    server.stop().await;
}

#[tokio::test]
async fn a_public_ingress_never_receives_the_learners_basic_credentials() {
    let up = upstream::start().await;
    let dir = workshop(&format!(
        "ingresses:
- name: open
  port: {}
  authentication:
    type: none
",
        up.port()
    ));
    let mut config = config(dir.path());
    config.auth.mode = AuthMode::Basic;
    config.auth.basic = Some(("learner".into(), Secret("pw-of-the-learner".into())));
    config.auth.cookie_key = CookieKeySource::Secret(Secret("k".repeat(40)));
    let server = TestServer::start(config).await;
    let ours = "Basic bGVhcm5lcjpwdy1vZi10aGUtbGVhcm5lcg=="; // learner:pw-of-the-learner
    let echo = |authorization: &'static str| {
        let request = http_client()
            .get(server.url("/ingress/open/x"))
            .header("authorization", authorization);
        async move {
            request
                .send()
                .await
                .expect("echo")
                .json::<serde_json::Value>()
                .await
                .expect("json")
        }
    };
    let seen = echo(ours).await;
    assert!(seen["headers"].get("authorization").is_none(), "{seen}");
    let seen = echo("Bearer apps-own").await;
    assert_eq!(
        seen["headers"]["authorization"], "Bearer apps-own",
        "the app's own credentials pass"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_public_ingress_never_receives_lecterns_secrets_in_any_form() {
    // Issue 11 (found by the `ingress` fuzz target): only the exact Basic login was stripped, so the
    // learner's password under another user name, with a tab or junk around it, reached a public ingress;
    // so did the login token in an `Authorization` header.
    use base64::Engine;
    let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let up = upstream::start().await;
    let dir = workshop(&format!(
        "ingresses:
- name: open
  port: {}
  authentication:
    type: none
",
        up.port()
    ));
    let mut config = config(dir.path());
    config.auth.mode = AuthMode::Basic;
    config.auth.basic = Some(("learner".into(), Secret("pw-of-the-learner".into())));
    config.auth.cookie_key = CookieKeySource::Secret(Secret("k".repeat(40)));
    config.auth.services_password = Some(Secret("services-secret".into()));
    let server = TestServer::start(config).await;
    // What the upstream saw of `Authorization` (every value, joined), or None.
    let seen = |headers: String| {
        let server = &server;
        async move {
            let (status, body) = raw(server, "GET", "/ingress/open/x", &headers).await;
            assert_eq!(status, 200, "{headers:?}: {body}");
            let json = body.get(body.find('{').unwrap_or(0)..).unwrap_or_default();
            let echo: serde_json::Value = serde_json::from_str(json.trim()).expect("echo json");
            echo["headers"]["authorization"].as_str().map(str::to_string)
        }
    };
    let own = b64("learner:pw-of-the-learner");
    let unpadded = own.trim_end_matches('=').to_string();
    for value in [
        format!("Basic {own}"),
        format!("basic {own}"),
        format!("BASIC    {own}"),
        format!("Basic\t{own}"),
        format!("Basic {}", b64("someone-else:pw-of-the-learner")),
        format!("Basic {}", b64(":pw-of-the-learner")),
        format!("Basic {}", b64("learner:pw-of-the-learner and more")),
        format!("Basic {own} junk"),
        format!("Basic {own}\tjunk"),
        format!("Basic {unpadded}"),
        format!("Basic {unpadded}x"),
        format!("Basic {}", own.replace('+', "-").replace('/', "_")),
        "Bearer pw-of-the-learner".to_string(),
        "Bearer services-secret".to_string(),
        format!("Token {}", b64("services-secret")),
    ] {
        let got = seen(format!("Authorization: {value}\r\n")).await;
        assert_eq!(got, None, "{value:?} reached the public ingress");
    }
    // The application's own credentials pass, also beside lectern's.
    let apps = format!("Basic {}", b64("app-user:app-password"));
    let got = seen(format!("Authorization: {apps}\r\n")).await;
    assert_eq!(got.as_deref(), Some(apps.as_str()));
    let got = seen(format!(
        "Authorization: Basic {own}\r\nAuthorization: Bearer apps-own\r\n"
    ))
    .await;
    assert_eq!(got.as_deref(), Some("Bearer apps-own"));
    server.stop().await;
}
