//! Target `auth`: cookie, token and Basic-credential parsing, as the whole router applies them.
//!
//! Input: a first line naming the mode, then a request in the text format of [`crate::app`].
//! - `basic`, `token`, `none` — the request goes through a lectern in that auth mode. In header
//!   values and the target, `@COOKIE@` becomes a valid login cookie, `@OTHER@` one signed with the
//!   right key for another session, `@EXPIRED@` an expired one.
//! - `roundtrip` — the rest is a user name (and a final `!` asks for staff): the login cookie minted
//!   for it is sent back and must log in the same user.
//!
//! Invariants: no panic; on a protected path a request is let in only when it carries a secret (the
//! Basic password, the login token, a services or config password, or the valid cookie); a
//! cross-origin unsafe request (or upgrade) to a protected path is refused; a minted cookie logs its user back in.

use std::cell::OnceCell;

use axum::body::Body;
use http::{HeaderMap, HeaderValue, StatusCode};
use lectern::auth::{Auth, LoginClaims};
use lectern::config::{AuthMode, Secret};

use crate::app::{self, App, RawRequest};

const USER: &str = "learner";
const PASSWORD: &str = "fuzz-password";
const TOKEN: &str = "fuzz-login-token";
const SERVICES: &str = "fuzz-services";
const CONFIG: &str = "fuzz-config";

/// A lectern in one auth mode, and cookies minted with its key.
struct Mode {
    app: App,
    auth: Auth,
    valid: String,
    other: String,
    expired: String,
}

impl Mode {
    fn new(mode: AuthMode) -> Self {
        let dir = app::scratch();
        let mut config = app::safe_config(dir.path(), "");
        config.auth.mode = mode;
        match mode {
            AuthMode::Basic => {
                config.auth.basic = Some((USER.to_string(), Secret(PASSWORD.to_string())));
            }
            AuthMode::Token => config.auth.login_token = Some(Secret(TOKEN.to_string())),
            _ => {}
        }
        config.auth.services_password = Some(Secret(SERVICES.to_string()));
        config.auth.config_password = Some(Secret(CONFIG.to_string()));
        let auth = Auth::new(config.auth.clone()).expect("auth state");
        let cookie_value = |claims: &LoginClaims| cookie_value(&auth.login_cookie(claims));
        let valid = cookie_value(&auth.new_claims(USER, false, None));
        let mut other = auth.new_claims(USER, true, None);
        other.session = "another-session".to_string();
        let mut expired = auth.new_claims(USER, true, None);
        expired.exp = 1;
        let other = cookie_value(&other);
        let expired = cookie_value(&expired);
        Self {
            app: App::new(config, dir),
            auth,
            valid,
            other,
            expired,
        }
    }

    fn substitute(&self, text: &str) -> String {
        text.replace("@COOKIE@", &self.valid)
            .replace("@OTHER@", &self.other)
            .replace("@EXPIRED@", &self.expired)
    }
}

/// The value of a `name=value` cookie.
fn cookie_secret(cookie: &str) -> &str {
    cookie.split_once('=').map_or(cookie, |(_, value)| value)
}

/// `name=value` of a `Set-Cookie` line.
fn cookie_value(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_string()
}

thread_local! {
    static BASIC: OnceCell<Mode> = const { OnceCell::new() };
    static TOKEN_MODE: OnceCell<Mode> = const { OnceCell::new() };
    static NONE: OnceCell<Mode> = const { OnceCell::new() };
}

/// One request (or cookie round trip); panics when an invariant breaks.
pub fn run(data: &[u8]) {
    let (mode, rest) = crate::first_line(data);
    let (cell, mode) = match mode {
        b"token" => (&TOKEN_MODE, AuthMode::Token),
        b"none" => (&NONE, AuthMode::None),
        b"roundtrip" => {
            return BASIC.with(|cell| roundtrip(cell.get_or_init(|| Mode::new(AuthMode::Basic)), rest));
        }
        _ => (&BASIC, AuthMode::Basic),
    };
    cell.with(|cell| request(cell.get_or_init(|| Mode::new(mode)), mode, rest));
}

