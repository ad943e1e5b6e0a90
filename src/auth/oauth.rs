//! The training portal's OAuth2 endpoints (authorization-code flow) and REST calls, as the reference
//! describes: authorize `<PORTAL_URL>/oauth2/authorize/`, token `<PORTAL_API_URL>/oauth2/token/` (client
//! credentials in the form body, scope `user:info`), then `GET /workshops/session/<name>/authorize/` with the
//! bearer token, which answers 200 `{owner, user, staff}` for the owner, staff and robots, 403 otherwise.
//! Access tokens are refreshed with the refresh token (`grant_type=refresh_token`, same scope), as the
//! original does before each relay when 15 minutes or less are left (`auth/tokens.rs`).

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, RedirectUrl, RefreshToken,
    Scope, TokenResponse, TokenUrl,
};
use serde::Deserialize;

use super::cookie::{PortalToken, now_secs};
use crate::config::OAuthSettings;

/// Back-channel calls to the portal give up after: 15 s.
const PORTAL_TIMEOUT: Duration = Duration::from_secs(15);
/// The one scope the portal grants sessions.
const SCOPE: &str = "user:info";

/// Why a login with the portal failed.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// The portal refused the user for this session (not the owner, not staff).
    #[error("the portal refused access to this session")]
    Forbidden,
    /// Misconfiguration (bad URL).
    #[error("portal configuration: {0}")]
    Config(String),
    /// The code exchange or a REST call failed.
    #[error("portal request failed: {0}")]
    Request(String),
}

/// Why a session call relayed to the portal (`schedule`, `extend`, `event`) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelayError {
    /// The portal refused the token (403 from `protected_resource`) and it could not be refreshed: the
    /// learner must log in again.
    #[error("the training portal no longer accepts this login ({0})")]
    LoginExpired(String),
    /// The portal no longer has this session allocated (404 / 400): it was stopped or has expired.
    #[error("the training portal says the session has ended ({0})")]
    SessionEnded(String),
    /// The portal answered something else.
    #[error("the training portal answered {status} to {call}: {text}")]
    Answered {
        /// The call.
        call: String,
        /// Its status.
        status: u16,
        /// The start of its body.
        text: String,
    },
    /// No answer (connection refused, timeout, unreadable body).
    #[error("cannot reach the training portal ({0})")]
    Unreachable(String),
}

/// Who the portal says the user is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Identity {
    /// The session's owner.
    #[serde(default)]
    pub owner: String,
    /// The logged-in user.
    pub user: String,
    /// Staff access.
    #[serde(default)]
    pub staff: bool,
}

/// A portal client (one `reqwest` client, no redirects followed).
#[derive(Debug, Clone)]
pub struct Portal {
    settings: OAuthSettings,
    http: reqwest::Client,
}

