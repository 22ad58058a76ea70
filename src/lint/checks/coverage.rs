//! Fixture coverage: every detection needs a fixture where it must fire
//! and one where it must stay silent, on a data source it runs on (a
//! label on another source is never replayed, so it proves nothing).

use crate::lint::catalogue::{Check, NO_FIRING_FIXTURE, NO_SILENT_FIXTURE};
use crate::lint::diagnostic::Diagnostic;
use crate::lint::fixtures::{FixtureFacts, Fixtures};
use crate::lint::source::Doc;

pub fn check(docs: &[&Doc], fixtures: &Fixtures, out: &mut Vec<Diagnostic>) {
    for doc in docs.iter().filter(|d| !d.is_deprecated()) {
        let runs_on: Vec<&FixtureFacts> = fixtures
            .facts
            .iter()
            .filter(|f| doc.data_sources.contains(&f.fixture.data_source))
            .collect();
        if !runs_on.iter().any(|f| f.expects(&doc.key)) {
            let message = "no fixture labels an event this detection must fire on";
            let fix = "add an `expect:` entry naming its id to a fixture of its data source";
            out.push(missing(doc, &NO_FIRING_FIXTURE, message, fix));
        }
        if !runs_on.iter().any(|f| f.has_silent_events(&doc.key)) {
            let message = "no fixture has events where this detection must stay silent";
            let fix = "add a near-miss fixture of its data source and list its id under `quiet:`";
            out.push(missing(doc, &NO_SILENT_FIXTURE, message, fix));
        }
    }
}

fn missing(doc: &Doc, check: &'static Check, message: &str, fix: &str) -> Diagnostic {
    let at = doc.node.get_entry("title").map_or(&doc.node, |(k, _)| k);
    doc.at(check, at, message.into()).with_fix(Some(fix.into()))
}
