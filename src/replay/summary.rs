//! Folds fixture runs into per-detection summaries and totals.

use std::collections::BTreeMap;

use super::model::{DetectionSummary, FixtureRun, Report, Totals};
use crate::detection::Library;
use crate::problem::{Problem, Skipped};

/// Builds the report; fixture runs and problems come in any order and
/// leave sorted.
pub(super) fn build(
    library: &Library,
    mut fixtures: Vec<FixtureRun>,
    mut problems: Vec<Problem>,
) -> Report {
    fixtures.sort_by(|a, b| a.name.cmp(&b.name));
    problems.sort();
    problems.dedup();
    let detections = detection_summaries(library, &fixtures);
    let totals = totals(&detections, &fixtures, &problems);
    Report {
        totals,
        detections,
        fixtures,
        problems,
    }
}

fn detection_summaries(library: &Library, fixtures: &[FixtureRun]) -> Vec<DetectionSummary> {
    let mut by_key: BTreeMap<&str, DetectionSummary> = library
        .detections
        .iter()
        .map(|d| {
            let summary = DetectionSummary {
                detection: d.key.clone(),
                title: d.rule.title.clone(),
                owner: d.contract.owner.clone(),
                file: d.file.clone(),
                fixtures: 0,
                hits: 0,
                misses: 0,
                expected_false_positives: 0,
                false_positives: 0,
            };
            (d.key.as_str(), summary)
        })
        .collect();
    by_key.extend(
        library
            .correlations
            .iter()
            .map(|c| (c.key.as_str(), super::correlate::summary(c))),
    );
    for outcome in fixtures.iter().flat_map(|f| &f.outcomes) {
        if let Some(s) = by_key.get_mut(outcome.detection.as_str()) {
            s.fixtures += 1;
            s.hits += outcome.hits.len();
            s.misses += outcome.misses.len();
            s.expected_false_positives += outcome.expected_false_positives.len();
            s.false_positives += outcome.false_positives.len();
        }
    }
    let mut summaries: Vec<DetectionSummary> = by_key.into_values().collect();
    summaries.sort_by(|a, b| (&a.title, &a.detection).cmp(&(&b.title, &b.detection)));
    summaries
}

fn totals(
    detections: &[DetectionSummary],
    fixtures: &[FixtureRun],
    problems: &[Problem],
) -> Totals {
    // A file with three errors is one skipped file; records count one by one.
    let skipped = |kind| {
        let files: std::collections::BTreeSet<_> = problems
            .iter()
            .filter(|p| p.skipped == kind)
            .map(|p| &p.file)
            .collect();
        files.len()
    };
    Totals {
        detections: detections.len(),
        fixtures: fixtures.len(),
        events: fixtures.iter().map(|f| f.events).sum(),
        alerts: fixtures.iter().map(|f| f.alerts.len()).sum(),
        hits: detections.iter().map(|d| d.hits).sum(),
        misses: detections.iter().map(|d| d.misses).sum(),
        expected_false_positives: detections.iter().map(|d| d.expected_false_positives).sum(),
        false_positives: detections.iter().map(|d| d.false_positives).sum(),
        snapshots_failed: fixtures.iter().filter(|f| f.snapshot.failed()).count(),
        skipped_detections: skipped(Skipped::Detection),
        skipped_fixtures: skipped(Skipped::Fixture),
        skipped_labels: problems
            .iter()
            .filter(|p| p.skipped == Skipped::Label)
            .count(),
        corrupt_records: problems
            .iter()
            .filter(|p| p.skipped == Skipped::Record)
            .count(),
    }
}

/// Recounts the snapshot total after snapshots were checked.
pub fn recount_snapshots(report: &mut Report) {
    report.totals.snapshots_failed = report
        .fixtures
        .iter()
        .filter(|f| f.snapshot.failed())
        .count();
}
