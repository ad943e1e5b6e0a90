//! What `lectern test` found, per page and per action, and its three forms: text for people, JSON, JUnit XML.

use std::fmt::Write as _;

use serde::Serialize;

use crate::content::html::escape;

/// How one action (or a page's check script) went.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "result", rename_all = "lowercase")]
pub enum Outcome {
    /// It did what a learner's click would, and that worked.
    Passed,
    /// It failed: why, and the last lines of its output.
    Failed {
        /// Why, in a sentence.
        message: String,
        /// The output's tail.
        output: String,
    },
    /// Not run headless (UI only, or needs the network).
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One action of a page.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// The action type (`terminal:execute`) or `check` for a page's check script.
    pub action: String,
    /// 1-based line of the block in the page's source.
    pub line: u32,
    /// What it does, as its title shows (`Execute: ls`).
    pub title: String,
    /// How it went.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Seconds it took.
    pub seconds: f64,
}

/// One page.
#[derive(Debug, Clone, Serialize)]
pub struct PageReport {
    /// Its key (`exercises/01-intro`).
    pub key: String,
    /// Its title.
    pub title: String,
    /// Its source file, relative to the workshop.
    pub source: String,
    /// Its actions in order.
    pub cases: Vec<Case>,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The workshop's title.
    pub workshop: String,
    /// Pages in order.
    pub pages: Vec<PageReport>,
    /// Seconds the whole run took.
    pub seconds: f64,
}

/// Counts of a set of cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Skipped.
    pub skipped: usize,
}

impl Counts {
    fn of<'a>(cases: impl IntoIterator<Item = &'a Case>) -> Self {
        let mut counts = Self::default();
        for case in cases {
            match case.outcome {
                Outcome::Passed => counts.passed += 1,
                Outcome::Failed { .. } => counts.failed += 1,
                Outcome::Skipped { .. } => counts.skipped += 1,
            }
        }
        counts
    }

    fn total(&self) -> usize {
        self.passed + self.failed + self.skipped
    }
}

impl Report {
    /// Counts over every page.
    pub fn counts(&self) -> Counts {
        Counts::of(self.pages.iter().flat_map(|page| &page.cases))
    }

    /// For people: a line per action, failures with their output, a summary last.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for page in &self.pages {
            let counts = Counts::of(&page.cases);
            let mark = if counts.failed > 0 { "FAIL" } else { "ok  " };
            let _ = writeln!(out, "{mark} page {} — {} ({})", page.key, page.title, page.source);
            for case in &page.cases {
                let (word, detail) = match &case.outcome {
                    Outcome::Passed => ("ok  ", String::new()),
                    Outcome::Failed { message, .. } => ("FAIL", format!(": {message}")),
                    Outcome::Skipped { reason } => ("skip", format!(" ({reason})")),
                };
                let _ = writeln!(
                    out,
                    "  {word} {}:{} {} — {}{detail} [{:.1} s]",
                    page.source, case.line, case.action, case.title, case.seconds
                );
                if let Outcome::Failed { output, .. } = &case.outcome
                    && !output.trim().is_empty()
                {
                    for line in output.lines() {
                        let _ = writeln!(out, "       | {line}");
                    }
                }
            }
        }
        let counts = self.counts();
        let _ = writeln!(
            out,
            "{}: {} pages; {} passed, {} failed, {} skipped in {:.1} s",
            self.workshop,
            self.pages.len(),
            counts.passed,
            counts.failed,
            counts.skipped,
            self.seconds
        );
        out
    }

    /// JUnit XML: a test suite per page, a test case per action (`<failure>` with the output, `<skipped>`).
    pub fn junit(&self) -> String {
        let counts = self.counts();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3}\">",
            attr(&self.workshop),
            counts.total(),
            counts.failed,
            counts.skipped,
            self.seconds
        );
        for (id, page) in self.pages.iter().enumerate() {
            let counts = Counts::of(&page.cases);
            let time: f64 = page.cases.iter().map(|case| case.seconds).sum();
            let _ = writeln!(
                out,
                "  <testsuite id=\"{id}\" name=\"{}\" package=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{time:.3}\">",
                attr(&page.key),
                attr(&self.workshop),
                counts.total(),
                counts.failed,
                counts.skipped,
            );
            for case in &page.cases {
                let _ = write!(
                    out,
                    "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.3}\"",
                    attr(&format!(
                        "{}:{} {} — {}",
                        page.source, case.line, case.action, case.title
                    )),
                    attr(&page.key),
                    attr(&page.source),
                    case.line,
                    case.seconds
                );
                match &case.outcome {
                    Outcome::Passed => out.push_str("/>\n"),
                    Outcome::Failed { message, output } => {
                        let _ = writeln!(
                            out,
                            ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                            attr(message),
                            attr(&case.action),
                            escape(&xml_text(output))
                        );
                    }
                    Outcome::Skipped { reason } => {
                        let _ = writeln!(
                            out,
                            ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                            attr(reason)
                        );
                    }
                }
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }
}

/// Text XML 1.0 may carry: control characters other than tab and newline are dropped.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\t' || c == '\n' || !c.is_control())
        .collect()
}

fn attr(text: &str) -> String {
    escape(&xml_text(text)).replace('\n', "&#10;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            workshop: "W & co".into(),
            seconds: 1.5,
            pages: vec![PageReport {
                key: "01-a".into(),
                title: "A".into(),
                source: "workshop/content/01-a.md".into(),
                cases: vec![
                    Case {
                        action: "terminal:execute".into(),
                        line: 3,
                        title: "Execute: ls <x>".into(),
                        outcome: Outcome::Failed {
                            message: "exit 2".into(),
                            output: "no \u{1b}such\nfile".into(),
                        },
                        seconds: 0.2,
                    },
                    Case {
                        action: "dashboard:open-dashboard".into(),
                        line: 9,
                        title: "Open".into(),
                        outcome: Outcome::Skipped {
                            reason: "UI only".into(),
                        },
                        seconds: 0.0,
                    },
                ],
            }],
        }
    }

    #[test]
    fn junit_counts_and_escapes() {
        let xml = report().junit();
        assert!(xml.contains("<testsuites name=\"W &amp; co\" tests=\"2\" failures=\"1\""));
        assert!(xml.contains("Execute: ls &lt;x&gt;"));
        assert!(xml.contains(">no such\nfile</failure>"));
        assert!(xml.contains("<skipped message=\"UI only\"/>"));
    }

    #[test]
    fn text_names_page_line_and_output() {
        let text = report().text();
        assert!(text.contains("FAIL page 01-a"));
        assert!(text.contains("workshop/content/01-a.md:3 terminal:execute"));
        assert!(text.contains("       | file"));
        assert!(text.ends_with("1 pages; 0 passed, 1 failed, 1 skipped in 1.5 s\n"));
    }
}
