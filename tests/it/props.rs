//! Property tests (proptest) for the invariants every request or output byte relies on: the replay
//! ring (nothing lost silently, memory bounded), ingress host and path matching, and path containment
//! (`src/jail.rs`).
//! Failing cases proptest shrinks are kept in `tests/proptest-regressions/props/` (replayed first on
//! every run); `ring.txt` holds the case that showed the ring allocating past its capacity.

mod ingress;
mod jail;
mod ring;
