//! Correlations name the rules they count by id or `name`; lint follows
//! those names so a correlation runs on its rules' data sources (for field
//! and coverage checks) and fires where they fire (for false-positive
//! patterns).

use std::collections::HashMap;

use super::source::{Doc, SourceFile};
use crate::sigma::Rule;

/// The ids and names a document answers to.
fn handles(doc: &Doc) -> impl Iterator<Item = &str> {
    let name = doc.node.get("name").and_then(|n| n.as_str());
    doc.id().into_iter().chain(name)
}

/// Gives each correlation without declared data sources the union of its
/// rules' data sources.
pub fn correlations(files: &mut [SourceFile]) {
    let mut sources: HashMap<String, Vec<String>> = HashMap::new();
    for doc in files.iter().flat_map(|f| &f.docs) {
        for handle in handles(doc) {
            sources.insert(handle.to_string(), doc.data_sources.clone());
        }
    }
    let docs = files.iter_mut().flat_map(|f| &mut f.docs);
    for doc in docs.filter(|d| d.data_sources.is_empty()) {
        let Some(correlation) = &doc.correlation else {
            continue;
        };
        let mut union: Vec<String> = correlation
            .rules
            .iter()
            .filter_map(|r| sources.get(&r.name))
            .flatten()
            .cloned()
            .collect();
        union.sort();
        union.dedup();
        doc.data_sources = union;
    }
}

/// The compiled rules whose matches make `doc` fire on an event: its own
/// rule, or the rules a correlation counts.
pub fn firing_rules<'a>(doc: &'a Doc, docs: &[&'a Doc]) -> Vec<&'a Rule> {
    if let Some(rule) = &doc.rule {
        return vec![rule];
    }
    let Some(correlation) = &doc.correlation else {
        return Vec::new();
    };
    let named = |d: &&&Doc| handles(d).any(|h| correlation.rules.iter().any(|r| r.name == h));
    docs.iter()
        .filter(named)
        .filter_map(|d| d.rule.as_ref())
        .collect()
}
