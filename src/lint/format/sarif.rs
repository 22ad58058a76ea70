//! SARIF 2.1.0 for code scanning, built by hand with serde_json: the rule
//! table is the whole check catalogue, each finding a result with its
//! physical location, and a `lint_ignore` an in-source suppression.

use serde_json::{json, Value};

use super::display_path;
use crate::lint::catalogue::{self, Severity};
use crate::lint::{Diagnostic, LintReport};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(report: &LintReport) -> String {
    let rules: Vec<Value> = catalogue::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.code,
                "name": c.name,
                "shortDescription": {"text": c.summary},
                "defaultConfiguration": {"level": level(c.default)},
            })
        })
        .collect();
    let results: Vec<Value> = report.diagnostics.iter().map(result).collect();
    let notifications: Vec<Value> = report
        .problems
        .iter()
        .map(|p| json!({"level": "error", "message": {"text": p.to_string()}}))
        .collect();
    let value = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "firedrill",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": report.problems.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result(d: &Diagnostic) -> Value {
    let index = catalogue::ALL.iter().position(|c| c.code == d.check.code);
    let mut text = d.message.clone();
    if let Some(fix) = &d.fix {
        text.push_str(&format!(" (fix: {fix})"));
    }
    let mut region = serde_json::Map::new();
    if let Some(line) = d.line {
        region.insert("startLine".into(), json!(line));
    }
    if let Some(col) = d.column {
        region.insert("startColumn".into(), json!(col));
        region.insert("endColumn".into(), json!(col + d.width));
    }
    let mut location = json!({"artifactLocation": {"uri": display_path(&d.file)}});
    if !region.is_empty() {
        location["region"] = Value::Object(region);
    }
    let mut result = json!({
        "ruleId": d.check.code,
        "ruleIndex": index,
        "level": level(d.severity),
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
    });
    if let Some(reason) = &d.suppressed {
        result["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
    }
    result
}
