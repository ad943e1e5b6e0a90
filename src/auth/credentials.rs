//! How a request proves who it is (`Auth::decide`): the login cookie, then per mode Basic credentials
//! or the login token, then a service route's password — with the same-origin rule for upgrades and unsafe
//! methods first, and wrong credentials throttled per client (`throttle.rs`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request};
use base64::Engine;
use http::header;
use http::{HeaderMap, HeaderValue, Method};
use subtle::{Choice, ConstantTimeEq};

use super::{Auth, Decision, Denied, LoginRedirect, LoginSource, Principal, SERVICE_PREFIXES, origin};
use crate::config::{AuthMode, Secret};
use crate::metrics::AuthFailure;

/// Upgrades and unsafe methods must come from lectern's own origin (CSRF, cross-site websockets); returns
/// whether the request is an upgrade.
fn same_origin_if_needed(request: &Request) -> Result<bool, Denied> {
    let headers = request.headers();
    let upgrade = crate::proxy::headers::requested_upgrade(headers).is_some();
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if (upgrade || unsafe_method) && !origin::origin_allowed(headers) {
        crate::metrics::auth_failed(AuthFailure::CrossOrigin);
        return Err(Denied::Forbidden("cross-origin request refused"));
    }
    Ok(upgrade)
}

impl Auth {
    /// Decides a request: who it is and how it proved it ([`Decision`]), or why not ([`Denied`]).
    /// Upgrades and unsafe methods must be same-origin.
    pub fn decide(&self, request: &Request) -> Result<Decision, Denied> {
        let headers = request.headers();
        let upgrade = same_origin_if_needed(request)?;
        let pass = |principal, source| Ok(Decision::Pass { principal, source });
        let config = &self.inner.config;
        if config.mode == AuthMode::None {
            let anonymous = Principal {
                user: "anonymous".to_string(),
                staff: false,
                owner: None,
            };
            return pass(anonymous, LoginSource::Open);
        }
        let next = || {
            request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_string()
        };
        let browser = request.method() == Method::GET
            && !upgrade
            && headers
                .get(header::ACCEPT)
                .and_then(|a| a.to_str().ok())
                .is_some_and(|a| a.contains("text/html"));
        if let Some(claims) = self.login(headers) {
            // The portal refused this login's token for good (`web/session.rs`): a page load logs in again,
            // everything else (open terminals, API calls) goes on.
            if browser && config.mode == AuthMode::OAuth && self.inner.portal_expired.contains(&claims.id) {
                return Err(Denied::LoginRequired {
                    mode: config.mode,
                    browser,
                    next: next(),
                });
            }
            let principal = Principal {
                user: claims.user,
                staff: claims.staff,
                owner: claims.owner,
            };
            return pass(principal, LoginSource::Cookie);
        }
        // Wrong credentials are counted per client; once too many, presented ones are not even checked.
        let client = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let presented = self.presents_credentials(request);
        if presented && let Err(wait) = self.inner.throttle.check(client) {
            crate::metrics::auth_failed(AuthFailure::Throttled);
            return Err(Denied::Throttled(wait));
        }
        match config.mode {
            AuthMode::Basic => {
                if let Some(user) = self.basic_user(headers) {
                    let principal = Principal {
                        user,
                        staff: false,
                        owner: None,
                    };
                    return pass(principal, LoginSource::Basic);
                }
            }
            AuthMode::Token => {
                if let Some(decision) = self.token_login(request, upgrade) {
                    return Ok(decision);
                }
            }
            AuthMode::OAuth | AuthMode::None => {}
        }
        if let Some(principal) = self.service_token(request) {
            return pass(principal, LoginSource::ServicePassword);
        }
        if presented {
            self.inner.throttle.failed(client);
        }
        crate::metrics::auth_failed(if presented {
            AuthFailure::BadCredentials
        } else if super::cookie::values(headers, &config.cookie_name)
            .next()
            .is_some()
        {
            AuthFailure::InvalidCookie
        } else {
            AuthFailure::NoCredentials
        });
        Err(Denied::LoginRequired {
            mode: config.mode,
            browser,
            next: next(),
        })
    }

