//! The short run of every fuzz target (fuzz/): its seed corpus, including every crash afl ever found,
//! then 2,000 deterministic mutations, through the same function `cargo afl` fuzzes. The long
//! campaigns are `bash fuzz/run.sh` (fuzz/README.md).

/// Mutated inputs per target (seconds).
const MUTATIONS: usize = 2000;

#[test]
fn every_target_has_a_test_here() {
    let names: Vec<&str> = lectern_fuzz::TARGETS.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["content", "protocol", "auth", "ingress", "upload"]);
}

#[test]
fn fuzz_content() {
    lectern_fuzz::replay("content", MUTATIONS);
}

#[test]
fn fuzz_protocol() {
    lectern_fuzz::replay("protocol", MUTATIONS);
}

#[test]
fn fuzz_auth() {
    lectern_fuzz::replay("auth", MUTATIONS);
}

#[test]
fn fuzz_ingress() {
    lectern_fuzz::replay("ingress", MUTATIONS);
}

#[test]
fn fuzz_upload() {
    lectern_fuzz::replay("upload", MUTATIONS);
}
