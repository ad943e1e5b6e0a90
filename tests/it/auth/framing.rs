//! The training portal frames the dashboard (issue 19): in oauth mode the portal's origin may frame lectern,
//! `FRAME_ANCESTORS` adds origins, the OAuth callback keeps `INGRESS_PROTOCOL`'s scheme, and the cookies'
//! `SameSite`/`Secure` suit a framed session over http (same site, `Lax`) and https (`None; Secure`).

use lectern::config::{AuthConfig, CookieKeySource, Secret, SessionConfig};

use super::{COOKIE_SECRET, oauth_config};
use crate::proxy::workshop;
use crate::support::portal::{CLIENT_ID, CLIENT_SECRET, FakePortal};
use crate::support::{Fetch, TestServer, http_client};

/// The auth settings an Educates session pod's environment gives (`PORTAL_*`, `INGRESS_PROTOCOL`,
/// `FRAME_ANCESTORS`), read the way `lectern serve` reads them.
fn educates_auth(portal_url: &str, protocol: &str, frame_ancestors: Option<&str>) -> AuthConfig {
    let args = lectern::cli::AuthArgs {
        portal_client_id: Some(CLIENT_ID.into()),
        portal_client_secret: Some(CLIENT_SECRET.into()),
        portal_url: Some(portal_url.into()),
        frame_ancestors: frame_ancestors.map(str::to_string),
        cookie_secret: Some(COOKIE_SECRET.into()),
        ..Default::default()
    };
    let mut session = SessionConfig::default();
    session.vars.insert("ingress_protocol".into(), protocol.into());
    session
        .vars
        .insert("session_name".into(), crate::proxy::SESSION.into());
    let listen = std::net::SocketAddr::from(([0, 0, 0, 0], 10080));
    AuthConfig::from_args(&args, listen, &session).expect("auth config")
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_portal_origin_may_frame_and_frame_ancestors_adds() {
    let plain = educates_auth("http://portal.example.test:8080/", "http", None);
    assert_eq!(plain.frame_ancestors, ["http://portal.example.test:8080"]);
    let more = educates_auth(
        "http://portal.example.test:8080",
        "http",
        Some("https://lms.example.org http://portal.example.test:8080"),
    );
    assert_eq!(
        more.frame_ancestors,
        ["http://portal.example.test:8080", "https://lms.example.org"],
        "the portal first, FRAME_ANCESTORS added once"
    );
    let auth = lectern::auth::Auth::new(more).expect("auth");
    assert_eq!(
        auth.frame_policy(),
        "frame-ancestors 'self' http://portal.example.test:8080 https://lms.example.org"
    );
}

#[test]
fn cookies_for_a_framed_session_over_http_and_https() {
    // http: FRAME_ANCESTORS must not make cookies Secure (the browser would drop them) nor the callback https.
    let http = educates_auth(
        "http://portal.example.test",
        "http",
        Some("https://lms.example.org"),
    );
    assert!(!http.secure);
    assert_eq!(http.scheme(), "http");
    let auth = lectern::auth::Auth::new(http).expect("auth");
    let cookie = auth.login_cookie(&auth.new_claims("alice", false, None));
    assert!(
        cookie.contains("SameSite=Lax") && !cookie.contains("Secure"),
        "{cookie}"
    );
    let state = auth.transient_cookie(lectern::auth::OAUTH_STATE_COOKIE, "x", 600);
    assert!(
        state.contains("SameSite=Lax") && !state.contains("Secure"),
        "{state}"
    );

    // https: the portal may sit on another site, so the cookies the framed dashboard needs cross sites.
    let https = educates_auth("https://portal.example.test", "https", None);
    assert!(https.secure);
    assert_eq!(https.scheme(), "https");
    let auth = lectern::auth::Auth::new(https).expect("auth");
    for cookie in [
        auth.login_cookie(&auth.new_claims("alice", false, None)),
        auth.transient_cookie(lectern::auth::OAUTH_STATE_COOKIE, "x", 600),
    ] {
        assert!(
            cookie.contains("SameSite=None") && cookie.contains("Secure"),
            "{cookie}"
        );
    }

    // Not framed by anyone else (basic mode, no FRAME_ANCESTORS): Lax even over https.
    let args = lectern::cli::AuthArgs {
        auth_username: Some("u".into()),
        auth_password: Some("p".into()),
        cookie_secret: Some(COOKIE_SECRET.into()),
        ..Default::default()
    };
    let mut session = SessionConfig::default();
    session.vars.insert("ingress_protocol".into(), "https".into());
    let listen = std::net::SocketAddr::from(([0, 0, 0, 0], 10080));
    let basic = AuthConfig::from_args(&args, listen, &session).expect("config");
    assert!(basic.frame_ancestors.is_empty() && !basic.cross_site_cookies());
}

#[tokio::test]
async fn a_framed_login_keeps_the_http_callback_and_sends_the_frame_policy() {
    let portal = FakePortal::start(crate::proxy::SESSION, "alice", &[]).await;
    let dir = workshop("{}");
    let mut config = oauth_config(dir.path(), &portal);
    config.auth = AuthConfig {
        cookie_key: CookieKeySource::Secret(Secret(COOKIE_SECRET.into())),
        ..educates_auth(&portal.url(), "http", Some("https://lms.example.org"))
    };
    let server = TestServer::start(config).await;
    let client = http_client();
    let page = client
        .get(server.url("/dashboard/"))
        .header("accept", "text/html")
        .fetch()
        .await;
    assert_eq!(page.status(), 302);
    assert_eq!(
        page.headers()["content-security-policy"],
        format!("frame-ancestors 'self' {} https://lms.example.org", portal.url()).as_str()
    );
    assert!(page.headers().get("x-frame-options").is_none());
    let handshake = page.headers()["location"].to_str().unwrap().to_string();
    let to_portal = client.get(server.url(&handshake)).fetch().await;
    let authorize = to_portal.headers()["location"].to_str().unwrap().to_string();
    let redirect_uri = reqwest::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.to_string())
        .expect("redirect_uri");
    assert_eq!(redirect_uri, server.url("/oauth_callback"));
    for cookie in set_cookies(&to_portal) {
        assert!(
            cookie.contains("SameSite=Lax") && !cookie.contains("Secure"),
            "{cookie}"
        );
    }
    // The portal (which compares redirect URIs like django-oauth-toolkit) completes the login.
    let (state_cookie, callback) = super::oauth_until_callback(&server.url(""), &handshake).await;
    let done = client.get(&callback).header("cookie", state_cookie).fetch().await;
    assert_eq!(done.status(), 302, "logged in");
    assert!(super::login_cookie(&done).is_some());
    server.stop().await;
}
