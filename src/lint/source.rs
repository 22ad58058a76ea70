//! Detection files read for linting: the positioned YAML of each rule
//! document, next to what the engine and the contract reader made of it.
//!
//! Unlike loading for `test`, a document the engine rejects is kept: its
//! errors become diagnostics and every check that can still run on its
//! YAML does, so one lint run shows all of a file's faults.

use std::path::{Path, PathBuf};

use super::catalogue::{self, Check};
use super::diagnostic::Diagnostic;
use crate::detection::{Contract, Registry};
use crate::sigma::correlation::Correlation;
use crate::sigma::{CompileOptions, Rule, RuleError};
use crate::yaml::{self, Node};

/// One rule document of a detection file.
pub struct Doc {
    pub file: PathBuf,
    /// 0-based position among the file's documents.
    pub index: usize,
    pub node: Node,
    pub rule: Option<Rule>,
    /// Set for a correlation document (its `rule` is then `None`).
    pub correlation: Option<Correlation>,
    pub contract: Option<Contract>,
    /// The `id`, or the file path when there is none (as `test` keys it).
    pub key: String,
    /// The data sources it runs on: declared, or derived from its logsource.
    pub data_sources: Vec<String>,
}

impl Doc {
    pub fn id(&self) -> Option<&str> {
        self.node.get("id").and_then(Node::as_str)
    }

    pub fn is_deprecated(&self) -> bool {
        let status = self.node.get("status").and_then(Node::as_str);
        status.is_some_and(|s| s.eq_ignore_ascii_case("deprecated"))
    }

    /// A diagnostic about a node of this document.
    pub fn at(&self, check: &'static Check, node: &Node, message: String) -> Diagnostic {
        Diagnostic::at(check, &self.file, node, message).in_document(self.index)
    }
}

/// One detection file: its text, its documents, and the diagnostics that
/// came out of reading them.
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    pub docs: Vec<Doc>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and compiles every rule document of `path`.
pub fn read(path: &Path, registry: &Registry, options: &CompileOptions) -> SourceFile {
    let mut file = SourceFile {
        path: path.to_path_buf(),
        text: String::new(),
        docs: Vec::new(),
        diagnostics: Vec::new(),
    };
    match std::fs::read_to_string(path) {
        Ok(text) => file.text = text,
        Err(e) => {
            let message = format!("cannot read file: {e}");
            let d = Diagnostic::new(&catalogue::INVALID_YAML, path, None, message);
            file.diagnostics.push(d);
            return file;
        }
    }
    let nodes = match yaml::parse_documents(&file.text) {
        Ok(nodes) => nodes,
        Err(e) => {
            let message = format!("invalid YAML: {}", e.message);
            let d = Diagnostic::new(&catalogue::INVALID_YAML, path, Some(e.pos), message);
            file.diagnostics.push(d);
            return file;
        }
    };
    for (index, node) in nodes.into_iter().enumerate() {
        if is_rule(&node) {
            let doc = compile(path, index, node, registry, options, &mut file.diagnostics);
            file.docs.push(doc);
        }
    }
    file
}

/// Filter documents tune other rules and carry no contract; lint skips
/// them. Correlations are detections with a contract and are linted.
fn is_rule(node: &Node) -> bool {
    node.as_map().is_some() && node.get("filter").is_none()
}

fn compile(
    path: &Path,
    index: usize,
    node: Node,
    registry: &Registry,
    options: &CompileOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Doc {
    let mut engine_errors =
        |errors: Vec<RuleError>| diagnostics.extend(errors.iter().map(|e| engine(path, index, e)));
    let (rule, correlation) = match node.get("correlation") {
        Some(_) => (
            None,
            Correlation::from_node(&node, options)
                .map_err(&mut engine_errors)
                .ok(),
        ),
        None => (
            Rule::from_node(&node, options)
                .map_err(&mut engine_errors)
                .ok(),
            None,
        ),
    };
    let contract = Contract::from_node(&node, options)
        .map_err(|errors| {
            diagnostics.extend(errors.into_iter().map(|e| {
                let check = &catalogue::INVALID_CONTRACT;
                Diagnostic::new(check, path, Some(e.pos), e.message).in_document(index)
            }))
        })
        .ok();
    let data_sources = match (&contract, &rule) {
        (Some(c), _) if !c.data_sources.is_empty() => c.data_sources.clone(),
        (_, Some(rule)) => registry.sources_for(&rule.logsource),
        _ => Vec::new(),
    };
    let key = node
        .get("id")
        .and_then(Node::as_str)
        .map_or_else(|| path.display().to_string(), str::to_string);
    Doc {
        file: path.to_path_buf(),
        index,
        node,
        rule,
        correlation,
        contract,
        key,
        data_sources,
    }
}

/// Sorts an engine error into the check it belongs to.
fn engine(path: &Path, index: usize, error: &RuleError) -> Diagnostic {
    let m = &error.message;
    let check = if m.contains("invalid regular expression") {
        &catalogue::INVALID_REGEX
    } else if m.starts_with("placeholder ") && m.contains("has no values") {
        &catalogue::UNRESOLVED_PLACEHOLDER
    } else if m.contains("undefined identifier") || m.contains("matches no selection") {
        &catalogue::UNDEFINED_IDENTIFIER
    } else {
        &catalogue::INVALID_RULE
    };
    Diagnostic::new(check, path, Some(error.pos), m.clone()).in_document(index)
}
