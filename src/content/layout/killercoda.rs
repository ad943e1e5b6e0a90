//! Killercoda / Katacoda scenario folders (`index.json` with `details`): intro, steps and finish as pages
//! in that order, keys `intro`, `step1`…, `finish`, titles from `index.json` (else the page's first
//! heading, else `Introduction` / `Step N` / `Finish`, chosen when rendering).

use std::path::{Path, PathBuf};

use super::{Entry, Layout, PageKind, read_page};
use crate::content::frontmatter::PageOptions;
use crate::content::killercoda::Scenario;
use crate::content::{Diagnostic, Format};

/// Fills `layout` from the scenario at `dir`.
pub fn scenario_pages(dir: &Path, layout: &mut Layout, diagnostics: &mut Vec<Diagnostic>) {
    let (scenario, scenario_diags) = Scenario::load(dir);
    diagnostics.extend(scenario_diags);
    layout.format = Format::Killercoda;
    layout.title = Some(scenario.title.clone());
    layout.description = scenario.description.clone();
    for page in &scenario.pages {
        let path = dir.join(&page.text);
        let Some(text) = read_page(dir, &path, diagnostics) else {
            continue;
        };
        layout.entries.push(Entry {
            key: page.key.clone(),
            path,
            title: page.title.clone(),
            exit_sign: None,
            kind: PageKind::Killercoda,
            text,
            options: PageOptions {
                require_checks: page.verify.is_some(),
                foreground: page.foreground.as_ref().map(PathBuf::from),
            },
        });
    }
    if let Some(warning) = scenario.hosts_warning() {
        diagnostics.push(Diagnostic::warning(
            Path::new(crate::content::killercoda::INDEX),
            0,
            warning,
        ));
    }
    layout.scenario = Some(scenario);
}
