//! The OAuth2 flow against the fake portal: owner and staff get in, others get 403 and no cookie, the
//! `state` is bound to the browser, `next` never leaves the origin, logins survive a restart.

use lectern::config::{CookieKeySource, Secret};

use super::{login_cookie, oauth_config, oauth_login};
use crate::proxy::workshop;
use crate::support::portal::FakePortal;
use crate::support::{Fetch, TestServer, get, http_client};

#[tokio::test]
async fn owner_logs_in_and_lands_on_next() {
    let portal = FakePortal::start("s1", "alice", &["teacher"]).await;
    let dir = workshop("{}");
    let server = TestServer::start(oauth_config(dir.path(), &portal)).await;
    let done = oauth_login(&server, "/workshop/content/x?y=1").await;
    assert_eq!(done.status(), 302);
    assert_eq!(done.headers()["location"], "/workshop/content/x?y=1");
    let cookie = login_cookie(&done).expect("login cookie");
    let set = done
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Max-Age=86400"),
        "{set}"
    );
    // The cookie opens protected routes (the fallback answers 404 here, not 401).
    let page = http_client()
        .get(server.url("/no-such-page"))
        .header("cookie", &cookie)
        .fetch()
        .await;
    assert_eq!(page.status(), 404);
    // The session relays use the portal token kept in the cookie.
    let schedule: serde_json::Value = http_client()
        .get(server.url("/session/schedule"))
        .header("cookie", &cookie)
        .fetch_json()
        .await;
    assert_eq!(schedule["status"], "running");
    server.stop().await;
}

#[tokio::test]
async fn staff_gets_in_and_strangers_get_403_without_cookie() {
    let portal = FakePortal::start("s1", "alice", &["teacher"]).await;
    let dir = workshop("{}");
    let server = TestServer::start(oauth_config(dir.path(), &portal)).await;
    portal.set_user("teacher");
    let staff = oauth_login(&server, "/").await;
    assert_eq!(staff.status(), 302);
    assert!(login_cookie(&staff).is_some());
    portal.set_user("mallory");
    let stranger = oauth_login(&server, "/").await;
    assert_eq!(stranger.status(), 403);
    assert!(login_cookie(&stranger).is_none(), "no login for a stranger");
    server.stop().await;
}

#[tokio::test]
async fn state_must_come_from_this_browser() {
    let portal = FakePortal::start("s1", "alice", &[]).await;
    let dir = workshop("{}");
    let server = TestServer::start(oauth_config(dir.path(), &portal)).await;
    let to_portal = get(&server.url("/oauth_handshake?next=/")).await;
    let authorize = to_portal.headers()["location"].to_str().unwrap().to_string();
    let back = get(&authorize).await;
    let callback = back.headers()["location"].to_str().unwrap().to_string();
    // The victim's browser (no state cookie) is handed the attacker's callback URL.
    let response = get(&callback).await;
    assert_eq!(response.status(), 400);
    assert!(login_cookie(&response).is_none());
    server.stop().await;
}

#[tokio::test]
async fn next_never_leaves_the_origin() {
    let portal = FakePortal::start("s1", "alice", &[]).await;
    let dir = workshop("{}");
    let server = TestServer::start(oauth_config(dir.path(), &portal)).await;
    let client = http_client();
    for (next, expected) in [
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/%5Cevil.example", "/%5Cevil.example"),
        ("/\\evil.example", "/"),
        ("/dashboard/?a=b", "/dashboard/?a=b"),
    ] {
        let encoded: String = url_encode(next);
        let to_portal = get(&server.url(&format!("/oauth_handshake?next={encoded}"))).await;
        let state_cookie = to_portal.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let authorize = to_portal.headers()["location"].to_str().unwrap().to_string();
        let back = get(&authorize).await;
        let callback = back.headers()["location"].to_str().unwrap().to_string();
        let done = client.get(&callback).header("cookie", state_cookie).fetch().await;
        assert_eq!(done.status(), 302);
        assert_eq!(done.headers()["location"], expected, "next={next}");
    }
    server.stop().await;
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn logins_survive_a_restart_with_a_generated_key_file() {
    let portal = FakePortal::start("s1", "alice", &[]).await;
    let dir = workshop("{}");
    let key_dir = tempfile::tempdir().unwrap();
    let key_file = key_dir.path().join("state/cookie.key");
    let mut config = oauth_config(dir.path(), &portal);
    config.auth.cookie_key = CookieKeySource::File(key_file.clone());
    let server = TestServer::start(config.clone()).await;
    let cookie = login_cookie(&oauth_login(&server, "/").await).expect("cookie");
    server.stop().await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let restarted = TestServer::start(config.clone()).await;
    let page = http_client()
        .get(restarted.url("/no-such-page"))
        .header("cookie", &cookie)
        .fetch()
        .await;
    assert_eq!(page.status(), 404, "still logged in after a restart");
    restarted.stop().await;
    // Another key (another deployment) does not accept it.
    config.auth.cookie_key =
        CookieKeySource::Secret(Secret("another-secret-of-at-least-32-characters".into()));
    let other = TestServer::start(config).await;
    let page = http_client()
        .get(other.url("/no-such-page"))
        .header("cookie", &cookie)
        .fetch()
        .await;
    assert_eq!(page.status(), 401);
    other.stop().await;
}
