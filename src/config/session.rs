//! Session variables: the standard session variables of the original
//! platform (from their environment variables, else defaults), the identity flags, then `--var` values.

use std::collections::BTreeMap;

use super::ConfigError;
use crate::cli::SessionArgs;

/// Standard session variables: name, environment variable, default when unset.
pub const STANDARD_VARIABLES: &[(&str, &str, &str)] = &[
    ("workshop_name", "WORKSHOP_NAME", "workshop"),
    ("environment_name", "ENVIRONMENT_NAME", ""),
    ("session_name", "SESSION_NAME", ""),
    ("session_id", "SESSION_ID", ""),
    ("session_url", "SESSION_URL", ""),
    ("session_hostname", "SESSION_HOSTNAME", ""),
    ("session_namespace", "SESSION_NAMESPACE", ""),
    ("workshop_namespace", "WORKSHOP_NAMESPACE", ""),
    ("training_portal", "TRAINING_PORTAL", ""),
    ("cluster_domain", "CLUSTER_DOMAIN", "cluster.local"),
    ("ingress_domain", "INGRESS_DOMAIN", ""),
    ("ingress_protocol", "INGRESS_PROTOCOL", "http"),
    ("ingress_port_suffix", "INGRESS_PORT_SUFFIX", ""),
    ("ingress_port", "INGRESS_PORT", ""),
    ("ingress_class", "INGRESS_CLASS", ""),
    ("storage_class", "STORAGE_CLASS", ""),
    ("policy_engine", "POLICY_ENGINE", "none"),
    ("policy_name", "POLICY_NAME", "restricted"),
    ("platform_arch", "PLATFORM_ARCH", ""),
    (
        "image_repository",
        "IMAGE_REPOSITORY",
        "registry.default.svc.cluster.local",
    ),
    ("oci_image_cache", "OCI_IMAGE_CACHE", "workshop-images"),
    ("assets_repository", "ASSETS_REPOSITORY", "workshop-assets"),
    ("services_password", "SERVICES_PASSWORD", ""),
    ("config_password", "CONFIG_PASSWORD", ""),
    ("kubernetes_api_url", "KUBERNETES_API_URL", ""),
    ("kubernetes_token", "KUBERNETES_TOKEN", ""),
    ("kubernetes_ca_crt", "KUBERNETES_CA_CRT", ""),
    ("ssh_private_key", "SSH_PRIVATE_KEY", ""),
    ("ssh_public_key", "SSH_PUBLIC_KEY", ""),
    ("registry_host", "REGISTRY_HOST", ""),
    ("registry_username", "REGISTRY_USERNAME", ""),
    ("registry_password", "REGISTRY_PASSWORD", ""),
    ("registry_auth_token", "REGISTRY_AUTH_TOKEN", ""),
    ("registry_secret", "REGISTRY_SECRET", ""),
    ("registry_auth_file", "REGISTRY_AUTH_FILE", ""),
    ("git_protocol", "GIT_PROTOCOL", ""),
    ("git_host", "GIT_HOST", ""),
    ("git_username", "GIT_USERNAME", ""),
    ("git_password", "GIT_PASSWORD", ""),
    ("git_auth_token", "GIT_AUTH_TOKEN", ""),
    ("restart_url", "RESTART_URL", ""),
    ("google_tracking_id", "GOOGLE_TRACKING_ID", ""),
    ("clarity_tracking_id", "CLARITY_TRACKING_ID", ""),
    ("amplitude_tracking_id", "AMPLITUDE_TRACKING_ID", ""),
    ("workshop_title", "WORKSHOP_TITLE", "Workshop"),
    ("workshop_description", "WORKSHOP_DESCRIPTION", ""),
    ("pathway_name", "PATHWAY_NAME", ""),
];

/// Variables the workshop itself supplies when their environment variable is unset (its title and
/// description, the chosen pathway): a default here would hide the workshop's own value.
const FROM_THE_WORKSHOP: &[&str] = &["workshop_title", "workshop_description", "pathway_name"];

/// Standard variables read from the process environment (unset → default, or left to the workshop).
fn from_environment() -> BTreeMap<String, String> {
    STANDARD_VARIABLES
        .iter()
        .filter_map(|(name, env, default)| {
            let value = match std::env::var(env) {
                Ok(value) => value,
                Err(_) if FROM_THE_WORKSHOP.contains(name) => return None,
                Err(_) => (*default).to_string(),
            };
            Some(((*name).to_string(), value))
        })
        .collect()
}

/// Variables available to the instructions, by name.
#[derive(Debug, Clone, Default)]
pub struct SessionConfig {
    /// Variable name → value.
    pub vars: BTreeMap<String, String>,
}

impl SessionConfig {
    /// Builds the variables: environment (standard names) < identity flags < `--var NAME=VALUE`.
    pub fn from_args(args: &SessionArgs) -> Result<Self, ConfigError> {
        let mut vars = from_environment();
        let identity = [
            ("workshop_name", &args.workshop_name),
            ("session_name", &args.session_name),
            ("session_namespace", &args.session_namespace),
            ("ingress_domain", &args.ingress_domain),
            ("ingress_protocol", &args.ingress_protocol),
        ];
        for (name, value) in identity {
            if let Some(value) = value {
                vars.insert(name.to_string(), value.clone());
            }
        }
        for pair in &args.vars {
            let Some((name, value)) = pair.split_once('=') else {
                return Err(ConfigError::Invalid {
                    name: "--var (LECTERN_VARS)",
                    message: format!("{pair:?} is not NAME=VALUE"),
                });
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(ConfigError::Invalid {
                    name: "--var (LECTERN_VARS)",
                    message: format!("{pair:?} has an empty NAME"),
                });
            }
            vars.insert(name.to_string(), value.to_string());
        }
        Ok(Self { vars })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_vars_override_defaults() {
        let args = SessionArgs {
            vars: vec!["x=1".into(), "session_name=from-var".into()],
            session_name: Some("from-flag".into()),
            ..SessionArgs::default()
        };
        let config = SessionConfig::from_args(&args).expect("valid");
        assert_eq!(config.vars["x"], "1");
        assert_eq!(config.vars["session_name"], "from-var");
        assert!(config.vars.contains_key("cluster_domain"));
    }

    #[test]
    fn malformed_var_is_an_error() {
        let args = SessionArgs {
            vars: vec!["novalue".into()],
            ..SessionArgs::default()
        };
        assert!(SessionConfig::from_args(&args).is_err());
        let args = SessionArgs {
            vars: vec!["=x".into()],
            ..SessionArgs::default()
        };
        assert!(SessionConfig::from_args(&args).is_err());
    }
}
