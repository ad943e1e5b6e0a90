//! lectern as an Educates session pod's gateway (issue 19): the real binary started with exactly the
//! environment `image/educates/session.env` lists (the portal's URLs pointed at the fake portal, folders at
//! temporary ones), then every route the training portal and the dashboard use, answered as
//! ../shared/reference/dashboard.md says (or as docs/educates.md says lectern answers instead).

#![allow(clippy::unwrap_used)] // tests may unwrap (STYLE: no unwrap in server paths)

use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::auth::{login_cookie, oauth_login_at};
use crate::support::portal::{CLIENT_ID, CLIENT_SECRET, FakePortal};
use crate::support::spawned::Spawned;
use crate::support::{Fetch, http_client, repo_root};

/// `image/educates/session.env` as pairs.
fn session_env() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo_root().join("image/educates/session.env")).unwrap();
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (name, value) = line.split_once('=').expect("NAME=value");
            (name.to_string(), value.to_string())
        })
        .collect()
}

#[tokio::test]
async fn the_routes_the_portal_and_the_dashboard_use_answer_in_an_educates_pod() {
    let env = session_env();
    let var = |name: &str| {
        env.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let session = var("SESSION_NAME");
    let portal = FakePortal::start(&session, "learner1", &["instructor"]).await;
    let workshop = crate::proxy::workshop("{}");
    // A Hugo workshop's own variables (content.md §3.3), which `/config/variables` serves with the rest.
    std::fs::write(
        workshop.path().join("workshop/config.yaml"),
        "params:\n- name: favourite_colour\n  value: blue\n",
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("uploads")).unwrap();
    std::fs::write(home.path().join("notes.txt"), "hello\n").unwrap();
    let home_dir = home.path().display().to_string();
    let uploads = home.path().join("uploads").display().to_string();
    let workshop_dir = workshop.path().display().to_string();
    let overrides = [
        ("PORTAL_URL", portal.url()),
        ("PORTAL_API_URL", portal.url()),
        ("PORTAL_CLIENT_ID", CLIENT_ID.to_string()),
        ("PORTAL_CLIENT_SECRET", CLIENT_SECRET.to_string()),
        ("WORKSHOP_DIR", workshop_dir),
        ("FILES_DIR", home_dir.clone()),
        ("UPLOADS_DIR", uploads),
        ("TERMINAL_HOME", home_dir),
    ];
    let mut pairs: Vec<(String, String)> = env
        .iter()
        .filter(|(name, _)| !overrides.iter().any(|(o, _)| o == name))
        .cloned()
        .collect();
    pairs.extend(overrides.iter().map(|(n, v)| (n.to_string(), v.clone())));
    pairs.push(("LECTERN_TERMINAL_SHELL".into(), "bash --norc --noprofile".into()));
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let server = Spawned::start(workshop.path(), home.path(), &[], &borrowed).await;
    let base = server.url("");
    let client = http_client();
    let get = |path: &str| client.get(server.url(path));

    // The portal's idle tracking: public, CORS for the portal's origin only (§4.1).
    let poll = get("/session/poll?hidden=true")
        .header("origin", portal.url())
        .fetch()
        .await;
    assert_eq!(poll.status(), 200);
    assert_eq!(
        poll.headers()["access-control-allow-origin"],
        portal.url().as_str()
    );
    assert_eq!(
        poll.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({})
    );
    let activity: serde_json::Value = get("/session/activity").fetch_json().await;
    assert!(
        activity["idle-time"].is_number() && activity["last-view"].is_number(),
        "{activity}"
    );
    let foreign = get("/session/poll")
        .header("origin", "http://elsewhere.test")
        .fetch()
        .await;
    assert!(foreign.headers().get("access-control-allow-origin").is_none());
    for health in ["/healthz", "/readyz"] {
        assert_eq!(get(health).fetch().await.status(), 200, "{health}");
    }

    // Not logged in: a page goes to the portal login (§5.1), with the portal's documented parameters.
    let page = get("/dashboard/").header("accept", "text/html").fetch().await;
    assert_eq!(page.status(), 302);
    let handshake = page.headers()["location"].to_str().unwrap().to_string();
    assert!(handshake.starts_with("/oauth_handshake?next="), "{handshake}");
    let to_portal = get(&handshake).fetch().await;
    let authorize = reqwest::Url::parse(to_portal.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(authorize.path(), "/oauth2/authorize/");
    let query: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], CLIENT_ID);
    assert_eq!(query["scope"], "user:info");
    assert_eq!(
        query["redirect_uri"],
        server.url("/oauth_callback"),
        "INGRESS_PROTOCOL=http"
    );
    assert!(!query["state"].is_empty());
    // API calls without a login are refused, not redirected; service routes take SERVICES_PASSWORD.
    assert_eq!(get("/api/dashboard").fetch().await.status(), 401);
    let token = var("SERVICES_PASSWORD");
    let file = get(&format!("/files/notes.txt?token={token}")).fetch().await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.text().await.unwrap(), "hello\n");
    assert_eq!(get("/files/notes.txt?token=wrong").fetch().await.status(), 401);

    // The owner logs in through the portal; the session cookie is the original's name.
    let done = oauth_login_at(&base, "/dashboard/").await;
    assert_eq!(done.status(), 302);
    assert_eq!(done.headers()["location"], "/dashboard/");
    let cookie = login_cookie(&done).expect("workshop-session-id");
    let with = |path: &str| get(path).header("cookie", &cookie);
    let dashboard = with("/dashboard/").header("accept", "text/html").fetch().await;
    assert_eq!(dashboard.status(), 200);
    let csp = dashboard.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains(&format!("frame-ancestors 'self' {}", portal.url())),
        "{csp}"
    );
    assert!(dashboard.headers().get("x-frame-options").is_none());
    let config: serde_json::Value = with("/api/dashboard").fetch_json().await;
    assert_eq!(config["session"]["name"], session.as_str());
    assert_eq!(config["session"]["namespace"], var("SESSION_NAMESPACE").as_str());
    assert_eq!(config["session"]["domain"], var("INGRESS_DOMAIN").as_str());
    assert_eq!(config["auth"]["owner"], "learner1");
    assert_eq!(config["layout"]["terminal"], "default");
    assert_eq!(config["features"]["files"], true);
    // The original's switches: ENABLE_COUNTDOWN shows the countdown, RESTART_URL offers Terminate, `/`
    // goes to DEFAULT_PAGE.
    assert_eq!(config["session"]["countdown"], true);
    assert_eq!(config["session"]["terminate"], true);
    let root = with("/").fetch().await;
    assert_eq!(root.status(), 303);
    assert_eq!(root.headers()["location"], var("DEFAULT_PAGE").as_str());

    // `/config/*` (§4.5) with CONFIG_PASSWORD or a login; lectern's own secrets stay out of `environment`.
    std::fs::create_dir_all(home.path().join(".kube")).unwrap();
    std::fs::write(home.path().join(".kube/config"), "apiVersion: v1\nkind: Config\n").unwrap();
    let config_token = var("CONFIG_PASSWORD");
    let kubeconfig = get(&format!("/config/kubeconfig?token={config_token}"))
        .fetch()
        .await;
    assert_eq!(kubeconfig.status(), 200);
    assert_eq!(kubeconfig.headers()["cache-control"], "no-store");
    assert_eq!(kubeconfig.text().await.unwrap(), "apiVersion: v1\nkind: Config\n");
    let bearer = get("/config/kubeconfig").bearer_auth(&config_token).fetch().await;
    assert_eq!(bearer.status(), 200);
    for refused in [
        "/config/kubeconfig?token=wrong".to_string(),
        format!("/config/kubeconfig?token={token}"),
        "/config/kubeconfig".to_string(),
    ] {
        let answer = get(&refused).fetch().await;
        assert_eq!(answer.status(), 401, "{refused}");
    }
    let environment: serde_json::Value = get(&format!("/config/environment?token={config_token}"))
        .fetch_json()
        .await;
    assert_eq!(environment["SESSION_NAME"], session.as_str());
    let text = environment.to_string();
    for secret in ["PORTAL_CLIENT_SECRET", "CONFIG_PASSWORD", "SERVICES_PASSWORD"] {
        assert!(environment.get(secret).is_none(), "{secret} in {text}");
        assert!(!text.contains(&var(secret)), "the value of {secret} in {text}");
    }
    let variables: serde_json::Value = with("/config/variables").fetch_json().await;
    // The original's `workshop-variables.json`: the standard variables, the workshop's title and the
    // params of `workshop/config.yaml`, one object by name.
    assert_eq!(variables["session_name"], session.as_str());
    assert_eq!(variables["ingress_domain"], var("INGRESS_DOMAIN").as_str());
    assert_eq!(variables["workshop_title"], "Test");
    assert_eq!(variables["favourite_colour"], "blue");
    assert_eq!(variables["pathway_name"], "");
    assert_eq!(
        with("/config/id_rsa").fetch().await.status(),
        404,
        "no key in this home"
    );
    assert_eq!(with("/config/other").fetch().await.status(), 404);
    // What the original's dashboard frames first, and its standalone terminal page (§4.3, §4.4).
    let ready = with("/workshop/.redirect-when-workshop-is-ready").fetch().await;
    assert_eq!(ready.status(), 303);
    assert_eq!(ready.headers()["location"], "/workshop/content/");
    let terminal = with("/terminal").fetch().await;
    assert_eq!(terminal.headers()["location"], "/terminal/session/1");
    let fresh = with("/terminal/session/").fetch().await;
    let fresh = fresh.headers()["location"].to_str().unwrap().to_string();
    let name = fresh.strip_prefix("/terminal/session/").unwrap();
    assert!(
        name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit()),
        "{fresh}"
    );
    let terminal_page = with("/terminal/session/2")
        .header("accept", "text/html")
        .fetch()
        .await;
    assert_eq!(terminal_page.status(), 200);
    assert!(
        terminal_page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let bad = with("/terminal/session/No%20Such").fetch().await;
    assert_eq!(bad.status(), 400);
    let first = with("/workshop/content/").fetch().await;
    assert_eq!(first.status(), 303, "the instructions start at the first page");
    let first_page = first.headers()["location"].to_str().unwrap().to_string();
    let page = with(&first_page).header("accept", "text/html").fetch().await;
    assert_eq!(page.status(), 200, "{first_page}");
    assert!(page.text().await.unwrap().contains("Hello"));

    // The portal relays (§4.2) with the login's portal token.
    let schedule: serde_json::Value = with("/session/schedule").fetch_json().await;
    assert_eq!(schedule["status"], "running");
    let extend = with("/session/extend").fetch().await;
    assert_eq!(extend.status(), 200);
    let event = client
        .post(server.url("/session/event"))
        .header("cookie", &cookie)
        .header("origin", &base)
        .json(&serde_json::json!({"event": {"name": "Workshop/View", "data": {"page": "01-hello"}}}))
        .fetch()
        .await;
    assert_eq!(event.status(), 200);
    assert_eq!(portal.events().len(), 1);

    // Terminals: the websocket upgrade with the login and lectern's origin.
    let mut request = format!("ws://{}/terminal/ws/1", server.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert("cookie", cookie.parse().unwrap());
    request.headers_mut().insert("origin", base.parse().unwrap());
    let (_socket, response) = tokio_tungstenite::connect_async(request).await.expect("upgrade");
    assert_eq!(response.status(), 101);

    // The portal's session host name (`<session>.<domain>`) is one lectern answers; another is not.
    let own_host = format!("{}:{}", var("SESSION_HOSTNAME"), server.addr.port());
    let named = get("/healthz").header("host", own_host).fetch().await;
    assert_eq!(named.status(), 200);
    let other = with("/api/dashboard").header("host", "evil.test").fetch().await;
    assert_eq!(other.status(), 421);
}
