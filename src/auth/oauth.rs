//! The training portal's OAuth2 endpoints (authorization-code flow) and REST calls, as the reference
//! describes: authorize `<PORTAL_URL>/oauth2/authorize/`, token `<PORTAL_API_URL>/oauth2/token/` (client
//! credentials in the form body, scope `user:info`), then `GET /workshops/session/<name>/authorize/` with the
//! bearer token, which answers 200 `{owner, user, staff}` for the owner, staff and robots, 403 otherwise.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, RedirectUrl, Scope,
    TokenResponse, TokenUrl,
};
use serde::Deserialize;

use crate::config::OAuthSettings;

/// Back-channel calls to the portal give up after: 15 s.
const PORTAL_TIMEOUT: Duration = Duration::from_secs(15);

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
        redirect_uri: &str,
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
        Ok(BasicClient::new(ClientId::new(self.settings.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.settings.client_secret.0.clone()))
            .set_auth_uri(
                AuthUrl::new(format!("{}/oauth2/authorize/", self.settings.portal_url)).map_err(config)?,
            )
            .set_token_uri(
                TokenUrl::new(format!("{}/oauth2/token/", self.settings.portal_api_url)).map_err(config)?,
            )
            .set_redirect_uri(RedirectUrl::new(redirect_uri.to_string()).map_err(config)?)
            .set_auth_type(AuthType::RequestBody))
    }

    /// The URL the browser is sent to.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str) -> Result<String, PortalError> {
        let state = state.to_string();
        let (url, _) = self
            .client(redirect_uri)?
            .authorize_url(move || CsrfToken::new(state))
            .add_scope(Scope::new("user:info".to_string()))
            .url();
        Ok(url.to_string())
    }

    /// Exchanges an authorization code for an access token.
    pub async fn exchange(&self, code: &str, redirect_uri: &str) -> Result<String, PortalError> {
        let response = self
            .client(redirect_uri)?
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|error| PortalError::Request(format!("token exchange: {error}")))?;
        Ok(response.access_token().secret().clone())
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

    /// Relays a session call (`schedule`, `extend`, `event`) with the user's token.
    pub async fn relay(
        &self,
        session: &str,
        call: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> Result<serde_json::Value, PortalError> {
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
            .map_err(|error| PortalError::Request(format!("{call}: {error}")))?;
        if !response.status().is_success() {
            return Err(PortalError::Request(format!(
                "{call} answered {}",
                response.status()
            )));
        }
        response
            .json()
            .await
            .map_err(|error| PortalError::Request(format!("{call}: {error}")))
    }
}