fn request(state: &Mode, mode: AuthMode, data: &[u8]) {
    let mut raw = app::parse_request(data);
    raw.target = state.substitute(&raw.target);
    for (_, value) in &mut raw.headers {
        *value = state.substitute(value);
    }
    let Some(request) = raw.build() else {
        return;
    };
    let path = request.uri().path().to_string();
    let answer = state.app.send(request);
    if !protected(&path, &raw) {
        return;
    }
    if cross_origin_unsafe(&raw) {
        assert!(
            !let_in(&answer),
            "cross-origin {} {} was not refused: {}",
            raw.method,
            raw.target,
            answer.status
        );
    }
    if mode != AuthMode::None && let_in(&answer) {
        assert!(
            app::carries_secret(
                &raw,
                &[TOKEN, SERVICES, CONFIG, cookie_secret(&state.valid)],
                PASSWORD
            ),
            "let in without credentials: {raw:?} → {} {:?}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
    }
}

/// A path behind the login: not public, not an ingress (those have their own rules).
fn protected(path: &str, raw: &RawRequest) -> bool {
    let public = lectern::web::PUBLIC_PATHS
        .iter()
        .any(|p| path == *p || (p.ends_with('/') && path.starts_with(p)));
    let ingress_host = raw.header("host").is_some_and(|host| {
        lectern::proxy::routes::ingress_label(host, "fuzz", lectern::proxy::routes::DEFAULT_INGRESS_DOMAIN)
            .is_some()
    });
    !public && !path.starts_with("/ingress/") && !ingress_host
}

/// The router answered as if logged in: content, a not-found from behind the login, or a redirect
/// that is not a login challenge.
fn let_in(answer: &app::Answer) -> bool {
    let status = answer.status;
    status.is_success()
        || status == StatusCode::NOT_FOUND
        || status == StatusCode::METHOD_NOT_ALLOWED
        || status.is_redirection()
}

/// An unsafe method (or upgrade) whose `Origin` is not the `Host` it was sent to.
fn cross_origin_unsafe(raw: &RawRequest) -> bool {
    let safe = matches!(raw.method.as_str(), "GET" | "HEAD" | "OPTIONS");
    // An upgrade as HTTP defines it: an `Upgrade` header and `upgrade` among the `Connection` tokens.
    let upgrade = raw.header("upgrade").is_some()
        && raw.headers.iter().any(|(name, value)| {
            name.trim().eq_ignore_ascii_case("connection")
                && value
                    .split(',')
                    .any(|token| token.trim().eq_ignore_ascii_case("upgrade"))
        });
    if safe && !upgrade {
        return false;
    }
    let Some(origin) = raw.header("origin") else {
        return false;
    };
    let authority = origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .trim_end_matches('/');
    match raw.header("host") {
        Some(host) => !authority.eq_ignore_ascii_case(host.trim()),
        None => true,
    }
}

fn roundtrip(state: &Mode, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (user, staff) = match text.strip_suffix('!') {
        Some(user) => (user, true),
        None => (text.as_ref(), false),
    };
    let token = lectern::auth::PortalToken {
        access: format!("token-{user}"),
        refresh: Some(format!("refresh-{user}")),
        expires: 1,
    };
    let mut claims = state.auth.new_claims(user, staff, Some(token));
    claims.owner = Some(format!("owner-{user}"));
    let set_cookie = state.auth.login_cookie(&claims);
    let mut headers = HeaderMap::new();
    let value = HeaderValue::from_str(&cookie_value(&set_cookie)).expect("a minted cookie is a valid header");
    headers.insert(http::header::COOKIE, value);
    assert_eq!(
        state.auth.login(&headers),
        Some(claims),
        "cookie round trip: {set_cookie}"
    );
    // The same cookie through the router logs in (the protected fallback answers 404, not 401).
    let request = http::Request::builder()
        .uri("/fuzz-protected")
        .header(http::header::COOKIE, cookie_value(&set_cookie))
        .body(Body::empty())
        .expect("request");
    let answer = state.app.send(request);
    assert_eq!(
        answer.status,
        StatusCode::NOT_FOUND,
        "minted cookie refused by the router"
    );
}
