//! Replays fixtures against detections and classifies every alert.
//!
//! Fixtures run in parallel, and each log is streamed in chunks whose
//! events are matched in parallel too. Every per-event result is collected
//! in input order and sorted before it is returned, so the report is the
//! same whatever the number of threads.

mod correlate;
pub mod model;
mod summary;
mod timestamp;
mod window;
pub use summary::recount_snapshots;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::detection::{Detection, Library};
use crate::event::reader::{self, Position};
use crate::event::Event;
use crate::fixture::Fixture;
use crate::logsource::LogsourceMap;
use crate::problem::{Problem, Skipped};
use crate::sigma::{Rule, RuleSet, Selection};
use crate::yaml::Pos;
pub use model::*;

/// Events matched together; large enough to keep both cores busy, small
/// enough that memory does not follow the log's size.
const CHUNK: usize = 2048;

/// Runs every fixture and returns the report (snapshots unchecked).
pub fn run(library: &Library, fixtures: &[Fixture], mut problems: Vec<Problem>) -> Report {
    let runs: Vec<(Option<FixtureRun>, Vec<Problem>)> = fixtures
        .par_iter()
        .map(|f| run_fixture(library, f))
        .collect();
    let mut fixture_runs = Vec::new();
    for (run, fixture_problems) in runs {
        fixture_runs.extend(run);
        problems.extend(fixture_problems);
    }
    summary::build(library, fixture_runs, problems)
}

/// A detection taking part in one fixture, with the events it must fire on.
struct Participant<'a> {
    detection: &'a Detection,
    expected: BTreeSet<usize>,
    quiet: bool,
}

/// What one event produced.
#[derive(Default)]
struct EventResult {
    /// The event's 1-based position.
    event: usize,
    /// (participant index, alert without its final outcome)
    alerts: Vec<(usize, Alert, Option<String>)>,
    /// participant indexes whose `where` selector matched this event
    expected_by: Vec<usize>,
}

/// Replays one fixture; `None` when its log cannot be opened.
pub fn run_fixture(library: &Library, fixture: &Fixture) -> (Option<FixtureRun>, Vec<Problem>) {
    let (mut participants, mut problems) = participants(library, fixture);
    let records = match reader::open_pending(&fixture.log) {
        Ok(records) => records,
        Err(e) => {
            let message = format!("cannot open log {}: {e}", fixture.log.display());
            problems.push(Problem::new(
                &fixture.label_file,
                None,
                Skipped::Fixture,
                message,
            ));
            return (None, problems);
        }
    };
    let selectors = selectors(fixture, &participants);
    let set = rule_set(library, &participants);
    let mut correlations = correlate::Plan::new(library, fixture);

    let mut run = FixtureRun {
        name: fixture.name.clone(),
        label_file: fixture.label_file.clone(),
        log: fixture.log.clone(),
        data_source: fixture.data_source.clone(),
        events: 0,
        corrupt: Vec::new(),
        alerts: Vec::new(),
        outcomes: Vec::new(),
        snapshot: SnapshotStatus::Unchecked,
    };
    let mut raw_alerts = Vec::new();
    for chunk in reader::chunks(records, CHUNK) {
        run.corrupt
            .extend(chunk.corrupt.into_iter().map(|c| CorruptRecord {
                event: c.position.index,
                line: c.position.line,
                reason: c.reason,
            }));
        run.events += chunk.events.len();
        let results: Vec<EventResult> = chunk
            .events
            .par_iter()
            .map(|item| match_event(&participants, &set, &selectors, &library.logsources, item))
            .collect();
        correlations.observe(&chunk.events);
        for result in results {
            for index in result.expected_by {
                participants[index].expected.insert(result.event);
            }
            raw_alerts.extend(result.alerts);
        }
    }
    for corrupt in &run.corrupt {
        let message = format!(
            "record {} is corrupt and was skipped: {}",
            corrupt.event, corrupt.reason
        );
        let pos = Pos {
            line: corrupt.line,
            col: 1,
        };
        problems.push(Problem::new(
            &fixture.log,
            Some(pos),
            Skipped::Record,
            message,
        ));
    }
    past_the_end(fixture, &mut participants, run.events, &mut problems);
    // A rule that only feeds correlations (`generate: false`) stays silent.
    raw_alerts.retain(|(i, ..)| library.generates(&participants[*i].detection.key));
    classify(&mut run, participants, raw_alerts);
    correlations.finish(&mut run, &mut problems);
    for outcome in &mut run.outcomes {
        outcome.sort();
    }
    (Some(run), problems)
}

