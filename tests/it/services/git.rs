//! Git over smart HTTP with the real `git` client: a push creates the repository, clone / commit / push /
//! clone again sees the commit, a 50 MB push streams through, wrong credentials are refused, the session's
//! `git-<session>.<domain>` host works, and repository paths cannot leave the repositories folder.

use std::path::Path;
use std::process::Output;

use crate::support::traversal::{self, PAYLOADS};
use crate::support::{TestServer, http_client};

use super::{basic, config, secret};

/// Runs `git args` in `cwd` with an empty configuration (no prompts, a fixed identity).
async fn git(cwd: &Path, home: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new("git")
        .args(args)
        .current_dir(cwd)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_AUTHOR_NAME", "learner")
        .env("GIT_AUTHOR_EMAIL", "learner@lectern.test")
        .env("GIT_COMMITTER_NAME", "learner")
        .env("GIT_COMMITTER_EMAIL", "learner@lectern.test")
        .output()
        .await
        .expect("git is installed (tests/apt-packages.txt)")
}

fn ok(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A server with Git on, repositories in `repos`, user `s1` / password `git-pass`.
async fn git_server(workshop: &Path, repos: &Path) -> TestServer {
    let mut config = config(workshop);
    config.services.git = Some(true);
    config.services.git_password = secret("git-pass");
    config.services.git_repositories = Some(repos.to_path_buf());
    TestServer::start(config).await
}

#[tokio::test]
async fn push_clone_commit_push_clone_and_a_50_mb_push() {
    let workshop = tempfile::tempdir().expect("workshop");
    let repos = tempfile::tempdir().expect("repos");
    let work = tempfile::tempdir().expect("work");
    let w = work.path();
    let server = git_server(workshop.path(), repos.path()).await;
    let url = format!("http://s1:git-pass@{}/git/project.git", server.addr);

    std::fs::create_dir_all(w.join("src")).expect("src");
    ok(
        &git(&w.join("src"), w, &["init", "-q", "-b", "main"]).await,
        "init",
    );
    std::fs::write(w.join("src/README"), "first\n").expect("readme");
    ok(&git(&w.join("src"), w, &["add", "."]).await, "add");
    ok(
        &git(&w.join("src"), w, &["commit", "-qm", "first"]).await,
        "commit",
    );
    ok(
        &git(&w.join("src"), w, &["push", "-q", &url, "main"]).await,
        "push creates the repository",
    );
    assert!(
        repos.path().join("project.git/HEAD").is_file(),
        "a bare repository"
    );

    ok(&git(w, w, &["clone", "-q", &url, "copy"]).await, "clone");
    assert_eq!(
        std::fs::read_to_string(w.join("copy/README")).expect("cloned"),
        "first\n"
    );
    std::fs::write(w.join("copy/README"), "second\n").expect("edit");
    ok(
        &git(&w.join("copy"), w, &["commit", "-qam", "second"]).await,
        "commit",
    );
    ok(
        &git(&w.join("copy"), w, &["push", "-q"]).await,
        "push from the clone",
    );
    // `project` and `project.git` are one repository.
    let bare_url = url.trim_end_matches(".git");
    ok(
        &git(w, w, &["clone", "-q", bare_url, "again"]).await,
        "clone again",
    );
    assert_eq!(
        std::fs::read_to_string(w.join("again/README")).expect("again"),
        "second\n"
    );
    let log = git(&w.join("again"), w, &["log", "--format=%s"]).await;
    assert_eq!(String::from_utf8_lossy(&log.stdout), "second\nfirst\n");

    // 50 MB of incompressible data in one push (streamed both ways, never buffered whole).
    let mut data = vec![0u8; 50 * 1024 * 1024];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for chunk in data.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
    }
    std::fs::write(w.join("again/big.bin"), &data).expect("big");
    drop(data);
    ok(&git(&w.join("again"), w, &["add", "big.bin"]).await, "add big");
    ok(
        &git(&w.join("again"), w, &["commit", "-qm", "big"]).await,
        "commit big",
    );
    ok(&git(&w.join("again"), w, &["push", "-q"]).await, "50 MB push");
    let remote = git(w, w, &["ls-remote", &url, "refs/heads/main"]).await;
    let local = git(&w.join("again"), w, &["rev-parse", "HEAD"]).await;
    assert_eq!(
        String::from_utf8_lossy(&remote.stdout).split_whitespace().next(),
        Some(String::from_utf8_lossy(&local.stdout).trim()),
        "the server has the big commit"
    );

    // Wrong credentials: refused, and nothing is created for them.
    for bad in ["s1:wrong", "someone:git-pass", ""] {
        let at = if bad.is_empty() {
            String::new()
        } else {
            format!("{bad}@")
        };
        let bad_url = format!("http://{at}{}/git/other.git", server.addr);
        let output = git(w, w, &["ls-remote", &bad_url]).await;
        assert!(!output.status.success(), "{bad} accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("Authentication failed")
                || stderr.contains("401")
                || stderr.contains("could not read"),
            "{bad}: {stderr}"
        );
    }
    assert!(
        !repos.path().join("other.git").exists(),
        "no repository for a refused client"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_session_git_host_serves_the_same_repositories() {
    let workshop = tempfile::tempdir().expect("workshop");
    let repos = tempfile::tempdir().expect("repos");
    let work = tempfile::tempdir().expect("work");
    let w = work.path();
    let server = git_server(workshop.path(), repos.path()).await;
    let port = server.addr.port();
    let resolve = format!("http.curloptResolve=git-s1.lectern.test:{port}:127.0.0.1");
    let url = format!("http://s1:git-pass@git-s1.lectern.test:{port}/team/app.git");

    std::fs::create_dir_all(w.join("src")).expect("src");
    ok(
        &git(&w.join("src"), w, &["init", "-q", "-b", "trunk"]).await,
        "init",
    );
    std::fs::write(w.join("src/a.txt"), "a\n").expect("a");
    ok(&git(&w.join("src"), w, &["add", "."]).await, "add");
    ok(&git(&w.join("src"), w, &["commit", "-qm", "a"]).await, "commit");
    ok(
        &git(&w.join("src"), w, &["-c", &resolve, "push", "-q", &url, "trunk"]).await,
        "push to the host",
    );
    ok(
        &git(w, w, &["-c", &resolve, "clone", "-q", &url, "copy"]).await,
        "clone from the host",
    );
    assert_eq!(
        std::fs::read_to_string(w.join("copy/a.txt")).expect("a"),
        "a\n",
        "HEAD follows the only pushed branch"
    );
    // The same repository under `/git/` on lectern's own host.
    let path_url = format!("http://s1:git-pass@{}/git/team/app.git", server.addr);
    ok(
        &git(w, w, &["clone", "-q", &path_url, "copy2"]).await,
        "clone by path",
    );

    // The host is Git and nothing else: lectern's pages are not served there.
    let response = http_client()
        .get(server.url("/dashboard/"))
        .header("host", format!("git-s1.lectern.test:{port}"))
        .header("authorization", basic("s1", "git-pass"))
        .send()
        .await
        .expect("dashboard on the git host");
    assert_eq!(response.status(), 404);
    server.stop().await;
}

#[tokio::test]
async fn repository_paths_cannot_leave_the_repositories_folder() {
    let workshop = tempfile::tempdir().expect("workshop");
    let outside = tempfile::tempdir().expect("outside");
    let repos = outside.path().join("repos");
    std::fs::create_dir_all(&repos).expect("repos");
    traversal::plant(&repos, outside.path());
    // A real repository outside, which an escape would expose.
    let hidden = outside.path().join("hidden.git");
    let init = tokio::process::Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&hidden)
        .output()
        .await
        .expect("git");
    assert!(init.status.success());
    let server = git_server(workshop.path(), &repos).await;
    let auth = basic("s1", "git-pass");
    let auth_header = [("Authorization", auth.as_str())];
    let own_host = server.addr.to_string();
    let git_host = format!("git-s1.lectern.test:{}", server.addr.port());

    let mut escapes = Vec::new();
    let mut tried = 0;
    let extra = [
        "../hidden.git",
        "escape/../hidden.git",
        "%2e%2e/hidden.git",
        "escape",
        "link.txt",
    ];
    for payload in PAYLOADS.iter().chain(extra.iter()) {
        for (host, prefix) in [(own_host.as_str(), "/git/"), (git_host.as_str(), "/")] {
            for (method, service) in [
                ("GET", "/info/refs?service=git-upload-pack"),
                ("GET", "/info/refs?service=git-receive-pack"),
                ("POST", "/git-receive-pack"),
                ("GET", "/HEAD"),
            ] {
                let target = format!("{prefix}{payload}{service}");
                let (status, text) = traversal::raw(
                    server.addr,
                    host,
                    method,
                    &target,
                    &[
                        auth_header[0],
                        ("Content-Type", "application/x-git-receive-pack-request"),
                    ],
                    b"0000",
                )
                .await;
                tried += 1;
                // A refused path is a 4xx; an answer about the hidden repository is an escape.
                if traversal::leaked(&text) || (status == 200 && payload.contains("hidden")) {
                    escapes.push(format!("{method} {host}{target} → {status}"));
                }
            }
        }
    }
    let created = traversal::created_outside(outside.path(), &repos);
    assert_eq!(created, vec!["hidden.git".to_string()], "nothing new outside");
    println!("git traversal: {tried} requests, {} escapes", escapes.len());
    assert!(escapes.is_empty(), "escapes: {escapes:#?}");
    server.stop().await;
}
