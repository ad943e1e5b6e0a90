//! Session variables: the standard session variables of the original
//! platform (from their environment variables, else defaults), the identity flags, then `--var` values.

use std::collections::BTreeMap;

use super::ConfigError;
use crate::cli::SessionArgs;
use crate::content::vars;

/// Variables available to the instructions, by name.
#[derive(Debug, Clone, Default)]
pub struct SessionConfig {
    /// Variable name → value.
    pub vars: BTreeMap<String, String>,
}

impl SessionConfig {
    /// Builds the variables: environment (standard names) < identity flags < `--var NAME=VALUE`.
    pub fn from_args(args: &SessionArgs) -> Result<Self, ConfigError> {
        let mut vars = vars::from_environment();
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
