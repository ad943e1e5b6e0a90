//! The training portal unreachable (its connections refused, through a relay the test cuts): a learner
//! already logged in keeps working, a new login gets a clear error instead of a hang or a crash, the
//! session relays say the portal is down, and logging in works again once the portal is back.

use tokio::sync::watch;

use super::answers_ok;
use crate::auth::{login_cookie, oauth_config, oauth_login};
use crate::proxy::workshop;
use crate::support::portal::FakePortal;
use crate::support::{TestServer, http_client};

/// A TCP relay to `target` that, once cut, closes every open connection and every new one at once —
/// to a client, the portal is unreachable.
async fn relay(target: std::net::SocketAddr, cut: watch::Receiver<bool>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind relay");
    let addr = listener.local_addr().expect("relay addr");
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            if *cut.borrow() {
                drop(inbound);
                continue;
            }
            let mut cut = cut.clone();
            tokio::spawn(async move {
                let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await else {
                    return;
                };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                    _ = cut.wait_for(|cut| *cut) => {}
                }
            });
        }
    });
    addr
}

#[tokio::test]
async fn an_unreachable_portal_blocks_new_logins_only() {
    let portal = FakePortal::start(crate::proxy::SESSION, "alice", &[]).await;
    let (cut, cut_rx) = watch::channel(false);
    let via = relay(portal.addr, cut_rx).await;
    let dir = workshop("{}");
    let mut config = oauth_config(dir.path(), &portal);
    if let Some(oauth) = config.auth.oauth.as_mut() {
        oauth.portal_url = format!("http://{via}");
        oauth.portal_api_url = format!("http://{via}");
    }
    let server = TestServer::start(config).await;
    let done = oauth_login(&server, "/").await;
    let cookie = login_cookie(&done).expect("logged in while the portal is up");

    // A login under way when the portal goes: the browser has its code, lectern cannot redeem it.
    let client = http_client();
    let (state_cookie, callback_url) =
        crate::auth::oauth_until_callback(&server.url(""), "/oauth_handshake?next=/").await;

    cut.send_replace(true);
    // The learner already in keeps working.
    let page = client
        .get(server.url("/workshop/content/01-hello/"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(
        page.status(),
        200,
        "a logged-in learner is not logged out by the portal's absence"
    );
    assert!(answers_ok(&server.url("/healthz")).await);
    // A relay to the portal says it is unreachable, clearly.
    let schedule = client
        .get(server.url("/session/schedule"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("schedule answered");
    let status = schedule.status();
    let text = schedule.text().await.unwrap_or_default();
    println!("fault portal down: /session/schedule -> {status} {text:?}");
    assert!(
        status.is_server_error(),
        "schedule with the portal down: {status} {text}"
    );
    assert_ne!(status, 500, "not an internal error: {text}");
    // The callback cannot exchange its code and says why.
    let callback = client
        .get(&callback_url)
        .header("cookie", &state_cookie)
        .send()
        .await
        .expect("callback answered");
    let status = callback.status();
    assert!(login_cookie(&callback).is_none(), "no login without the portal");
    let text = callback.text().await.unwrap_or_default();
    println!("fault portal down: /oauth_callback -> {status} {text:?}");
    assert!(
        status.is_server_error() && status != 500,
        "callback with the portal down: {status} {text}"
    );
    assert!(text.contains("portal"), "the error names the portal: {text}");

    cut.send_replace(false);
    let again = oauth_login(&server, "/").await;
    assert!(
        login_cookie(&again).is_some(),
        "logins work again once the portal is back"
    );
}
