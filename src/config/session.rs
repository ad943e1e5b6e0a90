//! Session variables (owned by the content area): the standard session variables plus `--var` values.

use std::collections::BTreeMap;

use super::ConfigError;
use crate::cli::SessionArgs;

/// Variables available to the instructions, by name.
#[derive(Debug, Clone, Default)]
pub struct SessionConfig {
    /// Variable name → value.
    pub vars: BTreeMap<String, String>,
}

impl SessionConfig {
    /// Validates `--var NAME=VALUE` and the identity flags.
    pub fn from_args(args: &SessionArgs) -> Result<Self, ConfigError> {
        let mut vars = BTreeMap::new();
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
            vars.insert(name.trim().to_string(), value.to_string());
        }
        Ok(Self { vars })
    }
}
