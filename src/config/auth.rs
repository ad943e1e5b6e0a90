//! Authentication settings: the mode, its credentials, and the login cookie.
//!
//! Mode precedence when `--auth` is unset (the original's rules, failing closed): `PORTAL_CLIENT_ID` → oauth;
//! `AUTH_USERNAME` non-empty and not `*` → basic; `AUTH_USERNAME=*` → none; nothing → none on a loopback
//! bind, token otherwise (the original had no authentication at all there).

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use super::{ConfigError, SessionConfig};
use crate::cli::AuthArgs;

/// Lifetime of a login, as the original's cookie: 24 h.
pub const LOGIN_LIFETIME_SECS: u64 = 24 * 60 * 60;
/// Shortest accepted `LECTERN_COOKIE_SECRET`, characters.
pub const MIN_COOKIE_SECRET: usize = 32;

/// Wrong logins a client may try at once, and how fast tries come back (`auth/throttle.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Wrong attempts in a burst.
    pub burst: u32,
    /// Time until one more attempt is allowed.
    pub refill: std::time::Duration,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            burst: 30,
            refill: std::time::Duration::from_secs(2),
        }
    }
}

/// How requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    /// No authentication (everyone is `anonymous`); meant for an author's laptop.
    #[default]
    None,
    /// HTTP Basic with `AUTH_USERNAME` / `AUTH_PASSWORD`.
    Basic,
    /// A login token in the URL (`?token=`) exchanged for a cookie.
    Token,
    /// OAuth2 code flow against the training portal.
    OAuth,
}

impl AuthMode {
    /// The mode's name as written on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::None => "none",
            AuthMode::Basic => "basic",
            AuthMode::Token => "token",
            AuthMode::OAuth => "oauth",
        }
    }
}

/// A secret string; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// The training portal's OAuth2 client settings.
#[derive(Debug, Clone)]
pub struct OAuthSettings {
    /// Client id (the original: the session name).
    pub client_id: String,
    /// Client secret.
    pub client_secret: Secret,
    /// Public portal base URL (authorize endpoint `<url>/oauth2/authorize/`).
    pub portal_url: String,
    /// Back-channel portal base URL (token and REST endpoints).
    pub portal_api_url: String,
}

/// Where the cookie-signing key comes from.
#[derive(Debug, Clone)]
pub enum CookieKeySource {
    /// `LECTERN_COOKIE_SECRET`.
    Secret(Secret),
    /// A key file, generated (mode 0600) when missing.
    File(PathBuf),
}

/// Validated authentication settings.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// The mode in force.
    pub mode: AuthMode,
    /// Basic-auth user and password (mode basic).
    pub basic: Option<(String, Secret)>,
    /// Login token (mode token; `None` = generate one at start-up).
    pub login_token: Option<Secret>,
    /// Portal client (mode oauth).
    pub oauth: Option<OAuthSettings>,
    /// The cookie-signing key.
    pub cookie_key: CookieKeySource,
    /// Login cookie name.
    pub cookie_name: String,
    /// Login cookie `Domain` attribute.
    pub cookie_domain: Option<String>,
    /// The session is served over https (`INGRESS_PROTOCOL=https`): `Secure` cookies, and the scheme of the
    /// OAuth callback URL (which always follows `INGRESS_PROTOCOL`, as the original's does).
    pub secure: bool,
    /// Origins allowed to frame lectern's pages (`frame-ancestors`), besides `'self'`: in oauth mode the
    /// portal's origin (its session page frames the dashboard), then `FRAME_ANCESTORS`.
    pub frame_ancestors: Vec<String>,
    /// `LECTERN_ALLOWED_HOSTS`: host names answered besides loopback, IP literals and the session's own
    /// (`name`, `*.suffix`, or `*`).
    pub allowed_hosts: Vec<String>,
    /// Throttling of wrong credentials.
    pub throttle: ThrottleConfig,
    /// The session this server belongs to (a login for another session is rejected).
    pub session_name: String,
    /// Login lifetime, seconds.
    pub lifetime_secs: u64,
    /// The listener is off loopback while auth is `none` (logged loudly at start-up).
    pub insecure_none: bool,
    /// `SERVICES_PASSWORD`: `?token=` on the workshop service routes.
    pub services_password: Option<Secret>,
    /// `CONFIG_PASSWORD`: `?token=` on `/config/`.
    pub config_password: Option<Secret>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            mode: AuthMode::None,
            basic: None,
            login_token: None,
            oauth: None,
            cookie_key: CookieKeySource::File(default_key_file()),
            cookie_name: "workshop-session-id".to_string(),
            cookie_domain: None,
            secure: false,
            frame_ancestors: Vec::new(),
            allowed_hosts: Vec::new(),
            throttle: ThrottleConfig::default(),
            session_name: "workshop".to_string(),
            lifetime_secs: LOGIN_LIFETIME_SECS,
            insecure_none: false,
            services_password: None,
            config_password: None,
        }
    }
}

