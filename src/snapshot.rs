//! Alert snapshots: the exact alerts of a fixture, kept as a YAML file
//! beside its label so that every change to what fires is a diff a reviewer
//! reads in the pull request.
//!
//! The rendering is deterministic (alerts sorted by event, then detection;
//! context fields in declared order) and holds nothing that changes from run
//! to run, such as paths outside the repository or times.

use std::path::Path;

use serde_yaml::{Mapping, Value};
use similar::TextDiff;

use crate::fixture::Fixture;
use crate::replay::{Alert, ContextValue, FixtureRun, Outcome, SnapshotStatus, UNAVAILABLE};

/// Renders a fixture's alerts as snapshot text.
pub fn render(run: &FixtureRun) -> String {
    let mut doc = Mapping::new();
    doc.insert("fixture".into(), run.name.clone().into());
    let log = run
        .log
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    doc.insert("log".into(), log.into());
    doc.insert("events".into(), (run.events as u64).into());
    let alerts: Vec<Value> = run.alerts.iter().map(alert_value).collect();
    doc.insert("alerts".into(), Value::Sequence(alerts));
    let body = serde_yaml::to_string(&doc).unwrap_or_default();
    format!("# Alerts of this fixture, written by `firedrill test --accept`. Review changes like code.\n{body}")
}

fn alert_value(alert: &Alert) -> Value {
    let mut map = Mapping::new();
    map.insert("event".into(), (alert.event as u64).into());
    map.insert("detection".into(), alert.detection.clone().into());
    map.insert("title".into(), alert.title.clone().into());
    map.insert("outcome".into(), outcome_text(&alert.outcome).into());
    if !alert.events.is_empty() {
        let events = alert.events.iter().map(|&e| Value::from(e as u64));
        map.insert("events".into(), Value::Sequence(events.collect()));
    }
    if !alert.context.is_empty() {
        let context: Mapping = alert
            .context
            .iter()
            .map(|(field, value)| (field.clone().into(), context_value(value)))
            .collect();
        map.insert("context".into(), Value::Mapping(context));
    }
    let plan = &alert.response;
    if !plan.automated.is_empty() || !plan.needs_approval.is_empty() {
        map.insert("response".into(), response_value(alert));
    }
    Value::Mapping(map)
}

fn response_value(alert: &Alert) -> Value {
    let plan = &alert.response;
    let list = |items: &[String]| Value::Sequence(items.iter().map(|s| s.clone().into()).collect());
    let mut map = Mapping::new();
    map.insert("automated".into(), list(&plan.automated));
    map.insert("needs_approval".into(), list(&plan.needs_approval));
    if let Some(reason) = &plan.blocked_by {
        map.insert("blocked_by".into(), reason.clone().into());
    }
    Value::Mapping(map)
}

/// The outcome as one readable word (and the matched pattern).
pub fn outcome_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Hit => "hit".to_string(),
        Outcome::ExpectedFalsePositive { pattern } => {
            format!("expected false positive ({pattern})")
        }
        Outcome::FalsePositive => "false positive".to_string(),
    }
}

fn context_value(value: &ContextValue) -> Value {
    match value {
        ContextValue::Present(v) => serde_yaml::to_value(v).unwrap_or(Value::Null),
        ContextValue::Unavailable(_) => UNAVAILABLE.into(),
    }
}

/// Compares a run with its committed snapshot; with `accept`, writes the
/// new snapshot where it differs.
pub fn check(fixture: &Fixture, run: &FixtureRun, accept: bool) -> std::io::Result<SnapshotStatus> {
    let path = fixture.snapshot_path();
    let new = render(run);
    let old = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    // A Windows checkout may turn the committed file's line ends into CRLF.
    let old = old.map(|text| text.replace("\r\n", "\n"));
    if old.as_deref() == Some(new.as_str()) {
        return Ok(SnapshotStatus::Matched);
    }
    if accept {
        std::fs::write(&path, &new)?;
        return Ok(SnapshotStatus::Written);
    }
    let diff = unified_diff(&path, old.as_deref().unwrap_or(""), &new);
    Ok(match old {
        None => SnapshotStatus::Missing { diff },
        Some(_) => SnapshotStatus::Changed { diff },
    })
}

/// A unified diff from the committed snapshot to the new one.
pub fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{name} (committed)"),
            &format!("{name} (this run)"),
        )
        .to_string()
}
