//! The session lifecycle across the HTTP boundary: the dashboard's event body (the shared type) is the one
//! the server takes; without a portal, Terminate / Finish / idle expiry end the session here (shells killed,
//! new terminals refused, `/session/status` and the `session` event say so); with a portal, events reach it,
//! and while it is down they wait and are delivered in order once it is back; exited terminals nobody shows
//! are reaped.

use std::time::Duration;

use lectern::web::shared::{
    EndReason, EventReceipt, PortalDelivery, SessionEvent, SessionEventBody, SessionStatus,
};

use crate::auth::{login_cookie, oauth_config, oauth_login};
use crate::support::portal::FakePortal;
use crate::support::{TestServer, http_client};

use super::config;

/// Polls `check` until it gives a value (a bounded wait for a condition, never a timed assertion).
async fn until<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn body(name: &str) -> SessionEventBody {
    SessionEventBody {
        event: SessionEvent {
            name: name.to_string(),
            data: serde_json::Map::new(),
        },
    }
}

async fn send(server: &TestServer, cookie: Option<&str>, event: &SessionEventBody) -> EventReceipt {
    let mut request = http_client().post(server.url("/session/event")).json(event);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("event");
    assert_eq!(response.status(), 200);
    response.json().await.expect("receipt")
}

async fn status(server: &TestServer, cookie: Option<&str>) -> SessionStatus {
    let mut request = http_client().get(server.url("/session/status"));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request
        .send()
        .await
        .expect("status")
        .json()
        .await
        .expect("status JSON")
}

async fn paste(server: &TestServer, terminal: &str, text: &str) -> u16 {
    http_client()
        .post(server.url(&format!("/terminal/api/{terminal}/paste")))
        .json(&serde_json::json!({ "text": text }))
        .send()
        .await
        .expect("paste")
        .status()
        .as_u16()
}

/// Starts a shell in `terminal` that writes its pid to `file`; returns the pid.
async fn shell_pid(server: &TestServer, terminal: &str, file: &std::path::Path) -> i32 {
    assert_eq!(
        paste(server, terminal, &format!("echo $$ > {}\n", file.display())).await,
        204
    );
    until(
        "the shell writes its pid",
        Duration::from_secs(20),
        || async move {
            std::fs::read_to_string(file)
                .ok()
                .and_then(|text| text.trim().parse::<i32>().ok())
        },
    )
    .await
}

