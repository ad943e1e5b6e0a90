//! Authentication: middleware that turns a request into a `Principal` or a login challenge.
//!
//! Modes (`config::AuthMode`): `none`, `basic`, `token` (a login token in the URL exchanged for a cookie)
//! and `oauth` (the training portal). Every mode ends in the same signed login cookie (`auth/cookie.rs`).
//! Websocket upgrades and unsafe methods must also come from our own origin (`auth/origin.rs`).
//! `Auth::decide` says what a request may do (`Decision`, or why not: `Denied`); the web layer turns that
//! into answers (`web/gate.rs`, statuses from `web/error.rs`).

pub mod cookie;
mod credentials;
pub mod host;
pub mod oauth;
pub mod origin;
pub mod redact;
pub mod spent;
pub mod staff;
pub mod throttle;
pub mod tokens;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::HeaderMap;
use http::header::HeaderValue;

use crate::config::{AuthConfig, AuthMode, CookieKeySource};
pub use cookie::{LoginClaims, PortalToken};
pub use oauth::{Portal, RelayError};
use spent::Spent;
use throttle::Throttle;

/// Name of the short-lived cookie that binds an OAuth `state` to the browser.
pub const OAUTH_STATE_COOKIE: &str = "lectern-oauth-state";
/// Paths of the login flow (public; also reachable on ingress hosts).
pub const LOGIN_PATHS: &[&str] = &["/oauth_handshake", "/oauth_callback", "/logout"];

/// Routes that accept `?token=<SERVICES_PASSWORD>` (or `Authorization: Bearer <SERVICES_PASSWORD>`).
pub const SERVICE_PREFIXES: &[&str] = &[
    "/files/",
    "/upload/",
    "/examiner/test/",
    "/message/broadcast",
    "/metrics",
];

/// Who is making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// User name (`anonymous` with auth `none`).
    pub user: String,
    /// Staff may open the session without owning it.
    pub staff: bool,
    /// The session's owner, when the portal named one (oauth mode); otherwise the user is the owner.
    pub owner: Option<String>,
}

/// Shared authentication state (cheap to clone).
#[derive(Debug, Clone)]
pub struct Auth {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: AuthConfig,
    key: ::cookie::Key,
    login_token: Option<String>,
    portal: Option<Portal>,
    activity: Mutex<Activity>,
    /// The last login cookie value that verified, and its claims (see [`Auth::login`]).
    last_login: Mutex<Option<(Box<str>, LoginClaims)>>,
    /// `frame-ancestors 'self' …`, built once.
    frame_policy: HeaderValue,
    /// Wrong credentials by client address.
    throttle: Throttle,
    /// Ids of logins ended by `/logout`.
    logouts: Spent,
    /// OAuth `state` values already used by a callback.
    oauth_states: Spent,
    /// The newest portal token of each login.
    tokens: tokens::Tokens,
    /// Logins whose portal token the portal refused for good: their next page load logs in again.
    portal_expired: Spent,
}

/// When the portal's poll last saw the session (`/session/poll`, `/session/activity`).
#[derive(Debug, Clone, Copy)]
pub struct Activity {
    /// Last poll.
    pub accessed: Instant,
    /// Last poll with the page visible.
    pub exposed: Instant,
}

/// Why a request is refused. The web layer answers it (`web/gate.rs`, statuses from `web/error.rs`).
#[derive(Debug)]
pub enum Denied {
    /// No valid login: 401 (with a Basic challenge in basic mode), or for a browser in oauth mode a
    /// redirect to the portal login.
    LoginRequired {
        /// The mode, for the challenge's form.
        mode: AuthMode,
        /// The browser asked for a page (GET, `Accept: text/html`, not an upgrade).
        browser: bool,
        /// Where to come back after login (path and query).
        next: String,
    },
    /// Logged in (or public) but not allowed: 403.
    Forbidden(&'static str),
    /// Too many wrong credentials from this client: 429, try again after the wait.
    Throttled(Duration),
}

/// How a request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginSource {
    /// Auth mode `none`: nothing to prove.
    Open,
    /// The signed login cookie.
    Cookie,
    /// Basic credentials (such a login is given the cookie too, so upgrades and ingress hosts work).
    Basic,
    /// The login token in the URL (token mode) on a request that is not a page load.
    LoginToken,
    /// `SERVICES_PASSWORD` / `CONFIG_PASSWORD` as `?token=` on their routes.
    ServicePassword,
}

