//! Portal tokens kept fresh (issue 19): refreshed when 15 minutes or less are left and when the portal
//! refuses an expired one, the new token written back into the login cookie; a refresh the portal refuses
//! means "log in again" (and the next page load does), a session the portal stopped is "ended", not
//! "cannot reach". Also: the token requests carry the scope, a refused login leaves no state cookie, the
//! portal's `owner` is kept, events reach the portal as the original sends them.

use super::{login_cookie, oauth_config, oauth_login};
use crate::proxy::workshop;
use crate::support::portal::FakePortal;
use crate::support::{TestServer, http_client};

async fn start(portal: &FakePortal) -> (TestServer, tempfile::TempDir) {
    let dir = workshop("{}");
    let server = TestServer::start(oauth_config(dir.path(), portal)).await;
    (server, dir)
}

async fn relay(server: &TestServer, cookie: &str, path: &str) -> reqwest::Response {
    http_client()
        .get(server.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

async fn error_text(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.unwrap();
    body["error"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_token_with_little_time_left_is_refreshed_and_the_cookie_follows() {
    let portal = FakePortal::start(crate::proxy::SESSION, "alice", &[]).await;
    let (server, _dir) = start(&portal).await;
    portal.set_token_lifetime(600); // 10 minutes: inside the 15-minute margin
    let old = login_cookie(&oauth_login(&server, "/").await).expect("login");
    portal.set_token_lifetime(36_000);
    let first = relay(&server, &old, "/session/schedule").await;
    assert_eq!(first.status(), 200);
    assert_eq!(portal.refreshes(), 1, "refreshed before the call");
    let new = login_cookie(&first).expect("the refreshed token goes into the cookie");
    assert_ne!(new, old);
    // A second tab still sending the old cookie uses the refreshed token (the old refresh token is spent).
    let again = relay(&server, &old, "/session/extend").await;
    assert_eq!(again.status(), 200);
    assert_eq!(portal.refreshes(), 1);
    let fresh = relay(&server, &new, "/session/schedule").await;
    assert_eq!(fresh.status(), 200);
    assert!(login_cookie(&fresh).is_none(), "nothing new to store");
    assert_eq!(portal.refreshes(), 1);
    assert!(
        portal
            .token_scopes()
            .iter()
            .all(|s| s.as_deref() == Some("user:info")),
        "every token request names the scope: {:?}",
        portal.token_scopes()
    );
    server.stop().await;
}

#[tokio::test]
async fn an_expired_token_is_refreshed_when_the_portal_refuses_it() {
    let portal = FakePortal::start(crate::proxy::SESSION, "alice", &[]).await;
    let (server, _dir) = start(&portal).await;
    let cookie = login_cookie(&oauth_login(&server, "/").await).expect("login");
    portal.expire_tokens();
    let answer = relay(&server, &cookie, "/session/schedule").await;
    assert_eq!(answer.status(), 200, "refreshed and retried");
    assert_eq!(portal.refreshes(), 1);
    assert!(login_cookie(&answer).is_some());
    server.stop().await;
}

#[tokio::test]
async fn a_refused_refresh_asks_to_log_in_again_and_the_next_page_load_does() {
    let portal = FakePortal::start(crate::proxy::SESSION, "alice", &[]).await;
    let (server, _dir) = start(&portal).await;
    let cookie = login_cookie(&oauth_login(&server, "/").await).expect("login");
    portal.expire_tokens();
    portal.revoke_refresh_tokens();
    let answer = relay(&server, &cookie, "/session/schedule").await;
    assert_eq!(answer.status(), 401);
    let text = error_text(answer).await;
    assert!(text.contains("log in again") && !text.contains("reach"), "{text}");
    // API calls and open terminals go on; a page load goes through the portal login again.
    let api = relay(&server, &cookie, "/api/dashboard").await;
    assert_eq!(api.status(), 200);
    let page = http_client()
        .get(server.url("/dashboard/"))
        .header("cookie", &cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 302);
    assert!(
        page.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/oauth_handshake?next="),
        "{:?}",
        page.headers()["location"]
    );
    let back = login_cookie(&oauth_login(&server, "/").await).expect("logged in again");
    assert_eq!(relay(&server, &back, "/session/schedule").await.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn a_session_stopped_at_the_portal_has_ended() {
    let portal = FakePortal::start(crate::proxy::SESSION, "alice", &[]).await;
    let (server, _dir) = start(&portal).await;
    let cookie = login_cookie(&oauth_login(&server, "/").await).expect("login");
    portal.end_session();
    let answer = relay(&server, &cookie, "/session/schedule").await;
    assert_eq!(answer.status(), 410);
    let text = error_text(answer).await;
    assert!(text.contains("ended"), "{text}");
    server.stop().await;
}

#[tokio::test]
async fn a_refused_login_leaves_no_state_cookie() {
    let portal = FakePortal::start(crate::proxy::SESSION, "alice", &[]).await;
    let (server, _dir) = start(&portal).await;
    portal.set_user("mallory");
    let refused = oauth_login(&server, "/").await;
    assert_eq!(refused.status(), 403);
    let cleared = refused
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with(&format!("{}=", lectern::auth::OAUTH_STATE_COOKIE)))
        .expect("the state cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    server.stop().await;
}

#[tokio::test]
async fn staff_keep_the_owner_and_events_reach_the_portal() {
    let portal = FakePortal::start(crate::proxy::SESSION, "alice", &["teacher"]).await;
    let (server, _dir) = start(&portal).await;
    portal.set_user("teacher");
    let cookie = login_cookie(&oauth_login(&server, "/").await).expect("staff login");
    let dashboard: serde_json::Value = relay(&server, &cookie, "/api/dashboard")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dashboard["auth"]["user"], "teacher");
    assert_eq!(dashboard["auth"]["staff"], true);
    assert_eq!(
        dashboard["auth"]["owner"], "alice",
        "session_owner() names the owner"
    );
    let posted = http_client()
        .post(server.url("/session/event"))
        .header("cookie", &cookie)
        .header("origin", server.url(""))
        .json(&serde_json::json!({"event": {"name": "Workshop/Finish", "data": {"page": 3}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);
    assert_eq!(
        portal.event_bodies(),
        [serde_json::json!({"name": "Workshop/Finish", "data": {"page": 3}})]
    );
    server.stop().await;
}
