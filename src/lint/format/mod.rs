//! Output formats of `firedrill lint`, one file each, all rendering the
//! same [`LintReport`]. None of them prints colour codes.

mod github;
mod json;
mod sarif;
mod text;

use super::LintReport;

/// How to print a lint report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    /// For people: grouped by file, each finding with its source line.
    #[default]
    Text,
    /// One JSON document for machines.
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// Renders the report in `format`.
pub fn render(report: &LintReport, format: LintFormat) -> String {
    match format {
        LintFormat::Text => text::render(report),
        LintFormat::Json => json::render(report),
        LintFormat::Github => github::render(report),
        LintFormat::Sarif => sarif::render(report),
    }
}

/// The path as output shows it: forward slashes on every platform.
fn display_path(path: &std::path::Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
