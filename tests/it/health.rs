//! Health endpoints answer on a real socket and the server drains on shutdown.

use lectern::config::{Config, WorkshopSource};

use crate::support::{TestServer, fixture, get};

#[tokio::test]
async fn healthz_and_readyz_answer() {
    let server = TestServer::start(Config::for_tests(WorkshopSource::Dir(fixture("minimal")))).await;
    let health = get(&server.url("/healthz")).await;
    assert_eq!(health.status(), 200);
    let ready = get(&server.url("/readyz")).await;
    assert_eq!(ready.status(), 200);
    server.stop().await;
}
