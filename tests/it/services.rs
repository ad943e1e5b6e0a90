//! Session services (issue 15): WebDAV on the files folder (litmus, containment, credentials), Git over
//! smart HTTP with the real `git` client, the Files tab's API and the session lifecycle. Shared helpers here; the tests are in `services/*.rs`.

mod files;
mod git;
mod lifecycle;
mod webdav;

use std::path::Path;

use lectern::config::{Config, Secret, WorkshopSource};

/// A configuration serving a three-page workshop in `workshop`, with auth `none`.
pub fn config(workshop: &Path) -> Config {
    crate::site::three_page_workshop(workshop);
    let mut config = Config::for_tests(WorkshopSource::Dir(workshop.to_path_buf()));
    config.session.vars.insert("session_name".into(), "s1".into());
    config
        .session
        .vars
        .insert("ingress_domain".into(), "lectern.test".into());
    config
}

/// `Some(Secret(text))`.
pub fn secret(text: &str) -> Option<Secret> {
    Some(Secret(text.to_string()))
}

/// `Authorization: Basic` for `user:password`.
pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}
