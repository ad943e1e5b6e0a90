//! A full disk under an upload: the uploads folder is a 1 MiB tmpfs mounted for the test (Linux, as
//! root; where mounting is not permitted the test says so and checks nothing). A larger upload fails
//! with a clear 507 that names the problem, leaves no partial or temporary file, and the next upload
//! that fits succeeds.

use std::path::{Path, PathBuf};

use super::{answers_ok, upload};
use crate::site::three_page_workshop;
use crate::support::TestServer;

/// A tmpfs mounted on a folder; unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Result<Self, String> {
        std::fs::create_dir_all(at).map_err(|e| e.to_string())?;
        let output = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755"), "tmpfs"])
            .arg(at)
            .output()
            .map_err(|e| e.to_string())?;
        if output.status.success() {
            Ok(Self(at.to_path_buf()))
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[tokio::test]
async fn an_upload_onto_a_full_disk_fails_clearly_and_leaves_nothing() {
    let scratch = tempfile::tempdir().expect("scratch");
    let uploads = scratch.path().join("uploads");
    let _mounted = match Tmpfs::mount(&uploads, "1m") {
        Ok(mounted) => mounted,
        Err(why) => {
            println!("fault disk full: not checked here, cannot mount a tmpfs ({why})");
            return;
        }
    };
    let workshop = tempfile::tempdir().expect("workshop");
    three_page_workshop(workshop.path());
    let mut config = lectern::config::Config::for_tests(lectern::config::WorkshopSource::Dir(
        workshop.path().to_path_buf(),
    ));
    config.services.uploads = Some(true);
    config.services.uploads_dir = Some(uploads.clone());
    let server = TestServer::start(config).await;

    let (status, text) = upload(&server.url(""), "too-big.bin", &vec![b'd'; 3 * 1024 * 1024]).await;
    println!("fault disk full: {status} {text:?}");
    assert_eq!(status, 507, "a full disk is 507 Insufficient Storage: {text}");
    assert!(
        text.to_lowercase().contains("space"),
        "the message names the problem: {text}"
    );
    let left: Vec<_> = std::fs::read_dir(&uploads)
        .expect("list uploads")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    assert!(left.is_empty(), "nothing is left on the full disk: {left:?}");

    let (status, text) = upload(&server.url(""), "fits.txt", b"small enough").await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        std::fs::read(uploads.join("fits.txt")).expect("saved"),
        b"small enough"
    );
    assert!(answers_ok(&server.url("/workshop/content/01-first/")).await);
}
