//! Authentication flags: the mode, basic and token credentials, the portal client, the cookie secret. Names follow the original's environment where it has one.

use std::path::PathBuf;

use clap::Args;

/// Authentication settings.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Authentication")]
pub struct AuthArgs {
    /// Authentication mode: oauth, basic, token or none (inferred from the original's variables when unset).
    #[arg(long, env = "LECTERN_AUTH")]
    pub auth: Option<String>,
    /// Basic-auth user name (`*` disables authentication, as in the original).
    #[arg(long, env = "AUTH_USERNAME")]
    pub auth_username: Option<String>,
    /// Basic-auth password.
    #[arg(long, env = "AUTH_PASSWORD", hide_env_values = true)]
    pub auth_password: Option<String>,
    /// Login token for `--auth token` (generated and logged when unset).
    #[arg(long, env = "LECTERN_LOGIN_TOKEN", hide_env_values = true)]
    pub login_token: Option<String>,
    /// OAuth2 client id at the training portal (the session name).
    #[arg(long, env = "PORTAL_CLIENT_ID")]
    pub portal_client_id: Option<String>,
    /// OAuth2 client secret at the training portal.
    #[arg(long, env = "PORTAL_CLIENT_SECRET", hide_env_values = true)]
    pub portal_client_secret: Option<String>,
    /// Public base URL of the training portal (the browser is sent to its authorize endpoint).
    #[arg(long, env = "PORTAL_URL")]
    pub portal_url: Option<String>,
    /// Base URL of the training portal for back-channel calls (token, authorize); default `--portal-url`.
    #[arg(long, env = "PORTAL_API_URL")]
    pub portal_api_url: Option<String>,
    /// Secret the login cookie is signed with (at least 32 characters); default: a generated key file.
    #[arg(long, env = "LECTERN_COOKIE_SECRET", hide_env_values = true)]
    pub cookie_secret: Option<String>,
    /// Where the generated cookie key is kept (mode 0600) so logins survive a restart.
    #[arg(long, env = "LECTERN_COOKIE_KEY_FILE")]
    pub cookie_key_file: Option<PathBuf>,
    /// Domain attribute of the login cookie (shares it with ingress host names).
    #[arg(long, env = "SESSION_COOKIE_DOMAIN")]
    pub session_cookie_domain: Option<String>,
    /// Environment name (cookie name suffix when a cookie domain is set).
    #[arg(long, env = "ENVIRONMENT_NAME")]
    pub environment_name: Option<String>,
    /// Origins allowed to frame the dashboard (space separated), for `Content-Security-Policy: frame-ancestors`.
    #[arg(long, env = "FRAME_ANCESTORS")]
    pub frame_ancestors: Option<String>,
    /// Host names answered besides localhost, IP addresses and the session's own `<session>.<domain>` and
    /// ingress hosts (comma or space separated; `*.example.com` for a whole domain, `*` for any name — which
    /// gives up the DNS-rebinding protection).
    #[arg(long, env = "LECTERN_ALLOWED_HOSTS")]
    pub allowed_hosts: Option<String>,
    /// Password accepted as `?token=` or bearer token on `/files/`, `/upload/`, `/examiner/test/`,
    /// `/message/broadcast` and `/metrics` (tools inside the pod, Prometheus); a wrong or missing token
    /// falls through to the normal login.
    #[arg(long, env = "SERVICES_PASSWORD", hide_env_values = true)]
    pub services_password: Option<String>,
    /// Password accepted as `?token=` on `/config/`.
    #[arg(long, env = "CONFIG_PASSWORD", hide_env_values = true)]
    pub config_password: Option<String>,
}
