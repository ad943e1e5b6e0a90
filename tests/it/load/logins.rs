//! 500 OAuth logins in a burst against the fake portal, twice: every one completes with its own
//! cookie, each cookie opens the session, and the second burst keeps no more memory than the first.

use std::sync::Arc;

use crate::auth::{COOKIE_SECRET, login_cookie, oauth_login_at};
use crate::proxy::{SESSION, workshop};
use crate::support::http_client;
use crate::support::portal::{CLIENT_ID, CLIENT_SECRET, FakePortal};
use crate::support::spawned::Spawned;
use crate::terminal::client::HEAVY;

/// Logins started at once.
const LOGINS: usize = 500;

async fn start(portal: &FakePortal, dir: &std::path::Path, home: &std::path::Path) -> Spawned {
    let url = portal.url();
    Spawned::start(
        dir,
        home,
        &[
            "--auth",
            "oauth",
            "--no-watch",
            "--portal-client-id",
            CLIENT_ID,
            "--portal-url",
            &url,
            "--portal-api-url",
            &url,
            "--session-name",
            SESSION,
        ],
        &[
            ("PORTAL_CLIENT_SECRET", CLIENT_SECRET),
            ("LECTERN_COOKIE_SECRET", COOKIE_SECRET),
        ],
    )
    .await
}

async fn login_and_use(base: Arc<String>, index: usize) -> String {
    let done = oauth_login_at(&base, &format!("/load-{index}")).await;
    assert_eq!(done.status(), 302, "login {index}");
    let cookie = login_cookie(&done).unwrap_or_else(|| panic!("login {index} set no cookie"));
    let page = http_client()
        .get(format!("{base}/no-such-page-{index}"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("request with the cookie");
    assert_eq!(
        page.status(),
        404,
        "login {index}: the cookie opens the session (404 behind login)"
    );
    cookie
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_logins_in_a_burst() {
    let _heavy = HEAVY.lock().await;
    let portal = FakePortal::start(SESSION, "alice", &[]).await;
    let dir = workshop("{}");
    let home = tempfile::tempdir().expect("home");
    let server = start(&portal, dir.path(), home.path()).await;
    let base = Arc::new(server.url(""));
    login_and_use(base.clone(), 2 * LOGINS).await;
    let before = super::settled(&server).await;
    burst(&base, 0).await;
    let peak = server.memory();
    let after = super::settled(&server).await;
    burst(&base, LOGINS).await;
    let again = super::settled(&server).await;
    super::check_rounds(
        "500 logins",
        super::Rounds {
            before,
            peak,
            after,
            again,
        },
    );
}

/// `LOGINS` logins at once (numbered from `first`); each gets a cookie of its own.
async fn burst(base: &Arc<String>, first: usize) {
    let logins: Vec<_> = (first..first + LOGINS)
        .map(|index| tokio::spawn(login_and_use(base.clone(), index)))
        .collect();
    let mut cookies = std::collections::HashSet::new();
    for login in logins {
        cookies.insert(login.await.expect("login task"));
    }
    assert_eq!(cookies.len(), LOGINS, "every login got a cookie of its own");
}
