//! `lectern import DIR --out WORKSHOP`: writes a Killercoda/Katacoda scenario as an Educates (Hugo)
//! workshop — pages with front matter and fenced action blocks, `verify`/`background` scripts as examiner
//! tests, foreground scripts, images and assets as workshop files (plus a `setup.d` script copying the
//! assets), `resources/workshop.yaml` — then loads the result and checks it shows the same actions.
//! The conversion itself is `content::killercoda::convert`; this file reads and writes.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use crate::cli::ImportArgs;
use crate::content::killercoda::{assets, convert, is_scenario, page};
use crate::content::links::Resolver;
use crate::content::{Severity, Variables, Workshop, load_workshop};
use crate::jail::Jail;

/// Image files copied beside the pages (relative image URLs keep working).
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp"];

/// One file to write: contents and whether it is executable.
struct Output {
    bytes: Vec<u8>,
    executable: bool,
}

/// Runs the import; the exit code: 0 done, 1 the result does not show the same actions, 2 usage.
pub fn run(args: &ImportArgs) -> u8 {
    if !is_scenario(&args.dir) {
        eprintln!(
            "error: {}: not a Killercoda/Katacoda scenario (no index.json with `details`)",
            args.dir.display()
        );
        return 2;
    }
    if std::fs::read_dir(&args.out).is_ok_and(|mut entries| entries.next().is_some()) {
        eprintln!(
            "error: {}: exists and is not empty; choose a new folder",
            args.out.display()
        );
        return 2;
    }
    let (workshop, diagnostics) = load_workshop(&args.dir, &Variables::new());
    for diagnostic in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        eprintln!("{diagnostic}");
    }
    let files = match convert_files(&workshop) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("error: {error}");
            return 2;
        }
    };
    if let Err(error) = write_all(&args.out, &files) {
        eprintln!("error: cannot write {}: {error}", args.out.display());
        return 2;
    }
    // The converted workshop must show what the scenario shows.
    let (converted, converted_diagnostics) = load_workshop(&args.out, &Variables::new());
    let count = |w: &Workshop| {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for action in w.pages.iter().flat_map(|p| &p.actions) {
            *counts.entry(action.action_type.clone()).or_default() += 1;
        }
        counts
    };
    let (before, after) = (count(&workshop), count(&converted));
    let errors = converted_diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    eprintln!(
        "{}: {} pages, {} actions, {} files written to {}",
        workshop.title,
        converted.pages.len(),
        after.values().sum::<usize>(),
        files.len(),
        args.out.display()
    );
    if before != after || converted.pages.len() != workshop.pages.len() || errors > 0 {
        eprintln!(
            "error: the converted workshop differs: pages {} → {}, actions {before:?} → {after:?}, {errors} errors",
            workshop.pages.len(),
            converted.pages.len()
        );
        for diagnostic in converted_diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            eprintln!("{diagnostic}");
        }
        return 1;
    }
    0
}

/// A page path in `workshop/content/`: the scenario's path, except names Hugo treats as section or
/// bundle pages; a path used twice gets a suffix.
fn page_path(text: &str, used: &mut HashSet<PathBuf>) -> PathBuf {
    let original = Path::new(text.trim_start_matches("./"));
    let stem = original
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = if stem == "index" || stem == "_index" {
        format!("{stem}-page")
    } else {
        stem
    };
    let parent = original.parent().unwrap_or(Path::new(""));
    let mut candidate = parent.join(format!("{stem}.md"));
    let mut n = 2;
    while !used.insert(candidate.clone()) {
        candidate = parent.join(format!("{stem}-{n}.md"));
        n += 1;
    }
    candidate
}

/// A script as an executable: a `#!/bin/bash` line unless it has one (the format runs scripts with bash).
fn executable_script(text: &[u8]) -> Vec<u8> {
    if text.starts_with(b"#!") {
        text.to_vec()
    } else {
        let mut out = b"#!/bin/bash\n".to_vec();
        out.extend_from_slice(text);
        out
    }
}

