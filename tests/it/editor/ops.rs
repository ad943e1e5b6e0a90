//! Every file-changing and selecting operation over HTTP on real files, without an editor: the result on
//! disk, and the learner-facing failures (missing fields, outside the workspace, not found, no match, bad
//! regex, bad YAML path, binary file, concurrent changes to one file).

use std::os::unix::fs::PermissionsExt;

use serde_json::{Value, json};

use super::{Session, session};

fn read(session: &Session, rel: &str) -> String {
    std::fs::read_to_string(session.exercises(rel)).unwrap()
}

fn write(session: &Session, rel: &str, text: &str) {
    let path = session.exercises(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// (op, body, file, content before, content after)
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "create-file",
        r#"{"file":"~/exercises/new/a.txt","text":"one"}"#,
        "new/a.txt",
        "",
        "one\n",
    ),
    (
        "append-to-file",
        r#"{"file":"~/exercises/b.txt","text":"x"}"#,
        "b.txt",
        "a\n",
        "a\nx\n",
    ),
    (
        "append-to-file",
        r#"{"file":"$HOME/exercises/missing.txt","text":"x"}"#,
        "missing.txt",
        "",
        "x\n",
    ),
    (
        "prepend-to-file",
        r#"{"file":"exercises/c.txt","text":"x"}"#,
        "c.txt",
        "a\n",
        "x\na\n",
    ),
    (
        "insert-before-line",
        r#"{"file":"~/exercises/d.txt","line":2,"text":"x"}"#,
        "d.txt",
        "1\n2\n",
        "1\nx\n2\n",
    ),
    (
        "append-after-line",
        r#"{"file":"~/exercises/e.txt","line":"1","text":"x"}"#,
        "e.txt",
        "1\n2\n",
        "1\nx\n2\n",
    ),
    (
        "insert-after-line",
        r#"{"file":"~/exercises/e2.txt","line":2,"text":"x"}"#,
        "e2.txt",
        "1\n2\n",
        "1\n2\nx\n",
    ),
    (
        "insert-after-match",
        r#"{"file":"~/exercises/f.txt","match":" b ","text":"x"}"#,
        "f.txt",
        "a\nb\nc\n",
        "a\nb\nx\nc\n",
    ),
    (
        "insert-before-match",
        r#"{"file":"~/exercises/g.txt","match":"c","text":"x"}"#,
        "g.txt",
        "a\nc\n",
        "a\nx\nc\n",
    ),
    (
        "replace-matching-text",
        r#"{"file":"~/exercises/h.txt","match":"old","replacement":"new","count":-1}"#,
        "h.txt",
        "old old\nold\n",
        "new old\nnew\n",
    ),
    (
        "replace-matching-text",
        r#"{"file":"~/exercises/i.txt","match":"v(\\d+)","replacement":"9","isRegex":true,"group":1}"#,
        "i.txt",
        "v1\n",
        "v9\n",
    ),
    (
        "delete-lines",
        r#"{"file":"~/exercises/j.txt","start":2,"stop":3}"#,
        "j.txt",
        "1\n2\n3\n4\n",
        "1\n4\n",
    ),
    (
        "delete-matching-lines",
        r#"{"file":"~/exercises/k.txt","match":"x","after":1}"#,
        "k.txt",
        "a\nx\ny\nz\n",
        "a\nz\n",
    ),
    (
        "replace-lines",
        r#"{"file":"~/exercises/l.txt","start":1,"stop":2,"text":"n"}"#,
        "l.txt",
        "1\n2\n3\n",
        "n\n3\n",
    ),
    (
        "set-yaml-value",
        r#"{"file":"~/exercises/m.yaml","path":"spec.replicas","value":3}"#,
        "m.yaml",
        "# c\nspec:\n  replicas: 1 # r\n",
        "# c\nspec:\n  replicas: 3 # r\n",
    ),
    (
        "add-yaml-item",
        r#"{"file":"~/exercises/n.yaml","path":"items","value":"b"}"#,
        "n.yaml",
        "items:\n- a\n",
        "items:\n- a\n- b\n",
    ),
    (
        "insert-yaml-item",
        r#"{"file":"~/exercises/o.yaml","path":"items","index":0,"value":"z"}"#,
        "o.yaml",
        "items:\n- a\n",
        "items:\n- z\n- a\n",
    ),
    (
        "replace-yaml-item",
        r#"{"file":"~/exercises/p.yaml","path":"items[0]","value":"q"}"#,
        "p.yaml",
        "items:\n- a\n",
        "items:\n- q\n",
    ),
    (
        "delete-yaml-value",
        r#"{"file":"~/exercises/q.yaml","path":"a.b"}"#,
        "q.yaml",
        "a:\n  b: 1\n  c: 2\n",
        "a:\n  c: 2\n",
    ),
    (
        "merge-yaml-values",
        r#"{"file":"~/exercises/r.yaml","path":"m","value":{"k":"v","a":1}}"#,
        "r.yaml",
        "m:\n  a: 0\n",
        "m:\n  a: 1\n  k: v\n",
    ),
    (
        "paste",
        r#"{"file":"~/exercises/s.yaml","yamlPath":"items","paste":["b"]}"#,
        "s.yaml",
        "items:\n  - a\nx: 1\n",
        "items:\n  - a\n  - b\nx: 1\n",
    ),
];

