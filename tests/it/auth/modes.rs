//! Basic and token modes, `none` on loopback, mode inference from the original's variables, and the
//! Origin check on websocket upgrades even without authentication.

use lectern::cli::AuthArgs;
use lectern::config::{AuthConfig, AuthMode, CookieKeySource, Secret, SessionConfig};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::proxy::{config, upstream, workshop};
use crate::support::{TestServer, get, http_client};

#[tokio::test]
async fn basic_mode_checks_credentials_and_strips_them() {
    let up = upstream::start().await;
    let dir = workshop("{}");
    let mut config = config(dir.path());
    config.auth.mode = AuthMode::Basic;
    config.auth.basic = Some(("learner".into(), Secret("pa:ss word".into())));
    config.auth.cookie_key = CookieKeySource::Secret(Secret(super::COOKIE_SECRET.into()));
    let server = TestServer::start(config).await;
    let client = http_client();
    let url = server.url(&format!("/port/{}/x", up.port()));
    let none = client
        .get(&url)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    assert!(
        none.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic ")
    );
    for (user, password) in [("learner", "wrong"), ("mallory", "pa:ss word"), ("", "")] {
        let response = client
            .get(&url)
            .basic_auth(user, Some(password))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{user}:{password}");
    }
    let ok = client
        .get(&url)
        .basic_auth("learner", Some("pa:ss word"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let cookie = super::login_cookie(&ok).expect("basic login also sets the cookie");
    let echo: serde_json::Value = ok.json().await.unwrap();
    assert!(
        echo["headers"].get("authorization").is_none(),
        "our credentials are not forwarded"
    );
    let with_cookie = client.get(&url).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(with_cookie.status(), 200);
    // A verified cookie is remembered; a changed one is checked again and refused.
    let (name, value) = cookie.split_once('=').unwrap();
    let mut tampered = value.to_string();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let status = |cookie: String| {
        let request = client.get(&url).header("cookie", cookie);
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(status(format!("{name}={tampered}")).await, 401);
    assert_eq!(status(cookie.clone()).await, 200);
    // Of several cookies with our name, the one that verifies counts.
    assert_eq!(status(format!("{name}={tampered}; other=1; {cookie}")).await, 200);
    // Credentials plus a valid cookie: no new cookie is minted.
    let both = client
        .get(&url)
        .basic_auth("learner", Some("pa:ss word"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(both.status(), 200);
    assert!(super::login_cookie(&both).is_none());
    server.stop().await;
}

#[tokio::test]
async fn token_mode_exchanges_the_token_for_a_cookie() {
    let dir = workshop("{}");
    let mut config = config(dir.path());
    config.auth.mode = AuthMode::Token;
    config.auth.login_token = Some(Secret("the-login-token-123".into()));
    config.auth.cookie_key = CookieKeySource::Secret(Secret(super::COOKIE_SECRET.into()));
    let server = TestServer::start(config).await;
    let client = http_client();
    let wrong = client
        .get(server.url("/?token=nope"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.text().await.unwrap().contains("login token"));
    let right = get(&server.url("/?token=the-login-token-123")).await;
    assert_eq!(right.status(), 302);
    assert_eq!(right.headers()["location"], "/");
    assert_eq!(right.headers()["cache-control"], "no-store");
    let cookie = super::login_cookie(&right).expect("cookie");
    let home = client
        .get(server.url("/"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 303, "/ redirects to the dashboard once logged in");
    let logout = get(&server.url("/logout")).await;
    let cleared = logout.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cleared.starts_with("workshop-session-id=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    server.stop().await;
}

#[tokio::test]
async fn none_mode_still_checks_websocket_origin() {
    let up = upstream::start().await;
    let dir = workshop("{}");
    let server = TestServer::start(config(dir.path())).await;
    let mut request = format!("ws://{}/port/{}/ws", server.addr, up.port())
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("origin", "http://evil.example".parse().unwrap());
    let error = tokio_tungstenite::connect_async(request)
        .await
        .expect_err("cross-site upgrade");
    assert!(
        matches!(error, tokio_tungstenite::tungstenite::Error::Http(ref r) if r.status() == 403),
        "{error:?}"
    );
    let post = http_client()
        .post(server.url("/terminal/api/1/paste"))
        .header("origin", "http://evil.example")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 403, "cross-site POST");
    server.stop().await;
}

fn infer(args: AuthArgs, bind: [u8; 4]) -> Result<AuthConfig, lectern::config::ConfigError> {
    AuthConfig::from_args(
        &args,
        std::net::SocketAddr::from((bind, 10080)),
        &SessionConfig::default(),
    )
}

#[test]
fn mode_inference_fails_closed() {
    let cases: Vec<(AuthArgs, [u8; 4], Option<AuthMode>)> = vec![
        (AuthArgs::default(), [127, 0, 0, 1], Some(AuthMode::None)),
        (AuthArgs::default(), [0, 0, 0, 0], Some(AuthMode::Token)),
        (
            AuthArgs {
                auth_username: Some("u".into()),
                auth_password: Some("p".into()),
                ..AuthArgs::default()
            },
            [0, 0, 0, 0],
            Some(AuthMode::Basic),
        ),
        (
            AuthArgs {
                auth_username: Some("u".into()),
                ..AuthArgs::default()
            },
            [0, 0, 0, 0],
            None,
        ),
        (
            AuthArgs {
                portal_client_id: Some("s1".into()),
                portal_client_secret: Some("x".into()),
                portal_url: Some("http://portal.example".into()),
                ..AuthArgs::default()
            },
            [0, 0, 0, 0],
            Some(AuthMode::OAuth),
        ),
        (
            AuthArgs {
                portal_client_id: Some("s1".into()),
                ..AuthArgs::default()
            },
            [0, 0, 0, 0],
            None,
        ),
        (
            AuthArgs {
                auth: Some("magic".into()),
                ..AuthArgs::default()
            },
            [127, 0, 0, 1],
            None,
        ),
        (
            AuthArgs {
                cookie_secret: Some("short".into()),
                ..AuthArgs::default()
            },
            [127, 0, 0, 1],
            None,
        ),
    ];
    for (args, bind, expected) in cases {
        let what = format!("{args:?} {bind:?}");
        match (infer(args, bind), expected) {
            (Ok(config), Some(mode)) => assert_eq!(config.mode, mode, "{what}"),
            (Err(_), None) => {}
            (other, _) => panic!("{what}: {other:?}"),
        }
    }
    let star = infer(
        AuthArgs {
            auth_username: Some("*".into()),
            ..AuthArgs::default()
        },
        [0, 0, 0, 0],
    )
    .unwrap();
    assert_eq!(star.mode, AuthMode::None);
    assert!(
        star.insecure_none,
        "AUTH_USERNAME=* off loopback is flagged (loud warning at start)"
    );
}

#[tokio::test]
async fn services_password_opens_only_the_service_routes() {
    let dir = workshop("{}");
    let mut config = config(dir.path());
    config.auth.mode = AuthMode::Token;
    config.auth.login_token = Some(Secret("the-login-token-123".into()));
    config.auth.cookie_key = CookieKeySource::Secret(Secret(super::COOKIE_SECRET.into()));
    config.auth.services_password = Some(Secret("svc-pass".into()));
    let server = TestServer::start(config).await;
    let client = http_client();
    let status = |path: &str| {
        let request = client.post(server.url(path)).body("{}");
        async move { request.send().await.unwrap().status().as_u16() }
    };
    // Accepted (the route itself may not exist on this branch: anything but 401).
    assert_ne!(status("/message/broadcast?token=svc-pass").await, 401);
    assert_eq!(status("/message/broadcast?token=wrong").await, 401);
    assert_eq!(status("/message/broadcast").await, 401);
    assert_eq!(
        status("/terminal/api/1/paste?token=svc-pass").await,
        401,
        "not a service route"
    );
    assert_eq!(
        status("/config/kubeconfig?token=svc-pass").await,
        401,
        "config has its own password"
    );
    server.stop().await;
}
