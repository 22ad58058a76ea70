//! Detections: a compiled Sigma rule plus its product contract, loaded from
//! a folder of YAML files.
//!
//! Loading never stops at the first broken file: every file is read (in
//! parallel), every problem is kept with its file, line and column, and the
//! detections that did load are returned in a stable order.

mod chain;
pub mod contract;
pub mod meta;
pub mod placeholders;
pub mod registry;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::logsource::{Gate, LogsourceMap};
use crate::problem::{Problem, Skipped};
use crate::sigma::{CompileOptions, Rule};
use crate::yaml::{self, Node};
pub use contract::{Contract, ResponsePlan};
pub use meta::CorrelationDetection;
pub use registry::Registry;

/// One loaded detection.
pub struct Detection {
    /// The file it came from, as found under the detections folder.
    pub file: PathBuf,
    /// Its stable key: the rule's `id`, or the file path when it has none.
    pub key: String,
    pub rule: Rule,
    pub contract: Contract,
    /// The data sources it runs on: declared, or derived from its logsource.
    pub data_sources: Vec<String>,
    /// Which events its logsource stands for.
    pub gate: Gate,
}

/// Everything loaded from a detections folder.
#[derive(Default)]
pub struct Library {
    pub detections: Vec<Detection>,
    /// Correlations, each after the ones it chains on.
    pub correlations: Vec<CorrelationDetection>,
    pub registry: Registry,
    pub logsources: LogsourceMap,
    pub problems: Vec<Problem>,
    /// How many detection files were found.
    pub files: usize,
}

impl Library {
    pub fn find(&self, key: &str) -> Option<usize> {
        self.detections.iter().position(|d| d.key == key)
    }

    /// Lets every detection see every event, whatever its logsource (for
    /// like-for-like comparisons with engines that do not gate).
    pub fn ungate(&mut self) {
        for detection in &mut self.detections {
            detection.gate = Gate::Ungated;
        }
    }
}

/// Loads every `*.yml`/`*.yaml` file under `dir` (the `registry` folder
/// aside).
pub fn load_library(dir: &Path, options: &CompileOptions) -> Library {
    let dir = &crate::paths::normalise(dir);
    let (registry, mut problems) = Registry::load(dir);
    let (logsources, map_problems) = LogsourceMap::load(dir);
    problems.extend(map_problems);
    let (files, unreadable) = detection_files(dir);
    problems.extend(unreadable);
    let loaded: Vec<(Vec<Detection>, Vec<meta::Meta>, Vec<Problem>)> = files
        .par_iter()
        .map(|file| {
            let context = Context {
                registry: &registry,
                logsources: &logsources,
                options,
            };
            load_file(file, &context)
        })
        .collect();

    let mut library = Library {
        files: files.len(),
        ..Library::default()
    };
    let mut seen = HashSet::new();
    let mut metas = Vec::new();
    for (detections, file_metas, file_problems) in loaded {
        problems.extend(file_problems);
        metas.extend(file_metas);
        for detection in detections {
            if seen.insert(detection.key.clone()) {
                library.detections.push(detection);
            } else {
                problems.push(duplicate_id(&detection));
            }
        }
    }
    library.registry = registry;
    library.logsources = logsources;
    library.problems = problems;
    meta::attach(&mut library, metas);
    library
}

fn duplicate_id(detection: &Detection) -> Problem {
    Problem::new(
        &detection.file,
        None,
        Skipped::Detection,
        format!(
            "duplicate detection id {}: only the first file with it was loaded",
            detection.key
        ),
    )
}

/// The detection files under `dir` (or `dir` itself, when it is a file),
/// sorted, registry files aside; and a problem for a missing folder or
/// each folder that could not be read.
pub fn detection_files(dir: &Path) -> (Vec<PathBuf>, Vec<Problem>) {
    if dir.is_file() {
        return (vec![dir.to_path_buf()], Vec::new());
    }
    if !dir.is_dir() {
        let message = "detections folder not found";
        return (
            Vec::new(),
            vec![Problem::new(dir, None, Skipped::Detection, message)],
        );
    }
    let registry = dir.join(registry::REGISTRY_DIR);
    let listing = crate::paths::find(dir, &[".yml", ".yaml"]);
    let (mut files, problems) = listing.into_parts(Skipped::Detection);
    files.retain(|path| !registry::is_registry_file(path, &registry));
    files.sort();
    (files, problems)
}

/// What loading a detection needs besides its file.
pub struct Context<'a> {
    pub registry: &'a Registry,
    pub logsources: &'a LogsourceMap,
    pub options: &'a CompileOptions,
}

/// Loads the rule, filter and correlation documents of one file.
pub fn load_file(
    file: &Path,
    context: &Context,
) -> (Vec<Detection>, Vec<meta::Meta>, Vec<Problem>) {
    let problem = |pos, message: String| Problem::new(file, pos, Skipped::Detection, message);
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            return (
                vec![],
                vec![],
                vec![problem(None, format!("cannot read file: {e}"))],
            )
        }
    };
    let documents = match yaml::parse_documents(&text) {
        Ok(docs) => docs,
        Err(e) => {
            return (
                vec![],
                vec![],
                vec![problem(Some(e.pos), format!("invalid YAML: {}", e.message))],
            )
        }
    };
    let mut detections = Vec::new();
    let mut metas = Vec::new();
    let mut problems = Vec::new();
    for doc in &documents {
        if let Some(loaded) = meta::load(file, doc, context.options) {
            match loaded {
                Ok(m) => metas.push(m),
                Err(errors) => problems.extend(errors),
            }
            continue;
        }
        match load_document(file, doc, context) {
            Ok(detection) => detections.push(detection),
            Err(errors) => problems.extend(errors),
        }
    }
    (detections, metas, problems)
}

fn load_document(file: &Path, doc: &Node, context: &Context) -> Result<Detection, Vec<Problem>> {
    let options = context.options;
    let problem = |pos, message: String| Problem::new(file, Some(pos), Skipped::Detection, message);
    let rule = Rule::from_node(doc, options);
    let contract = Contract::from_node(doc, options);
    let (rule, contract) = match (rule, contract) {
        (Ok(rule), Ok(contract)) => (rule, contract),
        (rule, contract) => {
            let mut errors: Vec<Problem> = rule
                .err()
                .into_iter()
                .flatten()
                .map(|e| problem(e.pos, e.message))
                .collect();
            errors.extend(
                contract
                    .err()
                    .into_iter()
                    .flatten()
                    .map(|e| problem(e.pos, e.message)),
            );
            errors.sort();
            return Err(errors);
        }
    };
    let data_sources = if contract.data_sources.is_empty() {
        context.registry.sources_for(&rule.logsource)
    } else {
        contract.data_sources.clone()
    };
    let key = rule
        .id
        .clone()
        .unwrap_or_else(|| file.display().to_string());
    Ok(Detection {
        file: file.to_path_buf(),
        key,
        gate: context.logsources.gate(&rule.logsource),
        rule,
        contract,
        data_sources,
    })
}