impl AuthConfig {
    /// Validates the auth flags; `listen` decides whether `none` is acceptable.
    pub fn from_args(
        args: &AuthArgs,
        listen: SocketAddr,
        session: &SessionConfig,
    ) -> Result<Self, ConfigError> {
        let loopback = listen.ip().is_loopback();
        let non_empty =
            |value: &Option<String>| value.as_deref().filter(|v| !v.is_empty()).map(str::to_string);
        let username = non_empty(&args.auth_username);
        let mode = match args.auth.as_deref() {
            Some("oauth") => AuthMode::OAuth,
            Some("basic") => AuthMode::Basic,
            Some("token") => AuthMode::Token,
            Some("none") => AuthMode::None,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "--auth (LECTERN_AUTH)",
                    message: format!("{other:?} is not one of oauth, basic, token, none"),
                });
            }
            None if non_empty(&args.portal_client_id).is_some() => AuthMode::OAuth,
            None => match username.as_deref() {
                Some("*") => AuthMode::None,
                Some(_) => AuthMode::Basic,
                None if loopback => AuthMode::None,
                None => AuthMode::Token,
            },
        };
        let mut config = Self {
            mode,
            ..Self::default()
        };
        match mode {
            AuthMode::None => config.insecure_none = !loopback,
            AuthMode::Basic => {
                let user = username.filter(|u| u != "*").ok_or(ConfigError::Invalid {
                    name: "--auth-username (AUTH_USERNAME)",
                    message: "basic authentication needs a user name".to_string(),
                })?;
                let password = non_empty(&args.auth_password).ok_or(ConfigError::Invalid {
                    name: "--auth-password (AUTH_PASSWORD)",
                    message: "basic authentication needs a password".to_string(),
                })?;
                config.basic = Some((user, Secret(password)));
            }
            AuthMode::Token => {
                if let Some(token) = non_empty(&args.login_token) {
                    if token.len() < 16 {
                        return Err(ConfigError::Invalid {
                            name: "--login-token (LECTERN_LOGIN_TOKEN)",
                            message: "must be at least 16 characters".to_string(),
                        });
                    }
                    config.login_token = Some(Secret(token));
                }
            }
            AuthMode::OAuth => {
                let need = |value: &Option<String>, name: &'static str| {
                    non_empty(value).ok_or(ConfigError::Invalid {
                        name,
                        message: "required for --auth oauth".to_string(),
                    })
                };
                let portal_url = need(&args.portal_url, "--portal-url (PORTAL_URL)")?;
                let portal_api_url = non_empty(&args.portal_api_url).unwrap_or_else(|| portal_url.clone());
                for (url, name) in [
                    (&portal_url, "--portal-url (PORTAL_URL)"),
                    (&portal_api_url, "--portal-api-url (PORTAL_API_URL)"),
                ] {
                    if !(url.starts_with("http://") || url.starts_with("https://")) {
                        return Err(ConfigError::Invalid {
                            name,
                            message: format!("{url:?} must start with http:// or https://"),
                        });
                    }
                }
                config.oauth = Some(OAuthSettings {
                    client_id: need(&args.portal_client_id, "--portal-client-id (PORTAL_CLIENT_ID)")?,
                    client_secret: Secret(need(
                        &args.portal_client_secret,
                        "--portal-client-secret (PORTAL_CLIENT_SECRET)",
                    )?),
                    portal_url: portal_url.trim_end_matches('/').to_string(),
                    portal_api_url: portal_api_url.trim_end_matches('/').to_string(),
                });
            }
        }
        if let Some(secret) = non_empty(&args.cookie_secret) {
            if secret.len() < MIN_COOKIE_SECRET {
                return Err(ConfigError::Invalid {
                    name: "--cookie-secret (LECTERN_COOKIE_SECRET)",
                    message: format!("must be at least {MIN_COOKIE_SECRET} characters"),
                });
            }
            config.cookie_key = CookieKeySource::Secret(Secret(secret));
        } else if let Some(file) = &args.cookie_key_file {
            config.cookie_key = CookieKeySource::File(file.clone());
        }
        config.services_password = non_empty(&args.services_password).map(Secret);
        config.config_password = non_empty(&args.config_password).map(Secret);
        config.cookie_domain = non_empty(&args.session_cookie_domain);
        if config.cookie_domain.is_some() {
            let environment = non_empty(&args.environment_name).unwrap_or_else(|| "workshop".to_string());
            config.cookie_name = format!("sessionid-{environment}");
        }
        config.frame_ancestors = config
            .oauth
            .iter()
            .filter_map(|o| origin(&o.portal_url))
            .collect();
        for extra in list(args.frame_ancestors.as_deref()) {
            if !config.frame_ancestors.contains(&extra) {
                config.frame_ancestors.push(extra);
            }
        }
        config.allowed_hosts = list(args.allowed_hosts.as_deref());
        // Only the ingress protocol decides: a Secure cookie set over http never comes back, and the
        // portal refuses a callback whose scheme differs from the session URL it registered.
        config.secure = session.vars.get("ingress_protocol").is_some_and(|p| p == "https");
        if let Some(name) = session.vars.get("session_name").filter(|n| !n.is_empty()) {
            config.session_name = name.clone();
        }
        Ok(config)
    }
}

