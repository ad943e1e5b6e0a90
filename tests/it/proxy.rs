//! proxy integration tests (real sockets, real upstreams): forwarding and header hygiene, websockets,
//! session ingresses by host and path, upstream failures, unbuffered streaming, real code-server, and the
//! throughput comparison with nginx.

#![allow(clippy::unwrap_used)] // tests may unwrap (STYLE: no unwrap in server paths)

mod browser;
mod code_server;
mod forwarding;
mod hardening;
mod ingress;
mod instructions;
pub mod upstream;

use std::path::Path;

use lectern::config::{Config, WorkshopSource};

/// Session name used by the tests' host names.
pub const SESSION: &str = "s1";
/// Ingress domain used by the tests' host names.
pub const DOMAIN: &str = "example.test";

/// A temporary workshop whose `resources/workshop.yaml` has `session_yaml` under `spec.session`.
pub fn workshop(session_yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_workshop(dir.path(), session_yaml);
    dir
}

/// Writes the workshop files into `root`.
pub fn write_workshop(root: &Path, session_yaml: &str) {
    std::fs::create_dir_all(root.join("resources")).unwrap();
    std::fs::create_dir_all(root.join("workshop/content")).unwrap();
    std::fs::write(root.join("workshop/content/01-hello.md"), "# Hello\n").unwrap();
    let indented: String = session_yaml.lines().map(|l| format!("    {l}\n")).collect();
    let yaml = format!(
        "apiVersion: training.educates.dev/v1beta1\nkind: Workshop\nmetadata:\n  name: test\nspec:\n  title: Test\n  session:\n{indented}"
    );
    std::fs::write(root.join("resources/workshop.yaml"), yaml).unwrap();
}

/// Loopback, no-auth configuration for `root` with the tests' session name and domain.
pub fn config(root: &Path) -> Config {
    let mut config = Config::for_tests(WorkshopSource::Dir(root.to_path_buf()));
    config.session.vars.insert("session_name".into(), SESSION.into());
    config.session.vars.insert("ingress_domain".into(), DOMAIN.into());
    config.proxy.response_timeout = std::time::Duration::from_secs(2);
    config
}

/// `<name>-s1.example.test` with the server's port.
pub fn ingress_host(name: &str, port: u16) -> String {
    format!("{name}-{SESSION}.{DOMAIN}:{port}")
}
