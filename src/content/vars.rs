//! Variables for the instructions: defaults for the standard session variables (their table lives in
//! `config`, which reads them), workshop data variables with environment overrides, and the `%x%` / `$(x)` syntaxes.

use super::{Mapped, Variables};
pub use crate::config::STANDARD_VARIABLES as STANDARD;

/// The inline-copy marker the classic `{{ copy }}` variable and Hugo `{{< copy >}}` produce.
pub const COPY_MARKER: &str = "<sup class=\"inline-copy far fa-copy\"></sup>";

/// `vars` plus every standard variable it lacks (with its default) and the classic workshops' names
/// ([`classic_aliases`]), so a standard name is never undefined.
pub fn with_defaults(vars: &Variables) -> Variables {
    let mut all = vars.clone();
    for (name, _, default) in STANDARD {
        all.entry((*name).to_string())
            .or_insert_with(|| (*default).to_string());
    }
    for (name, value) in classic_aliases(&all) {
        all.entry(name.to_string()).or_insert(value);
    }
    all
}

/// The variables homeroom-era classic workshops use (`%console_url%`, `%project_namespace%`, …), which
/// their renderer defined and Educates dropped, as aliases of what lectern has: the console, terminal and
/// slides routes and the instructions beside each other on the session's origin (homeroom's
/// `<base_url>/../console`), the user and project as the session's name and namespace, the routes' domain
/// as the ingress domain, and the registry a learner pushes to (the session's, else the cluster's).
/// A value given for the same name (`--var`, workshop data variables) wins.
fn classic_aliases(all: &Variables) -> [(&'static str, String); 8] {
    let get = |name: &str| all.get(name).cloned().unwrap_or_default();
    let origin = get("session_url");
    let route = |path: &str| format!("{}{path}", origin.trim_end_matches('/'));
    let registry = Some(get("registry_host"))
        .filter(|host| !host.is_empty())
        .unwrap_or_else(|| get("image_repository"));
    [
        ("base_url", route("/workshop")),
        ("console_url", route("/console")),
        ("terminal_url", route("/terminal")),
        ("slides_url", route("/slides")),
        ("username", get("session_name")),
        ("project_namespace", get("session_namespace")),
        ("cluster_subdomain", get("ingress_domain")),
        ("image_registry", registry),
    ]
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

/// `%name%` references in `text` that `percent` leaves as written because no variable has the name —
/// the learner would read them raw: `(1-based line, 1-based column, name)`. Only names a variable could have count
/// (lowercase, 3+ characters: `%grafana_url%`, not `date +%Y%m%d` or `%PATH%`).
pub fn unresolved_percent(text: &str, vars: &Variables) -> Vec<(u32, u32, String)> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find('%') {
            let after = &rest[start + 1..];
            let name_len = after
                .bytes()
                .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
                .count();
            let name = &after[..name_len];
            if name_len >= 3
                && after.as_bytes().get(name_len) == Some(&b'%')
                && name.as_bytes()[0].is_ascii_lowercase()
            {
                if !vars.contains_key(name) && name != "copy" {
                    let offset = line.len() - rest.len() + start;
                    let column = line[..offset].chars().count() as u32 + 1;
                    found.push((index as u32 + 1, column, name.to_string()));
                }
                rest = &after[name_len + 1..];
            } else {
                rest = after;
            }
        }
    }
    found
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
    fn unresolved_percent_names_what_a_learner_reads_raw() {
        let found = unresolved_percent(
            "open %grafana_url% as %session_name%\ndate +%Y%m%d; echo %PATH% 50% off\n%ingres_domain%",
            &vars(),
        );
        assert_eq!(
            found,
            [
                (1, 6, "grafana_url".to_string()),
                (3, 1, "ingres_domain".to_string())
            ]
        );
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
    fn classic_names_alias_the_session_variables() {
        let mut v = vars();
        v.insert("session_url".into(), "https://s1.example.test/".into());
        v.insert("session_namespace".into(), "s1-ns".into());
        v.insert("slides_url".into(), "https://slides.test".into());
        let all = with_defaults(&v);
        let page = "%base_url% %console_url%/k8s/ns/%project_namespace% %terminal_url%/session/1 \
                    %slides_url% %username% %cluster_subdomain% %image_registry%";
        assert_eq!(
            percent(page, &all).text,
            "https://s1.example.test/workshop https://s1.example.test/console/k8s/ns/s1-ns \
             https://s1.example.test/terminal/session/1 https://slides.test s1 example.test \
             registry.default.svc.cluster.local"
        );
        v.insert("registry_host".into(), "registry-s1.example.test".into());
        assert_eq!(with_defaults(&v)["image_registry"], "registry-s1.example.test");
        assert_eq!(with_defaults(&Variables::new())["console_url"], "/console");
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
