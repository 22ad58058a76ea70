//! One JSON document for machines. `schema_version` is bumped when a field
//! is renamed or removed; new fields may appear without a bump.

use serde_json::json;

use super::display_path;
use crate::lint::LintReport;

pub fn render(report: &LintReport) -> String {
    let diagnostics: Vec<serde_json::Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "code": d.check.code,
                "name": d.check.name,
                "severity": d.severity,
                "file": display_path(&d.file),
                "line": d.line,
                "column": d.column,
                "message": d.message,
                "fix": d.fix,
                "suppressed": d.suppressed,
            })
        })
        .collect();
    let value = json!({
        "schema_version": 1,
        "passed": report.problems.is_empty() && report.errors() == 0,
        "totals": {
            "files": report.files,
            "detections": report.detections,
            "errors": report.errors(),
            "warnings": report.warnings(),
            "suppressed": report.suppressed(),
        },
        "diagnostics": diagnostics,
        "problems": report.problems,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
