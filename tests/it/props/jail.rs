//! Path containment (`src/jail.rs`) in a real folder that holds a file, a folder, a dot-folder, a
//! symlink inside, a symlink pointing outside and a symlink loop: whatever request path is asked for,
//! a resolved path lies inside the real root, `Hidden` dot-files are never returned, and
//! `create_dir_all` never creates anything outside.

use std::path::Path;

use lectern::jail::{DotFiles, Jail};
use proptest::prelude::*;

/// Segments a request path is made of: names that exist, traversal spellings, hostile characters.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_string()),
        Just("sub".to_string()),
        Just("file.txt".to_string()),
        Just(".hidden".to_string()),
        Just("inner-link".to_string()),
        Just("out-link".to_string()),
        Just("loop".to_string()),
        Just("..".to_string()),
        Just(".".to_string()),
        Just("".to_string()),
        Just("%2e%2e".to_string()),
        Just("a\\..".to_string()),
        Just("nul\0".to_string()),
        Just("new".to_string()),
        "[a-z.]{1,4}",
    ]
}

fn request() -> impl Strategy<Value = String> {
    (any::<bool>(), proptest::collection::vec(segment(), 0..6))
        .prop_map(|(absolute, segments)| format!("{}{}", if absolute { "/" } else { "" }, segments.join("/")))
}

/// A jail root with every kind of entry, and a sibling folder outside it.
fn layout(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let root = dir.join("root");
    let outside = dir.join("outside");
    std::fs::create_dir_all(root.join("sub/.hidden")).expect("folders");
    std::fs::create_dir_all(&outside).expect("outside");
    std::fs::write(root.join("file.txt"), "in").expect("file");
    std::fs::write(root.join("sub/file.txt"), "in").expect("file");
    std::fs::write(outside.join("file.txt"), "OUT").expect("outside file");
    std::os::unix::fs::symlink("sub", root.join("inner-link")).expect("inner link");
    std::os::unix::fs::symlink("../outside", root.join("out-link")).expect("out link");
    std::os::unix::fs::symlink("loop", root.join("loop")).expect("loop");
    std::os::unix::fs::symlink(".", root.join("sub/a")).expect("self link");
    (root, outside)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn resolved_paths_stay_inside_and_nothing_is_created_outside(
        requests in proptest::collection::vec(request(), 1..8),
        hidden in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let (root, outside) = layout(dir.path());
        let rule = if hidden { DotFiles::Hidden } else { DotFiles::Allowed };
        let jail = Jail::new(&root).expect("jail").dot_files(rule);
        let real_root = root.canonicalize().expect("root");
        for request in &requests {
            if let Ok(relative) = jail.relative(request) {
                prop_assert!(relative.components().all(|c| matches!(c, std::path::Component::Normal(_))), "{:?}", relative);
            }
            if let Ok(real) = jail.resolve(request) {
                prop_assert!(real.starts_with(&real_root), "{} resolved outside: {}", request, real.display());
                if hidden {
                    let below = real.strip_prefix(&real_root).expect("inside");
                    prop_assert!(
                        !below.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')),
                        "{} reached a dot-file: {}", request, real.display()
                    );
                }
            }
            if let Ok(created) = jail.create_dir_all(request) {
                prop_assert!(created.starts_with(&real_root), "{} created {}", request, created.display());
            }
            let mut outside_now: Vec<_> = std::fs::read_dir(&outside)
                .expect("outside")
                .filter_map(|e| e.ok().map(|e| e.file_name()))
                .collect();
            outside_now.sort();
            prop_assert_eq!(outside_now, vec![std::ffi::OsString::from("file.txt")], "after {}", request);
        }
    }
}
