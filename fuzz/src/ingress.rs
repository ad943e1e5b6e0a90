//! Target `ingress`: host and path matching of session ingresses, through the whole router to a real
//! upstream (in-process, on loopback) that reports what reached it.
//!
//! The workshop has three rules for the ingress `app`: `/public/` with `authentication: none`, `/`
//! behind the session login, and `/api` (exact-or-below, login); each adds an `X-Fuzz-Rule` header
//! naming itself, which the upstream echoes. Lectern runs in basic mode.
//!
//! Input: a first line naming the mode, then the rest.
//! - `request` — a request in the text format of [`crate::app`] (reach the ingress by
//!   `/ingress/app/…` or by `Host: app-fuzz.fuzz.test`); `@COOKIE@` becomes a valid login cookie.
//! - `host` — the rest is a `Host` value for `ingress_label` alone.
//!
//! Invariants: no panic; without credentials only the public rule is reached; what the public rule
//! forwards stays under `/public/` however an upstream reads it (percent-decoded once, `\` as `/`,
//! `;parameters` ignored, dot segments resolved); no upstream receives lectern's login cookie, or its
//! password in an `Authorization` value (as written or in a base64 word: any user name, scheme, spacing
//! or junk around it); `ingress_label` returns a label that rebuilds the host.

use std::cell::OnceCell;
use std::convert::Infallible;

use axum::body::Body;
use http::{Request, Response};
use lectern::config::{AuthMode, Secret};
use lectern::proxy::routes;

use crate::app::{self, App};

const SESSION: &str = "fuzz";
const DOMAIN: &str = "fuzz.test";
const USER: &str = "learner";
const PASSWORD: &str = "fuzz-password";

struct Ingress {
    app: App,
    cookie: String,
}

thread_local! {
    static INGRESS: OnceCell<Ingress> = const { OnceCell::new() };
}

fn definition(port: u16) -> String {
    format!(
        "apiVersion: training.educates.dev/v1beta1
kind: Workshop
metadata:
  name: fuzz
spec:
  title: Fuzz
  session:
    ingresses:
    - name: app
      port: {port}
      path: /public/
      authentication:
        type: none
      headers:
      - name: X-Fuzz-Rule
        value: public
    - name: app
      port: {port}
      path: /api
      headers:
      - name: X-Fuzz-Rule
        value: api
    - name: app
      port: {port}
      headers:
      - name: X-Fuzz-Rule
        value: private
"
    )
}

/// The upstream: answers every request with what it saw, in headers.
async fn upstream(request: Request<hyper::body::Incoming>) -> Result<Response<Body>, Infallible> {
    let seen = |name: &str| {
        request
            .headers()
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let target = request
        .uri()
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string());
    let body = serde_json::json!({
        "target": target,
        "rule": seen("x-fuzz-rule"),
        "authorization": seen("authorization"),
        "cookie": seen("cookie"),
    });
    Ok(Response::new(Body::from(body.to_string())))
}

impl Ingress {
    fn new() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("upstream listener");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("upstream address").port();
        let dir = app::scratch();
        let mut config = app::safe_config(dir.path(), &definition(port));
        config.session.vars.insert("session_name".into(), SESSION.into());
        config.session.vars.insert("ingress_domain".into(), DOMAIN.into());
        config.auth.session_name = SESSION.into();
        config.auth.mode = AuthMode::Basic;
        config.auth.basic = Some((USER.to_string(), Secret(PASSWORD.to_string())));
        let auth = lectern::auth::Auth::new(config.auth.clone()).expect("auth state");
        let set_cookie = auth.login_cookie(&auth.new_claims(USER, false, None));
        let cookie = set_cookie.split(';').next().unwrap_or_default().to_string();
        let app = App::new(config, dir);
        app.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            tokio::spawn(async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    tokio::spawn(async move {
                        let io = hyper_util::rt::TokioIo::new(stream);
                        let service = hyper::service::service_fn(upstream);
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(io, service)
                            .with_upgrades()
                            .await;
                    });
                }
            });
        });
        Self { app, cookie }
    }
}

