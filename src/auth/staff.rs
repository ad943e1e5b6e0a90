//! Staff terminals. The original gives a portal staff user terminals of their own beside the learner's
//! (terminal ids prefixed with the staff user); lectern does the same on the server, so every client —
//! the dashboard, clickable actions, a script — reaches the same terminal for the same user. A staff user
//! may instead join the learner's terminals, read-write (`join`) or read-only (`watch`); the choice is a
//! cookie set by `GET /staff/terminals?use=own|join|watch` (`web/staff.rs`). Learners are never mapped.

use http::HeaderMap;
use sha2::{Digest, Sha256};

use super::Principal;

/// The cookie holding a staff user's choice.
pub const STAFF_TERMINALS_COOKIE: &str = "lectern-staff-terminals";

/// Which terminals a staff user works in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffView {
    /// Their own (the default).
    Own,
    /// The learner's, read-write.
    Join,
    /// The learner's, read-only.
    Watch,
}

impl StaffView {
    /// Parses `own`, `join` or `watch`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "own" => Some(Self::Own),
            "join" => Some(Self::Join),
            "watch" => Some(Self::Watch),
            _ => None,
        }
    }

    /// The cookie value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Own => "own",
            Self::Join => "join",
            Self::Watch => "watch",
        }
    }

    /// The choice the request's cookie holds (`Own` without one).
    pub fn of(headers: &HeaderMap) -> Self {
        super::cookie::values(headers, STAFF_TERMINALS_COOKIE)
            .find_map(Self::parse)
            .unwrap_or(Self::Own)
    }
}

/// The terminal a request for `name` by `principal` reaches, and whether it must be read-only.
/// A staff user's own terminals are `s<8 hex of the user name's hash>-<name>`, so they stay valid
/// terminal names whatever the user name holds and never meet a learner's (`1`, `2`, …).
pub fn terminal_for(principal: &Principal, headers: &HeaderMap, name: &str) -> (String, bool) {
    if !principal.staff {
        return (name.to_string(), false);
    }
    match StaffView::of(headers) {
        StaffView::Own => {
            let digest = Sha256::digest(principal.user.as_bytes());
            let tag: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
            (format!("s{tag}-{name}"), false)
        }
        StaffView::Join => (name.to_string(), false),
        StaffView::Watch => (name.to_string(), true),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn person(user: &str, staff: bool) -> Principal {
        Principal {
            user: user.to_string(),
            staff,
            owner: Some("alice".to_string()),
        }
    }

    fn choosing(view: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let cookie = format!("{STAFF_TERMINALS_COOKIE}={view}");
        headers.insert(http::header::COOKIE, cookie.parse().unwrap());
        headers
    }

    #[test]
    fn learners_keep_their_names_and_staff_get_their_own() {
        let none = HeaderMap::new();
        assert_eq!(
            terminal_for(&person("alice", false), &choosing("own"), "1"),
            ("1".into(), false)
        );
        let (own, readonly) = terminal_for(&person("Teacher@Example.org", true), &none, "1");
        assert!(
            own.starts_with('s') && own.ends_with("-1") && own.len() == 11,
            "{own}"
        );
        assert!(!readonly);
        assert!(crate::terminal::TerminalName::parse(&own).is_ok());
        let (other, _) = terminal_for(&person("another", true), &none, "1");
        assert_ne!(own, other, "each staff user has their own");
        assert_eq!(
            terminal_for(&person("t", true), &choosing("join"), "2"),
            ("2".into(), false)
        );
        assert_eq!(
            terminal_for(&person("t", true), &choosing("watch"), "2"),
            ("2".into(), true)
        );
    }
}
