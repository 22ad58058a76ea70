//! Engine tests through the public API: semantics from SIGMA-NOTES, and one
//! test per kind of fault reported against other Sigma engines. Rules and
//! events are literals so the tests run on any clone.

use serde_json::Value;

use super::{CompileOptions, Rule, RuleError, Selection};
use crate::event::Event;
use crate::yaml::parse_documents;

/// Compiles a rule; a `title` is added when the text has none.
pub(super) fn compile_with(text: &str, options: &CompileOptions) -> Result<Rule, Vec<RuleError>> {
    let text = if text.contains("title:") {
        text.to_string()
    } else {
        format!("title: test\n{text}")
    };
    let docs = parse_documents(&text).expect("test yaml parses");
    Rule::from_node(&docs[0], options)
}

pub(super) fn compile(text: &str) -> Result<Rule, Vec<RuleError>> {
    compile_with(text, &CompileOptions::default())
}

pub(super) fn rule(text: &str) -> Rule {
    match compile(text) {
        Ok(rule) => rule,
        Err(errors) => panic!("rule does not compile: {errors:?}"),
    }
}

/// The messages of a rule that must not compile.
pub(super) fn errors(text: &str) -> Vec<String> {
    match compile(text) {
        Ok(_) => panic!("rule compiled but should not"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

pub(super) fn fires(rule: &Rule, event: Value) -> bool {
    rule.matches(&Event::new(event))
}

/// A rule with one selection `sel` holding `body` (indented two spaces).
pub(super) fn sel(body: &str) -> Rule {
    rule(&format!(
        "logsource: {{product: test}}\ndetection:\n  sel:\n{}\n  condition: sel\n",
        indent(body)
    ))
}

pub(super) fn sel_errors(body: &str) -> Vec<String> {
    errors(&format!(
        "logsource: {{product: test}}\ndetection:\n  sel:\n{}\n  condition: sel\n",
        indent(body)
    ))
}

fn indent(body: &str) -> String {
    body.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

mod bugs;
mod correlations;
mod filters;
mod hardening;
mod modifiers;
mod semantics;

#[test]
fn rules_and_selections_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Rule>();
    check::<Selection>();
}
