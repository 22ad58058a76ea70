//! What the fixtures tell lint: which fields each data source's logs carry,
//! which detections each fixture labels as hits (and on how many events),
//! and which events are left where a detection must stay silent.
//!
//! Logs are streamed once here and never held in memory; the second pass
//! for false-positive patterns lives in the check that needs it.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::catalogue;
use super::diagnostic::Diagnostic;
use crate::event::{reader, Event};
use crate::fixture::{load_fixtures, Fixture};
use crate::problem::Problem;
use crate::sigma::CompileOptions;

/// One fixture with what streaming its log showed.
pub struct FixtureFacts {
    pub fixture: Fixture,
    /// Records read (corrupt ones excluded).
    pub events: usize,
    /// For each detection the label expects: how many events it labels.
    pub labelled: HashMap<String, usize>,
}

impl FixtureFacts {
    /// Whether the label names `key` as a detection that must fire.
    pub fn expects(&self, key: &str) -> bool {
        self.labelled.contains_key(key)
    }

    /// Whether the label names `key` at all, under `expect` or `quiet`.
    pub fn names(&self, key: &str) -> bool {
        self.expects(key) || self.fixture.quiet.iter().any(|r| r.detection == key)
    }

    /// Whether the fixture holds events where `key` must stay silent.
    pub fn has_silent_events(&self, key: &str) -> bool {
        let quiet = self.fixture.quiet.iter().any(|r| r.detection == key);
        let labelled = self.labelled.get(key).copied().unwrap_or(0);
        quiet || labelled < self.events
    }
}

/// Everything read from the fixtures folder.
#[derive(Default)]
pub struct Fixtures {
    pub facts: Vec<FixtureFacts>,
    /// Field paths seen in logs, by data source.
    pub fields: HashMap<String, BTreeSet<String>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads every label under `dir` and streams its log. A missing folder
/// is bad input only when the user named it.
pub fn read(dir: &Path, explicit: bool, options: &CompileOptions) -> Result<Fixtures, Problem> {
    if !dir.is_dir() {
        return match explicit {
            true => Err(Problem::new(
                dir,
                None,
                crate::problem::Skipped::Fixture,
                "fixtures folder not found",
            )),
            false => Ok(Fixtures::default()),
        };
    }
    let (fixtures, problems) = load_fixtures(dir, options);
    let mut out = Fixtures {
        diagnostics: problems.into_iter().map(label_problem).collect(),
        ..Fixtures::default()
    };
    for fixture in fixtures {
        let fields = out.fields.entry(fixture.data_source.clone()).or_default();
        match stream(&fixture, fields) {
            Ok((events, labelled)) => out.facts.push(FixtureFacts {
                fixture,
                events,
                labelled,
            }),
            Err(e) => {
                let message = format!("cannot read log {}: {e}", fixture.log.display());
                let check = &catalogue::INVALID_FIXTURE;
                let d = Diagnostic::new(check, &fixture.label_file, None, message);
                out.diagnostics.push(d);
            }
        }
    }
    Ok(out)
}

fn label_problem(problem: Problem) -> Diagnostic {
    let pos = problem.line.map(|line| crate::yaml::Pos {
        line,
        col: problem.column.unwrap_or(1),
    });
    Diagnostic::new(
        &catalogue::INVALID_FIXTURE,
        &problem.file,
        pos,
        problem.message,
    )
}

type Labelled = HashMap<String, usize>;

/// Reads the log once: its field paths, its event count, and how many
/// events each expectation labels.
fn stream(fixture: &Fixture, fields: &mut BTreeSet<String>) -> std::io::Result<(usize, Labelled)> {
    let mut hits: HashMap<&str, HashSet<usize>> = HashMap::new();
    let mut events = 0;
    for item in reader::open(&fixture.log)? {
        let Ok((position, event)) = item else {
            continue;
        };
        events += 1;
        super::fields::collect_paths(event.root(), fields);
        label(fixture, position.index, &event, &mut hits);
    }
    let labelled = hits
        .into_iter()
        .map(|(key, set)| (key.to_string(), set.len()))
        .collect();
    Ok((events, labelled))
}

fn label<'a>(
    fixture: &'a Fixture,
    index: usize,
    event: &Event,
    hits: &mut HashMap<&'a str, HashSet<usize>>,
) {
    for expectation in &fixture.expect {
        let set = hits
            .entry(expectation.reference.detection.as_str())
            .or_default();
        let by_position = expectation.events.contains(&index);
        let by_selector = expectation
            .selector
            .as_ref()
            .is_some_and(|s| s.matches(event));
        if by_position || by_selector {
            set.insert(index);
        }
    }
}

/// The `data_source` value of a label file, with its position (the
/// fixture loader keeps only the text). `None` when it cannot be re-read.
pub fn data_source_node(label_file: &Path) -> Option<crate::yaml::Node> {
    let text = std::fs::read_to_string(label_file).ok()?;
    let docs = crate::yaml::parse_documents(&text).ok()?;
    docs.first()?.get("data_source").cloned()
}

/// Streams the logs of the fixtures on `source`, calling `visit` with each
/// event until it returns true.
pub fn each_event(facts: &[FixtureFacts], source: &str, visit: &mut dyn FnMut(&Event) -> bool) {
    let logs = facts
        .iter()
        .filter(|f| f.fixture.data_source == source)
        .filter_map(|f| reader::open(&f.fixture.log).ok());
    for log in logs {
        for (_, event) in log.flatten() {
            if visit(&event) {
                return;
            }
        }
    }
}
