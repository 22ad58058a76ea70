//! The report for machines: the result model as one JSON document, with a
//! schema version so consumers can tell when it changes.

use serde::Serialize;

use crate::replay::Report;

/// Bumped when a field is renamed or removed; adding fields keeps it.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    passed: bool,
    #[serde(flatten)]
    report: &'a Report,
}

/// Renders the report as pretty JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        passed: report.passed() && !report.had_bad_input(),
        report,
    };
    let mut text =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