/// What [`Auth::decide`] allows.
#[derive(Debug)]
pub enum Decision {
    /// Let the request through as `principal`.
    Pass {
        /// Who is asking.
        principal: Principal,
        /// How they proved it.
        source: LoginSource,
    },
    /// The request logged in with the login token on a page load: answer with a redirect to the same URL
    /// without the token, setting the login cookie (the token does not stay in the address bar or history).
    Redirect(LoginRedirect),
}

/// A redirect that completes a login (see [`Decision::Redirect`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRedirect {
    /// Same-origin path and query to go to.
    pub location: String,
    /// The login cookie's `Set-Cookie` value.
    pub set_cookie: String,
}

impl Auth {
    /// Auth state for the configured mode: loads (or creates) the cookie key, prepares the portal client,
    /// and generates a login token when token mode has none.
    pub fn new(config: AuthConfig) -> anyhow::Result<Self> {
        let key = cookie::load_key(&config.cookie_key)?;
        let login_token = match (config.mode, &config.login_token) {
            (AuthMode::Token, Some(token)) => Some(token.0.clone()),
            (AuthMode::Token, None) => {
                let token: String = rand::Rng::sample_iter(rand::rng(), &rand::distr::Alphanumeric)
                    .take(32)
                    .map(char::from)
                    .collect();
                tracing::warn!(
                    "no login token configured; log in by opening /?token={token} (LECTERN_LOGIN_TOKEN)"
                );
                Some(token)
            }
            _ => None,
        };
        let portal = match &config.oauth {
            Some(settings) if config.mode == AuthMode::OAuth => Some(Portal::new(settings.clone())?),
            _ => None,
        };
        if config.insecure_none {
            tracing::error!(
                "AUTHENTICATION IS OFF on a non-loopback address: anyone who can reach this port controls the session"
            );
        }
        let mut policy = String::from("frame-ancestors 'self'");
        for origin in &config.frame_ancestors {
            policy.push(' ');
            policy.push_str(origin);
        }
        let frame_policy = HeaderValue::from_str(&policy).map_err(|_| {
            anyhow::anyhow!("FRAME_ANCESTORS has characters not allowed in a header: {policy:?}")
        })?;
        let now = Instant::now();
        let logouts = match &config.cookie_key {
            CookieKeySource::File(key) => {
                let mut file = key.clone().into_os_string();
                file.push(".logouts");
                Spent::persisted(file.into())
            }
            CookieKeySource::Secret(_) => Spent::in_memory(),
        };
        let throttle = Throttle::new(&config.throttle);
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                key,
                login_token,
                portal,
                activity: Mutex::new(Activity {
                    accessed: now,
                    exposed: now,
                }),
                last_login: Mutex::new(None),
                frame_policy,
                throttle,
                logouts,
                oauth_states: Spent::in_memory(),
                tokens: tokens::Tokens::default(),
                portal_expired: Spent::in_memory(),
            }),
        })
    }

    /// `Content-Security-Policy: frame-ancestors …` for lectern's own responses.
    pub fn frame_policy(&self) -> &HeaderValue {
        &self.inner.frame_policy
    }

    /// The configuration in force.
    pub fn config(&self) -> &AuthConfig {
        &self.inner.config
    }

    /// The portal client (oauth mode).
    pub fn portal(&self) -> Option<&Portal> {
        self.inner.portal.as_ref()
    }

    /// The login token (token mode).
    pub fn login_token(&self) -> Option<&str> {
        self.inner.login_token.as_deref()
    }

    /// Cookie names that are lectern's own and never reach an upstream.
    pub fn own_cookies(&self) -> [&str; 2] {
        [self.inner.config.cookie_name.as_str(), OAUTH_STATE_COOKIE]
    }

    /// A `Set-Cookie` value logging in `claims`.
    pub fn login_cookie(&self, claims: &LoginClaims) -> String {
        cookie::login_cookie(claims, &self.inner.key, &self.inner.config)
    }

    /// Claims for a new login of `user`, valid for the configured lifetime.
    pub fn new_claims(&self, user: &str, staff: bool, token: Option<PortalToken>) -> LoginClaims {
        LoginClaims {
            user: user.to_string(),
            staff,
            session: self.inner.config.session_name.clone(),
            exp: cookie::now_secs() + self.inner.config.lifetime_secs,
            id: format!("{:032x}", rand::random::<u128>()),
            token,
            owner: None,
        }
    }

    /// The portal no longer accepts `claims`' token: the browser's next page load goes through the portal
    /// login again (other requests keep working, so open terminals are not cut).
    pub fn portal_login_expired(&self, claims: &LoginClaims) {
        if !claims.id.is_empty() {
            self.inner.portal_expired.insert(&claims.id, claims.exp);
        }
    }

    /// Relays a session call (`schedule`, `extend`, `event`) to the portal for the login `claims`, with
    /// its token kept fresh (`auth/tokens.rs`). `None` when there is nothing to relay with (no portal, or
    /// a login that did not come from it).
    pub async fn relay(
        &self,
        claims: &LoginClaims,
        call: &str,
        body: Option<serde_json::Value>,
    ) -> Option<Result<tokens::Relayed, RelayError>> {
        let (portal, token) = (self.portal()?, claims.token.as_ref()?);
        let session = &self.inner.config.session_name;
        Some(
            self.inner
                .tokens
                .relay(portal, session, claims, token, call, body)
                .await,
        )
    }

    /// Ends the login the request carries (its cookie stops working here, even if a copy is kept).
    pub fn logout(&self, headers: &HeaderMap) {
        if let Some(claims) = self.login(headers)
            && !claims.id.is_empty()
        {
            self.inner.logouts.insert(&claims.id, claims.exp);
            *self.inner.last_login.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
    }

    /// Marks an OAuth `state` used; false when a callback already used it (a replay).
    pub fn spend_oauth_state(&self, state: &str, valid_secs: u64) -> bool {
        self.inner
            .oauth_states
            .insert(state, cookie::now_secs() + valid_secs)
    }

    /// The valid login in the request's cookies, if any. The last cookie that verified is remembered
    /// (a session has one learner, whose browser sends the same cookie on every request), so the
    /// signature is checked once per cookie, not per request; expiry is checked every time.
    pub fn login(&self, headers: &HeaderMap) -> Option<LoginClaims> {
        let config = &self.inner.config;
        cookie::values(headers, &config.cookie_name).find_map(|raw| {
            {
                let last = self.inner.last_login.lock().unwrap_or_else(|p| p.into_inner());
                if let Some((value, claims)) = last.as_ref()
                    && **value == *raw
                {
                    return cookie::still_valid(claims, config).then(|| claims.clone());
                }
            }
            let claims = cookie::login_from_value(raw, &self.inner.key, config)?;
            if self.inner.logouts.contains(&claims.id) {
                return None;
            }
            *self.inner.last_login.lock().unwrap_or_else(|p| p.into_inner()) =
                Some((raw.into(), claims.clone()));
            Some(claims)
        })
    }

    /// A short-lived signed cookie (OAuth state).
    pub fn transient_cookie(&self, name: &str, value: &str, max_age: u64) -> String {
        cookie::transient_cookie(name, value, max_age, &self.inner.key, &self.inner.config)
    }

    /// Reads a cookie made by [`Auth::transient_cookie`].
    pub fn read_transient(&self, headers: &HeaderMap, name: &str) -> Option<String> {
        cookie::read_transient(headers, name, &self.inner.key)
    }

    /// Records a portal poll.
    pub fn touch(&self, hidden: bool) {
        let now = Instant::now();
        let mut activity = self.inner.activity.lock().unwrap_or_else(|p| p.into_inner());
        activity.accessed = now;
        if !hidden {
            activity.exposed = now;
        }
    }

    /// The last polls.
    pub fn activity(&self) -> Activity {
        *self.inner.activity.lock().unwrap_or_else(|p| p.into_inner())
    }
}
