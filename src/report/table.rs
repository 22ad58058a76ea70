//! The report for people: a table per detection, a table per fixture, the
//! details of every failure, every skipped input, and one summary line.
//!
//! Plain text only (no colour codes), so it reads the same in a terminal,
//! a CI log and a snapshot test.

use std::fmt::Write;

use tabled::settings::Style;
use tabled::{Table, Tabled};

use crate::replay::{DetectionSummary, FixtureRun, Report, SnapshotStatus};

#[derive(Tabled)]
struct DetectionRow {
    #[tabled(rename = "detection")]
    title: String,
    owner: String,
    fixtures: usize,
    hits: usize,
    misses: usize,
    #[tabled(rename = "expected fp")]
    expected_fp: usize,
    #[tabled(rename = "unexpected fp")]
    unexpected_fp: usize,
    result: &'static str,
}

#[derive(Tabled)]
struct FixtureRow {
    fixture: String,
    #[tabled(rename = "data source")]
    data_source: String,
    events: usize,
    alerts: usize,
    hits: usize,
    misses: usize,
    #[tabled(rename = "expected fp")]
    expected_fp: usize,
    #[tabled(rename = "unexpected fp")]
    unexpected_fp: usize,
    snapshot: &'static str,
}

/// Renders the whole report.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    out.push_str(&detections_table(&report.detections));
    out.push_str("\n\n");
    out.push_str(&fixtures_table(&report.fixtures));
    out.push('\n');
    out.push_str(&failures(report));
    out.push_str(&problems(report));
    out.push('\n');
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

fn detections_table(detections: &[DetectionSummary]) -> String {
    let rows = detections.iter().map(|d| DetectionRow {
        title: d.title.clone(),
        owner: d.owner.clone().unwrap_or_else(|| "-".to_string()),
        fixtures: d.fixtures,
        hits: d.hits,
        misses: d.misses,
        expected_fp: d.expected_false_positives,
        unexpected_fp: d.false_positives,
        result: match (d.fixtures, d.passed()) {
            (0, _) => "untested",
            (_, true) => "pass",
            (_, false) => "FAIL",
        },
    });
    Table::new(rows).with(Style::markdown()).to_string()
}

fn fixtures_table(fixtures: &[FixtureRun]) -> String {
    let rows = fixtures.iter().map(|f| {
        let sum =
            |pick: fn(&crate::replay::DetectionOutcome) -> usize| f.outcomes.iter().map(pick).sum();
        FixtureRow {
            fixture: f.name.clone(),
            data_source: f.data_source.clone(),
            events: f.events,
            alerts: f.alerts.len(),
            hits: sum(|o| o.hits.len()),
            misses: sum(|o| o.misses.len()),
            expected_fp: sum(|o| o.expected_false_positives.len()),
            unexpected_fp: sum(|o| o.false_positives.len()),
            snapshot: snapshot_word(&f.snapshot),
        }
    });
    Table::new(rows).with(Style::markdown()).to_string()
}

fn snapshot_word(status: &SnapshotStatus) -> &'static str {
    match status {
        SnapshotStatus::Unchecked => "-",
        SnapshotStatus::Matched => "ok",
        SnapshotStatus::Written => "written",
        SnapshotStatus::Missing { .. } => "MISSING",
        SnapshotStatus::Changed { .. } => "CHANGED",
    }
}

/// Each miss, unexpected false positive and snapshot difference, by fixture.
fn failures(report: &Report) -> String {
    let mut out = String::new();
    for fixture in report.fixtures.iter().filter(|f| !f.passed()) {
        let _ = writeln!(out, "\nFAIL {} ({})", fixture.name, fixture.log.display());
        out.push_str(&outcome_failures(report, fixture));
        out.push_str(&snapshot_failure(&fixture.snapshot, report.had_bad_input()));
    }
    out
}

fn outcome_failures(report: &Report, fixture: &FixtureRun) -> String {
    let mut out = String::new();
    let mut missed = false;
    for o in fixture.outcomes.iter().filter(|o| !o.passed()) {
        let title = title_of(report, &o.detection);
        if !o.misses.is_empty() {
            missed = true;
            let events = list(&o.misses);
            let _ = writeln!(
                out,
                "  miss: {title} [{}] did not fire on event(s) {events}",
                o.detection
            );
        }
        if !o.false_positives.is_empty() {
            let events = list(&o.false_positives);
            let _ = writeln!(
                out,
                "  unexpected false positive: {title} [{}] fired on event(s) {events}",
                o.detection
            );
        }
    }
    if missed {
        let _ = writeln!(
            out,
            "  (to see the events as rules see them: firedrill events {})",
            fixture.log.display()
        );
    }
    out
}

fn snapshot_failure(status: &SnapshotStatus, bad_input: bool) -> String {
    // With skipped input the new alerts are incomplete: accepting them now
    // would record the breakage.
    let accept = if bad_input {
        "fix the skipped input below first; then `firedrill test --accept` writes it"
    } else {
        "`firedrill test --accept` writes it"
    };
    match status {
        SnapshotStatus::Missing { diff } => format!("  snapshot missing ({accept}):\n{diff}\n"),
        SnapshotStatus::Changed { diff } => {
            format!("  alerts differ from the snapshot ({accept}):\n{diff}\n")
        }
        _ => String::new(),
    }
}

fn title_of<'a>(report: &'a Report, key: &'a str) -> &'a str {
    report
        .detections
        .iter()
        .find(|d| d.detection == key)
        .map_or(key, |d| d.title.as_str())
}

fn list(events: &[usize]) -> String {
    events
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn problems(report: &Report) -> String {
    if report.problems.is_empty() {
        return String::new();
    }
    let mut out = format!("\nSkipped input ({}):\n", report.problems.len());
    for problem in &report.problems {
        let _ = writeln!(out, "  {problem}");
    }
    out
}

/// One line that says everything: counts, and the verdict.
pub fn summary_line(report: &Report) -> String {
    let t = &report.totals;
    let verdict = if report.had_bad_input() {
        "INCOMPLETE"
    } else if report.passed() {
        "PASS"
    } else {
        "FAIL"
    };
    let mut line = format!(
        "{verdict}: {} detections, {} fixtures, {} events, {} alerts: {} hits, {} misses, \
         {} expected false positives, {} unexpected false positives, {} snapshot differences",
        t.detections,
        t.fixtures,
        t.events,
        t.alerts,
        t.hits,
        t.misses,
        t.expected_false_positives,
        t.false_positives,
        t.snapshots_failed
    );
    if report.had_bad_input() {
        let _ = write!(
            line,
            "; skipped {} detection files, {} fixtures, {} labels, {} corrupt records",
            t.skipped_detections, t.skipped_fixtures, t.skipped_labels, t.corrupt_records
        );
    }
    line
}
