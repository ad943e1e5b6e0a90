//! Issue 11, finding 5: no child lectern starts (shells, examiner tests, `git http-backend` and the hooks
//! it runs) inherits lectern's own secrets, neither from lectern's environment nor as exported session
//! variables.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::process::{Lectern, wait_for_file};
use crate::support::http_client;

const SECRETS: [(&str, &str); 8] = [
    ("AUTH_PASSWORD", "auth-password-5f1c"),
    (
        "LECTERN_COOKIE_SECRET",
        "cookie-secret-0123456789abcdef0123456789",
    ),
    ("PORTAL_CLIENT_SECRET", "portal-client-secret-77a2"),
    ("SERVICES_PASSWORD", "services-password-9b3e"),
    ("CONFIG_PASSWORD", "config-password-e41d"),
    ("LECTERN_LOGIN_TOKEN", "login-token-4c8a"),
    ("WEBDAV_PASSWORD", "webdav-password-31d0"),
    ("GIT_PASSWORD", "git-password-a9f2"),
];

/// A script that writes its environment to `dump` (atomically), then runs `then`.
fn env_script(path: &Path, dump: &Path, then: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(
        path,
        format!(
            "#!/bin/sh\nenv > {0}.part; mv {0}.part {0}\n{then}\n",
            dump.display()
        ),
    )
    .expect("write script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

fn assert_no_secrets(who: &str, seen: &str) {
    assert!(
        seen.lines().any(|line| line == "SESSION_NAMESPACE=ns-visible"),
        "{who}: the ordinary environment is missing: {seen}"
    );
    for (name, value) in SECRETS {
        assert!(
            !seen.lines().any(|line| line.starts_with(&format!("{name}="))) && !seen.contains(value),
            "{who} inherited {name}: {seen}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn children_do_not_inherit_lecterns_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("workshop-root");
    std::fs::create_dir_all(root.join("workshop/content")).expect("mkdir");
    std::fs::write(root.join("workshop/content/01-one.md"), "# One\n").expect("page");
    let shell_dump = dir.path().join("shell-env.txt");
    let shell = dir.path().join("shell.sh");
    // The shell also tries lectern's own environment (its parent's), which still holds the secrets.
    let parent_env = dir.path().join("parent-env.txt");
    env_script(
        &shell,
        &shell_dump,
        &format!(
            "cat /proc/$PPID/environ > {0}.part 2>&1; mv {0}.part {0}; exec sleep 600",
            parent_env.display()
        ),
    );
    let test_dump = dir.path().join("test-env.txt");
    env_script(
        &root.join("workshop/examiner/tests/envdump"),
        &test_dump,
        "exit 0",
    );

    // A Git repository whose pre-receive hook (run by `git http-backend`) dumps its environment.
    let repos = dir.path().join("repos");
    let init = std::process::Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(repos.join("hooked.git"))
        .output()
        .expect("git");
    assert!(init.status.success());
    let hook_dump = dir.path().join("hook-env.txt");
    env_script(
        &repos.join("hooked.git/hooks/pre-receive"),
        &hook_dump,
        "cat >/dev/null; exit 0",
    );

    let repos_dir = repos.display().to_string();
    let mut env = vec![
        ("AUTH_USERNAME", "learner"),
        ("SESSION_NAMESPACE", "ns-visible"),
        ("SESSION_NAME", "s1"),
        ("ENABLE_GIT", "true"),
        ("LECTERN_GIT_REPOSITORIES", &repos_dir),
    ];
    env.extend(SECRETS);
    let shell = shell.display().to_string();
    let root = root.display().to_string();
    let lectern = Lectern::start(&[&root, "--auth", "basic", "--terminal-shell", &shell], &env);
    let client = http_client();
    for (path, body) in [
        ("/terminal/api/1/execute", r#"{"command":"true"}"#),
        ("/examiner/test/envdump", "{}"),
    ] {
        let response = client
            .post(lectern.url(path))
            .basic_auth("learner", Some("auth-password-5f1c"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request");
        assert!(response.status().is_success(), "{path}: {}", response.status());
    }
    let seen = wait_for_file(&shell_dump).await;
    assert!(
        seen.lines().any(|line| line == "TERMINAL_SESSION_ID=1"),
        "not the shell's environment: {seen}"
    );
    assert_no_secrets("the shell", &seen);
    let parent = wait_for_file(&parent_env).await;
    // Root reads every process's environment whatever lectern does (tests here and in CI run as root;
    // in a pod lectern and its shells do not), so the check holds for other users only.
    let uid = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata("/proc/self").expect("/proc/self"));
    if uid != 0 {
        assert!(
            SECRETS.iter().all(|(_, value)| !parent.contains(value)),
            "the shell read lectern's environment from /proc: {parent}"
        );
    }
    assert_no_secrets("the examiner test", &wait_for_file(&test_dump).await);

    let work = dir.path().join("work");
    let git = |args: &[&str]| {
        let mut command = tokio::process::Command::new("git");
        command
            .args(args)
            .current_dir(&work)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t");
        command.output()
    };
    std::fs::create_dir_all(&work).expect("work");
    assert!(
        git(&["init", "-q", "-b", "main"])
            .await
            .expect("git")
            .status
            .success()
    );
    std::fs::write(work.join("f"), "x").expect("file");
    assert!(git(&["add", "f"]).await.expect("git").status.success());
    assert!(git(&["commit", "-qm", "x"]).await.expect("git").status.success());
    let url = format!("http://s1:git-password-a9f2@{}/git/hooked.git", lectern.addr);
    let push = git(&["push", "-q", &url, "main"]).await.expect("git push");
    assert!(push.status.success(), "{}", String::from_utf8_lossy(&push.stderr));
    let seen = wait_for_file(&hook_dump).await;
    assert!(
        seen.lines().any(|line| line == "REMOTE_USER=s1"),
        "not the hook's environment: {seen}"
    );
    for (name, value) in SECRETS {
        assert!(
            !seen.contains(value),
            "git http-backend's hook inherited {name}: {seen}"
        );
    }
}
