//! `ReplayRing` against a model (every byte ever written): reads return exactly the model's bytes or
//! an explicit `Lost` naming the evicted range, `start`/`end` follow the writes, and the memory it
//! holds never exceeds its capacity.

use lectern::terminal::ring::{MIN_CAPACITY, ReplayRing, RingRead};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    /// Push this many bytes (content derived from their seq).
    Push(usize),
    /// Read from `end - back` (saturating), at most `max` bytes.
    Read { back: u64, max: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..3 * MIN_CAPACITY).prop_map(Op::Push),
        2 => (0usize..MIN_CAPACITY / 2).prop_map(Op::Push),
        4 => (0u64..4 * MIN_CAPACITY as u64, 0usize..2 * MIN_CAPACITY)
            .prop_map(|(back, max)| Op::Read { back, max }),
    ]
}

/// The byte at `seq`: any fixed function of the seq lets a read be checked without storing the model.
fn byte(seq: u64) -> u8 {
    (seq.wrapping_mul(31) ^ (seq >> 8)) as u8
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn ring_reads_are_exact_or_explicitly_lost(
        extra in 0usize..MIN_CAPACITY,
        ops in proptest::collection::vec(op(), 1..40),
    ) {
        let capacity = MIN_CAPACITY + extra;
        let mut ring = ReplayRing::new(capacity);
        let mut written: u64 = 0;
        for op in ops {
            match op {
                Op::Push(len) => {
                    let data: Vec<u8> = (written..written + len as u64).map(byte).collect();
                    ring.push(&data);
                    written += len as u64;
                    prop_assert_eq!(ring.end(), written);
                    prop_assert_eq!(ring.start(), written.saturating_sub(capacity as u64));
                    prop_assert!(
                        ring.allocated() <= capacity,
                        "ring of {} bytes holds {} bytes of memory", capacity, ring.allocated()
                    );
                }
                Op::Read { back, max } => {
                    let from = written.saturating_sub(back);
                    let mut out = vec![0xAA];
                    match ring.read(from, max, &mut out) {
                        RingRead::Lost { from: lost_from, to } => {
                            prop_assert!(from < ring.start());
                            prop_assert_eq!(lost_from, from);
                            prop_assert_eq!(to, ring.start());
                            prop_assert_eq!(out.len(), 1, "a lost read appends nothing");
                        }
                        RingRead::Data(len) => {
                            prop_assert!(from >= ring.start());
                            let expected = ((written - from) as usize).min(max);
                            prop_assert_eq!(len, expected);
                            prop_assert_eq!(out.len(), 1 + len, "appends after what was there");
                            prop_assert_eq!(out[0], 0xAA);
                            for (i, b) in out[1..].iter().enumerate() {
                                prop_assert_eq!(*b, byte(from + i as u64), "byte at seq {}", from + i as u64);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn reading_in_chunks_from_start_returns_the_retained_tail(
        lens in proptest::collection::vec(0usize..2 * MIN_CAPACITY, 1..12),
        chunk in 1usize..MIN_CAPACITY,
    ) {
        let mut ring = ReplayRing::new(MIN_CAPACITY);
        let mut written = 0u64;
        for len in lens {
            let data: Vec<u8> = (written..written + len as u64).map(byte).collect();
            ring.push(&data);
            written += len as u64;
        }
        // A viewer that reconnects at the oldest retained byte and reads in chunks gets every byte
        // up to the end, in order, with no gap.
        let mut seq = ring.start();
        let mut out = Vec::new();
        loop {
            match ring.read(seq, chunk, &mut out) {
                RingRead::Data(0) => break,
                RingRead::Data(n) => seq += n as u64,
                RingRead::Lost { .. } => prop_assert!(false, "lost while reading from start"),
            }
        }
        prop_assert_eq!(seq, written);
        prop_assert_eq!(out.len() as u64, written - ring.start());
        for (i, b) in out.iter().enumerate() {
            prop_assert_eq!(*b, byte(ring.start() + i as u64));
        }
    }
}
