//! Keeping each login's portal token fresh (oauth mode). Before a relay, a token with 15 minutes or less
//! left is refreshed (the original's rule); a relay the portal refuses (401/403) is retried once with a
//! refreshed token. Refreshes run one at a time and the newest token of each login is remembered by its
//! login id, so concurrent relays, and a browser whose cookie still holds the previous token, use the new
//! one — the portal rotates refresh tokens, so the old one would fail. The web layer writes a refreshed
//! token into the browser's login cookie (`web/session.rs`), so it also outlives a restart.

use std::collections::HashMap;
use std::sync::Mutex;

use super::cookie::{LoginClaims, PortalToken, now_secs};
use super::oauth::{Portal, RelayError};

/// Refresh when this little is left of the access token: 15 minutes, as the original.
pub const REFRESH_MARGIN_SECS: u64 = 15 * 60;

/// The newest portal token of each login.
#[derive(Debug, Default)]
pub struct Tokens {
    newest: Mutex<HashMap<String, PortalToken>>,
    refreshing: tokio::sync::Mutex<()>,
}

/// A relayed call's answer.
#[derive(Debug)]
pub struct Relayed {
    /// What the portal answered.
    pub value: serde_json::Value,
    /// The token now in use when it is not the one in the request's cookie (put it into the cookie).
    pub newer: Option<PortalToken>,
}

impl Tokens {
    fn newest(&self) -> std::sync::MutexGuard<'_, HashMap<String, PortalToken>> {
        self.newest.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The token to use for a login whose cookie holds `cookie`.
    fn current(&self, id: &str, cookie: &PortalToken) -> PortalToken {
        match self.newest().get(id) {
            Some(token) if token.expires >= cookie.expires => token.clone(),
            _ => cookie.clone(),
        }
    }

    /// A refreshed token for the login `id`, whose token `stale` is about to expire or was refused.
    async fn refresh(
        &self,
        portal: &Portal,
        id: &str,
        stale: &PortalToken,
    ) -> Result<PortalToken, RelayError> {
        let _one_at_a_time = self.refreshing.lock().await;
        // Another relay may have refreshed it while this one waited.
        if let Some(token) = self.newest().get(id).filter(|t| t.access != stale.access) {
            return Ok(token.clone());
        }
        let Some(refresh) = stale.refresh.as_deref() else {
            return Err(RelayError::LoginExpired(
                "the portal gave no refresh token".to_string(),
            ));
        };
        let token = portal.refresh(refresh).await?;
        self.newest().insert(id.to_string(), token.clone());
        Ok(token)
    }

    /// Relays `call` for the login `claims` with a fresh token (see the module's rules).
    pub async fn relay(
        &self,
        portal: &Portal,
        session: &str,
        claims: &LoginClaims,
        cookie: &PortalToken,
        call: &str,
        body: Option<serde_json::Value>,
    ) -> Result<Relayed, RelayError> {
        let mut token = self.current(&claims.id, cookie);
        let mut refreshed = false;
        if token.expires != 0 && token.expires <= now_secs().saturating_add(REFRESH_MARGIN_SECS) {
            match self.refresh(portal, &claims.id, &token).await {
                Ok(new) => {
                    token = new;
                    refreshed = true;
                }
                // The token may still work for a while: try it, a refusal is reported below.
                Err(error) => tracing::warn!(%error, "cannot refresh the portal token"),
            }
        }
        let value = match portal.relay(session, call, &token.access, body.clone()).await {
            Err(RelayError::LoginExpired(why)) if !refreshed => {
                tracing::info!(%why, call, "the portal refused the token; refreshing it");
                token = self.refresh(portal, &claims.id, &token).await?;
                portal.relay(session, call, &token.access, body).await?
            }
            answer => answer?,
        };
        let newer = (token != *cookie).then_some(token);
        Ok(Relayed { value, newer })
    }
}