/// Tells which detections run on this fixture and what each must do.
fn participants<'a>(
    library: &'a Library,
    fixture: &Fixture,
) -> (Vec<Participant<'a>>, Vec<Problem>) {
    let mut participants: Vec<Participant> = library
        .detections
        .iter()
        .filter(|d| d.data_sources.contains(&fixture.data_source))
        .map(|detection| Participant {
            detection,
            expected: BTreeSet::new(),
            quiet: false,
        })
        .collect();
    participants.sort_by(|a, b| a.detection.key.cmp(&b.detection.key));

    let mut problems = Vec::new();
    let correlated = library
        .correlations
        .iter()
        .any(|c| c.data_sources.contains(&fixture.data_source));
    if participants.is_empty() && !correlated {
        problems.push(untested_data_source(library, fixture));
    }
    for (reference, expectation) in fixture.references() {
        let Some(p) = participants
            .iter_mut()
            .find(|p| p.detection.key == reference.detection)
        else {
            // Labels of correlations are read by `correlate`.
            if library.correlation(&reference.detection).is_none() {
                problems.push(unknown_reference(library, fixture, reference));
            }
            continue;
        };
        match expectation {
            Some(e) => p.expected.extend(e.events.iter().copied()),
            None => p.quiet = true,
        }
    }
    (participants, problems)
}

/// A fixture no detection runs on tests nothing; most often its
/// `data_source` is mistyped.
fn untested_data_source(library: &Library, fixture: &Fixture) -> Problem {
    let known = &library.registry.data_sources;
    let mut message = format!(
        "no loaded detection runs on data source '{}', so this fixture tests nothing",
        fixture.data_source
    );
    if !known.is_empty() && !known.contains_key(&fixture.data_source) {
        let names: Vec<&str> = known.keys().map(String::as_str).collect();
        message.push_str(&format!(
            " (it is not registered; registered: {})",
            names.join(", ")
        ));
    }
    Problem::new(
        &fixture.label_file,
        Some(fixture.data_source_pos),
        Skipped::Fixture,
        message,
    )
}

/// Positions past the end of the log are label mistakes, not misses: they
/// are reported where the label names them and not held against the rule.
fn past_the_end(
    fixture: &Fixture,
    participants: &mut [Participant],
    events: usize,
    problems: &mut Vec<Problem>,
) {
    for expectation in &fixture.expect {
        for &position in expectation.events.iter().filter(|&&n| n > events) {
            let message = format!(
                "event {position} is past the end of the log ({events} events); this position was skipped"
            );
            let pos = Some(expectation.reference.pos);
            problems.push(Problem::new(
                &fixture.label_file,
                pos,
                Skipped::Label,
                message,
            ));
        }
    }
    for participant in participants.iter_mut() {
        participant.expected.retain(|&n| n <= events);
    }
}

fn unknown_reference(
    library: &Library,
    fixture: &Fixture,
    reference: &crate::fixture::Reference,
) -> Problem {
    let message = match library.detections.iter().find(|d| d.key == reference.detection) {
        Some(d) => format!(
            "detection {} does not run on data source '{}' (it runs on: {}); this label was skipped",
            reference.detection,
            fixture.data_source,
            d.data_sources.join(", ")
        ),
        None => format!("no loaded detection has id {}; this label was skipped", reference.detection),
    };
    Problem::new(
        &fixture.label_file,
        Some(reference.pos),
        Skipped::Label,
        message,
    )
}