fn alive(pid: i32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| stat.contains(") Z "))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_portal_terminate_ends_the_session_here() {
    let workshop = tempfile::tempdir().expect("workshop");
    let scratch = tempfile::tempdir().expect("scratch");
    let mut config = config(workshop.path());
    config.session.vars.insert("restart_url".into(), String::new());
    let server = TestServer::start(config).await;
    let before = status(&server, None).await;
    assert!(before.ended.is_none());
    assert!(!before.portal.present && before.portal.reachable);

    let pid = shell_pid(&server, "1", &scratch.path().join("pid")).await;
    assert!(alive(pid));
    // An event that does not end anything: nothing to send, nothing ended.
    let receipt = send(&server, None, &body("Workshop/View")).await;
    assert_eq!(receipt.portal, PortalDelivery::None);
    assert!(receipt.ended.is_none());
    // Wave 1's body is refused with a clear status, not taken.
    let old = http_client()
        .post(server.url("/session/event"))
        .json(&serde_json::json!({ "event": "Workshop/Terminate", "data": {} }))
        .send()
        .await
        .expect("old body");
    assert_eq!(old.status(), 422);
    assert!(status(&server, None).await.ended.is_none());

    let receipt = send(&server, None, &body("Workshop/Terminate")).await;
    let ended = receipt.ended.expect("ended here");
    assert_eq!(ended.reason, EndReason::Terminate);
    assert!(
        ended.message.contains("terminals have been stopped"),
        "{}",
        ended.message
    );
    until("the shell is gone", Duration::from_secs(20), || async move {
        (!alive(pid)).then_some(())
    })
    .await;
    assert_eq!(
        status(&server, None).await.ended.map(|end| end.reason),
        Some(EndReason::Terminate)
    );
    // No new shell starts after the end; a second end keeps the first reason.
    assert_ne!(paste(&server, "2", "echo again\n").await, 204);
    let again = send(&server, None, &body("Workshop/Finish")).await;
    assert_eq!(again.ended.map(|end| end.reason), Some(EndReason::Terminate));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_expires_and_exited_terminals_are_reaped() {
    let workshop = tempfile::tempdir().expect("workshop");
    let scratch = tempfile::tempdir().expect("scratch");
    let mut config = config(workshop.path());
    config.services.terminal_reap_after = Some(Duration::from_secs(2));
    config.terminal.max_terminals = 1;
    let server = TestServer::start(config).await;
    // The cap is one terminal: an exited one holds the place until it is reaped.
    assert_eq!(paste(&server, "a", "exit\n").await, 204);
    assert_ne!(
        paste(&server, "b", "echo b\n").await,
        204,
        "the cap holds while `a` exists"
    );
    let s = &server;
    until(
        "`a` is reaped and `b` can start",
        Duration::from_secs(30),
        || async move { (paste(s, "b", "true\n").await == 204).then_some(()) },
    )
    .await;
    let pid = shell_pid(&server, "b", &scratch.path().join("pid")).await;
    server.stop().await;
    until(
        "the shell of the stopped server is gone",
        Duration::from_secs(20),
        || async move { (!alive(pid)).then_some(()) },
    )
    .await;

    let mut config = super::config(workshop.path());
    config.services.idle_timeout = Some(Duration::from_secs(2));
    let server = TestServer::start(config).await;
    let pid = shell_pid(&server, "1", &scratch.path().join("pid2")).await;
    let s = &server;
    let ended = until(
        "the idle session expires",
        Duration::from_secs(30),
        || async move { status(s, None).await.ended },
    )
    .await;
    assert_eq!(ended.reason, EndReason::Expired);
    until("its shell is gone", Duration::from_secs(20), || async move {
        (!alive(pid)).then_some(())
    })
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_portal_events_reach_it_and_wait_while_it_is_down() {
    let portal = FakePortal::start(crate::proxy::SESSION, "alice", &[]).await;
    let dir = crate::proxy::workshop("{}");
    let server = TestServer::start(oauth_config(dir.path(), &portal)).await;
    let done = oauth_login(&server, "/").await;
    let cookie = login_cookie(&done).expect("logged in");
    let cookie = Some(cookie.as_str());

    let receipt = send(&server, cookie, &body("Workshop/Start")).await;
    assert_eq!(receipt.portal, PortalDelivery::Sent);
    assert_eq!(portal.events(), vec!["Workshop/Start".to_string()]);

    portal.set_failing(true);
    let receipt = send(&server, cookie, &body("Workshop/View")).await;
    assert_eq!(
        receipt.portal,
        PortalDelivery::Queued,
        "the learner is not kept waiting"
    );
    let receipt = send(&server, cookie, &body("Workshop/Terminate")).await;
    assert_eq!(
        receipt.portal,
        PortalDelivery::Queued,
        "queued behind the waiting one"
    );
    assert!(
        receipt.ended.is_none(),
        "with a portal, the portal ends the session"
    );
    let down = status(&server, cookie).await;
    assert!(down.portal.present && !down.portal.reachable);
    assert_eq!(down.portal.pending, 2);

    portal.set_failing(false);
    let s = &server;
    until(
        "the waiting events are delivered",
        Duration::from_secs(60),
        || async move { (status(s, cookie).await.portal.pending == 0).then_some(()) },
    )
    .await;
    assert!(status(&server, cookie).await.portal.reachable);
    assert_eq!(
        portal.events(),
        vec!["Workshop/Start", "Workshop/View", "Workshop/Terminate"],
        "in order"
    );
    assert!(status(&server, cookie).await.ended.is_none());
    server.stop().await;
}

/// Issue 19 with issue 15: a waiting event is sent with a refreshed token when the portal's has expired
/// meanwhile; a refusal a retry cannot change (the session stopped at the portal) is the learner's answer,
/// 410, and nothing waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_events_get_a_fresh_token_and_a_refusal_is_not_queued() {
    let portal = FakePortal::start(crate::proxy::SESSION, "alice", &[]).await;
    let dir = crate::proxy::workshop("{}");
    let server = TestServer::start(oauth_config(dir.path(), &portal)).await;
    let login = login_cookie(&oauth_login(&server, "/").await).expect("logged in");
    let cookie = Some(login.as_str());

    portal.set_failing(true);
    let receipt = send(&server, cookie, &body("Workshop/View")).await;
    assert_eq!(receipt.portal, PortalDelivery::Queued);
    portal.expire_tokens();
    portal.set_failing(false);
    let s = &server;
    until(
        "the waiting event is delivered",
        Duration::from_secs(60),
        || async move { (status(s, cookie).await.portal.pending == 0).then_some(()) },
    )
    .await;
    assert_eq!(portal.events(), vec!["Workshop/View"]);
    assert_eq!(
        portal.refreshes(),
        1,
        "the expired token was refreshed for the retry"
    );

    portal.end_session();
    let refused = http_client()
        .post(server.url("/session/event"))
        .header("cookie", &login)
        .json(&body("Workshop/Finish"))
        .send()
        .await
        .expect("event");
    assert_eq!(refused.status(), 410, "the session ended at the portal");
    assert_eq!(status(&server, cookie).await.portal.pending, 0, "nothing waits");
    server.stop().await;
}
