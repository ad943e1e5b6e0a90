//! The auth matrix: every route (HTTP and websocket, lectern's own and proxied, host-based ingresses) ×
//! {no cookie, forged cookie, expired cookie, a login for another session, wrong Origin} gets 401, 403 or a
//! redirect to login — never the resource. A valid login is the control that the resource is there.

use lectern::auth::Auth;
use lectern::config::{CookieKeySource, Secret, proxy_local_upstream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::oauth_config;
use crate::proxy::{ingress_host, upstream, workshop};
use crate::support::portal::FakePortal;
use crate::support::{TestServer, http_client};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    NoCookie,
    Forged,
    Expired,
    OtherSession,
    WrongOrigin,
    Valid,
}

const DENIED_CASES: [Case; 5] = [
    Case::NoCookie,
    Case::Forged,
    Case::Expired,
    Case::OtherSession,
    Case::WrongOrigin,
];

struct Cookies {
    forged: String,
    expired: String,
    other_session: String,
    valid: String,
}

fn name_value(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

fn cookies(config: &lectern::config::Config) -> Cookies {
    let auth = Auth::new(config.auth.clone()).unwrap();
    let mut other = config.auth.clone();
    other.cookie_key = CookieKeySource::Secret(Secret("attacker-key-that-is-long-enough-000000".into()));
    let attacker = Auth::new(other).unwrap();
    let mut expired = auth.new_claims("alice", false, None);
    expired.exp = lectern::auth::cookie::now_secs() - 10;
    let mut other_session = auth.new_claims("alice", true, None);
    other_session.session = "s2".into();
    Cookies {
        forged: name_value(&attacker.login_cookie(&attacker.new_claims("alice", true, None))),
        // An expired cookie still carries its value (Max-Age=0 only tells the browser to drop it).
        expired: name_value(&auth.login_cookie(&expired)),
        other_session: name_value(&auth.login_cookie(&other_session)),
        valid: name_value(&auth.login_cookie(&auth.new_claims("alice", false, None))),
    }
}

fn cookie_for(case: Case, cookies: &Cookies) -> Option<&str> {
    match case {
        Case::NoCookie => None,
        Case::Forged => Some(&cookies.forged),
        Case::Expired => Some(&cookies.expired),
        Case::OtherSession => Some(&cookies.other_session),
        Case::WrongOrigin | Case::Valid => Some(&cookies.valid),
    }
}

#[tokio::test]
async fn every_route_times_every_bad_credential_is_refused() {
    let portal = FakePortal::start("s1", "alice", &[]).await;
    let up = upstream::start().await;
    let dir = workshop(&format!("ingresses:\n- name: app\n  port: {}\n", up.port()));
    let mut config = oauth_config(dir.path(), &portal);
    config.proxy.editor.enabled = Some(true);
    config.proxy.editor.upstream = proxy_local_upstream(up.port());
    config.proxy.console.enabled = Some(true);
    config.proxy.console.upstream = proxy_local_upstream(up.port());
    // WebDAV and Git without passwords of their own: lectern's login guards them like any route.
    let files = tempfile::tempdir().unwrap();
    config.services.webdav = Some(true);
    config.services.git = Some(true);
    config.services.files = Some(true);
    config.services.files_dir = Some(files.path().to_path_buf());
    config.services.git_repositories = Some(files.path().join("repos"));
    config.editor.connect_wait = std::time::Duration::from_millis(50);
    let cookies = cookies(&config);
    let server = TestServer::start(config).await;
    let own_host = server.addr.to_string();
    let app_host = ingress_host("app", server.addr.port());
    let editor_host = ingress_host("editor", server.addr.port());
    let git_host = ingress_host("git", server.addr.port());
    let up_port = up.port();

    // (method, host, path, proxied: the valid login must reach the upstream)
    let http_routes: Vec<(&str, String, String, bool)> = vec![
        ("GET", own_host.clone(), "/".into(), false),
        ("GET", own_host.clone(), "/dashboard/".into(), false),
        ("GET", own_host.clone(), "/api/dashboard".into(), false),
        ("GET", own_host.clone(), "/api/workshop".into(), false),
        ("GET", own_host.clone(), "/api/workshop/pages/x".into(), false),
        ("GET", own_host.clone(), "/workshop/content/x".into(), false),
        ("GET", own_host.clone(), "/api/events".into(), false),
        ("GET", own_host.clone(), "/files/x".into(), false),
        ("GET", own_host.clone(), "/metrics".into(), false),
        ("GET", own_host.clone(), "/terminal/session/1".into(), false),
        ("GET", own_host.clone(), "/terminal/".into(), false),
        ("GET", own_host.clone(), "/terminal/session/".into(), false),
        (
            "GET",
            own_host.clone(),
            "/workshop/.redirect-when-workshop-is-ready".into(),
            false,
        ),
        ("GET", own_host.clone(), "/terminal/1/screen".into(), false),
        ("GET", own_host.clone(), "/terminal/api/1/screen".into(), false),
        ("GET", own_host.clone(), "/terminal/1/output".into(), false),
        ("GET", own_host.clone(), "/session/schedule".into(), false),
        ("GET", own_host.clone(), "/config/environment".into(), false),
        ("GET", own_host.clone(), "/config/kubeconfig".into(), false),
        ("GET", own_host.clone(), "/config/variables".into(), false),
        ("GET", own_host.clone(), "/no-such-route".into(), false),
        ("GET", own_host.clone(), "/editor/".into(), true),
        ("GET", own_host.clone(), "/editor/static/x.js".into(), true),
        ("GET", own_host.clone(), "/console/".into(), true),
        ("GET", own_host.clone(), format!("/port/{up_port}/"), true),
        ("GET", own_host.clone(), "/ingress/app/".into(), true),
        ("GET", app_host.clone(), "/".into(), true),
        ("GET", app_host.clone(), "/dashboard/".into(), true),
        ("GET", editor_host.clone(), "/".into(), true),
        ("POST", own_host.clone(), "/terminal/api/1/paste".into(), false),
        ("POST", own_host.clone(), "/upload/files".into(), false),
        ("POST", own_host.clone(), "/examiner/test/x".into(), false),
        ("POST", own_host.clone(), "/message/broadcast".into(), false),
        ("POST", own_host.clone(), "/session/event".into(), false),
        ("GET", own_host.clone(), "/code-server/hello".into(), false),
        (
            "POST",
            own_host.clone(),
            "/code-server/editor/open-file".into(),
            false,
        ),
        (
            "POST",
            own_host.clone(),
            "/code-server/editor/append-to-file".into(),
            false,
        ),
        (
            "POST",
            own_host.clone(),
            "/code-server/command/workbench.action.files.save".into(),
            false,
        ),
        ("POST", own_host.clone(), format!("/port/{up_port}/form"), true),
        ("POST", app_host.clone(), "/form".into(), true),
        ("GET", own_host.clone(), "/api/files?path=".into(), false),
        ("DELETE", own_host.clone(), "/api/files?path=x".into(), false),
        ("POST", own_host.clone(), "/api/files/folder".into(), false),
        ("POST", own_host.clone(), "/api/files/upload?path=".into(), false),
        ("GET", own_host.clone(), "/webdav/".into(), false),
        ("GET", own_host.clone(), "/webdav".into(), false),
        ("PROPFIND", own_host.clone(), "/webdav/".into(), false),
        ("PUT", own_host.clone(), "/webdav/x.txt".into(), false),
        ("DELETE", own_host.clone(), "/webdav/x.txt".into(), false),
        (
            "GET",
            own_host.clone(),
            "/git/r.git/info/refs?service=git-upload-pack".into(),
            false,
        ),
        (
            "POST",
            own_host.clone(),
            "/git/r.git/git-receive-pack".into(),
            false,
        ),
        (
            "GET",
            git_host.clone(),
            "/r.git/info/refs?service=git-receive-pack".into(),
            false,
        ),
        ("POST", git_host.clone(), "/r.git/git-upload-pack".into(), false),
        ("GET", git_host.clone(), "/".into(), false),
    ];
    let client = http_client();
    let mut checked = 0;
    for (method, host, path, proxied) in &http_routes {
        for case in DENIED_CASES.into_iter().chain([Case::Valid]) {
            if case == Case::WrongOrigin && *method == "GET" {
                continue; // safe methods carry no Origin check; the upgrade rows below do
            }
            for accept in ["text/html", "application/json"] {
                let mut request = client
                    .request(method.parse().unwrap(), format!("http://{}{path}", server.addr))
                    .header("host", host)
                    .header("accept", accept);
                if let Some(cookie) = cookie_for(case, &cookies) {
                    request = request.header("cookie", cookie);
                }
                if *method != "GET" {
                    let origin = if case == Case::WrongOrigin {
                        "http://evil.example".to_string()
                    } else {
                        format!("http://{host}")
                    };
                    request = request.header("origin", origin).body("{}");
                }
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let location = response
                    .headers()
                    .get("location")
                    .map(|l| l.to_str().unwrap().to_string())
                    .unwrap_or_default();
                // A valid login to a stream (`/api/events`) never ends: only its status is checked.
                let body = if case == Case::Valid && !*proxied {
                    String::new()
                } else {
                    response.text().await.unwrap()
                };
                let what = format!(
                    "{method} {host}{path} {case:?} accept={accept} → {status} {location} {body:.200}"
                );
                if case == Case::Valid {
                    if *proxied {
                        assert_eq!(status, 200, "{what}");
                        assert!(body.contains("\"upstream\":\"echo\""), "{what}");
                    } else {
                        assert!(status != 401 && status != 403, "{what}");
                    }
                    continue;
                }
                assert!(!body.contains("\"upstream\":\"echo\""), "resource leaked: {what}");
                let to_login = status == 302 && location.starts_with("/oauth_handshake?next=");
                assert!(status == 401 || status == 403 || to_login, "{what}");
                if accept == "text/html" && *method == "GET" && case != Case::WrongOrigin {
                    assert!(to_login, "browsers are sent to login: {what}");
                }
                checked += 1;
            }
        }
    }

    // Websocket upgrades: (host, path, proxied)
    let ws_routes: Vec<(String, String, bool)> = vec![
        (own_host.clone(), "/terminal/ws/1".into(), false),
        (own_host.clone(), "/api/events".into(), false),
        // W23: an upgrade to a path nothing serves is answered (401/403, or 404 after login), not left open.
        (own_host.clone(), "/no-such-route".into(), false),
        (own_host.clone(), "/editor/ws".into(), true),
        (own_host.clone(), "/console/ws".into(), true),
        (own_host.clone(), format!("/port/{up_port}/ws"), true),
        (own_host.clone(), "/ingress/app/ws".into(), true),
        (app_host.clone(), "/ws".into(), true),
        (editor_host.clone(), "/ws".into(), true),
        (own_host.clone(), "/webdav/".into(), false),
        (git_host.clone(), "/r.git/info/refs".into(), false),
    ];
    for (host, path, proxied) in &ws_routes {
        for case in DENIED_CASES.into_iter().chain([Case::Valid]) {
            let mut request = format!("ws://{}{path}", server.addr)
                .into_client_request()
                .unwrap();
            let headers = request.headers_mut();
            headers.insert("host", host.parse().unwrap());
            let origin = if case == Case::WrongOrigin {
                "http://evil.example".to_string()
            } else {
                format!("http://{host}")
            };
            headers.insert("origin", origin.parse().unwrap());
            if let Some(cookie) = cookie_for(case, &cookies) {
                headers.insert("cookie", cookie.parse().unwrap());
            }
            let result = tokio_tungstenite::connect_async(request).await;
            let what = format!("ws {host}{path} {case:?}");
            match (case, result) {
                (Case::Valid, Ok((_socket, response))) => assert_eq!(response.status(), 101, "{what}"),
                (Case::Valid, Err(tokio_tungstenite::tungstenite::Error::Http(response))) => {
                    assert!(!*proxied, "{what}: {}", response.status());
                    let status = response.status().as_u16();
                    assert!(status != 401 && status != 403, "{what}: {status}");
                }
                (Case::Valid, Err(error)) => panic!("{what}: {error}"),
                (_, Ok(_)) => panic!("upgrade accepted: {what}"),
                (_, Err(tokio_tungstenite::tungstenite::Error::Http(response))) => {
                    let status = response.status().as_u16();
                    assert!(status == 401 || status == 403, "{what}: {status}");
                    checked += 1;
                }
                (_, Err(error)) => panic!("{what}: {error}"),
            }
        }
    }
    assert!(checked > 200, "only {checked} denials checked");
    server.stop().await;
}

/// WebDAV and Git with passwords of their own (the original's separate servers): every bad credential —
/// none, wrong Basic, a forged/expired/foreign cookie, a cross-origin write — is refused; the right Basic
/// credentials and lectern's valid login cookie both get in.
#[tokio::test]
async fn services_with_their_own_passwords_take_those_or_the_login() {
    let portal = FakePortal::start("s1", "alice", &[]).await;
    let dir = workshop("");
    let files = tempfile::tempdir().unwrap();
    let mut config = oauth_config(dir.path(), &portal);
    config.services.webdav = Some(true);
    config.services.webdav_username = Some("dav".into());
    config.services.webdav_password = Some(Secret("dav-pass".into()));
    config.services.git = Some(true);
    config.services.git_username = Some("gitter".into());
    config.services.git_password = Some(Secret("git-pass".into()));
    config.services.files_dir = Some(files.path().to_path_buf());
    config.services.git_repositories = Some(files.path().join("repos"));
    let cookies = cookies(&config);
    let server = TestServer::start(config).await;
    let own_host = server.addr.to_string();
    let git_host = ingress_host("git", server.addr.port());
    let basic = |user: &str, password: &str| {
        use base64::Engine;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )
    };
    let dav_right = basic("dav", "dav-pass");
    let git_right = basic("gitter", "git-pass");
    // (method, host, path, the right Basic credentials)
    let routes: Vec<(&str, &str, &str, &str)> = vec![
        ("PROPFIND", &own_host, "/webdav/", &dav_right),
        ("PUT", &own_host, "/webdav/x.txt", &dav_right),
        (
            "GET",
            &own_host,
            "/git/r.git/info/refs?service=git-upload-pack",
            &git_right,
        ),
        ("POST", &own_host, "/git/r.git/git-receive-pack", &git_right),
        (
            "GET",
            &git_host,
            "/r.git/info/refs?service=git-receive-pack",
            &git_right,
        ),
    ];
    let client = http_client();
    let mut checked = 0;
    for (method, host, path, right) in &routes {
        let wrong_user = basic("intruder", "dav-pass");
        let crossed = if **right == dav_right {
            git_right.clone()
        } else {
            dav_right.clone()
        };
        // (what, cookie, authorization, allowed)
        let cases: Vec<(&str, Option<&str>, Option<&str>, bool)> = vec![
            ("nothing", None, None, false),
            ("wrong password", None, Some(&wrong_user), false),
            ("the other service's password", None, Some(&crossed), false),
            ("forged cookie", Some(&cookies.forged), None, false),
            ("expired cookie", Some(&cookies.expired), None, false),
            (
                "other session's cookie",
                Some(&cookies.other_session),
                None,
                false,
            ),
            ("right Basic", None, Some(right), true),
            ("valid login cookie", Some(&cookies.valid), None, true),
        ];
        for (what, cookie, authorization, allowed) in cases {
            let mut request = client
                .request(method.parse().unwrap(), format!("http://{}{path}", server.addr))
                .header("host", *host);
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie);
            }
            if let Some(authorization) = authorization {
                request = request.header("authorization", authorization);
            }
            let status = request.send().await.unwrap().status().as_u16();
            let context = format!("{method} {host}{path} with {what} → {status}");
            if allowed {
                assert!(status != 401 && status != 403, "{context}");
            } else {
                assert_eq!(status, 401, "{context}");
                checked += 1;
            }
        }
        if *method != "GET" && *method != "PROPFIND" {
            let status = client
                .request(method.parse().unwrap(), format!("http://{}{path}", server.addr))
                .header("host", *host)
                .header("authorization", *right)
                .header("origin", "http://evil.example")
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(status, 403, "{method} {host}{path} cross-origin");
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} denials checked");
    server.stop().await;
}

