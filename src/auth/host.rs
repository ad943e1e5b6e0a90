//! The `Host` allow-list (DNS rebinding, issue 11 finding 2): lectern answers only to the names it is known
//! by, so a page on an attacker's domain that re-resolves to 127.0.0.1 reaches nothing but the health routes.
//!
//! Known names: IP literals (v4, `[v6]`; a rebinding attack always carries the attacker's *name*), `localhost`
//! and `*.localhost`, the session's own host `<session>.<domain>` and its ingress hosts
//! (`<name>-<session>.<domain>`, `<session>-<name>.<domain>`), and the operator's `LECTERN_ALLOWED_HOSTS`
//! (`name`, `*.suffix`, or `*` for any). Ports never matter. Origins of websocket upgrades and unsafe
//! methods are then checked against the request's own (allowed) host (`auth/origin.rs`).

use std::net::IpAddr;

use crate::proxy::routes::{ingress_label, strip_port};

/// The names this session is served under, besides loopback and IP literals.
#[derive(Debug, Clone, Copy)]
pub struct KnownHosts<'a> {
    /// `SESSION_NAME`.
    pub session: &'a str,
    /// `INGRESS_DOMAIN`.
    pub domain: &'a str,
    /// `LECTERN_ALLOWED_HOSTS` entries.
    pub extra: &'a [String],
}

impl KnownHosts<'_> {
    /// True when `host` (a `Host` header value, port optional) is one of the known names.
    pub fn allows(&self, host: &str) -> bool {
        let name = strip_port(host);
        if name.is_empty() || name.len() > 253 {
            return false;
        }
        let bare = name.trim_start_matches('[').trim_end_matches(']');
        if bare.parse::<IpAddr>().is_ok() {
            return true;
        }
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if name == "localhost" || name.ends_with(".localhost") {
            return true;
        }
        let session_host = format!("{}.{}", self.session, self.domain);
        if name.eq_ignore_ascii_case(&session_host)
            || ingress_label(&name, self.session, self.domain).is_some()
        {
            return true;
        }
        self.extra.iter().any(|pattern| matches(pattern, &name))
    }
}

/// `*` matches any name, `*.example.com` any name below `example.com`, anything else exactly (no case).
fn matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
    if pattern == "*" {
        return true;
    }
    match pattern.strip_prefix("*.") {
        Some(suffix) => name.len() > suffix.len() + 1 && name.ends_with(&format!(".{suffix}")),
        None => strip_port(&pattern) == name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_names() {
        let extra = vec!["lectern.internal".to_string(), "*.corp.example".to_string()];
        let hosts = KnownHosts {
            session: "s1",
            domain: "example.test",
            extra: &extra,
        };
        let cases = [
            ("127.0.0.1:10080", true),
            ("127.0.0.1", true),
            ("10.1.2.3:80", true),
            ("[::1]:8080", true),
            ("[fe80::1]", true),
            ("localhost:5173", true),
            ("LOCALHOST", true),
            ("app.localhost", true),
            ("s1.example.test:443", true),
            ("S1.Example.Test", true),
            ("editor-s1.example.test", true),
            ("s1-editor.example.test", true),
            ("lectern.internal:10080", true),
            ("a.corp.example", true),
            ("corp.example", false),
            ("rebind.attacker.example:10080", false),
            ("s1.example.test.attacker.example", false),
            ("localhost.attacker.example", false),
            ("example.test", false),
            ("127.0.0.1.nip.io", false),
            ("", false),
            (":80", false),
        ];
        for (host, expected) in cases {
            assert_eq!(hosts.allows(host), expected, "{host}");
        }
        let any = vec!["*".to_string()];
        let open = KnownHosts { extra: &any, ..hosts };
        assert!(open.allows("rebind.attacker.example"));
    }
}
