//! `lectern test` flags (src/walk.rs).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::SessionArgs;

/// `lectern test`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  lectern test ./my-workshop\n  lectern test ./my-workshop --junit report.xml\n  lectern test ./my-workshop --pages 02-setup,03-deploy --timeout 120 --keep"
)]
pub struct TestArgs {
    /// Workshop directory.
    pub dir: PathBuf,
    /// Write a JUnit XML report here (a test suite per page, a test case per action).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Report format on standard output.
    #[arg(long, value_enum, default_value_t = TestFormat::Text)]
    pub format: TestFormat,
    /// Only these pages: keys, step numbers or parts of keys, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub pages: Vec<String>,
    /// Seconds a command or test may run before it fails (a command a later step interrupts gets 3 s).
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// Run in this home folder instead of a scratch one (it is not removed).
    #[arg(long, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Keep the scratch home and the terminals' asciicast recordings, and say where.
    #[arg(long)]
    pub keep: bool,
    /// Run each page's `workshop/examiner/pages/<page>/solve` instead of its actions (tests the checks).
    #[arg(long)]
    pub solve: bool,
    /// No progress lines on standard error.
    #[arg(long, short)]
    pub quiet: bool,
    /// Session variables.
    #[command(flatten)]
    pub session: SessionArgs,
}

/// Output format of `lectern test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// A line per action, failures with their output's tail, a summary.
    Text,
    /// One JSON object: pages, actions, results.
    Json,
}
