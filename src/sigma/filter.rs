//! Sigma filter documents: a condition ANDed with the rules they name.
//!
//! A filter lets a team tune a rule it does not own (a SigmaHQ rule kept as
//! it is) without editing it. This module only reads and compiles the
//! document; deciding which loaded rules it names, and reporting the names
//! that match nothing, belongs to the loader, which sees every rule.

use super::compile::Compiler;
use super::correlation::{references, RuleRef};
use super::rule::{self, Detection};
use super::{CompileOptions, LogSource, RuleError};
use crate::event::Event;
use crate::yaml::{Kind, Node};

/// A parsed and compiled filter document.
#[derive(Debug)]
pub struct Filter {
    pub title: String,
    pub id: Option<String>,
    pub logsource: LogSource,
    /// The rules it applies to, by id or `name`, as written.
    pub rules: Vec<RuleRef>,
    detection: Detection,
}

impl Filter {
    /// Parses and compiles a document holding a `filter` key.
    pub fn from_node(doc: &Node, options: &CompileOptions) -> Result<Filter, Vec<RuleError>> {
        let mut c = Compiler {
            options,
            errors: Vec::new(),
        };
        let title = rule::required_text(&mut c, doc, "title");
        let id = rule::optional_text(&mut c, doc, "id");
        let logsource = rule::logsource(&mut c, doc);
        let body = doc.get("filter").and_then(|node| filter_body(&mut c, node));
        match (title, logsource, body) {
            (Some(title), Some(logsource), Some((rules, detection))) if c.errors.is_empty() => {
                Ok(Filter {
                    title,
                    id,
                    logsource,
                    rules,
                    detection,
                })
            }
            _ => Err(c.errors),
        }
    }

    /// Whether the filter's condition holds for `event`.
    pub fn matches(&self, event: &Event) -> bool {
        self.detection.matches(event)
    }

    /// Whether a rule with this logsource is one the filter may touch:
    /// equal (case ignored) on every key the filter sets.
    pub fn covers(&self, logsource: &LogSource) -> bool {
        let same = |mine: &Option<String>, theirs: &Option<String>| match mine {
            None => true,
            Some(mine) => theirs
                .as_deref()
                .is_some_and(|theirs| theirs.eq_ignore_ascii_case(mine)),
        };
        same(&self.logsource.category, &logsource.category)
            && same(&self.logsource.product, &logsource.product)
            && same(&self.logsource.service, &logsource.service)
    }
}

/// Reads `filter:`: the `rules` list, then the rest as a detection.
fn filter_body(c: &mut Compiler, node: &Node) -> Option<(Vec<RuleRef>, Detection)> {
    let Some(entries) = node.as_map() else {
        c.error(
            node.pos,
            format!("filter must be a mapping, found {}", node.kind_name()),
        );
        return None;
    };
    let rules = match node.get("rules") {
        Some(list) => references(c, list, "rules")?,
        None => {
            c.error(node.pos, "filter has no rules list");
            return None;
        }
    };
    let selections = Node {
        pos: node.pos,
        kind: Kind::Map(
            entries
                .iter()
                .filter(|(k, _)| k.as_scalar() != Some("rules"))
                .cloned()
                .collect(),
        ),
    };
    let detection = rule::detection(c, &selections)?;
    Some((rules, detection))
}
