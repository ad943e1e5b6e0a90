//! Session-ingress matching: host labels (`<name>-<session>.<domain>` and the deprecated
//! `<session>-<name>.<domain>`) and path filters (a trailing `/` is a prefix; otherwise exact or
//! followed by `/`), against their definitions rather than their code.

use lectern::proxy::routes::{ingress_label, path_matches, strip_port};
use proptest::prelude::*;

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,12}[a-z0-9])?"
}

fn domain() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,8}(\\.[a-z0-9]{1,8}){0,3}"
}

fn segment() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9._~%-]{1,8}"
}

fn path() -> impl Strategy<Value = String> {
    proptest::collection::vec(segment(), 0..5).prop_map(|segments| format!("/{}", segments.join("/")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn a_host_names_the_label_it_was_built_from(
        name in label(),
        session in label(),
        domain in domain(),
        port in proptest::option::of(1u16..),
        upper in any::<bool>(),
    ) {
        let mut host = format!("{name}-{session}.{domain}");
        if upper {
            host = host.to_ascii_uppercase();
        }
        if let Some(port) = port {
            host = format!("{host}:{port}");
        }
        let found = ingress_label(&host, &session, &domain).map(str::to_ascii_lowercase);
        // `<name>-<session>` wins; a name that itself looks like `<session>-x` is read the same way.
        prop_assert!(found.is_some(), "{} gave no label", host);
        let found = found.unwrap_or_default();
        let rebuilt = [
            format!("{found}-{session}.{domain}"),
            format!("{session}-{found}.{domain}"),
        ];
        prop_assert!(rebuilt.contains(&strip_port(&host).to_ascii_lowercase()), "{} → {}", host, found);
    }

    #[test]
    fn other_hosts_name_no_ingress(
        name in label(),
        session in label(),
        domain in domain(),
        other in domain(),
    ) {
        prop_assume!(other != domain && !other.ends_with(&format!(".{domain}")));
        // Another domain, the session's own dashboard host and a deeper host are not ingresses.
        let hosts = [
            format!("{name}-{session}.{other}"),
            format!("{session}.{domain}"),
            format!("x.{name}-{session}.{domain}"),
        ];
        for host in &hosts {
            prop_assert_eq!(ingress_label(host, &session, &domain), None, "{}", host);
        }
    }

    #[test]
    fn path_filters_match_whole_segments(filter in path(), rest in path(), suffix in "[a-zA-Z0-9]{1,4}") {
        let prefix = if filter == "/" { filter.clone() } else { format!("{filter}/") };
        // Exact filter and prefix filter both accept the filter itself and everything below it.
        for f in [&filter, &prefix] {
            prop_assert!(path_matches(f, &filter), "{} rejects {}", f, filter);
            let below = format!("{}{}", prefix, rest.trim_start_matches('/'));
            prop_assert!(path_matches(f, &below), "{} rejects {}", f, below);
        }
        // ...but never a sibling that merely starts with the same letters.
        if filter != "/" {
            let sibling = format!("{filter}{suffix}");
            prop_assert!(!path_matches(&filter, &sibling), "{} accepts {}", filter, sibling);
            prop_assert!(!path_matches(&prefix, &sibling), "{} accepts {}", prefix, sibling);
        }
    }

    #[test]
    fn the_root_filter_matches_every_path(path in path()) {
        prop_assert!(path_matches("/", &path));
    }
}
