//! Header hygiene for proxied requests and responses: hop-by-hop removal, our cookie and `Authorization`
//! stripped, `X-Forwarded-*` added.

use http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// Hop-by-hop headers (RFC 9110 §7.6.1 plus the usual legacy ones); never forwarded.
const HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    header::PROXY_AUTHORIZATION,
];

/// The `Upgrade` value when the request asks for a protocol upgrade (`Connection: upgrade`).
pub fn requested_upgrade(headers: &HeaderMap) -> Option<HeaderValue> {
    let wants = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|token| token.trim().eq_ignore_ascii_case("upgrade"));
    if wants {
        headers.get(header::UPGRADE).cloned()
    } else {
        None
    }
}

/// Removes hop-by-hop headers, including those the `Connection` header names.
pub fn remove_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|token| HeaderName::from_bytes(token.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in &HOP_BY_HOP {
        headers.remove(name);
    }
    headers.remove(header::PROXY_AUTHENTICATE);
}

/// Drops the cookies whose names are in `ours` from the `Cookie` header(s); removes the header when empty.
pub fn strip_cookies(headers: &mut HeaderMap, ours: &[&str]) {
    if !headers.contains_key(header::COOKIE) {
        return;
    }
    let mut kept = String::new();
    let mut changed = false;
    for value in headers.get_all(header::COOKIE) {
        let Ok(text) = value.to_str() else {
            changed = true;
            continue;
        };
        for pair in text.split(';') {
            let pair = pair.trim();
            if pair.is_empty() {
                continue;
            }
            let name = pair.split_once('=').map_or(pair, |(name, _)| name).trim();
            if ours.contains(&name) {
                changed = true;
                continue;
            }
            if !kept.is_empty() {
                kept.push_str("; ");
            }
            kept.push_str(pair);
        }
    }
    if !changed {
        return;
    }
    headers.remove(header::COOKIE);
    if let Ok(value) = HeaderValue::from_str(&kept)
        && !kept.is_empty()
    {
        headers.insert(header::COOKIE, value);
    }
}

/// Removes the upstream's `Set-Cookie` headers for the cookie names in `ours` (an application behind the
/// proxy must not overwrite or delete lectern's login: issue 11, finding 10).
pub fn strip_set_cookies(headers: &mut HeaderMap, ours: &[&str]) {
    if !headers.contains_key(header::SET_COOKIE) {
        return;
    }
    let kept: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter(|value| {
            let name = value
                .to_str()
                .ok()
                .and_then(|text| text.split_once('='))
                .map(|(name, _)| name.trim());
            !name.is_some_and(|name| ours.contains(&name))
        })
        .cloned()
        .collect();
    headers.remove(header::SET_COOKIE);
    for value in kept {
        headers.append(header::SET_COOKIE, value);
    }
}

/// Appends the client to `X-Forwarded-For`; sets `X-Forwarded-Proto` and `X-Forwarded-Host` to what lectern
/// saw, replacing what the client sent (a browser must not choose the host name an upstream builds links
/// and redirects from: issue 11, finding 10).
pub fn add_forwarded(
    headers: &mut HeaderMap,
    client_ip: Option<std::net::IpAddr>,
    proto: &str,
    host: Option<&str>,
) {
    const XFF: HeaderName = HeaderName::from_static("x-forwarded-for");
    const XFP: HeaderName = HeaderName::from_static("x-forwarded-proto");
    const XFH: HeaderName = HeaderName::from_static("x-forwarded-host");
    if let Some(ip) = client_ip {
        let value = match headers.get(&XFF).and_then(|v| v.to_str().ok()) {
            Some(previous) => format!("{previous}, {ip}"),
            None => ip.to_string(),
        };
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(XFF, value);
        }
    }
    headers.remove(&XFP);
    headers.remove(&XFH);
    if let Ok(value) = HeaderValue::from_str(proto) {
        headers.insert(XFP, value);
    }
    if let Some(value) = host.and_then(|h| HeaderValue::from_str(h).ok()) {
        headers.insert(XFH, value);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn strips_only_our_cookies() {
        let mut headers = map(&[
            ("cookie", "a=1; workshop-session-id=xyz; b=2"),
            ("cookie", "lectern-oauth=q"),
        ]);
        strip_cookies(&mut headers, &["workshop-session-id", "lectern-oauth"]);
        assert_eq!(headers.get("cookie").unwrap(), "a=1; b=2");
        let mut only = map(&[("cookie", "workshop-session-id=xyz")]);
        strip_cookies(&mut only, &["workshop-session-id"]);
        assert!(only.get("cookie").is_none());
    }

    #[test]
    fn upstream_cookies_named_like_ours_are_dropped() {
        let mut headers = map(&[
            ("set-cookie", "workshop-session-id=forged; Path=/"),
            ("set-cookie", "app=1; Path=/"),
            ("set-cookie", "lectern-oauth-state=x"),
        ]);
        strip_set_cookies(&mut headers, &["workshop-session-id", "lectern-oauth-state"]);
        let left: Vec<_> = headers.get_all("set-cookie").iter().collect();
        assert_eq!(left, ["app=1; Path=/"]);
    }

    #[test]
    fn forwarded_host_and_proto_are_ours() {
        let mut headers = map(&[
            ("x-forwarded-host", "evil.example"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-for", "10.0.0.1"),
        ]);
        add_forwarded(
            &mut headers,
            Some([127, 0, 0, 1].into()),
            "http",
            Some("s1.example.test"),
        );
        assert_eq!(headers["x-forwarded-host"], "s1.example.test");
        assert_eq!(headers["x-forwarded-proto"], "http");
        assert_eq!(headers["x-forwarded-for"], "10.0.0.1, 127.0.0.1");
    }

    #[test]
    fn hop_by_hop_and_connection_listed_headers_go() {
        let mut headers = map(&[
            ("connection", "keep-alive, x-private"),
            ("x-private", "1"),
            ("keep-alive", "timeout=5"),
            ("te", "trailers"),
            ("x-kept", "yes"),
        ]);
        remove_hop_by_hop(&mut headers);
        assert_eq!(headers.len(), 1);
        assert_eq!(headers.get("x-kept").unwrap(), "yes");
    }

    #[test]
    fn upgrade_needs_connection_upgrade() {
        assert!(requested_upgrade(&map(&[("upgrade", "websocket")])).is_none());
        let both = map(&[("connection", "keep-alive, Upgrade"), ("upgrade", "websocket")]);
        assert_eq!(requested_upgrade(&both).unwrap(), "websocket");
    }
}
