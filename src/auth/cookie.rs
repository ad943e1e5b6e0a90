//! The login cookie: a signed (HMAC) value holding who logged in, for which session and until when.
//! The signing key comes from `LECTERN_COOKIE_SECRET` or a generated 0600 key file, so logins survive a restart.

use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cookie::{Cookie, CookieJar, Key, SameSite};
use http::HeaderMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha512};

use crate::config::{AuthConfig, CookieKeySource};

/// What a login cookie says.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoginClaims {
    /// User name.
    pub user: String,
    /// Staff access.
    pub staff: bool,
    /// The session this login is for.
    pub session: String,
    /// Expiry, unix seconds.
    pub exp: u64,
    /// This login's id (random), so `/logout` can end it before it expires.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The portal's tokens (oauth mode; used for the session relays, refreshed before they expire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<PortalToken>,
    /// The session's owner as the portal named it (oauth mode; differs from `user` for staff).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// A login's tokens from the training portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalToken {
    /// The access token (bearer for the portal's session REST calls).
    #[serde(rename = "a")]
    pub access: String,
    /// The refresh token, when the portal gave one.
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<String>,
    /// When the access token expires, unix seconds (0: the portal did not say).
    #[serde(rename = "e", default)]
    pub expires: u64,
}

/// Seconds since the epoch now.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Loads or creates the signing key.
pub fn load_key(source: &CookieKeySource) -> anyhow::Result<Key> {
    let material = match source {
        CookieKeySource::Secret(secret) => secret.0.as_bytes().to_vec(),
        CookieKeySource::File(path) => read_or_create_key_file(path)?,
    };
    Ok(Key::from(Sha512::digest(&material).as_slice()))
}

fn read_or_create_key_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    match std::fs::read(path) {
        Ok(bytes) if bytes.len() >= 32 => return Ok(bytes),
        Ok(_) => anyhow::bail!(
            "cookie key file {} is too short (delete it to regenerate)",
            path.display()
        ),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read cookie key file {}", path.display()));
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let bytes: [u8; 64] = rand::random();
    let text = bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(text.as_bytes())
                .with_context(|| format!("cannot write cookie key file {}", path.display()))?;
            tracing::info!(file = %path.display(), "generated a new cookie key");
            Ok(text.into_bytes())
        }
        // Another process created it first: use theirs.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::read(path).with_context(|| format!("cannot read cookie key file {}", path.display()))
        }
        Err(error) => Err(error).with_context(|| format!("cannot create cookie key file {}", path.display())),
    }
}

/// The raw values of every cookie called `name` in the request's `Cookie` headers, in order, without
/// parsing (or copying) the others.
pub fn values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|text| text.split(';'))
        .filter_map(move |pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key.trim_end() == name).then_some(value.trim_start())
        })
}

/// The verified value of the signed cookie `name` whose raw value is `raw`.
fn verify(name: &str, raw: &str, key: &Key) -> Option<String> {
    let mut jar = CookieJar::new();
    jar.add_original(Cookie::new(name.to_string(), raw.to_string()));
    jar.signed(key).get(name).map(|c| c.value().to_string())
}

/// The verified value of our signed cookie `name` (the first of that name that verifies).
fn verified(headers: &HeaderMap, name: &str, key: &Key) -> Option<String> {
    values(headers, name).find_map(|raw| verify(name, raw, key))
}

/// Checks one raw login cookie value: signature, then [`still_valid`].
pub fn login_from_value(raw: &str, key: &Key, config: &AuthConfig) -> Option<LoginClaims> {
    let value = verify(&config.cookie_name, raw, key)?;
    let bytes = URL_SAFE_NO_PAD.decode(value).ok()?;
    let claims: LoginClaims = serde_json::from_slice(&bytes).ok()?;
    still_valid(&claims, config).then_some(claims)
}

/// Not expired, and for this session.
pub fn still_valid(claims: &LoginClaims, config: &AuthConfig) -> bool {
    claims.exp > now_secs() && claims.session == config.session_name
}

/// The signed `Set-Cookie` value for `claims`.
pub fn login_cookie(claims: &LoginClaims, key: &Key, config: &AuthConfig) -> String {
    let value = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let max_age = claims.exp.saturating_sub(now_secs());
    let cookie = base_cookie(config, config.cookie_name.clone(), value, max_age);
    signed(cookie, key)
}

/// A `Set-Cookie` value that removes the login cookie.
pub fn logout_cookie(config: &AuthConfig) -> String {
    base_cookie(config, config.cookie_name.clone(), String::new(), 0).to_string()
}

/// A short-lived signed host-only cookie (OAuth `state` and `next`).
pub fn transient_cookie(name: &str, value: &str, max_age: u64, key: &Key, config: &AuthConfig) -> String {
    let mut cookie = base_cookie(config, name.to_string(), URL_SAFE_NO_PAD.encode(value), max_age);
    cookie.unset_domain();
    signed(cookie, key)
}

/// A `Set-Cookie` value that removes a transient cookie.
pub fn clear_transient(name: &str, config: &AuthConfig) -> String {
    let mut cookie = base_cookie(config, name.to_string(), String::new(), 0);
    cookie.unset_domain();
    cookie.to_string()
}

/// Reads a cookie made by [`transient_cookie`].
pub fn read_transient(headers: &HeaderMap, name: &str, key: &Key) -> Option<String> {
    let value = verified(headers, name, key)?;
    String::from_utf8(URL_SAFE_NO_PAD.decode(value).ok()?).ok()
}

fn base_cookie(config: &AuthConfig, name: String, value: String, max_age: u64) -> Cookie<'static> {
    let mut cookie = Cookie::new(name, value);
    cookie.set_path("/");
    cookie.set_http_only(true);
    cookie.set_secure(config.secure);
    // Framing from another site needs a cross-site cookie, which browsers only keep if Secure
    // (`AuthConfig::cross_site_cookies`).
    cookie.set_same_site(same_site(config));
    if let Some(domain) = &config.cookie_domain {
        cookie.set_domain(domain.clone());
    }
    cookie.set_max_age(Some(cookie::time::Duration::seconds(
        i64::try_from(max_age).unwrap_or(i64::MAX),
    )));
    cookie
}

/// The `SameSite` of every cookie lectern sets: the OAuth state cookie must come back to a callback that
/// runs inside the portal's frame just like the login cookie.
fn same_site(config: &AuthConfig) -> SameSite {
    if config.cross_site_cookies() {
        SameSite::None
    } else {
        SameSite::Lax
    }
}

fn signed(cookie: Cookie<'static>, key: &Key) -> String {
    let mut jar = CookieJar::new();
    jar.signed_mut(key).add(cookie);
    jar.delta().next().map(|c| c.to_string()).unwrap_or_default()
}
