//! Ties correlations to the rules and correlations they name, and orders
//! them so every correlation comes after the ones it chains on.
//!
//! A correlation is dropped (and reported) when a name resolves to
//! nothing, when an alias names a rule the correlation does not use, or
//! when it sits on a cycle or on a correlation that was dropped: a chain
//! with a missing link would otherwise just never fire.

use std::collections::{BTreeMap, BTreeSet};

use super::meta::{data_sources_of, CorrelationDetection, Source};
use super::Library;
use crate::problem::{Problem, Skipped};
use crate::sigma::correlation::RuleRef;

/// Resolves names, checks aliases and returns the correlations that hold
/// together, inner ones first.
pub(super) fn resolve(
    library: &mut Library,
    correlations: Vec<CorrelationDetection>,
) -> Vec<CorrelationDetection> {
    let names = name_table(library, &correlations);
    let mut ok = Vec::new();
    for mut c in correlations {
        match sources(&c, &names).and_then(|s| check_aliases(&c, &s).map(|()| s)) {
            Ok(sources) => {
                c.sources = sources;
                ok.push(c);
            }
            Err(problem) => library.problems.push(problem),
        }
    }
    let ordered = order(library, ok);
    with_data_sources(library, ordered)
}

/// Every id and `name` a correlation may use, to what it stands for.
fn name_table(
    library: &Library,
    correlations: &[CorrelationDetection],
) -> BTreeMap<String, Source> {
    let mut names = BTreeMap::new();
    for c in correlations.iter().rev() {
        let source = Source::Correlation(c.key.clone());
        names.insert(c.key.clone(), source.clone());
        if let Some(name) = &c.correlation.name {
            names.insert(name.clone(), source);
        }
    }
    for d in library.detections.iter().rev() {
        if let Some(name) = &d.rule.name {
            names.insert(name.clone(), Source::Rule(d.key.clone()));
        }
        names.insert(d.key.clone(), Source::Rule(d.key.clone()));
    }
    names
}

fn sources(
    c: &CorrelationDetection,
    names: &BTreeMap<String, Source>,
) -> Result<Vec<Source>, Problem> {
    c.correlation
        .rules
        .iter()
        .map(|r| match names.get(&r.name) {
            Some(Source::Correlation(key)) if *key == c.key => Err(problem(
                c,
                r,
                "a correlation cannot name itself".to_string(),
            )),
            Some(source) => Ok(source.clone()),
            None => Err(problem(
                c,
                r,
                format!("correlation names rule '{}', which is not loaded", r.name),
            )),
        })
        .collect()
}

/// Every rule an alias names must be one the correlation uses.
fn check_aliases(c: &CorrelationDetection, sources: &[Source]) -> Result<(), Problem> {
    for alias in &c.correlation.aliases {
        for (rule, _) in &alias.fields {
            let used = c
                .correlation
                .rules
                .iter()
                .zip(sources)
                .any(|(r, s)| r.name == *rule || super::meta::source_key(s) == rule);
            if !used {
                let message = format!(
                    "alias '{}' names rule '{rule}', which this correlation does not use",
                    alias.name
                );
                let at = RuleRef {
                    name: rule.clone(),
                    pos: c.correlation.pos,
                };
                return Err(problem(c, &at, message));
            }
        }
    }
    Ok(())
}

fn problem(c: &CorrelationDetection, at: &RuleRef, message: String) -> Problem {
    Problem::new(&c.file, Some(at.pos), Skipped::Detection, message)
}

/// Kahn's order over chained correlations; what is left over sits on a
/// cycle or on a correlation that did not load.
fn order(
    library: &mut Library,
    mut pending: Vec<CorrelationDetection>,
) -> Vec<CorrelationDetection> {
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut ordered = Vec::new();
    loop {
        let (ready, waiting): (Vec<_>, Vec<_>) = pending.into_iter().partition(|c| {
            c.sources.iter().all(|s| match s {
                Source::Rule(_) => true,
                Source::Correlation(key) => done.contains(key),
            })
        });
        pending = waiting;
        if ready.is_empty() {
            break;
        }
        done.extend(ready.iter().map(|c| c.key.clone()));
        ordered.extend(ready);
    }
    let stuck: BTreeSet<String> = pending.iter().map(|c| c.key.clone()).collect();
    for c in pending {
        let missing = c
            .correlation
            .rules
            .iter()
            .zip(&c.sources)
            .find_map(|(r, s)| match s {
                Source::Correlation(key) if !done.contains(key) => Some((r, key.clone())),
                _ => None,
            });
        let Some((at, key)) = missing else {
            continue;
        };
        let message = if stuck.contains(&key) {
            format!("correlation chain through {key} never ends (a cycle); this correlation was not loaded")
        } else {
            format!("correlation depends on {key}, which was not loaded")
        };
        library.problems.push(problem(&c, at, message));
    }
    ordered
}

/// Declared data sources, or the union of those of the named rules.
fn with_data_sources(
    library: &Library,
    mut ordered: Vec<CorrelationDetection>,
) -> Vec<CorrelationDetection> {
    let mut known = data_sources_of(library);
    for c in &mut ordered {
        if c.contract.data_sources.is_empty() {
            let union: BTreeSet<String> = c
                .sources
                .iter()
                .flat_map(|s| {
                    known
                        .get(super::meta::source_key(s))
                        .cloned()
                        .unwrap_or_default()
                })
                .collect();
            c.data_sources = union.into_iter().collect();
        } else {
            c.data_sources = c.contract.data_sources.clone();
        }
        known.insert(c.key.clone(), c.data_sources.clone());
    }
    ordered
}
