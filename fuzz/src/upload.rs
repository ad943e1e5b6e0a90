//! Target `upload`: the multipart upload routes (`POST /upload/files`, `POST /upload/file`) through the
//! whole router, writing into a real uploads folder (on tmpfs when there is one).
//!
//! The uploads folder holds a symlink `link` → a sibling folder `outside`; the limit is 4 KiB.
//!
//! Input: a first line naming the route (`files` or `file`; anything else is sent as the path), then
//! the multipart body, whose boundary is `B`.
//!
//! Invariants: no panic and no 500; nothing is ever written outside the uploads folder (`outside`
//! stays empty); no temporary file is left behind (a `.lectern-upload-…` name the input does not
//! spell: clients may name their own files so); a 2xx answer left a file.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use axum::body::Body;
use http::{Request, StatusCode};

use crate::app::{self, App};

/// The upload limit of the fuzzed server, bytes.
pub const LIMIT: u64 = 4096;

struct Uploads {
    app: App,
    uploads: PathBuf,
    outside: PathBuf,
}

thread_local! {
    static UPLOADS: OnceCell<Uploads> = const { OnceCell::new() };
}

impl Uploads {
    fn new() -> Self {
        let dir = app::scratch();
        let uploads = dir.path().join("uploads");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&uploads).expect("uploads folder");
        std::fs::create_dir_all(&outside).expect("outside folder");
        std::os::unix::fs::symlink("../outside", uploads.join("link")).expect("symlink");
        let mut config = app::safe_config(dir.path(), "");
        config.services.uploads = Some(true);
        config.services.uploads_dir = Some(uploads.clone());
        config.services.upload_limit_bytes = LIMIT;
        let uploads = uploads.canonicalize().expect("uploads path");
        Self {
            app: App::new(config, dir),
            uploads,
            outside,
        }
    }
}

/// One upload; panics when an invariant breaks.
pub fn run(data: &[u8]) {
    UPLOADS.with(|cell| upload(cell.get_or_init(Uploads::new), data));
}

fn upload(state: &Uploads, data: &[u8]) {
    let (route, body) = crate::first_line(data);
    let path = match route {
        b"files" => "/upload/files".to_string(),
        b"file" => "/upload/file".to_string(),
        other => format!("/upload/{}", String::from_utf8_lossy(other)),
    };
    let Ok(request) = Request::post(path.as_str())
        .header("content-type", "multipart/form-data; boundary=B")
        .body(Body::from(body.to_vec()))
    else {
        return;
    };
    let answer = state.app.send(request);
    assert_ne!(
        answer.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "500 for an upload: {:?}",
        String::from_utf8_lossy(&answer.body)
    );
    let outside = entries(&state.outside);
    assert!(
        outside.is_empty(),
        "written outside the uploads folder: {outside:?}"
    );
    let mut left = Vec::new();
    walk(&state.uploads, &mut left);
    // lectern's temporary files are `.lectern-upload-` plus a random suffix; a name the client chose
    // itself (written in the input) is an upload, not a leftover.
    let input = String::from_utf8_lossy(body);
    let temporary: Vec<_> = left
        .iter()
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let name = n.to_string_lossy();
                name.starts_with(".lectern-upload-") && !input.contains(name.as_ref())
            })
        })
        .collect();
    assert!(temporary.is_empty(), "temporary files left behind: {temporary:?}");
    if answer.status.is_success() {
        assert!(
            left.iter().any(|p| p.is_file()),
            "{path} answered {} but saved nothing",
            answer.status
        );
    }
    // Back to the initial state: only the symlink.
    for entry in entries(&state.uploads) {
        if entry.file_name().is_some_and(|n| n == "link") {
            continue;
        }
        let removed = if entry.is_dir() && !entry.is_symlink() {
            std::fs::remove_dir_all(&entry)
        } else {
            std::fs::remove_file(&entry)
        };
        removed.expect("clean the uploads folder");
    }
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|read| read.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// Every path under `dir`, not following symlinks.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in entries(dir) {
        if entry.is_dir() && !entry.is_symlink() {
            walk(&entry, out);
        }
        out.push(entry);
    }
}