    /// The request offers credentials of this mode: an `Authorization` header (basic, or a service route's
    /// bearer password), a `?token=` (token mode, or a service route's password).
    fn presents_credentials(&self, request: &Request) -> bool {
        let config = &self.inner.config;
        let path = request.uri().path();
        let service_route = SERVICE_PREFIXES.iter().any(|prefix| path.starts_with(prefix));
        if (config.mode == AuthMode::Basic || service_route)
            && request.headers().contains_key(header::AUTHORIZATION)
        {
            return true;
        }
        let token_route = config.mode == AuthMode::Token || path.starts_with("/config/") || service_route;
        token_route
            && request.uri().query().is_some_and(|query| {
                oauth2::url::form_urlencoded::parse(query.as_bytes()).any(|(name, _)| name == "token")
            })
    }

    /// `?token=<SERVICES_PASSWORD>` on the service routes, `?token=<CONFIG_PASSWORD>` on `/config/`
    /// (the original's tokens for tools inside the pod), or the same as `Authorization: Bearer …` (what
    /// Prometheus sends; unlike a query it stays out of access logs). Unset passwords accept nothing.
    fn service_token(&self, request: &Request) -> Option<Principal> {
        let path = request.uri().path();
        let config = &self.inner.config;
        let (password, user) = if path.starts_with("/config/") {
            (config.config_password.as_ref()?, "config")
        } else if SERVICE_PREFIXES.iter().any(|prefix| path.starts_with(prefix)) {
            (config.services_password.as_ref()?, "services")
        } else {
            return None;
        };
        let matches = |given: &[u8]| bool::from(given.ct_eq(password.0.as_bytes()));
        let bearer = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.as_bytes().strip_prefix(b"Bearer "))
            .is_some_and(matches);
        let query = request.uri().query().unwrap_or("");
        (bearer
            || oauth2::url::form_urlencoded::parse(query.as_bytes())
                .any(|(name, value)| name == "token" && matches(value.as_bytes())))
        .then(|| Principal {
            user: user.to_string(),
            staff: false,
            owner: None,
        })
    }

    /// True when `value` is one of lectern's `?token=` secrets (the login token, `SERVICES_PASSWORD`,
    /// `CONFIG_PASSWORD`), compared in constant time.
    pub fn is_secret_token(&self, value: &str) -> bool {
        let config = &self.inner.config;
        [
            self.inner.login_token.as_deref(),
            config.services_password.as_ref().map(|s| s.0.as_str()),
            config.config_password.as_ref().map(|s| s.0.as_str()),
        ]
        .into_iter()
        .flatten()
        .any(|secret| bool::from(secret.as_bytes().ct_eq(value.as_bytes())))
    }

    /// Removes every `Authorization` value that carries one of lectern's own secrets (the Basic password,
    /// the login token, `SERVICES_PASSWORD`, `CONFIG_PASSWORD`) and keeps the others: what a public ingress
    /// may receive (issue 11, finding 10). A value carries a secret when the secret appears in it as written
    /// or in the base64 decoding of any of its words — whatever the scheme, user name, spacing or junk
    /// around it — since a lenient upstream reads more forms than lectern's own login accepts. Compared in
    /// constant time.
    pub fn strip_own_authorization(&self, headers: &mut HeaderMap) {
        if !headers.contains_key(header::AUTHORIZATION) {
            return;
        }
        let config = &self.inner.config;
        let secrets: Vec<&[u8]> = [
            config.basic.as_ref().map(|(_, password)| password.0.as_str()),
            self.inner.login_token.as_deref(),
            config.services_password.as_ref().map(|s| s.0.as_str()),
            config.config_password.as_ref().map(|s| s.0.as_str()),
        ]
        .into_iter()
        .flatten()
        .filter(|secret| !secret.is_empty())
        .map(str::as_bytes)
        .collect();
        let values: Vec<HeaderValue> = headers.get_all(header::AUTHORIZATION).iter().cloned().collect();
        let kept: Vec<HeaderValue> = values
            .into_iter()
            .filter(|value| !bool::from(carries_secret(value.as_bytes(), &secrets)))
            .collect();
        headers.remove(header::AUTHORIZATION);
        for value in kept {
            headers.append(header::AUTHORIZATION, value);
        }
    }

    fn basic_user(&self, headers: &HeaderMap) -> Option<String> {
        let (user, password) = self.inner.config.basic.as_ref()?;
        basic_matches(headers, user, password).then(|| user.clone())
    }

    /// A request to a service that has Basic credentials of its own (WebDAV, Git: separate servers in the
    /// original): those credentials or lectern's login cookie. Without such credentials lectern's own login
    /// decides ([`Auth::decide`]). Same-origin rule and throttling as for lectern's own credentials.
    pub fn authenticate_service(
        &self,
        request: &Request,
        credentials: Option<(&str, &Secret)>,
    ) -> Result<Decision, Denied> {
        let Some((user, password)) = credentials else {
            return self.decide(request);
        };
        let headers = request.headers();
        same_origin_if_needed(request)?;
        if let Some(claims) = self.login(headers) {
            let principal = Principal {
                user: claims.user,
                staff: claims.staff,
                owner: claims.owner,
            };
            return Ok(Decision::Pass {
                principal,
                source: LoginSource::Cookie,
            });
        }
        let client = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let presented = headers.contains_key(header::AUTHORIZATION);
        if presented && let Err(wait) = self.inner.throttle.check(client) {
            crate::metrics::auth_failed(AuthFailure::Throttled);
            return Err(Denied::Throttled(wait));
        }
        if basic_matches(headers, user, password) {
            let principal = Principal {
                user: user.to_string(),
                staff: false,
                owner: None,
            };
            return Ok(Decision::Pass {
                principal,
                source: LoginSource::ServicePassword,
            });
        }
        if presented {
            self.inner.throttle.failed(client);
        }
        crate::metrics::auth_failed(if presented {
            AuthFailure::BadCredentials
        } else {
            AuthFailure::NoCredentials
        });
        Err(Denied::LoginRequired {
            mode: AuthMode::Basic,
            browser: false,
            next: String::new(),
        })
    }

    /// `?token=` in token mode: a GET page is redirected to the same URL without the token, with the login
    /// cookie; other requests (websockets, API calls) are simply let through.
    fn token_login(&self, request: &Request, upgrade: bool) -> Option<Decision> {
        let expected = self.inner.login_token.as_deref()?;
        let query = request.uri().query()?;
        let mut found = false;
        let mut kept = oauth2::url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in oauth2::url::form_urlencoded::parse(query.as_bytes()) {
            if name == "token" {
                found |= bool::from(value.as_bytes().ct_eq(expected.as_bytes()));
            } else {
                kept.append_pair(&name, &value);
            }
        }
        if !found {
            return None;
        }
        let principal = Principal {
            user: "learner".to_string(),
            staff: false,
            owner: None,
        };
        if request.method() != Method::GET || upgrade {
            return Some(Decision::Pass {
                principal,
                source: LoginSource::LoginToken,
            });
        }
        let kept = kept.finish();
        let location = if kept.is_empty() {
            request.uri().path().to_string()
        } else {
            format!("{}?{kept}", request.uri().path())
        };
        let set_cookie = self.login_cookie(&self.new_claims(&principal.user, false, None));
        Some(Decision::Redirect(LoginRedirect { location, set_cookie }))
    }
}

