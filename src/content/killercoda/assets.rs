//! Copying a scenario's `details.assets` to their targets before it starts: `file` is a path or glob
//! (`*`, `?`, `**`) below the scenario's `assets/` folder, `target` a folder (`~` and `/root` are the home
//! folder of whoever runs lectern, as Killercoda's user is root), `chmod` a mode such as `+x`, `u+rw` or
//! `755`. A glob's files keep their path below the glob's fixed folder; a folder is copied whole.
//!
//! Sources stay inside `assets/` and every file written stays inside its target folder (`crate::jail`: a
//! symlink in the way is replaced, never followed out). Problems are reported, never fatal.

use std::path::{Path, PathBuf};

use super::{Asset, Scenario};
use crate::jail::Jail;

/// What installing the assets did: files copied, and problems (one line each).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// `(source relative to assets/, destination)` of every file copied.
    pub copied: Vec<(String, PathBuf)>,
    /// Problems, one sentence each.
    pub problems: Vec<String>,
}

/// The folder an asset `target` names, with `~` and `/root` meaning `home`.
pub fn target_dir(target: &str, home: &Path) -> PathBuf {
    let target = target.trim();
    let below_home = |rest: &str| home.join(rest.trim_start_matches('/'));
    if target == "~" || target == "/root" {
        return home.to_path_buf();
    }
    if let Some(rest) = target
        .strip_prefix("~/")
        .or_else(|| target.strip_prefix("/root/"))
    {
        return below_home(rest);
    }
    if Path::new(target).is_absolute() {
        PathBuf::from(target)
    } else {
        below_home(target)
    }
}

/// Copies every asset of `scenario` for a machine whose home folder is `home`.
pub fn install(scenario: &Scenario, home: &Path) -> Report {
    let mut report = Report::default();
    if scenario.assets.is_empty() {
        return report;
    }
    let assets_dir = scenario.root.join("assets");
    let source = match Jail::new(&assets_dir) {
        Ok(jail) => jail,
        Err(error) => {
            report
                .problems
                .push(format!("no assets folder {}: {error}", assets_dir.display()));
            return report;
        }
    };
    for asset in &scenario.assets {
        install_one(asset, &source, home, &mut report);
    }
    report
}

fn install_one(asset: &Asset, source: &Jail, home: &Path, report: &mut Report) {
    let pattern = asset.file.trim().trim_start_matches("./").trim_start_matches('/');
    let files = match matching_files(source, pattern) {
        Ok(files) if !files.is_empty() => files,
        Ok(_) => {
            report
                .problems
                .push(format!("asset `{}` matches no file in assets/", asset.file));
            return;
        }
        Err(error) => {
            report.problems.push(format!("asset `{}`: {error}", asset.file));
            return;
        }
    };
    let target = target_dir(&asset.target, home);
    if let Err(error) = std::fs::create_dir_all(&target) {
        report.problems.push(format!(
            "cannot create {} for `{}`: {error}",
            target.display(),
            asset.file
        ));
        return;
    }
    let jail = match Jail::new(&target) {
        Ok(jail) => jail,
        Err(error) => {
            report.problems.push(format!("{}: {error}", target.display()));
            return;
        }
    };
    let mode = asset.chmod.as_deref().map(parse_chmod);
    if let Some(Err(problem)) = &mode {
        report.problems.push(format!("asset `{}`: {problem}", asset.file));
    }
    for (real, relative) in files {
        match copy_into(&jail, &real, &relative) {
            Ok(written) => {
                if let Some(Ok(change)) = &mode
                    && let Err(error) = apply_mode(&written, change)
                {
                    report
                        .problems
                        .push(format!("chmod {}: {error}", written.display()));
                }
                report.copied.push((relative, written));
            }
            Err(error) => report.problems.push(format!("cannot copy `{relative}`: {error}")),
        }
    }
}

/// Copies `real` to `relative` below the jail's root; a symlink at the destination is replaced.
fn copy_into(jail: &Jail, real: &Path, relative: &str) -> Result<PathBuf, String> {
    let (parent, name) = match relative.rsplit_once('/') {
        Some((parent, name)) => (jail.create_dir_all(parent).map_err(|e| e.to_string())?, name),
        None => (jail.root().to_path_buf(), relative),
    };
    let destination = parent.join(name);
    if std::fs::symlink_metadata(&destination).is_ok_and(|m| m.file_type().is_symlink()) {
        std::fs::remove_file(&destination).map_err(|e| e.to_string())?;
    }
    std::fs::copy(real, &destination).map_err(|e| e.to_string())?;
    Ok(destination)
}

fn has_glob(segment: &str) -> bool {
    segment.contains(['*', '?', '['])
}

