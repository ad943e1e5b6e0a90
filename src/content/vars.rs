//! Variables for the instructions: the standard session variables (names and defaults of the original
//! platform), workshop data variables with environment overrides, and the `%x%` / `$(x)` syntaxes.

use super::{Mapped, Variables};

/// Standard session variables: name, environment variable, default when unset.
pub const STANDARD: &[(&str, &str, &str)] = &[
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

/// The inline-copy marker the classic `{{ copy }}` variable and Hugo `{{< copy >}}` produce.
pub const COPY_MARKER: &str = "<sup class=\"inline-copy far fa-copy\"></sup>";

/// Standard variables read from the process environment (unset → default).
pub fn from_environment() -> Variables {
    STANDARD
        .iter()
        .map(|(name, env, default)| {
            let value = std::env::var(env).unwrap_or_else(|_| (*default).to_string());
            ((*name).to_string(), value)
        })
        .collect()
}

/// `vars` plus every standard variable it lacks (with its default), so a standard name is never undefined.
pub fn with_defaults(vars: &Variables) -> Variables {
    let mut all = vars.clone();
    for (name, _, default) in STANDARD {
        all.entry((*name).to_string())
            .or_insert_with(|| (*default).to_string());
    }
    all
}

/// A workshop data variable (`config.vars` of `modules.yaml`, `params` of `config.yaml`): its value is
/// `value`, overridden by the first alias set in `vars` or the environment, or (without aliases) by the
/// variable of the same name.
pub fn data_variable(name: &str, value: &str, aliases: &[String], vars: &Variables) -> String {
    let lookup = |key: &str| vars.get(key).cloned().or_else(|| std::env::var(key).ok());
    if aliases.is_empty() {
        return lookup(name).unwrap_or_else(|| value.to_string());
    }
    aliases
        .iter()
        .find_map(|alias| lookup(alias))
        .unwrap_or_else(|| value.to_string())
}

/// Looks a name up: a variable, or `ENV_<NAME>` from the process environment (classic pages).
pub fn lookup(vars: &Variables, name: &str) -> Option<String> {
    if let Some(value) = vars.get(name) {
        return Some(value.clone());
    }
    if name == "copy" {
        return Some(COPY_MARKER.to_string());
    }
    name.strip_prefix("ENV_").and_then(|env| std::env::var(env).ok())
}

/// Legacy `%name%` replacement of classic pages: only defined names are replaced, others stay literal.
pub fn percent(input: &str, vars: &Variables) -> Mapped {
    let mut out = Mapped::new(1);
    let mut rest = input;
    while let Some(start) = rest.find('%') {
        let after = &rest[start + 1..];
        let name_len = after
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        if name_len > 0 && after.as_bytes().get(name_len) == Some(&b'%') {
            let name = &after[..name_len];
            if let Some(value) = vars.get(name) {
                out.verbatim(&rest[..start]);
                out.generated(value);
                rest = &after[name_len + 1..];
                continue;
            }
        }
        out.verbatim(&rest[..start + 1]);
        rest = after;
    }
    out.verbatim(rest);
    out
}

/// `$(name)` substitution for workshop-definition values (dashboard URLs, ingress hosts); unknown names
/// are left as written and returned in the second value.
pub fn dollar(input: &str, vars: &Variables) -> (String, Vec<String>) {
    let mut out = String::with_capacity(input.len());
    let mut unknown = Vec::new();
    let mut rest = input;
    while let Some(start) = rest.find("$(") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find(')') {
            Some(end) if is_name(&after[..end]) => {
                let name = &after[..end];
                match vars.get(name) {
                    Some(value) => out.push_str(value),
                    None => {
                        unknown.push(name.to_string());
                        out.push_str(&rest[start..start + 3 + end]);
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("$(");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, unknown)
}

fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Variables {
        [("session_name", "s1"), ("ingress_domain", "example.test")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn percent_replaces_known_names_only() {
        let out = percent("a %session_name% b %GUID% 50% off %", &vars());
        assert_eq!(out.text, "a s1 b %GUID% 50% off %");
    }

    #[test]
    fn dollar_replaces_known_names_and_reports_unknown() {
        let (out, unknown) = dollar("https://$(session_name).$(ingress_domain)/$(nope) $( x", &vars());
        assert_eq!(out, "https://s1.example.test/$(nope) $( x");
        assert_eq!(unknown, vec!["nope".to_string()]);
    }

    #[test]
    fn defaults_fill_standard_names() {
        let all = with_defaults(&vars());
        assert_eq!(all["session_name"], "s1");
        assert_eq!(all["cluster_domain"], "cluster.local");
        assert_eq!(all["session_namespace"], "");
    }

    #[test]
    fn data_variable_prefers_aliases() {
        let v = vars();
        assert_eq!(data_variable("x", "dflt", &[], &v), "dflt");
        assert_eq!(data_variable("session_name", "dflt", &[], &v), "s1");
        assert_eq!(
            data_variable("x", "dflt", &["ingress_domain".to_string()], &v),
            "example.test"
        );
    }
}
