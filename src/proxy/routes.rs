//! Session-ingress rules: normalising `session.ingresses` of the workshop definition (plus the built-in
//! `editor`/`console` ones), matching a request's host and path, and `$(…)` substitution in header values.

use std::collections::BTreeMap;

use crate::content::definition::IngressDef;

/// Default session name and ingress domain, as the original's container defaults.
pub const DEFAULT_SESSION_NAME: &str = "workshop";
/// Default ingress domain.
pub const DEFAULT_INGRESS_DOMAIN: &str = "127-0-0-1.nip.io";

/// One normalised ingress rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressRule {
    /// Host label.
    pub name: String,
    /// `http` or `https`.
    pub protocol: String,
    /// Upstream host (`$(…)` substituted).
    pub host: String,
    /// Upstream port.
    pub port: u16,
    /// Request path filter (trailing `/` = prefix; else exact or prefix followed by `/`).
    pub path: String,
    /// `authentication.type: none`.
    pub public: bool,
    /// Rewrite `Host` to the upstream (never for localhost upstreams, as the original).
    pub change_origin: bool,
    /// Extra upstream headers (values substituted).
    pub headers: Vec<(String, String)>,
}

impl IngressRule {
    /// Normalises a definition entry; `None` when it has no usable name.
    pub fn from_def(def: &IngressDef, vars: &BTreeMap<String, String>) -> Option<Self> {
        let name = def.name.trim();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        let protocol = match def.protocol.as_deref() {
            Some("https") => "https",
            _ => "http",
        };
        let port = match def.port {
            Some(port) if port != 0 => port,
            _ if protocol == "https" => 443,
            _ => 80,
        };
        let host = def
            .host
            .as_deref()
            .map(|h| substitute(h, vars))
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".to_string());
        Some(Self {
            name: name.to_ascii_lowercase(),
            protocol: protocol.to_string(),
            port,
            path: def
                .path
                .clone()
                .filter(|p| p.starts_with('/'))
                .unwrap_or_else(|| "/".to_string()),
            public: def.authentication.as_ref().is_some_and(|a| a.kind == "none"),
            change_origin: def.change_origin.unwrap_or(true) && !is_local(&host),
            headers: def
                .headers
                .iter()
                .map(|h| (h.name.clone(), substitute(&h.value, vars)))
                .collect(),
            host,
        })
    }

    /// A built-in rule (`editor`, `console`) to a port on localhost.
    pub fn builtin(name: &str, host: &str, port: u16) -> Self {
        Self {
            name: name.to_string(),
            protocol: "http".to_string(),
            host: host.to_string(),
            port,
            path: "/".to_string(),
            public: false,
            change_origin: false,
            headers: Vec::new(),
        }
    }

    /// The rule's path filter accepts `path`.
    pub fn matches_path(&self, path: &str) -> bool {
        path_matches(&self.path, path)
    }
}

/// The original's filter: a trailing `/` is a prefix match; otherwise exact, or prefix followed by `/`.
pub fn path_matches(filter: &str, path: &str) -> bool {
    if filter.ends_with('/') {
        return path.starts_with(filter) || path == filter.trim_end_matches('/');
    }
    path == filter
        || path
            .strip_prefix(filter)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Why a request path is refused by [`normalize_path`].
pub const HIDDEN_DOT_SEGMENT: &str = "an encoded slash or backslash hides a `.` or `..` segment";

/// The path an upstream will act on, so rules are matched on it and it is what gets forwarded (issue 11,
/// finding 1): dot segments removed as RFC 3986 §5.2.4 does, counting percent-encoded dots (`%2e%2e`) and a
/// segment's `;parameters` (`..;`) as the servers that decode them do; `..` never climbs above `/`. A segment
/// whose encoded `/` or `\` (`..%2f`) would make a dot segment once an upstream decodes it is refused. Other
/// segments are kept exactly as sent (their encoding is the upstream's business).
pub fn normalize_path(path: &str) -> Result<String, &'static str> {
    let mut kept: Vec<&str> = Vec::new();
    let mut trailing_slash = false;
    for segment in path.split('/').skip(1) {
        let decoded = percent_decode(segment);
        let is_dot = |part: &[u8]| {
            let plain = part.split(|&b| b == b';').next().unwrap_or_default();
            plain == b"." || plain == b".."
        };
        if (decoded.contains(&b'/') || decoded.contains(&b'\\'))
            && decoded.split(|&b| b == b'/' || b == b'\\').any(is_dot)
        {
            return Err(HIDDEN_DOT_SEGMENT);
        }
        let plain = decoded.split(|&b| b == b';').next().unwrap_or_default();
        trailing_slash = false;
        match plain {
            b"." => trailing_slash = true,
            b".." => {
                kept.pop();
                trailing_slash = true;
            }
            _ => kept.push(segment),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for segment in &kept {
        out.push('/');
        out.push_str(segment);
    }
    if out.is_empty() || trailing_slash {
        out.push('/');
    }
    Ok(out)
}

/// `%XX` escapes decoded (invalid ones kept as written), for looking at a segment, not for forwarding.
pub fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[index] == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(index + 1).copied().and_then(hex),
                bytes.get(index + 2).copied().and_then(hex),
            )
        {
            out.push((high * 16 + low) as u8);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    out
}

/// `localhost`, `127.0.0.1`, `::1` (upstreams inside the pod).
pub fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]")
}

