//! Expected false-positive patterns must be exercised: some fixture event
//! of the detection's data sources where the detection fires and the
//! pattern matches. A pattern nothing exercises may be mistyped and would
//! hide nothing, or hide real alerts the day a log starts matching it.

use rayon::prelude::*;

use crate::lint::catalogue::UNEXERCISED_FALSE_POSITIVE;
use crate::lint::diagnostic::Diagnostic;
use crate::lint::fixtures::{each_event, Fixtures};
use crate::lint::link;
use crate::lint::source::Doc;
use crate::yaml::Node;

pub fn check(docs: &[&Doc], fixtures: &Fixtures, out: &mut Vec<Diagnostic>) {
    let found: Vec<Vec<Diagnostic>> = docs
        .par_iter()
        .filter(|d| {
            d.contract
                .as_ref()
                .is_some_and(|c| !c.expected_false_positives.is_empty())
        })
        .map(|doc| unexercised(doc, docs, fixtures))
        .collect();
    out.extend(found.into_iter().flatten());
}

fn unexercised(doc: &Doc, docs: &[&Doc], fixtures: &Fixtures) -> Vec<Diagnostic> {
    let Some(contract) = &doc.contract else {
        return Vec::new();
    };
    let rules = link::firing_rules(doc, docs);
    if rules.is_empty() {
        // The rule did not compile; the engine's error already says so.
        return Vec::new();
    }
    let patterns = &contract.expected_false_positives;
    let mut seen = vec![false; patterns.len()];
    for source in &doc.data_sources {
        each_event(&fixtures.facts, source, &mut |event| {
            if rules.iter().any(|rule| rule.matches(event)) {
                for (i, pattern) in patterns.iter().enumerate() {
                    seen[i] = seen[i] || pattern.selection.matches(event);
                }
            }
            seen.iter().all(|s| *s)
        });
    }
    let nodes = doc
        .node
        .get("expected_false_positives")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    let mut out = Vec::new();
    for ((pattern, node), seen) in patterns.iter().zip(nodes).zip(seen) {
        if seen {
            continue;
        }
        let at = node.get("name").unwrap_or(node);
        let message = format!(
            "no fixture event fires this detection and matches pattern '{}'",
            pattern.name
        );
        let fix = "add a fixture event the pattern matches, or fix the pattern".to_string();
        out.push(
            doc.at(&UNEXERCISED_FALSE_POSITIVE, at, message)
                .with_fix(Some(fix)),
        );
    }
    out
}
