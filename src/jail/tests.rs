//! Tests of the path jail: containment, dot-file rules, symlinks, entries, folder creation.

#![allow(clippy::unwrap_used)]
use std::os::unix::fs::symlink;

use super::*;

fn tree() -> (tempfile::TempDir, tempfile::TempDir, Jail) {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let r = root.path();
    std::fs::create_dir_all(r.join("a/b")).unwrap();
    std::fs::write(r.join("a/b/file.txt"), "x").unwrap();
    std::fs::create_dir_all(r.join(".secret")).unwrap();
    std::fs::write(r.join(".secret/key"), "k").unwrap();
    std::fs::write(outside.path().join("out.txt"), "o").unwrap();
    symlink(outside.path(), r.join("escape")).unwrap();
    symlink(r.join("a"), r.join("alias")).unwrap();
    symlink(r.join(".secret"), r.join("docs")).unwrap();
    symlink("missing", r.join("broken")).unwrap();
    let jail = Jail::new(r).unwrap();
    (root, outside, jail)
}

#[test]
fn request_spelling() {
    let (_root, _outside, jail) = tree();
    let hidden = jail.clone().dot_files(DotFiles::Hidden);
    for ok in [
        "a",
        "a/b/file.txt",
        "a//b/",
        "emoji-😀.txt",
        "with space",
        "%2e%2e",
    ] {
        assert!(jail.relative(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "/",
        "/etc/passwd",
        "..",
        "../x",
        "a/../../x",
        "./a",
        "a/./b",
        "a\\..\\b",
        "a\0b",
        "a\nb",
        "tab\there",
        "\u{7f}",
        "\u{85}",
    ] {
        assert!(
            matches!(jail.relative(bad), Err(JailError::Invalid { .. })),
            "{bad:?}"
        );
    }
    assert!(jail.relative(&"n".repeat(256)).is_err());
    assert!(jail.relative(&"n/".repeat(3000)).is_err());
    assert!(jail.relative(".kube/config").is_ok());
    assert!(matches!(
        hidden.relative(".kube/config"),
        Err(JailError::Hidden(_))
    ));
    assert!(matches!(hidden.relative("a/.git/x"), Err(JailError::Hidden(_))));
}

#[test]
fn resolution_follows_symlinks_inside_only() {
    let (root, _outside, jail) = tree();
    let real = |p: &str| root.path().join(p).canonicalize().unwrap();
    assert_eq!(jail.resolve_file("a/b/file.txt").unwrap(), real("a/b/file.txt"));
    assert_eq!(
        jail.resolve_file("alias/b/file.txt").unwrap(),
        real("a/b/file.txt")
    );
    assert!(matches!(
        jail.resolve("escape/out.txt"),
        Err(JailError::Outside(_))
    ));
    assert!(matches!(jail.resolve("broken"), Err(JailError::NotFound(_))));
    assert!(matches!(jail.resolve_file("a/b"), Err(JailError::NotFound(_))));
    assert!(matches!(
        jail.resolve("a/b/file.txt/x"),
        Err(JailError::NotFound(_))
    ));
    assert!(jail.resolve(".secret/key").is_ok());
    let hidden = jail.clone().dot_files(DotFiles::Hidden);
    assert!(matches!(hidden.resolve(".secret/key"), Err(JailError::Hidden(_))));
    assert!(
        matches!(hidden.resolve("docs/key"), Err(JailError::Hidden(_))),
        "a symlink does not unhide"
    );
    let named = jail.clone().dot_files(DotFiles::NotNamed);
    assert!(matches!(named.resolve(".secret/key"), Err(JailError::Hidden(_))));
    assert!(
        named.resolve("docs/key").is_ok(),
        "only names in the request count"
    );
    assert_eq!(
        jail.resolve_file_in(&root.path().join("a"), "b/file.txt")
            .unwrap(),
        real("a/b/file.txt")
    );
    assert!(jail.contain(&root.path().join("a/b/../b/file.txt")).is_ok());
    assert!(matches!(
        jail.contain(&root.path().join("a/../../")),
        Err(JailError::Outside(_))
    ));
}

#[test]
fn new_entries_are_placed_inside_only() {
    let (root, outside, jail) = tree();
    let real = root.path().canonicalize().unwrap();
    assert_eq!(jail.resolve_new("a/new.txt").unwrap(), real.join("a/new.txt"));
    assert_eq!(jail.resolve_new("alias/new.txt").unwrap(), real.join("a/new.txt"));
    assert_eq!(
        jail.resolve_new("a/b/file.txt").unwrap(),
        real.join("a/b/file.txt")
    );
    assert!(matches!(jail.resolve_new("escape/x"), Err(JailError::Outside(_))));
    assert!(
        matches!(jail.resolve_new("escape"), Err(JailError::Outside(_))),
        "writing through a symlink that leads out"
    );
    assert!(
        matches!(jail.resolve_new("broken"), Err(JailError::Outside(_))),
        "a dangling symlink would create its target"
    );
    assert!(matches!(
        jail.resolve_new("missing/x"),
        Err(JailError::NotFound(_))
    ));
    assert!(matches!(
        jail.resolve_new("a/b/file.txt/x"),
        Err(JailError::NotFound(_) | JailError::NotAFolder(_))
    ));
    assert!(matches!(jail.resolve_new("../x"), Err(JailError::Invalid { .. })));
    let hidden = jail.clone().dot_files(DotFiles::Hidden);
    assert!(matches!(hidden.resolve_new("a/.env"), Err(JailError::Hidden(_))));
    assert!(matches!(hidden.resolve_new("docs/x"), Err(JailError::Hidden(_))));
    assert!(!outside.path().join("x").exists());
}

#[test]
fn entries_are_named_not_followed() {
    let (root, _outside, jail) = tree();
    let real = root.path().canonicalize().unwrap();
    assert_eq!(
        jail.resolve_entry("escape").unwrap(),
        real.join("escape"),
        "the link itself"
    );
    assert_eq!(jail.resolve_entry("alias/b").unwrap(), real.join("a/b"));
    assert_eq!(jail.resolve_entry("broken").unwrap(), real.join("broken"));
    assert!(matches!(
        jail.resolve_entry("escape/out.txt"),
        Err(JailError::Outside(_))
    ));
    assert!(matches!(
        jail.resolve_entry("a/missing"),
        Err(JailError::NotFound(_))
    ));
    assert!(matches!(jail.resolve_entry(""), Err(JailError::Invalid { .. })));
    let hidden = jail.clone().dot_files(DotFiles::Hidden);
    assert!(matches!(
        hidden.resolve_entry("docs/key"),
        Err(JailError::Hidden(_))
    ));
    assert!(matches!(
        hidden.resolve_entry(".secret"),
        Err(JailError::Hidden(_))
    ));
}

#[test]
fn creating_folders_never_leaves_the_jail() {
    let (root, outside, jail) = tree();
    let made = jail.create_dir_all("new/deeper").unwrap();
    assert_eq!(made, root.path().canonicalize().unwrap().join("new/deeper"));
    assert!(made.is_dir());
    assert_eq!(
        jail.create_dir_all("alias/c").unwrap(),
        root.path().canonicalize().unwrap().join("a/c")
    );
    assert!(matches!(
        jail.create_dir_all("escape/created"),
        Err(JailError::Outside(_))
    ));
    assert!(!outside.path().join("created").exists(), "nothing made outside");
    assert!(matches!(
        jail.create_dir_all("broken/x"),
        Err(JailError::NotFound(_))
    ));
    assert!(!root.path().join("missing").exists());
    assert!(matches!(
        jail.create_dir_all("a/b/file.txt/x"),
        Err(JailError::NotAFolder(_))
    ));
    assert!(matches!(
        jail.create_dir_all("../up"),
        Err(JailError::Invalid { .. })
    ));
    assert!(matches!(
        jail.clone().dot_files(DotFiles::Hidden).create_dir_all("docs/x"),
        Err(JailError::Hidden(_))
    ));
    assert!(!root.path().join(".secret/x").exists());
}
