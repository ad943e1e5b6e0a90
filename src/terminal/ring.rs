//! ReplayRing: the last N bytes of a terminal's output, addressed by absolute byte offset (`Seq`).
//!
//! Memory grows with use up to the capacity (an idle terminal holds only what it printed), then the
//! oldest bytes are overwritten. Copies are plain `copy_from_slice`, so the hot path stays fast even
//! in debug builds.

/// Absolute offset of a byte in a terminal's output stream; starts at 0 and never goes back,
/// not even across shell restarts.
pub type Seq = u64;

/// Smallest accepted ring capacity in bytes (64 KiB).
pub const MIN_CAPACITY: usize = crate::config::MIN_REPLAY_BYTES;

/// Result of reading the ring from a given `Seq`.
#[derive(Debug, PartialEq, Eq)]
pub enum RingRead {
    /// Bytes starting at the requested `Seq` were appended to the output buffer (possibly none).
    Data(usize),
    /// Bytes `[from, to)` are gone; reading can resume at `to`.
    Lost {
        /// First missing byte.
        from: Seq,
        /// First byte still retained.
        to: Seq,
    },
}

/// Circular byte buffer keyed by `Seq`.
#[derive(Debug)]
pub struct ReplayRing {
    buf: Vec<u8>,
    capacity: usize,
    end: Seq,
}

impl ReplayRing {
    /// An empty ring that keeps at most `capacity` bytes (at least `MIN_CAPACITY`).
    pub fn new(capacity: usize) -> Self {
        Self {
            buf: Vec::new(),
            capacity: capacity.max(MIN_CAPACITY),
            end: 0,
        }
    }

    /// Seq one past the last byte written.
    pub fn end(&self) -> Seq {
        self.end
    }

    /// Seq of the oldest byte still retained.
    pub fn start(&self) -> Seq {
        self.end - self.buf.len() as u64
    }

    /// Bytes currently held in memory (grows up to the capacity).
    pub fn allocated(&self) -> usize {
        self.buf.capacity()
    }

    /// Appends output, evicting the oldest bytes beyond the capacity.
    pub fn push(&mut self, mut data: &[u8]) {
        if data.len() >= self.capacity {
            let skip = data.len() - self.capacity;
            self.end += skip as u64;
            data = &data[skip..];
            // Everything retained is about to be overwritten: leave the growing phase (exactly: a
            // plain `resize` may double the allocation past the capacity).
            self.buf.reserve_exact(self.capacity - self.buf.len());
            self.buf.resize(self.capacity, 0);
        }
        while !data.is_empty() {
            let pos = (self.end % self.capacity as u64) as usize;
            if self.buf.len() < self.capacity {
                // Growing phase: pos == buf.len().
                let take = data.len().min(self.capacity - self.buf.len());
                // Grow by doubling, but never past the capacity (plain `extend` could double a
                // 1.1 MiB buffer to 2.2 MiB for a 2 MiB ring).
                let needed = self.buf.len() + take;
                if needed > self.buf.capacity() {
                    let grown = needed.max(self.buf.capacity() * 2).min(self.capacity);
                    self.buf.reserve_exact(grown - self.buf.len());
                }
                self.buf.extend_from_slice(&data[..take]);
                data = &data[take..];
                self.end += take as u64;
            } else {
                let take = data.len().min(self.capacity - pos);
                self.buf[pos..pos + take].copy_from_slice(&data[..take]);
                data = &data[take..];
                self.end += take as u64;
            }
        }
    }

    /// Appends up to `max` bytes starting at `from` to `out`; `from` beyond the end reads nothing.
    pub fn read(&self, from: Seq, max: usize, out: &mut Vec<u8>) -> RingRead {
        let start = self.start();
        if from < start {
            return RingRead::Lost { from, to: start };
        }
        if from >= self.end {
            return RingRead::Data(0);
        }
        let len = ((self.end - from) as usize).min(max);
        let pos = (from % self.capacity as u64) as usize;
        let first = len.min(self.buf.len() - pos);
        out.extend_from_slice(&self.buf[pos..pos + first]);
        out.extend_from_slice(&self.buf[..len - first]);
        RingRead::Data(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(ring: &ReplayRing, from: Seq) -> Vec<u8> {
        let mut out = Vec::new();
        assert_eq!(ring.read(from, usize::MAX, &mut out), RingRead::Data(out.len()));
        out
    }

    #[test]
    fn keeps_everything_below_capacity() {
        let mut ring = ReplayRing::new(MIN_CAPACITY);
        ring.push(b"hello ");
        ring.push(b"world");
        assert_eq!(ring.start(), 0);
        assert_eq!(ring.end(), 11);
        assert_eq!(read_all(&ring, 0), b"hello world");
        assert_eq!(read_all(&ring, 6), b"world");
        assert_eq!(read_all(&ring, 11), b"");
    }

    #[test]
    fn wraps_and_reports_lost_bytes() {
        let cap = MIN_CAPACITY;
        let mut ring = ReplayRing::new(cap);
        let data: Vec<u8> = (0..cap * 3 + 17).map(|i| (i % 251) as u8).collect();
        for chunk in data.chunks(1000) {
            ring.push(chunk);
        }
        let end = data.len() as u64;
        assert_eq!(ring.end(), end);
        assert_eq!(ring.start(), end - cap as u64);
        assert_eq!(
            ring.read(5, 10, &mut Vec::new()),
            RingRead::Lost {
                from: 5,
                to: ring.start()
            }
        );
        let from = ring.start() + 3;
        assert_eq!(read_all(&ring, from), &data[from as usize..]);
        let mut limited = Vec::new();
        assert_eq!(ring.read(from, 100, &mut limited), RingRead::Data(100));
        assert_eq!(limited, &data[from as usize..from as usize + 100]);
    }

    #[test]
    fn oversized_push_keeps_the_tail() {
        let cap = MIN_CAPACITY;
        let mut ring = ReplayRing::new(cap);
        ring.push(b"abc");
        let big: Vec<u8> = (0..cap * 2 + 5).map(|i| (i % 7) as u8).collect();
        ring.push(&big);
        assert_eq!(ring.end(), 3 + big.len() as u64);
        assert_eq!(read_all(&ring, ring.start()), &big[big.len() - cap..]);
    }
}
