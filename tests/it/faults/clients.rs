//! Clients that vanish: mid-download (a file, and a proxied stream) and mid-upload. Each leaves nothing
//! behind in `lectern` (descriptors back to their baseline, the upstream stream dropped, no partial or
//! temporary upload file), and the next client is served in full.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::wait_until;
use crate::proxy::workshop;
use crate::site::{Part, multipart};
use crate::support::get;
use crate::support::spawned::Spawned;

/// Size of the file downloaded: 32 MiB, far more than socket buffers hold.
const BIG: usize = 32 * 1024 * 1024;

/// Sends `head` then reads `keep` bytes of the answer and drops the connection.
async fn vanish_after(addr: std::net::SocketAddr, head: &str, keep: usize) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("send");
    let mut buf = vec![0u8; keep];
    stream.read_exact(&mut buf).await.expect("the download started");
    drop(stream);
}

#[tokio::test]
async fn a_client_gone_mid_download_leaves_nothing_open() {
    let dir = workshop("{}");
    let home = tempfile::tempdir().expect("home");
    let files = tempfile::tempdir().expect("files");
    std::fs::write(files.path().join("big.bin"), vec![b'b'; BIG]).expect("big file");
    let files_dir = files.path().display().to_string();
    let server = Spawned::start(
        dir.path(),
        home.path(),
        &["--no-watch", "--enable-files", "true", "--files-dir", &files_dir],
        &[],
    )
    .await;
    assert!(super::answers_ok(&server.url("/healthz")).await);
    let baseline = server.open_fds();
    let head = format!("GET /files/big.bin HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    for _ in 0..10 {
        vanish_after(server.addr, &head, 64 * 1024).await;
    }
    wait_until("descriptors of abandoned downloads are closed", || async {
        server.open_fds() <= baseline
    })
    .await;
    let full = get(&server.url("/files/big.bin"))
        .await
        .bytes()
        .await
        .expect("whole body");
    assert_eq!(full.len(), BIG, "the next client gets the whole file");
}

#[tokio::test]
async fn a_client_gone_mid_proxied_stream_stops_the_upstream() {
    // An upstream that streams for ever and records when lectern stops reading (drops its body).
    let produced = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicBool::new(false));
    struct OnDrop(Arc<AtomicBool>);
    impl Drop for OnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let (p, d) = (produced.clone(), dropped.clone());
    let app = axum::Router::new().fallback(move || {
        let (produced, dropped) = (p.clone(), d.clone());
        async move {
            let guard = OnDrop(dropped);
            let stream = futures_util::stream::unfold((guard, produced), |(guard, produced)| async move {
                produced.fetch_add(1, Ordering::SeqCst);
                let chunk = Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b's'; 64 * 1024]));
                Some((chunk, (guard, produced)))
            });
            axum::body::Body::from_stream(stream)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let dir = workshop(&format!("ingresses:\n- name: stream\n  port: {port}\n"));
    let home = tempfile::tempdir().expect("home");
    let server = Spawned::start(dir.path(), home.path(), &["--no-watch"], &[]).await;
    let head = format!(
        "GET /ingress/stream/endless HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    );
    vanish_after(server.addr, &head, 256 * 1024).await;
    wait_until(
        "the upstream stream is dropped once its client is gone",
        || async { dropped.load(Ordering::SeqCst) },
    )
    .await;
    let chunks = produced.load(Ordering::SeqCst);
    println!("fault proxied stream: the upstream produced {chunks} chunks of 64 KiB before lectern let go");
    assert!(super::answers_ok(&server.url("/healthz")).await);
}

#[tokio::test]
async fn a_client_gone_mid_upload_leaves_no_file() {
    let dir = workshop("{}");
    let home = tempfile::tempdir().expect("home");
    let uploads = tempfile::tempdir().expect("uploads");
    let uploads_dir = uploads.path().display().to_string();
    let server = Spawned::start(
        dir.path(),
        home.path(),
        &[
            "--no-watch",
            "--enable-uploads",
            "true",
            "--uploads-dir",
            &uploads_dir,
        ],
        &[],
    )
    .await;
    let baseline = server.open_fds();
    let (content_type, body) = multipart(&[Part::File("files", "half.bin", &vec![b'u'; 8 * 1024 * 1024])]);
    for _ in 0..5 {
        let mut stream = tokio::net::TcpStream::connect(server.addr)
            .await
            .expect("connect");
        let head = format!(
            "POST /upload/files HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            server.addr,
            body.len()
        );
        stream.write_all(head.as_bytes()).await.expect("head");
        stream.write_all(&body[..1024 * 1024]).await.expect("first MiB");
        drop(stream);
    }
    let listing = |dir: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|read| {
                read.filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                    .collect()
            })
            .unwrap_or_default()
    };
    wait_until("abandoned uploads leave no file and no descriptor", || async {
        listing(uploads.path()).is_empty() && server.open_fds() <= baseline
    })
    .await;
    // The next upload is complete.
    let (status, text) = super::upload(&server.url(""), "whole.txt", b"all of it").await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        std::fs::read(uploads.path().join("whole.txt")).expect("saved"),
        b"all of it"
    );
}
