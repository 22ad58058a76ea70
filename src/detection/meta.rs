//! Filter and correlation documents of a detections folder: read with the
//! rules, then tied to them once every file is loaded.
//!
//! Both kinds name other rules (by id or `name`), so they can only be
//! resolved after the whole folder is read. A name that resolves to
//! nothing, a filter whose logsource does not cover the rule it names, a
//! correlation cycle: each is a reported problem, never a silent no-op.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::contract::Contract;
use super::Library;
use crate::problem::{Problem, Skipped};
use crate::sigma::{CompileOptions, Correlation, Filter, RuleError};
use crate::yaml::{Node, Pos};

/// A filter or correlation document, before it is tied to rules.
pub enum Meta {
    Filter { file: PathBuf, filter: Arc<Filter> },
    Correlation(Box<CorrelationDetection>),
}

/// What one name in a correlation's `rules` stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A detection, by key.
    Rule(String),
    /// Another correlation (chaining), by key.
    Correlation(String),
}

/// One loaded correlation with its product contract.
pub struct CorrelationDetection {
    pub file: PathBuf,
    /// The `id`, else the `name`, else the file path.
    pub key: String,
    pub correlation: Correlation,
    pub contract: Contract,
    /// Declared, or every data source of the rules it names.
    pub data_sources: Vec<String>,
    /// What each entry of `correlation.rules` resolved to, in order.
    pub sources: Vec<Source>,
}

/// Reads a filter or correlation document; `None` for any other document.
pub fn load(
    file: &Path,
    doc: &Node,
    options: &CompileOptions,
) -> Option<Result<Meta, Vec<Problem>>> {
    let problems = |errors: Vec<RuleError>| -> Vec<Problem> {
        let mut problems: Vec<Problem> = errors
            .into_iter()
            .map(|e| problem(file, e.pos, e.message))
            .collect();
        problems.sort();
        problems
    };
    if doc.get("filter").is_some() {
        let loaded = Filter::from_node(doc, options).map(|filter| Meta::Filter {
            file: file.to_path_buf(),
            filter: Arc::new(filter),
        });
        return Some(loaded.map_err(problems));
    }
    doc.get("correlation")?;
    let correlation = Correlation::from_node(doc, options);
    let contract = Contract::from_node(doc, options);
    Some(match (correlation, contract) {
        (Ok(correlation), Ok(contract)) => Ok(Meta::Correlation(Box::new(CorrelationDetection {
            file: file.to_path_buf(),
            key: correlation_key(file, &correlation),
            correlation,
            contract,
            data_sources: Vec::new(),
            sources: Vec::new(),
        }))),
        (correlation, contract) => {
            let mut errors = correlation.err().unwrap_or_default();
            errors.extend(contract.err().into_iter().flatten().map(|e| RuleError {
                pos: e.pos,
                message: e.message,
            }));
            Err(problems(errors))
        }
    })
}

fn correlation_key(file: &Path, correlation: &Correlation) -> String {
    correlation
        .id
        .clone()
        .or_else(|| correlation.name.clone())
        .unwrap_or_else(|| file.display().to_string())
}

fn problem(file: &Path, pos: Pos, message: impl Into<String>) -> Problem {
    Problem::new(file, Some(pos), Skipped::Detection, message)
}

impl Library {
    /// The loaded correlation with this key.
    pub fn correlation(&self, key: &str) -> Option<&CorrelationDetection> {
        self.correlations.iter().find(|c| c.key == key)
    }

    /// Whether a detection or correlation alerts on its own: not when the
    /// correlations naming it all say `generate: false` (Sigma's default).
    pub fn generates(&self, key: &str) -> bool {
        let mut naming = self
            .correlations
            .iter()
            .filter(|c| c.sources.iter().any(|s| source_key(s) == key))
            .peekable();
        naming.peek().is_none() || naming.any(|c| c.correlation.generate)
    }
}

pub(crate) fn source_key(source: &Source) -> &str {
    match source {
        Source::Rule(key) | Source::Correlation(key) => key,
    }
}

/// Applies the filters and resolves the correlations of a loaded library;
/// everything that cannot be tied is reported in `library.problems`.
pub fn attach(library: &mut Library, metas: Vec<Meta>) {
    let mut correlations = Vec::new();
    let mut filters = Vec::new();
    for meta in metas {
        match meta {
            Meta::Filter { file, filter } => filters.push((file, filter)),
            Meta::Correlation(c) => correlations.push(*c),
        }
    }
    correlations.sort_by(|a, b| a.key.cmp(&b.key));
    let correlations = unique(library, correlations);
    let resolved = super::chain::resolve(library, correlations);
    library.correlations = resolved;
    for (file, filter) in filters {
        apply_filter(library, &file, filter);
    }
}

/// Drops a correlation whose key is already taken, reporting it.
fn unique(library: &mut Library, all: Vec<CorrelationDetection>) -> Vec<CorrelationDetection> {
    let mut seen: BTreeSet<String> = library.detections.iter().map(|d| d.key.clone()).collect();
    let mut kept = Vec::new();
    for c in all {
        if seen.insert(c.key.clone()) {
            kept.push(c);
        } else {
            let message = format!(
                "duplicate detection id {}: this correlation was not loaded",
                c.key
            );
            library
                .problems
                .push(problem(&c.file, c.correlation.pos, message));
        }
    }
    kept
}

fn apply_filter(library: &mut Library, file: &Path, filter: Arc<Filter>) {
    for reference in &filter.rules {
        let named: Vec<usize> = (0..library.detections.len())
            .filter(|&i| {
                let d = &library.detections[i];
                d.key == reference.name || d.rule.name.as_deref() == Some(&reference.name)
            })
            .collect();
        let message = if named.is_empty() {
            Some(unknown_filter_target(library, &reference.name))
        } else {
            None
        };
        let mut skipped = Vec::new();
        for i in named {
            let detection = &mut library.detections[i];
            if filter.covers(&detection.rule.logsource) {
                detection.rule.add_filter(Arc::clone(&filter));
            } else {
                skipped.push(detection.key.clone());
            }
        }
        let message = message.or_else(|| {
            (!skipped.is_empty()).then(|| {
                format!(
                    "filter names rule {} but its logsource is not covered by the filter's; not applied",
                    skipped.join(", ")
                )
            })
        });
        if let Some(message) = message {
            library.problems.push(problem(file, reference.pos, message));
        }
    }
}

fn unknown_filter_target(library: &Library, name: &str) -> String {
    let is_correlation = library
        .correlations
        .iter()
        .any(|c| c.key == name || c.correlation.name.as_deref() == Some(name));
    if is_correlation {
        format!("filter names correlation {name}; filters never apply to correlations")
    } else {
        format!("filter names rule '{name}', which is not loaded")
    }
}

/// Which data sources each resolved key runs on (detections first).
pub(crate) fn data_sources_of(library: &Library) -> BTreeMap<String, Vec<String>> {
    library
        .detections
        .iter()
        .map(|d| (d.key.clone(), d.data_sources.clone()))
        .collect()
}
