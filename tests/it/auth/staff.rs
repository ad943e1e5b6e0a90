//! Staff terminals (issue 19, the original's `<user>:<id>` terminals): a portal staff user gets terminals of
//! their own by default, joins the learner's on request (`/staff/terminals?use=join`) or only watches them
//! (`use=watch`: read-only, input refused); learners are never mapped and cannot make the choice.

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::{login_cookie, oauth_config, oauth_login};
use crate::proxy::workshop;
use crate::support::portal::FakePortal;
use crate::support::{TestServer, http_client};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Attaches to terminal `name` with `cookie`; returns the socket and the welcome message.
async fn attach(server: &TestServer, cookie: &str, name: &str) -> (Socket, serde_json::Value) {
    let mut request = format!("ws://{}/terminal/ws/{name}", server.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert("cookie", cookie.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", server.url("").parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("upgrade");
    let hello = serde_json::json!({"type": "hello", "version": 1, "cols": 80, "rows": 24});
    socket.send(Message::text(hello.to_string())).await.unwrap();
    loop {
        let message = socket.next().await.expect("open").expect("message");
        if let Message::Text(text) = message {
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            if value["type"] == "welcome" {
                return (socket, value);
            }
        }
    }
}

/// Reads output until `needle` shows up (the socket's guard is the test's timeout).
async fn read_until(socket: &mut Socket, needle: &str) {
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains(needle) {
        match socket.next().await.expect("open").expect("message") {
            Message::Binary(data) => seen.extend_from_slice(data.get(8..).unwrap_or_default()),
            Message::Ping(_) | Message::Text(_) => {}
            other => panic!("unexpected {other:?} before {needle:?}"),
        }
    }
}

async fn execute(server: &TestServer, cookie: &str, command: &str) -> u16 {
    http_client()
        .post(server.url("/terminal/api/1/execute"))
        .header("cookie", cookie)
        .header("origin", server.url(""))
        .json(&serde_json::json!({ "command": command }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn choose(server: &TestServer, cookie: &str, view: &str) -> reqwest::Response {
    http_client()
        .get(server.url(&format!("/staff/terminals?use={view}")))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn staff_get_their_own_terminals_and_join_or_watch_the_learners_on_request() {
    let portal = FakePortal::start(crate::proxy::SESSION, "alice", &["teacher"]).await;
    let dir = workshop("{}");
    let home = tempfile::tempdir().unwrap();
    let mut config = oauth_config(dir.path(), &portal);
    config.terminal.shell = ["bash", "--norc", "--noprofile"].map(String::from).to_vec();
    config.terminal.shell_is_default = false;
    config.terminal.home = Some(home.path().to_path_buf());
    let server = TestServer::start(config).await;
    let alice = login_cookie(&oauth_login(&server, "/").await).expect("owner login");
    portal.set_user("teacher");
    let teacher = login_cookie(&oauth_login(&server, "/").await).expect("staff login");

    let (mut learner, welcome) = attach(&server, &alice, "1").await;
    assert_eq!(welcome["terminal"], "1");
    let (mut own, welcome) = attach(&server, &teacher, "1").await;
    let own_name = welcome["terminal"].as_str().unwrap().to_string();
    assert!(own_name != "1" && own_name.ends_with("-1"), "{own_name}");
    // Input by name goes to each one's own terminal.
    assert_eq!(execute(&server, &teacher, "echo staff-$((40+2))").await, 204);
    read_until(&mut own, "staff-42").await;
    assert_eq!(execute(&server, &alice, "echo learner-$((6*7))").await, 204);
    read_until(&mut learner, "learner-42").await;

    // A learner cannot make the staff choice.
    assert_eq!(choose(&server, &alice, "join").await.status(), 403);
    // Joining: the learner's terminal, read-write, with its output.
    let joined = choose(&server, &teacher, "join").await;
    assert_eq!(joined.status(), 302);
    let choice = joined.headers()["set-cookie"].to_str().unwrap();
    let choice = choice.split(';').next().unwrap().to_string();
    let (mut shared, welcome) = attach(&server, &format!("{teacher}; {choice}"), "1").await;
    assert_eq!(welcome["terminal"], "1");
    assert_eq!(welcome["readonly"], false);
    read_until(&mut shared, "learner-42").await;
    // Watching: the learner's terminal read-only; typing through the API is refused.
    let watched = choose(&server, &teacher, "watch").await;
    let choice = watched.headers()["set-cookie"].to_str().unwrap();
    let watching = format!("{teacher}; {}", choice.split(';').next().unwrap());
    let (_watch, welcome) = attach(&server, &watching, "1").await;
    assert_eq!(welcome["terminal"], "1");
    assert_eq!(welcome["readonly"], true);
    assert_eq!(execute(&server, &watching, "echo no").await, 403);
    assert_eq!(choose(&server, &teacher, "nobody").await.status(), 400);
    server.stop().await;
}
