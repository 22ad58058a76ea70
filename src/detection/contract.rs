//! The product contract around a Sigma rule: who owns it, what data it
//! needs, which false positives are expected, what the analyst sees first
//! and which responses may run on their own.
//!
//! Every key is optional here, so a plain SigmaHQ rule loads as it is; the
//! linter decides which missing keys matter. Keys that are present must be
//! well formed: a malformed contract is a load error with its position.

use crate::event::Event;
use crate::sigma::{CompileOptions, Selection};
use crate::yaml::{Node, Pos};

/// A problem in the contract part of a detection file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractError {
    pub pos: Pos,
    pub message: String,
}

/// The contract of one detection.
#[derive(Default)]
pub struct Contract {
    pub version: Option<u64>,
    pub owner: Option<String>,
    pub data_sources: Vec<String>,
    pub expected_false_positives: Vec<Pattern>,
    pub first_context: Vec<String>,
    pub responses: Responses,
}

/// A named Sigma selection: an expected false positive or a guardrail.
pub struct Pattern {
    pub name: String,
    pub selection: Selection,
}

/// Which responses run on their own, which wait for a person, and when
/// automation must hold back.
#[derive(Default)]
pub struct Responses {
    pub automated: Vec<String>,
    pub needs_approval: Vec<String>,
    pub blocked_when: Vec<Pattern>,
}

/// What the response plan does for one alert.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ResponsePlan {
    /// Actions that would run now.
    pub automated: Vec<String>,
    /// Actions that wait for a person (automated ones move here when blocked).
    pub needs_approval: Vec<String>,
    /// The guardrail that held automation back, if one matched.
    pub blocked_by: Option<String>,
}

impl Contract {
    /// Reads the contract keys of a detection document.
    pub fn from_node(doc: &Node, options: &CompileOptions) -> Result<Contract, Vec<ContractError>> {
        let mut errors = Vec::new();
        let mut contract = Contract::default();
        if let Some(node) = doc.get("version") {
            contract.version = expect(node.as_u64(), node, "a whole number", &mut errors);
        }
        if let Some(node) = doc.get("owner") {
            contract.owner = expect(
                node.as_str().map(str::to_string),
                node,
                "a team handle",
                &mut errors,
            );
        }
        if let Some(node) = doc.get("data_sources") {
            contract.data_sources = strings(node, &mut errors);
        }
        if let Some(node) = doc.get("first_context") {
            contract.first_context = strings(node, &mut errors);
        }
        if let Some(node) = doc.get("expected_false_positives") {
            contract.expected_false_positives = patterns(node, "name", options, &mut errors);
        }
        if let Some(node) = doc.get("responses") {
            contract.responses = responses(node, options, &mut errors);
        }
        if errors.is_empty() {
            Ok(contract)
        } else {
            Err(errors)
        }
    }

    /// The first expected-false-positive pattern the event matches.
    pub fn expected_false_positive(&self, event: &Event) -> Option<&str> {
        first_match(&self.expected_false_positives, event)
    }

    /// What the response plan does for an alert on this event.
    pub fn response_plan(&self, event: &Event) -> ResponsePlan {
        let responses = &self.responses;
        let blocked_by = first_match(&responses.blocked_when, event).map(str::to_string);
        let mut plan = ResponsePlan {
            automated: responses.automated.clone(),
            needs_approval: responses.needs_approval.clone(),
            blocked_by,
        };
        if plan.blocked_by.is_some() {
            let held = std::mem::take(&mut plan.automated);
            plan.needs_approval.splice(0..0, held);
        }
        plan
    }
}

fn first_match<'a>(patterns: &'a [Pattern], event: &Event) -> Option<&'a str> {
    patterns
        .iter()
        .find(|p| p.selection.matches(event))
        .map(|p| p.name.as_str())
}

fn expect<T>(
    value: Option<T>,
    node: &Node,
    what: &str,
    errors: &mut Vec<ContractError>,
) -> Option<T> {
    if value.is_none() {
        errors.push(error(
            node,
            format!("expected {what}, found {}", node.kind_name()),
        ));
    }
    value
}

fn error(node: &Node, message: String) -> ContractError {
    ContractError {
        pos: node.pos,
        message,
    }
}

fn strings(node: &Node, errors: &mut Vec<ContractError>) -> Vec<String> {
    expect(node.string_list(), node, "a list of strings", errors).unwrap_or_default()
}

fn responses(node: &Node, options: &CompileOptions, errors: &mut Vec<ContractError>) -> Responses {
    let mut responses = Responses::default();
    if node.as_map().is_none() {
        errors.push(error(
            node,
            format!(
                "expected a mapping of responses, found {}",
                node.kind_name()
            ),
        ));
        return responses;
    }
    if let Some(n) = node.get("automated") {
        responses.automated = strings(n, errors);
    }
    if let Some(n) = node.get("needs_approval") {
        responses.needs_approval = strings(n, errors);
    }
    if let Some(n) = node.get("blocked_when") {
        responses.blocked_when = patterns(n, "reason", options, errors);
    }
    responses
}

/// Reads a list of `{<label_key>: ..., match: <selection>}` items.
fn patterns(
    node: &Node,
    label_key: &str,
    options: &CompileOptions,
    errors: &mut Vec<ContractError>,
) -> Vec<Pattern> {
    let Some(items) = node.as_seq() else {
        errors.push(error(
            node,
            format!("expected a list of patterns, found {}", node.kind_name()),
        ));
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| pattern(item, label_key, options, errors))
        .collect()
}

fn pattern(
    item: &Node,
    label_key: &str,
    options: &CompileOptions,
    errors: &mut Vec<ContractError>,
) -> Option<Pattern> {
    let name = item.get(label_key).and_then(Node::as_str);
    let Some(name) = name else {
        errors.push(error(item, format!("pattern needs a '{label_key}' string")));
        return None;
    };
    let Some(node) = item.get("match") else {
        errors.push(error(
            item,
            format!("pattern '{name}' needs a 'match' selection"),
        ));
        return None;
    };
    match Selection::from_node(node, options) {
        Ok(selection) => Some(Pattern {
            name: name.to_string(),
            selection,
        }),
        Err(errs) => {
            errors.extend(errs.into_iter().map(|e| ContractError {
                pos: e.pos,
                message: format!("in pattern '{name}': {}", e.message),
            }));
            None
        }
    }
}
