//! A fixture is replayed only for the detections that run on its data
//! source. A mistyped or unregistered `data_source` (FD503), or one no
//! linted detection runs on (FD504), means the label tests nothing, and
//! would otherwise surface only as coverage findings on the detection.

use std::collections::HashSet;

use super::contract::did_you_mean;
use crate::lint::catalogue::{Check, IDLE_FIXTURE, UNKNOWN_FIXTURE_SOURCE};
use crate::lint::diagnostic::Diagnostic;
use crate::lint::fixtures::{data_source_node, FixtureFacts, Fixtures};
use crate::lint::registry::Registries;
use crate::lint::source::Doc;
use crate::lint::suggest;

pub fn check(
    docs: &[&Doc],
    fixtures: &Fixtures,
    registries: &Registries,
    out: &mut Vec<Diagnostic>,
) {
    let served: HashSet<&str> = docs
        .iter()
        .flat_map(|d| &d.data_sources)
        .map(String::as_str)
        .collect();
    let registry = &registries.data_sources.data_sources;
    for facts in &fixtures.facts {
        let name = facts.fixture.data_source.as_str();
        if registries.has_data_sources && !registry.contains_key(name) {
            let near = suggest::nearest(name, registry.keys().map(String::as_str));
            let message = format!("unknown data source '{name}'");
            out.push(at(facts, &UNKNOWN_FIXTURE_SOURCE, message).with_fix(did_you_mean(near)));
        } else if !served.contains(name) {
            let message = format!("no linted detection runs on data source '{name}'");
            let fix = "label it for a detection of this data source, or remove the fixture";
            out.push(at(facts, &IDLE_FIXTURE, message).with_fix(Some(fix.into())));
        }
    }
}

/// A finding at the label's `data_source` value.
fn at(facts: &FixtureFacts, check: &'static Check, message: String) -> Diagnostic {
    let file = &facts.fixture.label_file;
    match data_source_node(file) {
        Some(node) => Diagnostic::at(check, file, &node, message),
        None => Diagnostic::new(check, file, None, message),
    }
}
