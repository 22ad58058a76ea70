//! The result model of a replay: typed outcomes that every reporter reads.
//!
//! Nothing here renders anything; reporters in `crate::report` consume these
//! values, and the JSON output is their serde form (documented in
//! `docs/output.md`).

use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use crate::detection::ResponsePlan;
use crate::problem::Problem;

/// What one alert means for the fixture it fired on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The event is labelled as one this detection must fire on.
    Hit,
    /// Not labelled, but it matches one of the detection's declared
    /// false-positive patterns.
    ExpectedFalsePositive { pattern: String },
    /// Not labelled and not declared: tuning work, and a failure.
    FalsePositive,
}

/// A first-context field's value as the analyst would see it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ContextValue {
    Present(Value),
    /// The field is not in the event; shown, never hidden.
    Unavailable(Unavailable),
}

/// Serialises as the marker string `<unavailable>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unavailable;

impl Serialize for Unavailable {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(UNAVAILABLE)
    }
}

/// How a missing first-context field is written.
pub const UNAVAILABLE: &str = "<unavailable>";

/// The contract's `first_context` fields as an alert on `event` shows
/// them, in declared order; a missing field is shown as unavailable.
pub fn first_context(
    contract: &crate::detection::Contract,
    event: &crate::event::Event,
) -> Vec<(String, ContextValue)> {
    contract
        .first_context
        .iter()
        .map(|field| {
            let value = match event.first_value(field) {
                Some(v) => ContextValue::Present(v.clone()),
                None => ContextValue::Unavailable(Unavailable),
            };
            (field.clone(), value)
        })
        .collect()
}

/// One detection firing on one event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alert {
    /// 1-based position of the event in its log.
    pub event: usize,
    /// Line of the log the event starts on.
    pub line: usize,
    pub detection: String,
    pub title: String,
    pub level: Option<String>,
    pub outcome: Outcome,
    /// The detection's `first_context` fields, in the order declared.
    #[serde(serialize_with = "ordered_map")]
    pub context: Vec<(String, ContextValue)>,
    pub response: ResponsePlan,
    /// For a correlation: every event (1-based) that made it, the
    /// completing one (`event`) included. Empty for a single-event rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<usize>,
}

/// One detection's result on one fixture, as event positions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DetectionOutcome {
    pub detection: String,
    pub hits: Vec<usize>,
    pub misses: Vec<usize>,
    pub expected_false_positives: Vec<usize>,
    pub false_positives: Vec<usize>,
    /// Declared in the label's `quiet` list: it must stay silent here.
    pub quiet: bool,
}

impl DetectionOutcome {
    /// Counts one detection's result from the events it must fire on, the
    /// events it fired on, and its own alerts (whose outcomes are set).
    pub fn tally<'a>(
        detection: &str,
        quiet: bool,
        expected: &std::collections::BTreeSet<usize>,
        fired: &std::collections::BTreeSet<usize>,
        alerts: impl IntoIterator<Item = &'a Alert>,
    ) -> DetectionOutcome {
        let mut outcome = DetectionOutcome {
            detection: detection.to_string(),
            quiet,
            hits: fired.intersection(expected).copied().collect(),
            misses: expected.difference(fired).copied().collect(),
            ..DetectionOutcome::default()
        };
        for alert in alerts {
            match alert.outcome {
                Outcome::Hit => {}
                Outcome::ExpectedFalsePositive { .. } => {
                    outcome.expected_false_positives.push(alert.event)
                }
                Outcome::FalsePositive => outcome.false_positives.push(alert.event),
            }
        }
        outcome
    }

    /// Puts every list in event order (correlations report in time order).
    pub fn sort(&mut self) {
        self.hits.sort_unstable();
        self.misses.sort_unstable();
        self.expected_false_positives.sort_unstable();
        self.false_positives.sort_unstable();
    }

    pub fn passed(&self) -> bool {
        self.misses.is_empty() && self.false_positives.is_empty()
    }
}

/// How a fixture's alerts compare with its committed snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SnapshotStatus {
    /// Snapshots were not checked.
    Unchecked,
    Matched,
    /// `--accept` wrote the file (it was missing or different).
    Written,
    /// No snapshot yet; `diff` is the whole new file.
    Missing {
        diff: String,
    },
    Changed {
        diff: String,
    },
}

impl SnapshotStatus {
    pub fn failed(&self) -> bool {
        matches!(
            self,
            SnapshotStatus::Missing { .. } | SnapshotStatus::Changed { .. }
        )
    }
}

/// A corrupt record of a fixture's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CorruptRecord {
    pub event: usize,
    pub line: usize,
    pub reason: String,
}

/// One fixture's replay.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FixtureRun {
    pub name: String,
    pub label_file: PathBuf,
    pub log: PathBuf,
    pub data_source: String,
    pub events: usize,
    pub corrupt: Vec<CorruptRecord>,
    /// Sorted by event position, then detection.
    pub alerts: Vec<Alert>,
    /// One per detection run on this fixture, sorted by detection.
    pub outcomes: Vec<DetectionOutcome>,
    pub snapshot: SnapshotStatus,
}

impl FixtureRun {
    pub fn passed(&self) -> bool {
        self.outcomes.iter().all(DetectionOutcome::passed) && !self.snapshot.failed()
    }
}

/// One detection's results over all fixtures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DetectionSummary {
    pub detection: String,
    pub title: String,
    pub owner: Option<String>,
    pub file: PathBuf,
    pub fixtures: usize,
    pub hits: usize,
    pub misses: usize,
    pub expected_false_positives: usize,
    pub false_positives: usize,
}

impl DetectionSummary {
    pub fn passed(&self) -> bool {
        self.misses == 0 && self.false_positives == 0
    }
}

/// Totals for the summary line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub detections: usize,
    pub fixtures: usize,
    pub events: usize,
    pub alerts: usize,
    pub hits: usize,
    pub misses: usize,
    pub expected_false_positives: usize,
    pub false_positives: usize,
    pub snapshots_failed: usize,
    pub skipped_detections: usize,
    pub skipped_fixtures: usize,
    pub skipped_labels: usize,
    pub corrupt_records: usize,
}

/// The whole result of `firedrill test`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub totals: Totals,
    pub detections: Vec<DetectionSummary>,
    pub fixtures: Vec<FixtureRun>,
    pub problems: Vec<Problem>,
}

impl Report {
    /// Every expectation met and every snapshot matched.
    pub fn passed(&self) -> bool {
        let t = &self.totals;
        t.misses == 0 && t.false_positives == 0 && t.snapshots_failed == 0
    }

    /// Some input was skipped: results are incomplete.
    pub fn had_bad_input(&self) -> bool {
        !self.problems.is_empty()
    }
}

/// Serialises field/value pairs as a map that keeps their order.
fn ordered_map<S: serde::Serializer>(
    pairs: &[(String, ContextValue)],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (field, value) in pairs {
        map.serialize_entry(field, value)?;
    }
    map.end()
}