/// The ingress label a `Host` (port ignored) names: `<name>-<session>.<domain>` or the deprecated
/// `<session>-<name>.<domain>`. The dashboard host itself (`<session>.<domain>`) names none.
pub fn ingress_label<'h>(host: &'h str, session: &str, domain: &str) -> Option<&'h str> {
    let host = strip_port(host);
    let label = host
        .len()
        .checked_sub(domain.len() + 1)
        .filter(|&cut| host.is_char_boundary(cut))
        .and_then(|cut| {
            let (label, rest) = host.split_at(cut);
            // `.` first: it makes `rest[1..]` a character boundary.
            (rest.starts_with('.')
                && rest.len() == domain.len() + 1
                && rest[1..].eq_ignore_ascii_case(domain))
            .then_some(label)
        })?;
    if label.contains('.') || label.len() <= session.len() + 1 {
        return None;
    }
    // Compared as bytes: a `-` is ASCII, so the slices cut next to it are on character boundaries
    // whatever else the host holds (found by the `ingress` fuzz target).
    let bytes = label.as_bytes();
    let cut = label.len() - session.len();
    if bytes[cut..].eq_ignore_ascii_case(session.as_bytes()) && bytes[cut - 1] == b'-' {
        return Some(&label[..cut - 1]);
    }
    let starts =
        bytes[..session.len()].eq_ignore_ascii_case(session.as_bytes()) && bytes[session.len()] == b'-';
    starts.then(|| &label[session.len() + 1..])
}

/// `host:port` → `host` (IPv6 literals keep their brackets).
pub fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_once(']').map_or(host, |(h, _)| &host[..h.len() + 1]);
    }
    host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    })
}

/// Replaces `$(name)` tokens with session variables; unknown names stay as written. Besides the session
/// variables: `kubernetes_token` (the pod's service-account token), `registry_auth_token` and
/// `git_auth_token` (environment), read when used.
pub fn substitute(text: &str, vars: &BTreeMap<String, String>) -> String {
    if !text.contains("$(") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("$(") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find(')') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        match lookup(name, vars) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[start..start + 2 + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn lookup(name: &str, vars: &BTreeMap<String, String>) -> Option<String> {
    if let Some(value) = vars.get(name) {
        return Some(value.clone());
    }
    match name {
        "kubernetes_token" => std::fs::read_to_string("/var/run/secrets/kubernetes.io/serviceaccount/token")
            .ok()
            .map(|t| t.trim().to_string()),
        "registry_auth_token" => std::env::var("REGISTRY_AUTH_TOKEN").ok(),
        "git_auth_token" => std::env::var("GIT_AUTH_TOKEN").ok(),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn host_labels() {
        let cases = [
            ("app-s1.example.com", Some("app")),
            ("my-app-s1.example.com:8080", Some("my-app")),
            ("S1-legacy.EXAMPLE.com", Some("legacy")),
            ("s1.example.com", None),
            ("app-s1.other.com", None),
            ("a.b-s1.example.com", None),
            ("example.com", None),
            ("", None),
            // Multi-byte characters next to where the session name would be (fuzz target `ingress`).
            ("x\u{e9}y.example.com", None),
            ("\u{e9}-s1.example.com", Some("\u{e9}")),
            ("s1\u{e9}x.example.com", None),
            ("\u{e9}xample.com", None),
        ];
        for (host, expected) in cases {
            assert_eq!(ingress_label(host, "s1", "example.com"), expected, "{host}");
        }
    }

    #[test]
    fn path_filters() {
        let cases = [
            ("/", "/anything", true),
            ("/api/", "/api/x", true),
            ("/api/", "/api", true),
            ("/api/", "/apix", false),
            ("/api", "/api", true),
            ("/api", "/api/x", true),
            ("/api", "/apix", false),
        ];
        for (filter, path, expected) in cases {
            assert_eq!(path_matches(filter, path), expected, "{filter} {path}");
        }
    }

    #[test]
    fn dot_segments_are_resolved_as_upstreams_would() {
        let cases = [
            ("/", Ok("/")),
            ("", Ok("/")),
            ("/public/ok.txt", Ok("/public/ok.txt")),
            ("/public/../private/x", Ok("/private/x")),
            ("/public/%2e%2e/private/x", Ok("/private/x")),
            ("/public/%2E%2e/private/x", Ok("/private/x")),
            ("/public/.%2e/private/x", Ok("/private/x")),
            ("/public/..;/private/x", Ok("/private/x")),
            ("/public/./x", Ok("/public/x")),
            ("/a/b/..", Ok("/a/")),
            ("/a/b/.", Ok("/a/b/")),
            ("/a/b/", Ok("/a/b/")),
            ("/../../etc/passwd", Ok("/etc/passwd")),
            ("/a//b", Ok("/a//b")),
            ("/a%2Fb/c", Ok("/a%2Fb/c")),
            ("/space%20here/..x/x..", Ok("/space%20here/..x/x..")),
            ("/public/..%2fprivate/x", Err(HIDDEN_DOT_SEGMENT)),
            ("/public/%2e%2e%2fprivate/x", Err(HIDDEN_DOT_SEGMENT)),
            ("/public/..%5cprivate/x", Err(HIDDEN_DOT_SEGMENT)),
            ("/public/..\\private/x", Err(HIDDEN_DOT_SEGMENT)),
            ("/public/x%2f..", Err(HIDDEN_DOT_SEGMENT)),
            ("/bad%zz/../ok", Ok("/ok")),
        ];
        for (path, expected) in cases {
            assert_eq!(
                normalize_path(path).as_deref().map_err(|e| *e),
                expected,
                "{path}"
            );
        }
        assert!(!path_matches(
            "/public/",
            &normalize_path("/public/../private/x").unwrap()
        ));
    }

    #[test]
    fn substitution() {
        let vars = BTreeMap::from([("session_name".to_string(), "s1".to_string())]);
        assert_eq!(
            substitute("x-$(session_name)-$(nope)-$(", &vars),
            "x-s1-$(nope)-$("
        );
    }
}
