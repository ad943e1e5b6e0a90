//! Failed-login throttling (issue 11, finding 10: basic auth had none). Each client address has a bucket of
//! attempts: a wrong password, login token or services password takes one, and they come back slowly. With
//! the bucket empty, presented credentials are not even checked — the answer is 429 with `Retry-After` —
//! so online guessing runs at the refill rate. A browser that already holds the login cookie is never
//! affected (the cookie is checked first), so a guesser cannot lock the learner out of an open session.
//!
//! Behind an ingress controller all clients may share one address; the burst (30 by default, one more every
//! 2 s: `config::ThrottleConfig`) is sized so a learner's own typos never reach it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::ThrottleConfig;

/// Clients remembered at most; past it the fullest buckets are forgotten first.
const MAX_CLIENTS: usize = 4096;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Buckets by client address (`None`: the address is unknown, one shared bucket).
#[derive(Debug)]
pub struct Throttle {
    burst: f64,
    refill_per_sec: f64,
    buckets: Mutex<HashMap<Option<IpAddr>, Bucket>>,
}

impl Throttle {
    /// A throttle with `config`'s burst and refill time.
    pub fn new(config: &ThrottleConfig) -> Self {
        Self {
            burst: f64::from(config.burst.max(1)),
            refill_per_sec: 1.0 / config.refill.as_secs_f64().max(0.001),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> Bucket {
        let gained = now.duration_since(bucket.updated).as_secs_f64() * self.refill_per_sec;
        Bucket {
            tokens: (bucket.tokens + gained).min(self.burst),
            updated: now,
        }
    }

    /// `Err(wait)` when `client` has no attempt left; nothing is taken.
    pub fn check(&self, client: Option<IpAddr>) -> Result<(), Duration> {
        let now = Instant::now();
        let buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        match buckets.get(&client).map(|bucket| self.refilled(*bucket, now)) {
            Some(bucket) if bucket.tokens < 1.0 => Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.refill_per_sec,
            )
            .max(Duration::from_secs(1))),
            _ => Ok(()),
        }
    }

    /// Records a wrong attempt by `client`.
    pub fn failed(&self, client: Option<IpAddr>) {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&client) {
            // Forget clients whose buckets have refilled; if none, the least recently seen one.
            buckets.retain(|_, bucket| self.refilled(*bucket, now).tokens < self.burst);
            if buckets.len() >= MAX_CLIENTS
                && let Some(oldest) = buckets.iter().min_by_key(|(_, b)| b.updated).map(|(k, _)| *k)
            {
                buckets.remove(&oldest);
            }
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        *bucket = self.refilled(*bucket, now);
        bucket.tokens = (bucket.tokens - 1.0).max(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_refill_rate() {
        let throttle = Throttle::new(&ThrottleConfig::default());
        let one = Some(IpAddr::from([10, 0, 0, 1]));
        let other = Some(IpAddr::from([10, 0, 0, 2]));
        for _ in 0..ThrottleConfig::default().burst {
            assert!(throttle.check(one).is_ok());
            throttle.failed(one);
        }
        let wait = throttle.check(one).expect_err("bucket empty");
        assert!(wait >= Duration::from_secs(1), "{wait:?}");
        assert!(throttle.check(other).is_ok(), "other clients are not affected");
    }
}