/// The editor extension's channel is not opened by a login (not even a valid one) or a wrong secret: only
/// by its own secret (nothing answers unauthenticated, W12).
#[tokio::test]
async fn the_editor_channel_needs_its_secret_not_a_login() {
    let portal = FakePortal::start("s1", "alice", &[]).await;
    let dir = workshop("applications:\n  editor:\n    enabled: true\n");
    let mut config = oauth_config(dir.path(), &portal);
    config.editor.secret = Some(Secret("channel-secret-of-the-matrix-test".into()));
    let cookies = cookies(&config);
    let server = TestServer::start(config).await;
    let url = format!("ws://{}/editor-channel", server.addr);
    let attempt = |cookie: Option<&str>, bearer: Option<&str>| {
        let mut request = url.clone().into_client_request().unwrap();
        if let Some(cookie) = cookie {
            request.headers_mut().insert("cookie", cookie.parse().unwrap());
        }
        if let Some(secret) = bearer {
            request
                .headers_mut()
                .insert("authorization", format!("Bearer {secret}").parse().unwrap());
        }
        tokio_tungstenite::connect_async(request)
    };
    for (cookie, bearer) in [
        (None, None),
        (Some(cookies.valid.as_str()), None),
        (Some(cookies.forged.as_str()), None),
        (
            Some(cookies.valid.as_str()),
            Some("channel-secret-of-the-matrix-tesT"),
        ),
        (None, Some("")),
    ] {
        match attempt(cookie, bearer).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 401, "{cookie:?} {bearer:?}")
            }
            other => panic!(
                "not refused: {cookie:?} {bearer:?}: {:?}",
                other.map(|r| r.1.status())
            ),
        }
    }
    let (_socket, response) = attempt(None, Some("channel-secret-of-the-matrix-test"))
        .await
        .expect("the secret opens it");
    assert_eq!(response.status(), 101);
    server.stop().await;
}