/// The files `pattern` names below the jail's root: `(real path, destination path)` where the destination
/// is relative to the pattern's fixed folder (a plain file: its name; a folder: its name and below).
fn matching_files(source: &Jail, pattern: &str) -> Result<Vec<(PathBuf, String)>, String> {
    let segments: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let fixed = segments.iter().take_while(|s| !has_glob(s)).count();
    let base_rel = segments[..fixed].join("/");
    let base = if base_rel.is_empty() {
        source.root().to_path_buf()
    } else {
        source.resolve(&base_rel).map_err(|e| e.to_string())?
    };
    let mut out = Vec::new();
    if fixed == segments.len() {
        // No glob: one file, or one folder copied whole under its own name.
        let name = segments.last().copied().unwrap_or_default().to_string();
        if base.is_file() {
            out.push((base, name));
        } else if base.is_dir() {
            for (real, below) in walk(source, &base) {
                out.push((real, format!("{name}/{below}")));
            }
        }
        return Ok(out);
    }
    let rest = &segments[fixed..];
    for (real, below) in walk(source, &base) {
        let parts: Vec<&str> = below.split('/').collect();
        if glob_match(rest, &parts) {
            out.push((real, below));
        }
    }
    Ok(out)
}

/// Every file below `dir` (real paths inside the jail; each real folder once), with its path below `dir`.
pub fn walk(jail: &Jail, dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = stack.pop() {
        let Ok(real) = jail.contain(&folder) else { continue };
        if !seen.insert(real.clone()) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&real) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let below = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let Ok(path) = jail.contain(&entry.path()) else {
                continue;
            };
            if path.is_dir() {
                stack.push((path, below));
            } else if path.is_file() {
                out.push((path, below));
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// Shell-style matching of path segments: `**` any number of folders, `*` and `?` within a name (a leading
/// `.` only matched by a pattern that starts with one), `[abc]` classes.
fn glob_match(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| glob_match(rest, &path[skip..])),
        Some((first, rest)) => match path.split_first() {
            Some((name, tail)) => {
                (!name.starts_with('.') || first.starts_with('.'))
                    && name_match(first.as_bytes(), name.as_bytes())
                    && glob_match(rest, tail)
            }
            None => false,
        },
    }
}

fn name_match(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|skip| name_match(rest, &name[skip..])),
        Some((b'?', rest)) => !name.is_empty() && name_match(rest, &name[1..]),
        Some((b'[', rest)) if rest.contains(&b']') => {
            let close = rest.iter().position(|b| *b == b']').unwrap_or(0);
            let (class, after) = (&rest[..close], &rest[close + 1..]);
            let (negate, class) = match class.split_first() {
                Some((b'!' | b'^', tail)) => (true, tail),
                _ => (false, class),
            };
            name.split_first().is_some_and(|(c, tail)| {
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == b'-' {
                        hit |= (class[i]..=class[i + 2]).contains(c);
                        i += 3;
                    } else {
                        hit |= class[i] == *c;
                        i += 1;
                    }
                }
                hit != negate && name_match(after, tail)
            })
        }
        Some((c, rest)) => name.first() == Some(c) && name_match(rest, &name[1..]),
    }
}

/// A shell word in single quotes.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// The target folder as a shell word: `~` and `/root` are `$HOME`.
fn shell_target(target: &str) -> String {
    let sentinel = Path::new("/lectern-home-folder");
    let dir = target_dir(target, sentinel);
    match dir.strip_prefix(sentinel) {
        Ok(rest) if rest.as_os_str().is_empty() => "\"$HOME\"".to_string(),
        Ok(rest) => format!("\"$HOME\"/{}", quote(&rest.to_string_lossy())),
        Err(_) => quote(&dir.to_string_lossy()),
    }
}

/// A bash script doing what [`install`] does, for a workshop converted by `lectern import`
/// (`workshop/setup.d/`, run by Educates at session start; the assets are in `workshop/assets/`).
pub fn setup_script(scenario: &Scenario) -> String {
    let mut out = String::from(
        "#!/bin/bash\n\
         # Copies the scenario's assets (index.json details.assets) to their targets, as Killercoda did before\n\
         # the scenario started. Written by `lectern import`; Educates runs workshop/setup.d/ at session start.\n\
         set -u\n\
         shopt -s nullglob globstar\n\
         assets=\"$(cd \"$(dirname \"$0\")/..\" && pwd)/assets\"\n\n\
         # copy BASE PATTERN TARGET [MODE]: files PATTERN matches below assets/BASE, kept below BASE in TARGET.\n\
         copy() {\n\
         \x20 local base=\"$assets/$1\" pattern=\"$2\" target=\"$3\" mode=\"${4:-}\" IFS=$'\\n'\n\
         \x20 [ -d \"$base\" ] || return 0\n\
         \x20 (cd \"$base\" && for file in $pattern; do\n\
         \x20   if [ -d \"$file\" ]; then set -- \"$file\"/**; else set -- \"$file\"; fi\n\
         \x20   for each in \"$@\"; do\n\
         \x20     [ -f \"$each\" ] || continue\n\
         \x20     mkdir -p \"$target/$(dirname \"$each\")\" && cp -f \"$each\" \"$target/$each\" || continue\n\
         \x20     [ -z \"$mode\" ] || chmod \"$mode\" \"$target/$each\"\n\
         \x20   done\n\
         \x20 done)\n\
         }\n\n",
    );
    for asset in &scenario.assets {
        let pattern = asset.file.trim().trim_start_matches("./").trim_start_matches('/');
        let segments: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
        let fixed = segments.iter().take_while(|s| !has_glob(s)).count();
        // A plain path keeps only its last name below the target (as `install` does).
        let base_len = if fixed == segments.len() {
            fixed.saturating_sub(1)
        } else {
            fixed
        };
        let base = segments[..base_len].join("/");
        let glob = segments[base_len..].join("/");
        out.push_str(&format!(
            "copy {} {} {}{}\n",
            quote(&base),
            quote(&glob),
            shell_target(&asset.target),
            asset
                .chmod
                .as_deref()
                .map(|m| format!(" {}", quote(m.trim())))
                .unwrap_or_default()
        ));
    }
    out
}

