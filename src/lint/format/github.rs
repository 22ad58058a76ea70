//! GitHub Actions workflow commands: each finding becomes an annotation on
//! the pull request's diff (`::error file=...,line=...,col=...::message`).
//! Suppressed findings become notices, so the reason stays visible.

use std::fmt::Write;

use super::display_path;
use crate::lint::catalogue::Severity;
use crate::lint::LintReport;

pub fn render(report: &LintReport) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let command = match (d.suppressed.is_some(), d.severity) {
            (true, _) => "notice",
            (false, Severity::Error) => "error",
            (false, Severity::Warning) => "warning",
        };
        let mut properties = format!("file={}", property(&display_path(&d.file)));
        if let Some(line) = d.line {
            let _ = write!(properties, ",line={line}");
        }
        if let Some(col) = d.column {
            let _ = write!(properties, ",col={col}");
        }
        let title = format!("{} {}", d.check.code, d.check.name);
        let _ = write!(properties, ",title={}", property(&title));
        let mut message = d.message.clone();
        if let Some(fix) = &d.fix {
            let _ = write!(message, " (fix: {fix})");
        }
        if let Some(reason) = &d.suppressed {
            let _ = write!(message, " (suppressed: {reason})");
        }
        let _ = writeln!(out, "::{command} {properties}::{}", data(&message));
    }
    for problem in &report.problems {
        let file = property(&display_path(&problem.file));
        let _ = writeln!(out, "::error file={file}::{}", data(&problem.message));
    }
    out
}

/// Escapes a message the way the runner unescapes it.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Property values also may not hold `:` or `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
