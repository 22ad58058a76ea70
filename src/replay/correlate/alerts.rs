//! A correlation's firings as alerts and outcomes, classified against
//! the fixture's labels the same way a single-event rule's are.

use std::collections::BTreeSet;

use super::Label;
use crate::detection::CorrelationDetection;
use crate::replay::model::*;
use crate::replay::window::Occurrence;

pub(super) fn alert(c: &CorrelationDetection, label: &Label, o: &Occurrence) -> Alert {
    let event = o.event.as_ref();
    let outcome = if label.expected.contains(&o.position) {
        Outcome::Hit
    } else {
        match c.contract.expected_false_positive(event) {
            Some(pattern) => Outcome::ExpectedFalsePositive {
                pattern: pattern.to_string(),
            },
            None => Outcome::FalsePositive,
        }
    };
    let context = first_context(&c.contract, event);
    Alert {
        event: o.position,
        line: o.line,
        detection: c.key.clone(),
        title: c.correlation.title.clone(),
        level: c.correlation.level.clone(),
        outcome,
        context,
        response: c.contract.response_plan(event),
        events: o.events.clone(),
    }
}

pub(super) fn outcome(
    c: &CorrelationDetection,
    label: &Label,
    alerts: &[Alert],
) -> DetectionOutcome {
    let fired: BTreeSet<usize> = alerts.iter().map(|a| a.event).collect();
    DetectionOutcome::tally(&c.key, label.quiet, &label.expected, &fired, alerts)
}

/// A correlation's line in the per-detection summary, before counting.
pub(crate) fn summary(c: &CorrelationDetection) -> DetectionSummary {
    DetectionSummary {
        detection: c.key.clone(),
        title: c.correlation.title.clone(),
        owner: c.contract.owner.clone(),
        file: c.file.clone(),
        fixtures: 0,
        hits: 0,
        misses: 0,
        expected_false_positives: 0,
        false_positives: 0,
    }
}