#[tokio::test]
async fn every_file_operation_changes_the_file_on_disk() {
    let session = session(true).await;
    for (op, body, file, before, after) in CASES {
        if !before.is_empty() {
            write(&session, file, before);
        }
        let (status, reply) = session.post(op, serde_json::from_str(body).unwrap()).await;
        assert_eq!(status, 200, "{op} {body}: {reply}");
        assert_eq!(read(&session, file), *after, "{op} {body}");
        assert_eq!(reply["shown"], false, "no editor is connected: {reply}");
    }
    // Mode is kept by the atomic write.
    write(&session, "exec.sh", "echo a\n");
    std::fs::set_permissions(
        session.exercises("exec.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    session
        .post(
            "append-to-file",
            json!({"file": "~/exercises/exec.sh", "text": "echo b"}),
        )
        .await;
    let mode = std::fs::metadata(session.exercises("exec.sh"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755);
    session.server.stop().await;
}

#[tokio::test]
async fn selections_are_remembered_for_the_selection_operations() {
    let session = session(true).await;
    write(&session, "sel.txt", "image: nginx:1.19\nreplicas: 3\n");
    let (status, reply) = session
        .post(
            "select-matching-text",
            json!({"file": "~/exercises/sel.txt", "text": "image: (.*)", "isRegex": true, "group": 1}),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(
        reply["selection"],
        json!({"start": {"line": 0, "character": 7}, "end": {"line": 0, "character": 17}})
    );
    let (status, _) = session
        .post(
            "replace-text-selection",
            json!({"file": "~/exercises/sel.txt", "text": "nginx:latest"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(read(&session, "sel.txt"), "image: nginx:latest\nreplicas: 3\n");
    session
        .post(
            "select-lines-in-range",
            json!({"file": "~/exercises/sel.txt", "start": 2}),
        )
        .await;
    session
        .post(
            "insert-before-selection",
            json!({"file": "~/exercises/sel.txt", "text": "# before"}),
        )
        .await;
    assert_eq!(
        read(&session, "sel.txt"),
        "image: nginx:latest\n# before\nreplicas: 3\n"
    );
    session
        .post(
            "select-matching-text",
            json!({"file": "~/exercises/sel.txt", "text": "replicas", "before": 0, "after": 0}),
        )
        .await;
    session
        .post(
            "append-after-selection",
            json!({"file": "~/exercises/sel.txt", "text": "# after"}),
        )
        .await;
    assert_eq!(
        read(&session, "sel.txt"),
        "image: nginx:latest\n# before\nreplicas: 3\n# after\n"
    );
    session
        .post(
            "select-yaml-path",
            json!({"file": "~/exercises/sel.txt", "path": "image"}),
        )
        .await;
    let (status, _) = session
        .post("delete-text-selection", json!({"file": "~/exercises/sel.txt"}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(read(&session, "sel.txt"), "\n# before\nreplicas: 3\n# after\n");
    // A file changed by someone else since the selection: the selection no longer counts.
    session
        .post(
            "select-matching-text",
            json!({"file": "~/exercises/sel.txt", "text": "replicas"}),
        )
        .await;
    write(&session, "sel.txt", "changed in the terminal\n");
    let (status, reply) = session
        .post(
            "replace-text-selection",
            json!({"file": "~/exercises/sel.txt", "text": "x"}),
        )
        .await;
    assert_eq!(status, 422, "{reply}");
    assert!(
        reply["error"].as_str().unwrap().contains("nothing is selected"),
        "{reply}"
    );
    session.server.stop().await;
}

#[tokio::test]
async fn files_are_copied_renamed_deleted_and_folders_made() {
    let session = session(true).await;
    write(&session, "src.txt", "content\n");
    let (status, _) = session
        .post(
            "copy-file",
            json!({"src": "~/exercises/src.txt", "dest": "~/exercises/copy/dst.txt"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(read(&session, "copy/dst.txt"), "content\n");
    let (status, _) = session
        .post(
            "rename-file",
            json!({"src": "~/exercises/src.txt", "dest": "~/exercises/moved.txt"}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(!session.exercises("src.txt").exists());
    let (status, _) = session
        .post("delete-file", json!({"file": "~/exercises/moved.txt"}))
        .await;
    assert_eq!(status, 200);
    assert!(!session.exercises("moved.txt").exists());
    let (status, _) = session
        .post("create-directory", json!({"directory": "~/exercises/a/b/c"}))
        .await;
    assert_eq!(status, 200);
    assert!(session.exercises("a/b/c").is_dir());
    session.server.stop().await;
}

/// (op, body, status, words the message must contain)
const BAD: &[(&str, &str, u16, &str)] = &[
    (
        "append-to-file",
        r#"{"text":"x"}"#,
        400,
        "`file` field is missing",
    ),
    ("append-to-file", r#"{"file":"","text":"x"}"#, 400, "no file name"),
    (
        "append-to-file",
        r#"{"file":"/etc/passwd","text":"x"}"#,
        403,
        "outside the editor's workspace",
    ),
    (
        "create-file",
        r#"{"file":"~/exercises/../../escape.txt","text":"x"}"#,
        403,
        "outside",
    ),
    (
        "append-to-file",
        r#"{"file":"~/exercises/link/x.txt","text":"x"}"#,
        403,
        "outside",
    ),
    (
        "insert-before-line",
        r#"{"file":"~/exercises/t.txt","line":"many","text":"x"}"#,
        400,
        "not a whole number",
    ),
    (
        "insert-before-line",
        r#"{"file":"~/exercises/t.txt","line":0,"text":"x"}"#,
        400,
        "line number",
    ),
    (
        "select-matching-text",
        r#"{"file":"~/exercises/nope.txt","text":"x"}"#,
        404,
        "does not exist",
    ),
    (
        "select-matching-text",
        r#"{"file":"~/exercises/t.txt","text":"absent"}"#,
        422,
        "no match for \"absent\"",
    ),
    (
        "select-matching-text",
        r#"{"file":"~/exercises/t.txt","text":"(","isRegex":true}"#,
        400,
        "invalid regular expression",
    ),
    (
        "select-matching-text",
        r#"{"file":"~/exercises/t.txt","text":"a(b)?","isRegex":true,"group":5}"#,
        400,
        "no group 5",
    ),
    (
        "replace-matching-text",
        r#"{"file":"~/exercises/t.txt","match":"zzz","replacement":"y"}"#,
        422,
        "no match",
    ),
    (
        "insert-after-match",
        r#"{"file":"~/exercises/t.txt","match":"zzz","text":"y"}"#,
        422,
        "no line",
    ),
    (
        "delete-matching-lines",
        r#"{"file":"~/exercises/t.txt","match":"zzz"}"#,
        422,
        "no line",
    ),
    (
        "set-yaml-value",
        r#"{"file":"~/exercises/y.yaml","path":"a[","value":1}"#,
        400,
        "invalid YAML path",
    ),
    (
        "set-yaml-value",
        r#"{"file":"~/exercises/y.yaml","path":"a[0].b","value":1}"#,
        400,
        "not a sequence",
    ),
    (
        "delete-yaml-value",
        r#"{"file":"~/exercises/y.yaml","path":"a.zzz"}"#,
        422,
        "does not exist",
    ),
    (
        "add-yaml-item",
        r#"{"file":"~/exercises/y.yaml","path":"a","value":1}"#,
        400,
        "not a sequence",
    ),
    (
        "merge-yaml-values",
        r#"{"file":"~/exercises/y.yaml","path":"a","value":[1]}"#,
        400,
        "needs a mapping",
    ),
    (
        "set-yaml-value",
        r#"{"file":"~/exercises/broken.yaml","path":"a","value":1}"#,
        422,
        "not valid YAML",
    ),
    (
        "replace-lines",
        r#"{"file":"~/exercises/bin.dat","start":1,"text":"x"}"#,
        422,
        "not a text file",
    ),
    (
        "copy-file",
        r#"{"src":"~/exercises/nope","dest":"~/exercises/x"}"#,
        404,
        "does not exist",
    ),
    ("delete-file", r#"{"file":"~/exercises"}"#, 422, "is a folder"),
    (
        "open-file",
        r#"{"file":"~/exercises/t.txt"}"#,
        503,
        "editor is not running",
    ),
    ("terminal-send", r#"{"text":"ls"}"#, 503, "editor is not running"),
    ("no-such-op", r#"{}"#, 400, "no editor operation"),
];

#[tokio::test]
async fn bad_inputs_get_a_clear_message_and_change_nothing() {
    let session = session(true).await;
    write(&session, "t.txt", "abc\n");
    write(&session, "y.yaml", "a:\n  b: 1\n");
    write(&session, "broken.yaml", "a: [\n");
    std::fs::write(session.exercises("bin.dat"), [0u8, 159, 146, 150]).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), session.exercises("link")).unwrap();
    for (op, body, status, words) in BAD {
        let (got, reply) = session.post(op, serde_json::from_str(body).unwrap()).await;
        assert_eq!(got, *status, "{op} {body}: {reply}");
        let message = reply["error"].as_str().unwrap_or_default();
        assert!(
            message.contains(words),
            "{op} {body}: {message:?} lacks {words:?}"
        );
    }
    assert_eq!(read(&session, "t.txt"), "abc\n");
    assert!(
        !outside.path().join("x.txt").exists(),
        "nothing written through the symlink"
    );
    assert!(!session.home.path().join("../escape.txt").exists());
    // Not JSON at all.
    let response = crate::support::http_client()
        .post(session.server.url("/code-server/editor/append-to-file"))
        .header("origin", format!("http://{}", session.server.addr))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    session.server.stop().await;
}

#[tokio::test]
async fn concurrent_changes_to_one_file_are_all_kept() {
    let session = session(true).await;
    write(&session, "many.txt", "");
    let mut tasks = Vec::new();
    for i in 0..40 {
        let url = session.server.url("/code-server/editor/append-to-file");
        let origin = format!("http://{}", session.server.addr);
        tasks.push(tokio::spawn(async move {
            crate::support::http_client()
                .post(url)
                .header("origin", origin)
                .body(json!({"file": "~/exercises/many.txt", "text": format!("line {i}")}).to_string())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    let text = read(&session, "many.txt");
    for i in 0..40 {
        assert!(
            text.lines().any(|line| line == format!("line {i}")),
            "line {i} lost: {text}"
        );
    }
    assert_eq!(text.lines().count(), 40);
    // No temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(session.home.path().join("exercises"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".lectern-edit-"))
        .collect();
    assert!(leftovers.is_empty());
    session.server.stop().await;
}

#[tokio::test]
async fn with_the_editor_disabled_files_change_and_ui_operations_refuse() {
    let session = session(false).await;
    let (status, _) = session
        .post("create-file", json!({"file": "~/exercises/z.txt", "text": "z"}))
        .await;
    assert_eq!(status, 200);
    for (op, body) in [
        ("open-file", json!({"file": "~/exercises/z.txt"})),
        ("close-file", json!({"file": "~/exercises/z.txt"})),
        ("terminal-open", json!({})),
    ] {
        let (status, reply) = session.post(op, body).await;
        assert_eq!(status, 503, "{op}: {reply}");
        assert!(
            reply["error"].as_str().unwrap().contains("not enabled"),
            "{reply}"
        );
        assert_eq!(reply["kind"], Value::String("editor-unavailable".into()));
    }
    let (status, reply) = super::post(
        &session.server,
        "/code-server/command/workbench.action.files.save",
        json!([]),
    )
    .await;
    assert_eq!(status, 503, "{reply}");
    session.server.stop().await;
}
