//! Fixture coverage: every detection needs a fixture where it must fire
//! and one where it must stay silent, on a data source it runs on (a
//! label on another source is never replayed, so it proves nothing).

use crate::lint::catalogue::{Check, NO_FIRING_FIXTURE, NO_SILENT_FIXTURE};
use crate::lint::diagnostic::Diagnostic;
use crate::lint::fixtures::{FixtureFacts, Fixtures};
use crate::lint::source::Doc;

pub fn check(docs: &[&Doc], fixtures: &Fixtures, out: &mut Vec<Diagnostic>) {
    for doc in docs.iter().filter(|d| !d.is_deprecated()) {
        let (runs_on, elsewhere): (Vec<&FixtureFacts>, Vec<&FixtureFacts>) = fixtures
            .facts
            .iter()
            .partition(|f| doc.data_sources.contains(&f.fixture.data_source));
        if !runs_on.iter().any(|f| f.expects(&doc.key)) {
            let message = "no fixture labels an event this detection must fire on";
            let fix = match elsewhere.iter().find(|f| f.expects(&doc.key)) {
                Some(f) => off_source(doc, f),
                None => {
                    "add an `expect:` entry naming its id to a fixture of its data source".into()
                }
            };
            out.push(missing(doc, &NO_FIRING_FIXTURE, message, fix));
        }
        if !runs_on.iter().any(|f| f.has_silent_events(&doc.key)) {
            let message = "no fixture has events where this detection must stay silent";
            let fix = match elsewhere.iter().find(|f| f.names(&doc.key)) {
                Some(f) => off_source(doc, f),
                None => "add a near-miss fixture of its data source and list its id under `quiet:`"
                    .into(),
            };
            out.push(missing(doc, &NO_SILENT_FIXTURE, message, fix));
        }
    }
}

/// The fix when a label names the detection on a source it does not run
/// on: the entry exists, so saying "add one" would mislead.
fn off_source(doc: &Doc, facts: &FixtureFacts) -> String {
    let runs_on = match doc.data_sources.is_empty() {
        true => "it runs on no data source".to_string(),
        false => format!("it runs on {}", doc.data_sources.join(", ")),
    };
    format!(
        "{} names it, but that fixture's data_source '{}' is not one this detection runs on ({runs_on}): \
         fix the label's `data_source` or the detection's `data_sources`",
        facts.fixture.label_file.display(),
        facts.fixture.data_source,
    )
}

fn missing(doc: &Doc, check: &'static Check, message: &str, fix: String) -> Diagnostic {
    let at = doc.node.get_entry("title").map_or(&doc.node, |(k, _)| k);
    doc.at(check, at, message.into()).with_fix(Some(fix))
}
