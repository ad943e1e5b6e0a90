//! Property tests (proptest) for the invariants every request or output byte relies on: the replay
//! ring (nothing lost silently, memory bounded), ingress host and path matching, and path containment.
//! Failing cases proptest shrinks are kept in `tests/it/props/*.proptest-regressions` when it writes
//! them; cases worth keeping for ever are added as plain tests beside the properties.

mod ingress;
mod ring;
