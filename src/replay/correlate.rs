//! Correlations in a fixture replay: base-rule matches are collected while
//! the log streams, then every correlation is evaluated over them in time
//! order, and its alerts are classified against the fixture's labels like
//! any detection's.
//!
//! Base rules are matched here on their own, apart from the participants of
//! the replay, because a correlation needs their matches even when the rule
//! does not alert by itself (`generate: false`). Matches keep a copy of
//! their event (group-by, value and context fields are read after the
//! stream ends), so memory follows the number of base-rule matches, not
//! the size of the log.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;

use super::model::*;
use super::timestamp;
use super::window::{self, Occurrence};
use crate::detection::meta::{source_key, Source};
use crate::detection::{CorrelationDetection, Detection, Library};
use crate::event::reader::Position;
use crate::event::Event;
use crate::fixture::Fixture;
use crate::problem::{Problem, Skipped};
use crate::yaml::Pos;

mod alerts;
pub(super) use alerts::summary;
use alerts::{alert, outcome};

/// One base rule matching one event.
struct BaseMatch {
    position: Position,
    at: Option<DateTime<FixedOffset>>,
    event: Arc<Event>,
}

/// What a correlation must do on this fixture.
#[derive(Default)]
pub(super) struct Label {
    pub(super) expected: BTreeSet<usize>,
    pub(super) quiet: bool,
}

/// The correlations of one fixture and the base matches they read.
pub(super) struct Plan<'a> {
    library: &'a Library,
    /// Evaluated here, inner ones first.
    needed: Vec<&'a CorrelationDetection>,
    /// Keys of the correlations that run on the fixture's data source.
    labels: BTreeMap<&'a str, Label>,
    bases: Vec<&'a Detection>,
    /// Matches of each base rule, in log order.
    matches: Vec<Vec<BaseMatch>>,
    problems: Vec<Problem>,
}

impl<'a> Plan<'a> {
    pub(super) fn new(library: &'a Library, fixture: &Fixture) -> Plan<'a> {
        let mut labels: BTreeMap<&str, Label> = library
            .correlations
            .iter()
            .filter(|c| c.data_sources.contains(&fixture.data_source))
            .map(|c| (c.key.as_str(), Label::default()))
            .collect();
        let needed = needed(library, labels.keys().copied());
        let rule_keys: BTreeSet<&str> = needed
            .iter()
            .flat_map(|c| &c.sources)
            .filter_map(|s| match s {
                Source::Rule(key) => Some(key.as_str()),
                Source::Correlation(_) => None,
            })
            .collect();
        let bases: Vec<&Detection> = library
            .detections
            .iter()
            .filter(|d| rule_keys.contains(d.key.as_str()))
            .collect();
        let problems = read_labels(library, fixture, &mut labels);
        Plan {
            library,
            needed,
            labels,
            matches: bases.iter().map(|_| Vec::new()).collect(),
            bases,
            problems,
        }
    }

    /// Matches the base rules against one chunk of events.
    pub(super) fn observe(&mut self, events: &[(Position, Event)]) {
        if self.bases.is_empty() {
            return;
        }
        let (library, bases) = (self.library, &self.bases);
        let found: Vec<Vec<(usize, BaseMatch)>> = events
            .par_iter()
            .map(|(position, event)| {
                let view = library.logsources.view(event);
                let at = event.timestamp().and_then(timestamp::parse);
                bases
                    .iter()
                    .enumerate()
                    .filter_map(|(i, d)| {
                        let seen = d.gate.matching(&d.rule, &view)?;
                        let event = Arc::new(seen.clone());
                        let position = *position;
                        Some((
                            i,
                            BaseMatch {
                                position,
                                at,
                                event,
                            },
                        ))
                    })
                    .collect()
            })
            .collect();
        for (i, found) in found.into_iter().flatten() {
            self.matches[i].push(found);
        }
    }

    /// Evaluates the correlations, adds their alerts and outcomes to the
    /// run (kept sorted) and reports what could not take part.
    pub(super) fn finish(self, run: &mut FixtureRun, problems: &mut Vec<Problem>) {
        problems.extend(self.problems.iter().cloned());
        problems.extend(untimed(&self.bases, &self.matches, &run.log));
        let mut fired: BTreeMap<&str, Vec<Occurrence>> = BTreeMap::new();
        for c in &self.needed {
            let occurrences = self.occurrences(c, &fired);
            let fields = group_fields(self.library, c);
            let firings = window::evaluate(&c.correlation, &fields, &occurrences);
            let chained: Vec<Occurrence> = firings
                .iter()
                .map(|f| Occurrence {
                    events: f.events.clone(),
                    ..occurrences[f.completing].clone()
                })
                .collect();
            if let Some(label) = self.labels.get(c.key.as_str()) {
                let alerts = self.alerts(c, label, &chained);
                run.outcomes.push(outcome(c, label, &alerts));
                run.alerts.extend(alerts);
            }
            fired.insert(c.key.as_str(), chained);
        }
        run.alerts
            .sort_by(|a, b| (a.event, &a.detection).cmp(&(b.event, &b.detection)));
        run.outcomes.sort_by(|a, b| a.detection.cmp(&b.detection));
    }

    /// Base matches with a time, and firings of chained correlations.
    fn occurrences(
        &self,
        c: &CorrelationDetection,
        fired: &BTreeMap<&str, Vec<Occurrence>>,
    ) -> Vec<Occurrence> {
        let mut out = Vec::new();
        for (rule, source) in c.sources.iter().enumerate() {
            match source {
                Source::Rule(key) => {
                    let Some(i) = self.bases.iter().position(|d| &d.key == key) else {
                        continue;
                    };
                    out.extend(self.matches[i].iter().filter_map(|m| {
                        Some(Occurrence {
                            at: m.at?,
                            position: m.position.index,
                            line: m.position.line,
                            rule,
                            event: Arc::clone(&m.event),
                            events: vec![m.position.index],
                        })
                    }));
                }
                Source::Correlation(key) => {
                    let inner = fired.get(key.as_str()).into_iter().flatten();
                    out.extend(inner.map(|o| Occurrence { rule, ..o.clone() }));
                }
            }
        }
        out
    }

    /// The correlation's own alerts, classified; none when the
    /// correlations chaining on it say `generate: false`.
    fn alerts(
        &self,
        c: &CorrelationDetection,
        label: &Label,
        firings: &[Occurrence],
    ) -> Vec<Alert> {
        if !self.library.generates(&c.key) {
            return Vec::new();
        }
        firings.iter().map(|o| alert(c, label, o)).collect()
    }
}

/// The participating correlations and every one they chain on, in
/// library (dependency) order.
fn needed<'a>(
    library: &'a Library,
    roots: impl Iterator<Item = &'a str>,
) -> Vec<&'a CorrelationDetection> {
    let mut keys: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = roots.collect();
    while let Some(key) = stack.pop() {
        if !keys.insert(key) {
            continue;
        }
        if let Some(c) = library.correlation(key) {
            stack.extend(c.sources.iter().filter_map(|s| match s {
                Source::Correlation(inner) => Some(inner.as_str()),
                Source::Rule(_) => None,
            }));
        }
    }
    library
        .correlations
        .iter()
        .filter(|c| keys.contains(c.key.as_str()))
        .collect()
}

