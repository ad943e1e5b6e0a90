//! Same-origin rules: `Origin` checks on websocket upgrades and unsafe methods, and `next` redirect targets.

use http::HeaderMap;
use http::header;

/// True when the request's `Origin` (if any) names the host the request was sent to. Requests without
/// `Origin` come from non-browser clients (browsers always send it on websockets and cross-site POSTs).
pub fn origin_allowed(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    if !matches!(scheme, "http" | "https") {
        return false;
    }
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let normalise = |value: &str| value.trim_end_matches(default_port).to_ascii_lowercase();
    let host = host.trim_end_matches(":80").trim_end_matches(":443");
    normalise(authority) == host.to_ascii_lowercase()
}

/// A `next` target that stays on this origin: an absolute path, not `//host` or `/\host`, no control
/// characters. Anything else becomes `/`.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(next) = next else {
        return "/".to_string();
    };
    let bad = !next.starts_with('/')
        || next.starts_with("//")
        || next.contains('\\')
        || next.chars().any(|c| c.is_control() || c == ' ');
    if bad { "/".to_string() } else { next.to_string() }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn next_targets() {
        let cases = [
            (None, "/"),
            (Some("/dashboard/?x=1"), "/dashboard/?x=1"),
            (Some("//evil.example/"), "/"),
            (Some("/\\evil.example/"), "/"),
            (Some("https://evil.example/"), "/"),
            (Some("javascript:alert(1)"), "/"),
            (Some("/\tx"), "/"),
            (Some(""), "/"),
        ];
        for (next, expected) in cases {
            assert_eq!(safe_next(next), expected, "{next:?}");
        }
    }

    #[test]
    fn origins() {
        let check = |origin: Option<&str>, host: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, host.parse().unwrap());
            if let Some(origin) = origin {
                headers.insert(header::ORIGIN, origin.parse().unwrap());
            }
            origin_allowed(&headers)
        };
        assert!(check(None, "a.example"));
        assert!(check(Some("http://a.example"), "a.example"));
        assert!(check(Some("https://a.example:443"), "a.example"));
        assert!(check(Some("http://127.0.0.1:8080"), "127.0.0.1:8080"));
        assert!(!check(Some("http://evil.example"), "a.example"));
        assert!(!check(Some("http://127.0.0.1:9999"), "127.0.0.1:8080"));
        assert!(!check(Some("null"), "a.example"));
    }
}
