//! A small Liquid engine for classic pages: `{{ name | filter }}`, `{% if/elsif/else/unless/case %}`,
//! `{% raw %}`, `{% comment %}`, `{% assign %}`, `{% include %}`/`{% render %}`. Values are strings;
//! undefined names are warnings with the source line; text that is not Liquid is left as written.
//!
//! Files: `parse` (tokens → node tree), `eval` (one method per node kind, output with a line map),
//! `expr` (values, filters, conditions), `tests`.

mod eval;
mod expr;
mod filters;
mod parse;

use super::{Mapped, Variables};
use eval::Eval;

/// A problem found while templating, at a source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// 1-based source line.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

/// Reads an included file (`{% include 'name' %}`), relative to the content folder.
pub type Includer<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Renders `source` with `vars`; `first_line` is the source line of its first byte.
pub fn render(
    source: &str,
    vars: &Variables,
    include: Includer<'_>,
    first_line: u32,
) -> (Mapped, Vec<Issue>) {
    let mut eval = Eval::new(source, first_line, vars.clone(), include, 0);
    eval.run();
    (eval.out, eval.issues)
}

#[cfg(test)]
mod tests;
