//! References between files: fixture labels must name detections that
//! exist and are not deprecated; `related` should not keep pointing at a
//! deprecated detection as a live sibling.

use std::collections::HashMap;
use std::path::Path;

use crate::fixture::Reference;
use crate::lint::catalogue::{DEPRECATED_IN_FIXTURE, DEPRECATED_RELATED, UNKNOWN_DETECTION};
use crate::lint::diagnostic::Diagnostic;
use crate::lint::fixtures::Fixtures;
use crate::lint::source::Doc;
use crate::yaml::Node;

/// `related` types that point from a successor back to what it replaced:
/// naming a deprecated detection there is the point, not a leftover.
const SUCCESSOR_TYPES: &[&str] = &["obsolete", "merged", "renamed"];

pub fn check(docs: &[&Doc], fixtures: &Fixtures, out: &mut Vec<Diagnostic>) {
    let by_key: HashMap<&str, &Doc> = docs.iter().map(|d| (d.key.as_str(), *d)).collect();
    for facts in &fixtures.facts {
        let fixture = &facts.fixture;
        let expected = fixture.expect.iter().map(|e| &e.reference);
        for reference in expected.chain(&fixture.quiet) {
            label(&fixture.label_file, reference, &by_key, out);
        }
    }
    for doc in docs {
        related(doc, &by_key, out);
    }
}

fn label(
    file: &Path,
    reference: &Reference,
    by_key: &HashMap<&str, &Doc>,
    out: &mut Vec<Diagnostic>,
) {
    let key = reference.detection.as_str();
    let message = match by_key.get(key) {
        None => format!("no linted detection has id {key}"),
        Some(doc) if doc.is_deprecated() => format!("detection {key} is deprecated"),
        Some(_) => return,
    };
    let check = match by_key.contains_key(key) {
        true => &DEPRECATED_IN_FIXTURE,
        false => &UNKNOWN_DETECTION,
    };
    let mut d = Diagnostic::new(check, file, Some(reference.pos), message);
    d.width = key.chars().count().max(1);
    out.push(d.with_fix(Some(
        "remove the label, or point it at the detection that replaced it".into(),
    )));
}

fn related(doc: &Doc, by_key: &HashMap<&str, &Doc>, out: &mut Vec<Diagnostic>) {
    let Some(items) = doc.node.get("related").and_then(Node::as_seq) else {
        return;
    };
    for item in items {
        let kind = item.get("type").and_then(Node::as_str).unwrap_or_default();
        let Some(id_node) = item.get("id") else {
            continue;
        };
        let Some(target) = id_node.as_str().and_then(|id| by_key.get(id)) else {
            continue;
        };
        if target.is_deprecated() && !SUCCESSOR_TYPES.contains(&kind) && !doc.is_deprecated() {
            let message = format!("related detection {} ({kind}) is deprecated", target.key);
            let fix = "drop it from `related`, or mark the link `type: obsolete`".to_string();
            out.push(
                doc.at(&DEPRECATED_RELATED, id_node, message)
                    .with_fix(Some(fix)),
            );
        }
    }
}
