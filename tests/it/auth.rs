//! auth integration tests (real sockets, the fake portal): the OAuth2 flow with the portal, the auth
//! matrix over every route, basic and token modes, the open-redirect guard, cookies across restarts.

#![allow(clippy::unwrap_used)] // tests may unwrap (STYLE: no unwrap in server paths)

mod framing;
mod hardening;
mod matrix;
mod modes;
mod oauth;
mod staff;
mod tokens;

use lectern::config::{AuthMode, Config, CookieKeySource, OAuthSettings, Secret};
use lectern::proxy::routes;

use crate::proxy::{DOMAIN, SESSION};
use crate::support::portal::{CLIENT_ID, CLIENT_SECRET, FakePortal};
use crate::support::{TestServer, get, http_client};

/// The cookie secret of the tests' servers.
pub const COOKIE_SECRET: &str = "a-cookie-secret-of-at-least-32-characters";

/// An oauth-mode configuration against `portal` for a workshop at `root`.
pub fn oauth_config(root: &std::path::Path, portal: &FakePortal) -> Config {
    let mut config = crate::proxy::config(root);
    config.auth.mode = AuthMode::OAuth;
    config.auth.session_name = SESSION.to_string();
    config.auth.cookie_key = CookieKeySource::Secret(Secret(COOKIE_SECRET.into()));
    config.auth.oauth = Some(OAuthSettings {
        client_id: CLIENT_ID.into(),
        client_secret: Secret(CLIENT_SECRET.into()),
        portal_url: portal.url(),
        portal_api_url: portal.url(),
    });
    let _ = (routes::DEFAULT_SESSION_NAME, DOMAIN);
    config
}

/// Walks the browser side of the OAuth flow for whoever is logged in at the portal, starting at `path`.
/// Returns the final response of the callback.
pub async fn oauth_login(server: &TestServer, path: &str) -> reqwest::Response {
    oauth_login_at(&server.url(""), path).await
}

/// [`oauth_login`] against the server at `base` (`http://host:port`).
pub async fn oauth_login_at(base: &str, path: &str) -> reqwest::Response {
    let url = |path: &str| format!("{base}{path}");
    let client = http_client();
    let first = client
        .get(url(path))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 302, "unauthenticated page → login");
    let handshake = first.headers()["location"].to_str().unwrap().to_string();
    assert!(handshake.starts_with("/oauth_handshake?next="), "{handshake}");
    let (state_cookie, callback) = oauth_until_callback(base, &handshake).await;
    assert!(callback.starts_with(&url("/oauth_callback?")), "{callback}");
    client
        .get(&callback)
        .header("cookie", state_cookie)
        .send()
        .await
        .unwrap()
}

/// The OAuth flow from `handshake` (a `/oauth_handshake?next=…` path) through the portal, up to the
/// callback: returns the state cookie (`name=value`) and the callback URL the portal sent back.
pub async fn oauth_until_callback(base: &str, handshake: &str) -> (String, String) {
    let to_portal = get(&format!("{base}{handshake}")).await;
    assert_eq!(to_portal.status(), 302);
    let state_cookie = to_portal.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let authorize = to_portal.headers()["location"].to_str().unwrap().to_string();
    let back = get(&authorize).await;
    assert_eq!(back.status(), 303, "portal redirects back");
    let callback = back.headers()["location"].to_str().unwrap().to_string();
    (state_cookie, callback)
}

/// The login cookie (`name=value`) a response sets.
pub fn login_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("workshop-session-id=") && !v.starts_with("workshop-session-id=;"))
        .map(|v| v.split(';').next().unwrap().to_string())
}
