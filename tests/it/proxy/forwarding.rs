//! Forwarding through `/port/{port}/…` and `/editor/`: prefix stripping, headers both ways, bodies,
//! websockets, upstream down (502) and slow (504), and server-sent events streamed unbuffered.

use futures_util::{SinkExt, StreamExt};
use lectern::config::proxy_local_upstream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::{config, upstream, workshop};
use crate::support::{TestServer, get, http_client};

#[tokio::test]
async fn port_route_strips_prefix_and_cleans_headers() {
    let up = upstream::start().await;
    let dir = workshop("{}");
    let server = TestServer::start(config(dir.path())).await;
    let client = http_client();
    let port = up.port();
    let response = client
        .post(server.url(&format!("/port/{port}/a/b?x=1&y=%20")))
        .header(
            "cookie",
            "theirs=1; workshop-session-id=secret; lectern-oauth-state=s",
        )
        .header("authorization", "Bearer ours")
        .header("connection", "keep-alive, x-hop")
        .header("x-hop", "drop me")
        .header("x-kept", "keep me")
        .body(vec![7u8; 100_000])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let echo: serde_json::Value = response.json().await.unwrap();
    assert_eq!(echo["uri"], "/a/b?x=1&y=%20");
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["body_len"], 100_000);
    let headers = &echo["headers"];
    assert_eq!(headers["cookie"], "theirs=1");
    assert!(headers.get("authorization").is_none(), "{headers}");
    assert!(headers.get("x-hop").is_none(), "{headers}");
    assert_eq!(headers["x-kept"], "keep me");
    assert_eq!(headers["x-forwarded-for"], "127.0.0.1");
    assert_eq!(headers["x-forwarded-proto"], "http");
    assert_eq!(headers["x-forwarded-host"], format!("{}", server.addr));
    assert_eq!(
        headers["host"],
        format!("{}", server.addr),
        "localhost upstreams see the public host"
    );

    let redirect = get(&server.url(&format!("/port/{port}"))).await;
    assert_eq!(redirect.status(), 303);
    assert_eq!(redirect.headers()["location"], format!("/port/{port}/"));
    let bad = get(&server.url("/port/99999/")).await;
    assert_eq!(bad.status(), 400);
    server.stop().await;
}

#[tokio::test]
async fn responses_keep_upstream_headers_but_drop_hop_by_hop() {
    let up = upstream::start().await;
    let dir = workshop("{}");
    let server = TestServer::start(config(dir.path())).await;
    let response = http_client()
        .get(server.url(&format!("/port/{}/set-headers", up.port())))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    assert_eq!(
        headers["x-frame-options"], "DENY",
        "upstream framing policy is kept"
    );
    assert_eq!(headers["content-security-policy"], "default-src 'self'");
    assert!(headers.get("x-upstream-private").is_none());
    assert!(
        headers.get("access-control-allow-origin").is_none(),
        "never ACAO *"
    );
    // lectern's own pages get frame-ancestors.
    let own = get(&server.url("/healthz")).await;
    assert_eq!(own.headers()["content-security-policy"], "frame-ancestors 'self'");
    server.stop().await;
}

#[tokio::test]
async fn big_bodies_stream_both_ways() {
    let up = upstream::start().await;
    let dir = workshop("{}");
    let server = TestServer::start(config(dir.path())).await;
    let body = http_client()
        .get(server.url(&format!("/port/{}/big/5000000", up.port())))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.len(), 5_000_000);
    server.stop().await;
}

#[tokio::test]
async fn websocket_through_port_and_editor_routes() {
    let up = upstream::start().await;
    let dir = workshop("{}");
    let mut config = config(dir.path());
    config.proxy.editor.enabled = Some(true);
    config.proxy.editor.upstream = proxy_local_upstream(up.port());
    let server = TestServer::start(config).await;
    for path in [format!("/port/{}/ws", up.port()), "/editor/some/ws".to_string()] {
        let mut request = format!("ws://{}{path}", server.addr)
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("origin", format!("http://{}", server.addr).parse().unwrap());
        let (mut socket, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("ws connect");
        assert_eq!(response.status(), 101);
        for i in 0..50 {
            let text = format!("hello {i} {}", "x".repeat(i * 100));
            socket.send(Message::text(text.clone())).await.unwrap();
            let echoed = socket.next().await.unwrap().unwrap();
            assert_eq!(echoed.into_text().unwrap().as_str(), text);
        }
        socket.send(Message::binary(vec![1u8, 2, 3])).await.unwrap();
        assert_eq!(
            socket.next().await.unwrap().unwrap().into_data().as_ref(),
            &[1, 2, 3]
        );
        socket.close(None).await.unwrap();
    }
    server.stop().await;
}

#[tokio::test]
async fn upstream_down_is_502_html_or_json_and_slow_is_504() {
    let up = upstream::start().await;
    let free_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let dir = workshop("{}");
    let server = TestServer::start(config(dir.path())).await;
    let client = http_client();
    let browser = client
        .get(server.url(&format!("/port/{free_port}/")))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(browser.status(), 502);
    assert!(
        browser.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = browser.text().await.unwrap();
    assert!(page.contains("Oops!") && page.contains("Try Again"), "{page}");
    let api = get(&server.url(&format!("/port/{free_port}/api"))).await;
    assert_eq!(api.status(), 502);
    let json: serde_json::Value = api.json().await.unwrap();
    assert_eq!(json["status"], 502);
    // The editor is off by default.
    assert_eq!(get(&server.url("/editor/")).await.status(), 404);
    // A response slower than the 2 s header timeout of `config()`.
    let slow = client
        .get(server.url(&format!("/port/{}/slow", up.port())))
        .send()
        .await
        .unwrap();
    assert_eq!(slow.status(), 504);
    server.stop().await;
}

#[tokio::test]
async fn server_sent_events_stream_unbuffered() {
    let up = upstream::start().await;
    let dir = workshop("{}");
    let server = TestServer::start(config(dir.path())).await;
    let response = http_client()
        .get(server.url(&format!("/port/{}/events/sse", up.port())))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut stream = response.bytes_stream();
    // The first event must arrive while the upstream is still holding the second one back.
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
        .await
        .expect("first event within 10 s: the proxy buffers")
        .unwrap()
        .unwrap();
    assert_eq!(&first[..], b"data: one\n\n");
    up.release.notify_one();
    let mut rest = Vec::new();
    while let Some(chunk) = stream.next().await {
        rest.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(rest, b"data: two\n\n");
    server.stop().await;
}
