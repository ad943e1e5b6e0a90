//! Things that must work once only (issue 11, finding 10): logins ended by `/logout` before their cookie
//! expires, and OAuth `state` values already used by a callback. Each is remembered until it would have
//! expired anyway, so the set stays small; logouts are also written beside the cookie key file (when the key
//! comes from a file), so a restart does not bring a logged-out cookie back.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use super::cookie::now_secs;

/// Entries remembered at most; past it the ones expiring soonest are forgotten first.
const MAX_ENTRIES: usize = 10_000;

/// A set of spent ids, each with its expiry (unix seconds).
#[derive(Debug, Default)]
pub struct Spent {
    entries: Mutex<HashMap<String, u64>>,
    /// Where the set is kept between runs (`<id> <expiry>` lines), if anywhere.
    file: Option<PathBuf>,
}

impl Spent {
    /// An empty set kept only in memory.
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// The set saved in `file` (missing or unreadable: empty), kept there from now on.
    pub fn persisted(file: PathBuf) -> Self {
        let now = now_secs();
        let entries = std::fs::read_to_string(&file)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                let (id, exp) = line.split_once(' ')?;
                let exp: u64 = exp.trim().parse().ok()?;
                (exp > now && !id.is_empty()).then(|| (id.to_string(), exp))
            })
            .collect();
        Self {
            entries: Mutex::new(entries),
            file: Some(file),
        }
    }

    /// True when `id` was spent (and has not expired since).
    pub fn contains(&self, id: &str) -> bool {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(id).is_some_and(|&exp| exp > now_secs())
    }

    /// Marks `id` spent until `exp`; false when it already was.
    pub fn insert(&self, id: &str, exp: u64) -> bool {
        let now = now_secs();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.get(id).is_some_and(|&old| old > now) {
            return false;
        }
        entries.retain(|_, &mut old| old > now);
        while entries.len() >= MAX_ENTRIES {
            let Some(soonest) = entries
                .iter()
                .min_by_key(|(_, exp)| **exp)
                .map(|(id, _)| id.clone())
            else {
                break;
            };
            entries.remove(&soonest);
        }
        entries.insert(id.to_string(), exp);
        if let Some(file) = &self.file {
            let text: String = entries.iter().map(|(id, exp)| format!("{id} {exp}\n")).collect();
            if let Err(error) = write_private(file, &text) {
                tracing::warn!(%error, file = %file.display(), "cannot save the logged-out sessions");
            }
        }
        true
    }
}

/// Writes `text` to `file` (mode 0600) through a temporary file, so a crash never leaves half a list.
fn write_private(file: &std::path::Path, text: &str) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(std::path::Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".lectern-spent-")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.persist(file).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn spent_once_and_kept_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("key.logout");
        let spent = Spent::persisted(file.clone());
        let later = now_secs() + 60;
        assert!(spent.insert("a", later));
        assert!(!spent.insert("a", later), "second use refused");
        assert!(spent.insert("old", now_secs().saturating_sub(1)));
        assert!(!spent.contains("old"), "expired entries are not spent");
        let again = Spent::persisted(file);
        assert!(again.contains("a"));
        assert!(!again.contains("b"));
        assert!(Spent::in_memory().insert("x", later));
    }
}