impl Portal {
    /// A client for `settings`.
    pub fn new(settings: OAuthSettings) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PORTAL_TIMEOUT)
            .build()?;
        Ok(Self { settings, http })
    }

    fn client(
        &self,
        redirect_uri: Option<&str>,
    ) -> Result<
        BasicClient<
            oauth2::EndpointSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointSet,
        >,
        PortalError,
    > {
        let config = |e: oauth2::url::ParseError| PortalError::Config(e.to_string());
        let client = BasicClient::new(ClientId::new(self.settings.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.settings.client_secret.0.clone()))
            .set_auth_uri(
                AuthUrl::new(format!("{}/oauth2/authorize/", self.settings.portal_url)).map_err(config)?,
            )
            .set_token_uri(
                TokenUrl::new(format!("{}/oauth2/token/", self.settings.portal_api_url)).map_err(config)?,
            )
            .set_auth_type(AuthType::RequestBody);
        Ok(match redirect_uri {
            Some(uri) => client.set_redirect_uri(RedirectUrl::new(uri.to_string()).map_err(config)?),
            None => client,
        })
    }

    /// The URL the browser is sent to.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str) -> Result<String, PortalError> {
        let state = state.to_string();
        let (url, _) = self
            .client(Some(redirect_uri))?
            .authorize_url(move || CsrfToken::new(state))
            .add_scope(Scope::new(SCOPE.to_string()))
            .url();
        Ok(url.to_string())
    }

    /// Exchanges an authorization code for the user's tokens (with the scope, as the original asks).
    pub async fn exchange(&self, code: &str, redirect_uri: &str) -> Result<PortalToken, PortalError> {
        let response = self
            .client(Some(redirect_uri))?
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .add_extra_param("scope", SCOPE)
            .request_async(&self.http)
            .await
            .map_err(|error| PortalError::Request(format!("token exchange: {error}")))?;
        Ok(portal_token(&response, None))
    }

    /// A new access token for `refresh` (the portal rotates refresh tokens: the answer's replaces it).
    pub async fn refresh(&self, refresh: &str) -> Result<PortalToken, RelayError> {
        let response = self
            .client(None)
            .map_err(|error| RelayError::Unreachable(error.to_string()))?
            .exchange_refresh_token(&RefreshToken::new(refresh.to_string()))
            .add_scope(Scope::new(SCOPE.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|error| match error {
                oauth2::RequestTokenError::ServerResponse(answer) => {
                    RelayError::LoginExpired(format!("token refresh refused: {}", answer.error()))
                }
                error => RelayError::Unreachable(format!("token refresh: {error}")),
            })?;
        Ok(portal_token(&response, Some(refresh)))
    }

    /// Asks the portal whether the token's user may open `session`.
    pub async fn identity(&self, session: &str, token: &str) -> Result<Identity, PortalError> {
        let url = format!(
            "{}/workshops/session/{session}/authorize/",
            self.settings.portal_api_url
        );
        let response = self
            .http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .map_err(|error| PortalError::Request(format!("authorize: {error}")))?;
        match response.status().as_u16() {
            200 => response
                .json::<Identity>()
                .await
                .map_err(|error| PortalError::Request(format!("authorize: {error}"))),
            401 | 403 => Err(PortalError::Forbidden),
            status => Err(PortalError::Request(format!("authorize answered {status}"))),
        }
    }

    /// Relays a session call (`schedule`, `extend`, `event`) with the user's access token, saying what the
    /// portal answered when it is not a success.
    pub async fn relay(
        &self,
        session: &str,
        call: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> Result<serde_json::Value, RelayError> {
        let url = format!(
            "{}/workshops/session/{session}/{call}/",
            self.settings.portal_api_url
        );
        let request = match body {
            Some(body) => self.http.post(url).json(&body),
            None => self.http.get(url),
        };
        let response = request
            .bearer_auth(token)
            .send()
            .await
            .map_err(|error| RelayError::Unreachable(format!("{call}: {error}")))?;
        let status = response.status().as_u16();
        if response.status().is_success() {
            return response
                .json()
                .await
                .map_err(|error| RelayError::Unreachable(format!("{call}: unreadable answer: {error}")));
        }
        let text: String = response
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        let text = text.trim().to_string();
        Err(match status {
            // An expired or revoked token, or a user the portal no longer lets in: either way, only a new
            // login (after a refresh failed) can tell.
            401 | 403 => RelayError::LoginExpired(format!("{call} answered {status} {text}")),
            400 | 404 => RelayError::SessionEnded(format!("{call} answered {status} {text}")),
            _ => RelayError::Answered {
                call: call.to_string(),
                status,
                text,
            },
        })
    }
}

/// A token answer as kept in the login cookie; `previous` is kept when the answer has no refresh token.
fn portal_token(response: &oauth2::basic::BasicTokenResponse, previous: Option<&str>) -> PortalToken {
    PortalToken {
        access: response.access_token().secret().clone(),
        refresh: response
            .refresh_token()
            .map(|r| r.secret().clone())
            .or_else(|| previous.map(str::to_string)),
        expires: response
            .expires_in()
            .map_or(0, |left| now_secs().saturating_add(left.as_secs())),
    }
}
