//! Renders a SigmaHQ regression run: every failing rule with its counts,
//! skipped rules with their reasons, and a summary line.

use std::fmt::Write;

use crate::regression::Suite;

/// The report for people.
pub fn table(suite: &Suite) -> String {
    let mut out = String::new();
    for rule in suite.rules.iter().filter(|r| !r.passed()) {
        let _ = writeln!(out, "FAIL {} ({})", rule.title, rule.rule.display());
        for log in &rule.logs {
            let _ = write!(
                out,
                "  {}: {} matches, at least {} expected",
                log.log.display(),
                log.matches,
                rule.expected_matches
            );
            if let Some(error) = &log.error {
                let _ = write!(out, " (read error: {error})");
            }
            out.push('\n');
        }
        if rule.logs.is_empty() {
            out.push_str("  no test log found\n");
        }
    }
    for problem in &suite.problems {
        let _ = writeln!(out, "SKIPPED {problem}");
    }
    out.push_str(&summary(suite));
    out.push('\n');
    out
}

/// One line: rules passed, and logs passed per format.
pub fn summary(suite: &Suite) -> String {
    let logs = |ext: &str| {
        let of_kind: Vec<_> = suite
            .rules
            .iter()
            .flat_map(|r| &r.logs)
            .filter(|l| l.log.extension().is_some_and(|e| e == ext))
            .collect();
        let passed = of_kind.iter().filter(|l| l.passed).count();
        format!("{passed}/{} {ext} logs", of_kind.len())
    };
    let verdict = match (
        suite.problems.is_empty(),
        suite.passed_count() == suite.rules.len(),
    ) {
        (false, _) => "INCOMPLETE",
        (true, true) => "PASS",
        (true, false) => "FAIL",
    };
    format!(
        "{verdict}: sigma regression: {}/{} rules pass ({}, {}), {} rules skipped",
        suite.passed_count(),
        suite.rules.len(),
        logs("evtx"),
        logs("json"),
        suite.problems.len()
    )
}

/// The report for machines.
pub fn json(suite: &Suite) -> String {
    let mut text = serde_json::to_string_pretty(suite).unwrap_or_default();
    text.push('\n');
    text
}
