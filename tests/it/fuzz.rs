//! The short run of every fuzz target (fuzz/): its seed corpus, including every crash afl ever found,
//! then 2,000 deterministic mutations (`LECTERN_FUZZ_MUTATIONS=N` for more), through the same function
//! `cargo afl` fuzzes. The coverage-guided campaigns are `bash fuzz/run.sh` (fuzz/README.md).

/// Mutated inputs per target (seconds); `LECTERN_FUZZ_MUTATIONS` asks for more (a long run without afl).
fn mutations() -> usize {
    std::env::var("LECTERN_FUZZ_MUTATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000)
}

#[test]
fn every_target_has_a_test_here() {
    let names: Vec<&str> = lectern_fuzz::TARGETS.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["content", "protocol", "auth", "ingress", "upload"]);
}

#[test]
fn fuzz_content() {
    lectern_fuzz::replay("content", mutations());
}

#[test]
fn fuzz_protocol() {
    lectern_fuzz::replay("protocol", mutations());
}

#[test]
fn fuzz_auth() {
    lectern_fuzz::replay("auth", mutations());
}

#[test]
fn fuzz_ingress() {
    lectern_fuzz::replay("ingress", mutations());
}

#[test]
fn fuzz_upload() {
    lectern_fuzz::replay("upload", mutations());
}
