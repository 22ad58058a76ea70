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
//! A [`Filter`] document compiles its selections with the same
//! [`rule::detection`] and is ANDed with the detection of each rule it
//! names; a [`Correlation`] is only parsed and typed here, since it is
//! evaluated over many events by the caller (`replay::correlate`).

mod compile;
mod condition;
pub mod correlation;
mod encode;
mod filter;
mod matcher;
mod modifier;
mod number;
mod pattern;
mod prefilter;
mod rule;
mod ruleset;
mod value;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;

use crate::event::Event;
use crate::yaml::{Node, Pos};
pub use correlation::Correlation;
pub use filter::Filter;
pub use ruleset::RuleSet;

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
    /// Sigma's human-readable handle, which correlations and filters may
    /// use instead of the id.
    pub name: Option<String>,
    pub status: Option<String>,
    pub level: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub falsepositives: Vec<String>,
    pub logsource: LogSource,
    detection: rule::Detection,
    /// Filter documents applied to this rule, each ANDed with it.
    filters: Vec<Arc<Filter>>,
}

impl Rule {
    /// Parses and compiles one YAML document, reporting all its errors.
    pub fn from_node(doc: &Node, options: &CompileOptions) -> Result<Rule, Vec<RuleError>> {
        rule::parse(doc, options)
    }

    /// Whether the rule's detection holds for `event`.
    pub fn matches(&self, event: &Event) -> bool {
        self.detection.matches(event) && self.filters.iter().all(|f| f.matches(event))
    }

    /// ANDs a filter's condition with the rule's own (the caller checks
    /// that the filter names this rule and that the logsources agree).
    pub fn add_filter(&mut self, filter: Arc<Filter>) {
        self.filters.push(filter);
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
