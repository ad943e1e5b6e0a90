//! Faults, each injected for real on loopback: an upstream killed mid-response, clients gone
//! mid-download and mid-upload, a shell SIGKILLed, the workshop folder deleted and recreated while
//! watched, a full disk under an upload (a small tmpfs), the training portal unreachable, SIGTERM with
//! live streams. Each checks that the fault is reported clearly to whoever it touches, that everything
//! else keeps serving, and that nothing already acknowledged is lost. No assertion is on time.

mod clients;
mod disk;
mod portal;
mod shell;
mod sigterm;
mod upstream;
mod workshop;

use std::time::Duration;

/// Failure guard for any wait in these tests (not a performance assertion).
pub const GUARD: Duration = Duration::from_secs(60);

/// Polls `condition` every 50 ms until it holds; panics with `what` after [`GUARD`].
pub async fn wait_until<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + GUARD;
    while !condition().await {
        assert!(tokio::time::Instant::now() < deadline, "gave up waiting: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `GET url` answers 200.
pub async fn answers_ok(url: &str) -> bool {
    crate::support::http_client()
        .get(url)
        .send()
        .await
        .is_ok_and(|response| response.status() == 200)
}

/// Uploads one file as `files` to the server at `base` (`http://host:port`); the status and body.
pub async fn upload(base: &str, name: &str, content: &[u8]) -> (u16, String) {
    let (content_type, body) = crate::site::multipart(&[crate::site::Part::File("files", name, content)]);
    let response = crate::support::http_client()
        .post(format!("{base}/upload/files"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload answered");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}