/// A `chmod` value: absolute (`755`) or symbolic (`+x`, `u+rw,go-w`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModeChange {
    /// Set these bits.
    Absolute(u32),
    /// `(who mask, op, permission bits)` clauses.
    Symbolic(Vec<(u32, char, u32)>),
}

/// Parses a `chmod` value.
pub fn parse_chmod(text: &str) -> Result<ModeChange, String> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return u32::from_str_radix(text, 8)
            .ok()
            .filter(|mode| *mode <= 0o7777)
            .map(ModeChange::Absolute)
            .ok_or_else(|| format!("`chmod: {text}` is not a mode"));
    }
    let mut clauses = Vec::new();
    for clause in text.split(',') {
        let op_at = clause
            .find(['+', '-', '='])
            .ok_or_else(|| format!("`chmod: {text}` is not a mode"))?;
        let (who, rest) = clause.split_at(op_at);
        let mut mask = 0;
        for c in who.chars() {
            mask |= match c {
                'u' => 0o4700,
                'g' => 0o2070,
                'o' => 0o1007,
                'a' => 0o7777,
                _ => return Err(format!("`chmod: {text}` is not a mode")),
            };
        }
        if mask == 0 {
            mask = 0o7777;
        }
        let op = rest.chars().next().unwrap_or('+');
        let mut bits = 0;
        for c in rest[1..].chars() {
            bits |= match c {
                'r' => 0o444,
                'w' => 0o222,
                'x' => 0o111,
                's' => 0o6000,
                't' => 0o1000,
                _ => return Err(format!("`chmod: {text}` is not a mode")),
            };
        }
        clauses.push((mask, op, bits));
    }
    Ok(ModeChange::Symbolic(clauses))
}

/// The mode after `change` (symbolic `+w` without `who` is applied for everyone, like Killercoda's root).
pub fn changed_mode(mode: u32, change: &ModeChange) -> u32 {
    match change {
        ModeChange::Absolute(bits) => *bits,
        ModeChange::Symbolic(clauses) => clauses.iter().fold(mode & 0o7777, |mode, (who, op, bits)| {
            let bits = bits & who;
            match op {
                '+' => mode | bits,
                '-' => mode & !bits,
                _ => (mode & !who) | bits,
            }
        }),
    }
}

#[cfg(unix)]
fn apply_mode(path: &Path, change: &ModeChange) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(changed_mode(mode, change)))
}

#[cfg(not(unix))]
fn apply_mode(_: &Path, _: &ModeChange) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_a_shell() {
        let m = |p: &str, path: &str| {
            glob_match(
                &p.split('/').collect::<Vec<_>>(),
                &path.split('/').collect::<Vec<_>>(),
            )
        };
        assert!(m("*", "a.yml"));
        assert!(!m("*", ".curlrc"));
        assert!(m(".*", ".curlrc"));
        assert!(!m("*", "dir/a.yml"));
        assert!(m("**", "dir/a.yml"));
        assert!(m("**/*.json", "a.json"));
        assert!(m("**/*.json", "x/y/a.json"));
        assert!(!m("**/*.json", "x/y/a.yaml"));
        assert!(m("conf/[a-c]?.txt", "conf/b1.txt"));
        assert!(!m("conf/[!a-c]?.txt", "conf/b1.txt"));
    }

    #[test]
    fn chmod_values() {
        let change = |text: &str, mode: u32| changed_mode(mode, &parse_chmod(text).expect("mode"));
        assert_eq!(change("+x", 0o644), 0o755);
        assert_eq!(change("+rwx", 0o600), 0o777);
        assert_eq!(change("u+x,go-w", 0o666), 0o744);
        assert_eq!(change("755", 0o600), 0o755);
        assert_eq!(change("a=r", 0o755), 0o444);
        assert!(parse_chmod("+q").is_err());
        assert!(parse_chmod("999").is_err());
    }

    #[test]
    fn targets_in_the_home_folder() {
        let home = Path::new("/home/learner");
        assert_eq!(target_dir("~/", home), home);
        assert_eq!(target_dir("/root/", home), home);
        assert_eq!(target_dir("/root/envoy", home), home.join("envoy"));
        assert_eq!(target_dir("/education", home), Path::new("/education"));
        assert_eq!(target_dir("app", home), home.join("app"));
    }
}
