//! SigmaHQ's own regression suite, read natively.
//!
//! A SigmaHQ rule may carry `regression_tests_path`, pointing to an
//! `info.yml` that lists test logs (`path` to an EVTX file, a JSON twin
//! beside it) and an optional `match_count`. A test passes when the rule,
//! gated by its logsource like any other run, fires at least that many
//! times (once when absent). Both the EVTX file and its JSON twin are run,
//! so the two readers are checked against each other.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::event::reader;
use crate::logsource::{Gate, LogsourceMap};
use crate::problem::{Problem, Skipped};
use crate::sigma::{CompileOptions, Rule};
use crate::yaml::{self, Node};

/// The rule folders of a SigmaHQ checkout that may carry tests.
const RULE_DIRS: &[&str] = &[
    "rules",
    "rules-emerging-threats",
    "rules-threat-hunting",
    "rules-placeholder",
];

/// One test log run against one rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogResult {
    pub log: PathBuf,
    pub matches: u64,
    pub passed: bool,
    /// Why the log could not be read, if it could not.
    pub error: Option<String>,
}

/// One rule's regression tests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleResult {
    pub rule: PathBuf,
    pub id: Option<String>,
    pub title: String,
    pub expected_matches: u64,
    pub logs: Vec<LogResult>,
}

impl RuleResult {
    pub fn passed(&self) -> bool {
        !self.logs.is_empty() && self.logs.iter().all(|l| l.passed)
    }
}

/// The whole suite.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Suite {
    pub rules: Vec<RuleResult>,
    pub problems: Vec<Problem>,
}

impl Suite {
    pub fn passed_count(&self) -> usize {
        self.rules.iter().filter(|r| r.passed()).count()
    }
}

/// Runs every regression test of a SigmaHQ checkout.
pub fn run(root: &Path, logsources: &LogsourceMap) -> Suite {
    let (files, unreadable) = rule_files(root);
    if files.is_empty() && unreadable.is_empty() {
        let message = format!(
            "no SigmaHQ rules found (looked in {} under this folder)",
            RULE_DIRS.join(", ")
        );
        let problems = vec![Problem::new(root, None, Skipped::Detection, message)];
        return Suite {
            rules: Vec::new(),
            problems,
        };
    }
    let outcomes: Vec<Result<Option<Vec<RuleResult>>, Vec<Problem>>> = files
        .par_iter()
        .map(|file| run_file(root, file, logsources))
        .collect();
    let mut suite = Suite {
        problems: unreadable,
        ..Suite::default()
    };
    for outcome in outcomes {
        match outcome {
            Ok(results) => suite.rules.extend(results.into_iter().flatten()),
            Err(problems) => suite.problems.extend(problems),
        }
    }
    suite
}

/// The rule files of the checkout, and a problem for each folder under
/// them that could not be read (a missing rule folder is not one).
fn rule_files(root: &Path) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for dir in RULE_DIRS.iter().map(|dir| root.join(dir)) {
        if !dir.is_dir() {
            continue;
        }
        let (found, unreadable) =
            crate::paths::find(&dir, &[".yml"]).into_parts(Skipped::Detection);
        files.extend(found);
        problems.extend(unreadable);
    }
    files.sort();
    (files, problems)
}

/// `Ok(None)` when the file has no rule with regression tests.
fn run_file(
    root: &Path,
    file: &Path,
    logsources: &LogsourceMap,
) -> Result<Option<Vec<RuleResult>>, Vec<Problem>> {
    let problem = |pos, message: String| vec![Problem::new(file, pos, Skipped::Detection, message)];
    let text =
        std::fs::read_to_string(file).map_err(|e| problem(None, format!("cannot read: {e}")))?;
    let docs = yaml::parse_documents(&text).map_err(|e| problem(Some(e.pos), e.message))?;
    let mut results = Vec::new();
    for doc in &docs {
        let Some(info) = doc.get("regression_tests_path").and_then(Node::as_str) else {
            continue;
        };
        let rule = Rule::from_node(doc, &CompileOptions::default()).map_err(|errors| {
            errors
                .into_iter()
                .flat_map(|e| problem(Some(e.pos), e.message))
                .collect::<Vec<_>>()
        })?;
        let gate = logsources.gate(&rule.logsource);
        let info_path = root.join(info);
        let tests = read_info(&info_path)
            .map_err(|m| problem(None, format!("{}: {m}", info_path.display())))?;
        results.extend(
            tests
                .into_iter()
                .map(|(log, want)| run_test(root, file, &rule, &gate, logsources, &log, want)),
        );
    }
    Ok((!results.is_empty()).then_some(results))
}

/// The (log path, minimum matches) of each test an `info.yml` lists.
fn read_info(path: &Path) -> Result<Vec<(String, u64)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let docs = yaml::parse_documents(&text).map_err(|e| e.to_string())?;
    let tests = docs
        .first()
        .and_then(|d| d.get("regression_tests_info"))
        .and_then(Node::as_seq)
        .ok_or("no regression_tests_info list")?;
    tests
        .iter()
        .map(|test| {
            let log = test
                .get("path")
                .and_then(Node::as_str)
                .ok_or("a test without a path")?;
            let want = test.get("match_count").and_then(Node::as_u64).unwrap_or(1);
            Ok((log.to_string(), want))
        })
        .collect()
}

fn run_test(
    root: &Path,
    file: &Path,
    rule: &Rule,
    gate: &Gate,
    logsources: &LogsourceMap,
    log: &str,
    want: u64,
) -> RuleResult {
    let evtx = root.join(log);
    let json = evtx.with_extension("json");
    let logs = [evtx, json]
        .into_iter()
        .filter(|path| path.exists())
        .map(|path| {
            let (matches, error) = count(rule, gate, logsources, &path);
            LogResult {
                passed: error.is_none() && matches >= want,
                log: path,
                matches,
                error,
            }
        })
        .collect();
    RuleResult {
        rule: file.to_path_buf(),
        id: rule.id.clone(),
        title: rule.title.clone(),
        expected_matches: want,
        logs,
    }
}

/// How often the rule fires on a log, and the first read error if any.
fn count(rule: &Rule, gate: &Gate, logsources: &LogsourceMap, log: &Path) -> (u64, Option<String>) {
    let records = match reader::open(log) {
        Ok(records) => records,
        Err(e) => return (0, Some(e.to_string())),
    };
    let mut matches = 0;
    let mut error = None;
    for item in records {
        match item {
            Ok((_, event)) => {
                let view = logsources.view(&event);
                matches += u64::from(gate.matching(rule, &view).is_some());
            }
            Err(corrupt) => {
                error.get_or_insert(format!(
                    "record {}: {}",
                    corrupt.position.index, corrupt.reason
                ));
            }
        }
    }
    (matches, error)
}