impl AuthConfig {
    /// The scheme of the session's own URLs (`INGRESS_PROTOCOL`): the OAuth callback's.
    pub fn scheme(&self) -> &'static str {
        if self.secure { "https" } else { "http" }
    }

    /// The login cookie's `SameSite`: `None` when the session is served over https and another origin may
    /// frame it (the portal's session page, `FRAME_ANCESTORS`), since a framed page from another site gets
    /// no `Lax` cookie; `Lax` otherwise — and always over http, where browsers drop `SameSite=None` cookies
    /// (they must be `Secure`). Over http the portal and the session share `INGRESS_DOMAIN`, so they are
    /// the same site and `Lax` cookies reach the framed dashboard. docs/educates.md explains the choice.
    pub fn cross_site_cookies(&self) -> bool {
        self.secure && !self.frame_ancestors.is_empty()
    }
}

/// `scheme://host[:port]` of a URL (`frame-ancestors` takes origins).
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

/// The entries of a space- or comma-separated list.
fn list(text: Option<&str>) -> Vec<String> {
    text.unwrap_or("")
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `$HOME/.local/share/workshop/lectern-cookie.key` (beside the original's workshop state), else the temp dir.
pub fn default_key_file() -> PathBuf {
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".local/share/workshop/lectern-cookie.key"),
        None => std::env::temp_dir().join("lectern-cookie.key"),
    }
}
