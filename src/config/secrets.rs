//! The one list of lectern's own secrets in the environment: no child process (shells, examiner tests,
//! anything lectern starts) inherits them, and no session variable of the same name is exported to one.
//! With the cookie secret a learner in a terminal could mint staff logins; with the services password
//! download anything the service routes serve (issue 11, finding 5).

/// Environment variables that hold lectern's own credentials. Every flag declared with
/// `hide_env_values = true` in `cli` must be listed here (a test checks it).
pub const SECRET_ENV: &[&str] = &[
    "AUTH_PASSWORD",
    "LECTERN_LOGIN_TOKEN",
    "PORTAL_CLIENT_SECRET",
    "LECTERN_COOKIE_SECRET",
    "SERVICES_PASSWORD",
    "CONFIG_PASSWORD",
    "WEBDAV_PASSWORD",
    "GIT_PASSWORD",
    "LECTERN_EDITOR_SECRET",
];

/// Whether `name` is one of lectern's secrets (compared as the environment does: exactly).
pub fn is_secret_env(name: &str) -> bool {
    SECRET_ENV.contains(&name)
}

/// Makes this process non-dumpable, so `/proc/<lectern>/environ` (which still holds the secrets lectern
/// was started with) and `/proc/<lectern>/mem` belong to root: a shell of the same user cannot read
/// them. Children are dumpable again after their `exec`. Logged, not fatal, when it fails.
pub fn protect_process_environment() {
    #[cfg(target_os = "linux")]
    if let Err(error) = nix::sys::prctl::set_dumpable(false) {
        tracing::warn!(%error, "cannot hide lectern's environment from its shells (PR_SET_DUMPABLE)");
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// Every hidden-value environment variable of every subcommand is in `SECRET_ENV`, and the list
    /// holds nothing else (a new secret flag cannot be forgotten here).
    #[test]
    fn the_list_is_exactly_the_hidden_env_flags() {
        let command = crate::cli::Cli::command();
        let mut hidden: Vec<String> = command
            .get_subcommands()
            .flat_map(|sub| sub.get_arguments())
            .filter(|arg| arg.is_hide_env_values_set())
            .filter_map(|arg| arg.get_env().map(|env| env.to_string_lossy().into_owned()))
            .collect();
        hidden.sort();
        hidden.dedup();
        let mut listed: Vec<String> = SECRET_ENV.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(hidden, listed);
    }
}
