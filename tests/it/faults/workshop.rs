//! The workshop folder deleted and recreated while it is watched (a ConfigMap or volume replaced, an
//! author's `git clone` over it): the server stays up throughout, terminals are untouched, the new
//! content is served once it is back, and later edits are still picked up.

use super::{answers_ok, wait_until};
use crate::site::write;
use crate::support::{TestServer, http_client};
use crate::terminal::client::Client;

fn page(root: &std::path::Path, text: &str) {
    write(
        root,
        "workshop/content/01-page.md",
        &format!("---\ntitle: Page\n---\n\n{text}\n"),
    );
}

async fn page_says(server: &TestServer, text: &str) -> bool {
    match http_client()
        .get(server.url("/workshop/content/01-page/"))
        .send()
        .await
    {
        Ok(response) => response.text().await.is_ok_and(|body| body.contains(text)),
        Err(_) => false,
    }
}

#[tokio::test]
async fn a_workshop_folder_deleted_and_recreated_is_served_again() {
    let parent = tempfile::tempdir().expect("parent");
    let root = parent.path().join("workshop-root");
    page(&root, "Before the deletion.");
    let home = tempfile::tempdir().expect("home");
    let mut config = lectern::config::Config::for_tests(lectern::config::WorkshopSource::Dir(root.clone()));
    config.terminal.shell = ["sh"].map(String::from).to_vec();
    config.terminal.shell_is_default = false;
    config.terminal.home = Some(home.path().to_path_buf());
    let server = TestServer::start(config).await;
    assert!(page_says(&server, "Before the deletion.").await);
    let (mut terminal, _) = Client::attach(&server, "1", None).await;

    std::fs::remove_dir_all(&root).expect("delete the workshop folder");
    // While it is gone the server answers (whatever it serves for the pages), and so does the terminal.
    for _ in 0..5 {
        assert!(
            answers_ok(&server.url("/healthz")).await,
            "healthz while the folder is gone"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    terminal.input(b"echo gone-$((6*7))\r").await;
    terminal.read_until("gone-42").await;

    page(&root, "After the recreation.");
    wait_until("the recreated folder is served", || {
        page_says(&server, "After the recreation.")
    })
    .await;
    let readyz = server.url("/readyz");
    wait_until("ready again", || answers_ok(&readyz)).await;
    // The watcher still follows the new folder.
    page(&root, "Edited after the recreation.");
    wait_until("a later edit is served", || {
        page_says(&server, "Edited after the recreation.")
    })
    .await;
    terminal.input(b"echo still-$((6*7))\r").await;
    terminal.read_until("still-42").await;
}