/// The `where` selectors of the fixture, each with its participant index.
fn selectors<'a>(
    fixture: &'a Fixture,
    participants: &[Participant],
) -> Vec<(usize, &'a Selection)> {
    fixture
        .expect
        .iter()
        .filter_map(|e| {
            let selector = e.selector.as_ref()?;
            let index = participants
                .iter()
                .position(|p| p.detection.key == e.reference.detection)?;
            Some((index, selector))
        })
        .collect()
}

/// The participants' rules with the literal prefilter; renames are
/// aliases, since replay gates by logsource.
fn rule_set(library: &Library, participants: &[Participant]) -> RuleSet {
    let rules: Vec<&Rule> = participants.iter().map(|p| &p.detection.rule).collect();
    RuleSet::with_aliases(&rules, &library.logsources.renames())
}

fn match_event(
    participants: &[Participant],
    set: &RuleSet,
    selectors: &[(usize, &Selection)],
    logsources: &LogsourceMap,
    (pos, event): &(Position, Event),
) -> EventResult {
    let pos = *pos;
    let mut result = EventResult {
        event: pos.index,
        ..EventResult::default()
    };
    let view = logsources.view(event);
    let mut candidates = Vec::new();
    set.candidates(event, &mut candidates);
    for index in candidates {
        let detection = participants[index].detection;
        // The rule sees the event as its logsource names it (renames
        // included); context and patterns read that same view.
        let Some(seen) = detection.gate.matching(&detection.rule, &view) else {
            continue;
        };
        let pattern = detection
            .contract
            .expected_false_positive(seen)
            .map(str::to_string);
        result
            .alerts
            .push((index, alert(detection, pos, seen), pattern));
    }
    for (index, selector) in selectors {
        if selector.matches(event) {
            result.expected_by.push(*index);
        }
    }
    result
}

fn alert(detection: &Detection, pos: Position, event: &Event) -> Alert {
    let context = first_context(&detection.contract, event);
    Alert {
        event: pos.index,
        line: pos.line,
        detection: detection.key.clone(),
        title: detection.rule.title.clone(),
        level: detection.rule.level.clone(),
        outcome: Outcome::Hit,
        context,
        response: detection.contract.response_plan(event),
        events: Vec::new(),
    }
}

/// Gives every alert its outcome and counts hits, misses and false
/// positives per participant.
fn classify(
    run: &mut FixtureRun,
    participants: Vec<Participant>,
    raw: Vec<(usize, Alert, Option<String>)>,
) {
    let mut fired: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    let mut alerts = Vec::with_capacity(raw.len());
    for (index, mut alert, pattern) in raw {
        let expected = participants[index].expected.contains(&alert.event);
        alert.outcome = match (expected, pattern) {
            (true, _) => Outcome::Hit,
            (false, Some(pattern)) => Outcome::ExpectedFalsePositive { pattern },
            (false, None) => Outcome::FalsePositive,
        };
        fired.entry(index).or_default().insert(alert.event);
        alerts.push(alert);
    }
    alerts.sort_by(|a, b| (a.event, &a.detection).cmp(&(b.event, &b.detection)));

    run.outcomes = participants
        .iter()
        .enumerate()
        .map(|(index, p)| outcome(p, fired.get(&index), &alerts))
        .collect();
    run.alerts = alerts;
}

fn outcome(
    participant: &Participant,
    fired: Option<&BTreeSet<usize>>,
    alerts: &[Alert],
) -> DetectionOutcome {
    let empty = BTreeSet::new();
    let fired = fired.unwrap_or(&empty);
    let key = &participant.detection.key;
    let own = alerts.iter().filter(|a| &a.detection == key);
    DetectionOutcome::tally(key, participant.quiet, &participant.expected, fired, own)
}
