//! Reporters: each renders the one result model of a run in one format.

pub mod json;
pub mod regression;
pub mod table;

use clap::ValueEnum;

/// The output formats of `firedrill test`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables and failure details for people.
    Table,
    /// The whole result model as one JSON document (see docs/output.md).
    Json,
}

/// Renders a report in a format.
pub fn render(report: &crate::replay::Report, format: Format) -> String {
    match format {
        Format::Table => table::render(report),
        Format::Json => json::render(report),
    }
}
