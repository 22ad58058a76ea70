//! The format for people: findings grouped by file, each with its source
//! line and a caret under the problem, then a one-line summary.

use std::fmt::Write;

use super::display_path;
use crate::lint::{Diagnostic, LintReport};

pub fn render(report: &LintReport) -> String {
    let mut out = String::new();
    let mut current = None;
    for d in &report.diagnostics {
        if current != Some(&d.file) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{}", display_path(&d.file));
            current = Some(&d.file);
        }
        finding(&mut out, report, d);
    }
    if !report.problems.is_empty() {
        out.push_str("\nInput that could not be read:\n");
        for problem in &report.problems {
            let _ = writeln!(out, "  {problem}");
        }
    }
    summary(&mut out, report);
    out
}

fn finding(out: &mut String, report: &LintReport, d: &Diagnostic) {
    let place = match (d.line, d.column) {
        (Some(l), Some(c)) => format!("{l}:{c}"),
        (Some(l), None) => l.to_string(),
        _ => "-".to_string(),
    };
    let _ = writeln!(
        out,
        "  {place} {} {} {}",
        d.severity.as_str(),
        d.check.code,
        d.message
    );
    if let (Some(line), Some(text)) = (d.line, report.source_line(d)) {
        let gutter = " ".repeat(line.to_string().len());
        let _ = writeln!(out, "  {gutter} |");
        let _ = writeln!(out, "  {line} | {}", text.trim_end());
        let _ = writeln!(out, "  {gutter} | {}", caret(text, d));
    }
    if let Some(fix) = &d.fix {
        let _ = writeln!(out, "  {} = fix: {fix}", pad(d));
    }
    if let Some(reason) = &d.suppressed {
        let _ = writeln!(out, "  {} = suppressed by lint_ignore: {reason}", pad(d));
    }
}

/// Spaces (tabs kept, so the caret lines up) up to the column, then `^`s.
fn caret(line: &str, d: &Diagnostic) -> String {
    let column = d.column.unwrap_or(1).max(1);
    let lead: String = line
        .chars()
        .take(column - 1)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let room = line.chars().count().saturating_sub(column - 1).max(1);
    format!("{lead}{}", "^".repeat(d.width.clamp(1, room)))
}

fn summary(out: &mut String, report: &LintReport) {
    let verdict = if !report.problems.is_empty() {
        "INCOMPLETE"
    } else if report.errors() > 0 {
        "FAIL"
    } else {
        "PASS"
    };
    if !report.diagnostics.is_empty() || !report.problems.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{verdict}: {} errors, {} warnings, {} suppressed in {} detections ({} files)",
        report.errors(),
        report.warnings(),
        report.suppressed(),
        report.detections,
        report.files
    );
}

/// Blanks as wide as the line number, so notes line up under the gutter.
fn pad(d: &Diagnostic) -> String {
    " ".repeat(d.line.map_or(0, |l| l.to_string().len()))
}