/// The request's `Authorization: Basic` carries exactly `user` and `password` (compared in constant time).
fn basic_matches(headers: &HeaderMap, user: &str, password: &Secret) -> bool {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(encoded) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return false;
    };
    let Some(text) = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|decoded| String::from_utf8(decoded).ok())
    else {
        return false;
    };
    let Some((given_user, given_password)) = text.split_once(':') else {
        return false;
    };
    let user_ok = given_user.as_bytes().ct_eq(user.as_bytes());
    let password_ok = given_password.as_bytes().ct_eq(password.0.as_bytes());
    bool::from(user_ok & password_ok)
}

/// `value` contains one of `secrets`, as written or base64-decoded (standard or URL-safe alphabet, padding
/// optional) from the start of any run of base64 characters. Every window is compared: no early exit.
fn carries_secret(value: &[u8], secrets: &[&[u8]]) -> Choice {
    let mut texts = vec![value.to_vec()];
    texts.extend(base64_words(value));
    let mut found = Choice::from(0);
    for text in &texts {
        for secret in secrets {
            if text.len() >= secret.len() {
                for window in text.windows(secret.len()) {
                    found |= window.ct_eq(secret);
                }
            }
        }
    }
    found
}

/// The decodings of the maximal runs of base64 characters in `value`, read as leniently as any server
/// might: either alphabet, missing padding, a dangling last character dropped.
fn base64_words(value: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    let base64_char = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_');
    value
        .split(move |b| !base64_char(b))
        .filter(|word| word.len() >= 2)
        .filter_map(|word| {
            let usable = if word.len() % 4 == 1 {
                &word[..word.len() - 1]
            } else {
                word
            };
            let standard: Vec<u8> = usable
                .iter()
                .map(|&b| match b {
                    b'-' => b'+',
                    b'_' => b'/',
                    b => b,
                })
                .collect();
            LENIENT.decode(standard).ok()
        })
}
