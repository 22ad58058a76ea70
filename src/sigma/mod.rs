//! The Sigma engine: parse, then compile, then match.
//!
//! A rule document becomes a [`Rule`] in one step ([`Rule::from_node`]):
//! every error of the document is collected with its position, and
//! everything that can be decided before seeing events is decided then
//! (case folding, wildcard shapes, regexes, encoded variants). Matching an
//! [`Event`](crate::event::Event) then only walks the compiled tree.
//!
//! The pipeline, one file a stage: [`modifier`] splits `field|mod|mod`
//! keys, [`pattern`] reads Sigma strings, [`encode`] expands variants,
//! [`value`] runs a value through its modifiers, [`compile`] builds a
//! selection's [`matcher`] tree, [`condition`] parses the condition, and
//! [`rule`] reads the document around them. Logsource gating and field
//! mapping belong to the caller: this engine matches fields as named.
//!
//! Filters and correlations are later work; a filter will compile its
//! selections with the same [`rule::detection`] and be ANDed with the
//! rule's own detection, which is why that step stands apart.

mod compile;
mod condition;
mod encode;
mod matcher;
mod modifier;
mod pattern;
mod rule;
mod value;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use crate::event::Event;
use crate::yaml::{Node, Pos};

/// Why a rule or selection could not be compiled, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct RuleError {
    pub pos: Pos,
    /// A lowercase fragment saying why.
    pub message: String,
}

/// Where a rule's events come from; gating on it is the caller's job.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogSource {
    pub category: Option<String>,
    pub product: Option<String>,
    pub service: Option<String>,
}

/// Settings that shape compilation.
#[derive(Clone, Debug, Default)]
pub struct CompileOptions {
    /// Values for `%name%` placeholders of the `expand` modifier.
    pub placeholders: HashMap<String, Vec<String>>,
}

/// A parsed and compiled Sigma rule.
#[derive(Debug)]
pub struct Rule {
    pub title: String,
    pub id: Option<String>,
    pub status: Option<String>,
    pub level: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub falsepositives: Vec<String>,
    pub logsource: LogSource,
    detection: rule::Detection,
}

impl Rule {
    /// Parses and compiles one YAML document, reporting all its errors.
    pub fn from_node(doc: &Node, options: &CompileOptions) -> Result<Rule, Vec<RuleError>> {
        rule::parse(doc, options)
    }

    /// Whether the rule's detection holds for `event`.
    pub fn matches(&self, event: &Event) -> bool {
        self.detection.matches(event)
    }
}

/// One Sigma selection used outside rules (false-positive patterns,
/// guardrails, fixture field selectors): a map, or a list of maps.
#[derive(Debug)]
pub struct Selection {
    matcher: matcher::Matcher,
}

impl Selection {
    /// Compiles a selection node, reporting all its errors.
    pub fn from_node(node: &Node, options: &CompileOptions) -> Result<Selection, Vec<RuleError>> {
        let mut c = compile::Compiler {
            options,
            errors: Vec::new(),
        };
        match c.selection(node) {
            Some(matcher) if c.errors.is_empty() => Ok(Selection { matcher }),
            _ => Err(c.errors),
        }
    }

    pub fn matches(&self, event: &Event) -> bool {
        self.matcher.matches(event)
    }
}