/// Takes the fixture's expectations that name correlations.
fn read_labels(
    library: &Library,
    fixture: &Fixture,
    labels: &mut BTreeMap<&str, Label>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (reference, expectation) in fixture.references() {
        let Some(c) = library.correlation(&reference.detection) else {
            continue;
        };
        let problem = |message: String| {
            Problem::new(
                &fixture.label_file,
                Some(reference.pos),
                Skipped::Label,
                message,
            )
        };
        let Some(label) = labels.get_mut(c.key.as_str()) else {
            problems.push(problem(format!(
                "correlation {} does not run on data source '{}' (it runs on: {}); this label was skipped",
                c.key,
                fixture.data_source,
                c.data_sources.join(", ")
            )));
            continue;
        };
        match expectation {
            Some(e) if e.selector.is_some() => problems.push(problem(
                "a correlation expectation names the completing events with 'events'; 'where' was ignored"
                    .to_string(),
            )),
            _ => {}
        }
        match expectation {
            Some(e) => label.expected.extend(e.events.iter().copied()),
            None => label.quiet = true,
        }
    }
    problems
}

/// Events a base rule matched that carry no readable time: reported once
/// per event, since no correlation can place them in a window.
fn untimed(
    bases: &[&Detection],
    matches: &[Vec<BaseMatch>],
    log: &std::path::Path,
) -> Vec<Problem> {
    let mut events: BTreeMap<usize, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for (d, found) in bases.iter().zip(matches) {
        for m in found.iter().filter(|m| m.at.is_none()) {
            let entry = events
                .entry(m.position.index)
                .or_insert((m.position.line, BTreeSet::new()));
            entry.1.insert(d.key.as_str());
        }
    }
    events
        .into_iter()
        .map(|(index, (line, rules))| {
            let rules: Vec<&str> = rules.into_iter().collect();
            let message = format!(
                "event {index} matched {} but has no readable timestamp, so no correlation could use it",
                rules.join(", ")
            );
            Problem::new(log, Some(Pos { line, col: 1 }), Skipped::Record, message)
        })
        .collect()
}

/// For each entry of `rules`, the field each group-by name reads there:
/// an alias may be keyed by the name written in `rules`, the resolved id,
/// or the rule's own `name`.
fn group_fields(library: &Library, c: &CorrelationDetection) -> Vec<Vec<String>> {
    let sigma = &c.correlation;
    sigma
        .rules
        .iter()
        .zip(&c.sources)
        .map(|(written, source)| {
            let key = source_key(source);
            let own_name = library
                .detections
                .iter()
                .find(|d| d.key == key)
                .and_then(|d| d.rule.name.as_deref())
                .or_else(|| {
                    library
                        .correlation(key)
                        .and_then(|c| c.correlation.name.as_deref())
                });
            let names = [Some(written.name.as_str()), Some(key), own_name];
            sigma
                .group_by
                .iter()
                .map(|group| {
                    names
                        .iter()
                        .flatten()
                        .map(|name| sigma.field_for(group, name))
                        .find(|field| field != group)
                        .unwrap_or(group)
                        .to_string()
                })
                .collect()
        })
        .collect()
}
