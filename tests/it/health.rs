//! Health endpoints answer on a real socket and the server drains on shutdown.

use lectern::config::{Config, WorkshopSource};

use crate::support::{TestServer, fixture, http_client};

#[tokio::test]
async fn healthz_and_readyz_answer() {
    let server = TestServer::start(Config::for_tests(WorkshopSource::Dir(fixture("minimal")))).await;
    let client = http_client();
    let health = client.get(server.url("/healthz")).send().await.expect("healthz");
    assert_eq!(health.status(), 200);
    let ready = client.get(server.url("/readyz")).send().await.expect("readyz");
    assert_eq!(ready.status(), 200);
    server.stop().await;
}