/// Every file of the converted workshop, by path relative to its root.
fn convert_files(workshop: &Workshop) -> Result<BTreeMap<PathBuf, Output>, String> {
    let scenario = workshop.scenario.as_ref().ok_or("not a scenario")?;
    let root = &scenario.root;
    let jail = Jail::new(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let read = |name: &str| -> Result<Vec<u8>, String> {
        let real = jail
            .resolve_file(name.trim_start_matches("./"))
            .map_err(|e| format!("{name}: {e}"))?;
        std::fs::read(real).map_err(|e| format!("{name}: {e}"))
    };
    let content = PathBuf::from("workshop").join("content");
    let mut files = BTreeMap::new();
    let mut ports = BTreeSet::new();
    let mut used = HashSet::new();
    let keys: HashSet<String> = workshop.pages.iter().map(|p| p.key.clone()).collect();
    for (index, shown) in workshop.pages.iter().enumerate() {
        let Some(source) = scenario.page(&shown.key) else {
            continue;
        };
        let text = String::from_utf8_lossy(&read(&source.text)?).into_owned();
        let extras = scenario.extras(&shown.key, index == 0);
        let resolver = Resolver {
            file: &shown.source,
            key: &shown.key,
            dir: "",
            keys: &keys,
            content_dir: root,
            static_dirs: &[],
        };
        let (_, edits) = page::render_converting(&text, &resolver, &extras);
        let body = convert::apply(&text, &edits, &mut ports);
        let foreground = source
            .foreground
            .as_ref()
            .map(|script| format!("workshop/scripts/{}", script.trim_start_matches("./")));
        let markdown = convert::page_markdown(
            source,
            index + 1,
            &shown.title,
            &body,
            &extras,
            foreground.as_deref(),
        );
        files.insert(
            content.join(page_path(&source.text, &mut used)),
            Output {
                bytes: markdown.into_bytes(),
                executable: false,
            },
        );
        for script in [&source.verify, &source.background].into_iter().flatten() {
            let path = PathBuf::from("workshop/examiner/tests").join(script.trim_start_matches("./"));
            files.insert(
                path,
                Output {
                    bytes: executable_script(&read(script)?),
                    executable: true,
                },
            );
        }
        if let Some(script) = &source.foreground {
            let path = PathBuf::from("workshop/scripts").join(script.trim_start_matches("./"));
            files.insert(
                path,
                Output {
                    bytes: read(script)?,
                    executable: true,
                },
            );
        }
    }
    // Images beside the pages, at the same relative paths.
    for (real, relative) in assets::walk(&jail, jail.root()) {
        let image = Path::new(&relative)
            .extension()
            .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_string_lossy().to_ascii_lowercase().as_str()));
        if image && !relative.split('/').any(|part| part.starts_with('.')) {
            let bytes = std::fs::read(&real).map_err(|e| format!("{relative}: {e}"))?;
            files.insert(
                content.join(&relative),
                Output {
                    bytes,
                    executable: false,
                },
            );
        }
    }
    // Assets, and the script that copies them at session start.
    if !scenario.assets.is_empty() {
        let assets_dir = root.join("assets");
        if let Ok(real) = jail.contain(&assets_dir) {
            for (file, relative) in assets::walk(&jail, &real) {
                let bytes = std::fs::read(&file).map_err(|e| format!("assets/{relative}: {e}"))?;
                files.insert(
                    PathBuf::from("workshop/assets").join(&relative),
                    Output {
                        bytes,
                        executable: false,
                    },
                );
            }
        }
        files.insert(
            PathBuf::from("workshop/setup.d/01-scenario-assets.sh"),
            Output {
                bytes: assets::setup_script(scenario).into_bytes(),
                executable: true,
            },
        );
    }
    for name in ["LICENSE", "LICENSE.md", "LICENSE.txt", "NOTICE"] {
        if let Ok(bytes) = read(name) {
            files.insert(
                PathBuf::from(name),
                Output {
                    bytes,
                    executable: false,
                },
            );
        }
    }
    files.insert(
        PathBuf::from("resources/workshop.yaml"),
        Output {
            bytes: convert::workshop_yaml(scenario, &workshop.definition, &ports).into_bytes(),
            executable: false,
        },
    );
    Ok(files)
}

/// Writes `files` below `out` (created), executables with mode 755.
fn write_all(out: &Path, files: &BTreeMap<PathBuf, Output>) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    let jail = Jail::new(out)?;
    for (path, output) in files {
        let relative = path.to_string_lossy().replace('\\', "/");
        let (parent, name) = match relative.rsplit_once('/') {
            Some((parent, name)) => (
                jail.create_dir_all(parent).map_err(std::io::Error::other)?,
                name.to_string(),
            ),
            None => (jail.root().to_path_buf(), relative.clone()),
        };
        let target = parent.join(name);
        std::fs::write(&target, &output.bytes)?;
        #[cfg(unix)]
        if output.executable {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    Ok(())
}