/// One input; panics when an invariant breaks.
pub fn run(data: &[u8]) {
    let (mode, rest) = crate::first_line(data);
    match mode {
        b"host" => host(&String::from_utf8_lossy(rest)),
        _ => INGRESS.with(|cell| request(cell.get_or_init(Ingress::new), rest)),
    }
}

fn host(host: &str) {
    let Some(label) = routes::ingress_label(host, SESSION, DOMAIN) else {
        return;
    };
    assert!(
        !label.is_empty() && !label.contains('.'),
        "label {label:?} of {host:?}"
    );
    let bare = routes::strip_port(host).to_ascii_lowercase();
    let label = label.to_ascii_lowercase();
    let forms = [
        format!("{label}-{SESSION}.{DOMAIN}"),
        format!("{SESSION}-{label}.{DOMAIN}"),
    ];
    assert!(forms.contains(&bare), "label {label:?} does not rebuild {host:?}");
}

fn request(ingress: &Ingress, data: &[u8]) {
    let mut raw = app::parse_request(data);
    let cookie_value = ingress.cookie.split_once('=').map_or("", |(_, v)| v).to_string();
    raw.target = raw.target.replace("@COOKIE@", &ingress.cookie);
    for (_, value) in &mut raw.headers {
        *value = value.replace("@COOKIE@", &ingress.cookie);
    }
    let Some(request) = raw.build() else {
        return;
    };
    let answer = ingress.app.send(request);
    let Ok(seen) = serde_json::from_slice::<serde_json::Value>(&answer.body) else {
        return;
    };
    let Some(rule) = seen.get("rule").and_then(|r| r.as_str()) else {
        return;
    };
    let text = |name: &str| {
        seen.get(name)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let target = text("target");
    let credentials = app::carries_secret(&raw, &[cookie_value.as_str()], PASSWORD);
    // Lectern's cookie, by its name (the client may put the same bytes in a cookie of its own).
    let forwarded = text("cookie");
    let own = forwarded.split(';').any(|pair| {
        pair.split_once('=')
            .is_some_and(|(name, _)| name.trim() == "workshop-session-id")
    });
    assert!(
        !own,
        "the login cookie reached an upstream: {raw:?} → {forwarded}"
    );
    // Lectern's password, in any form a lenient upstream could read (any user name, scheme or spacing,
    // junk around it), reaches no upstream, whatever the rule.
    let authorization = text("authorization");
    assert!(
        !authorization.contains(PASSWORD)
            && !authorization
                .split(',')
                .any(|value| app::basic_password_in(value, PASSWORD)),
        "lectern's password reached the {rule:?} rule: {raw:?} → {authorization}"
    );
    if rule != "public" {
        assert!(
            credentials,
            "rule {rule:?} reached without credentials: {raw:?} → {target}"
        );
        return;
    }
    let resolved = resolve(&target);
    assert!(
        resolved == "/public" || resolved.starts_with("/public/"),
        "the public rule forwarded {target:?} (read as {resolved:?}) for {raw:?}"
    );
}

/// How a liberal upstream reads a forwarded path: percent-decoded once, `\` as `/`, `;parameters`
/// ignored, dot segments resolved (RFC 3986 §5.2.4).
pub fn resolve(target: &str) -> String {
    let path = target.split('?').next().unwrap_or_default();
    let decoded = app::percent_decode(path).replace('\\', "/");
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = decoded.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (index, segment) in segments.iter().enumerate() {
        // `..;x` is `..` to servers that take `;` as the start of path parameters.
        match segment.split(';').next().unwrap_or_default() {
            "." => {
                if index == last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if index == last {
                    out.push("");
                }
            }
            _ => out.push(segment),
        }
    }
    format!("/{}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn resolves_like_a_liberal_upstream() {
        assert_eq!(resolve("/public/../private/x"), "/private/x");
        assert_eq!(resolve("/public/%2e%2e/private"), "/private");
        assert_eq!(resolve("/public/..%2fprivate"), "/private");
        assert_eq!(resolve("/public/a/./b?x=/../"), "/public/a/b");
        assert_eq!(resolve("/public/.."), "/");
        assert_eq!(resolve("/public/a\\..\\..\\x"), "/x");
        assert_eq!(resolve("/public/..;/x"), "/x");
    }
}
