//! A rule document (one YAML document) read into a typed, compiled rule.
//!
//! Only the Sigma keys are read; any other top-level key belongs to the
//! product contract and is left for the `detection` module. The
//! [`Detection`] is built on its own so that a later filter document can
//! compile its selections the same way and be combined with a rule's.

use super::compile::Compiler;
use super::condition::{self, Cond};
use super::matcher::Matcher;
use super::{CompileOptions, LogSource, Rule, RuleError};
use crate::event::Event;
use crate::yaml::{Kind, Node, Pos, Style};

/// Named selections and the condition over them.
#[derive(Debug)]
pub(crate) struct Detection {
    selections: Vec<Matcher>,
    condition: Cond,
}

impl Detection {
    pub(crate) fn matches(&self, event: &Event) -> bool {
        let selection = |i: usize| self.selections.get(i).is_some_and(|m| m.matches(event));
        self.condition.eval(&selection)
    }

    /// The compiled selections and the condition over them.
    pub(crate) fn parts(&self) -> (&[Matcher], &Cond) {
        (&self.selections, &self.condition)
    }
}

/// Reads and compiles a rule document, collecting every error.
pub(crate) fn parse(doc: &Node, options: &CompileOptions) -> Result<Rule, Vec<RuleError>> {
    let mut c = Compiler {
        options,
        errors: Vec::new(),
    };
    if doc.as_map().is_none() {
        c.error(
            doc.pos,
            format!(
                "a rule document must be a mapping, found {}",
                doc.kind_name()
            ),
        );
        return Err(c.errors);
    }
    let title = required_text(&mut c, doc, "title");
    let logsource = logsource(&mut c, doc);
    let detection = match doc.get("detection") {
        Some(node) => detection(&mut c, node),
        None => {
            c.error(doc.pos, "missing detection");
            None
        }
    };
    let rule = Rule {
        title: title.unwrap_or_default(),
        id: optional_text(&mut c, doc, "id"),
        name: optional_text(&mut c, doc, "name"),
        status: optional_text(&mut c, doc, "status"),
        level: optional_text(&mut c, doc, "level"),
        description: optional_text(&mut c, doc, "description"),
        tags: text_list(&mut c, doc, "tags"),
        falsepositives: text_list(&mut c, doc, "falsepositives"),
        logsource: logsource.unwrap_or_default(),
        detection: detection.unwrap_or(Detection {
            selections: Vec::new(),
            condition: Cond::Or(Vec::new()),
        }),
        filters: Vec::new(),
    };
    match c.errors.is_empty() {
        true => Ok(rule),
        false => Err(c.errors),
    }
}

pub(crate) fn required_text(c: &mut Compiler, doc: &Node, key: &str) -> Option<String> {
    if doc.get(key).is_none() {
        c.error(doc.pos, format!("missing {key}"));
        return None;
    }
    optional_text(c, doc, key)
}

pub(crate) fn optional_text(c: &mut Compiler, doc: &Node, key: &str) -> Option<String> {
    let node = doc.get(key)?;
    match node.as_str() {
        Some(text) => Some(text.to_string()),
        None if node.is_null() => None,
        None => {
            c.error(
                node.pos,
                format!("{key} must be a string, found {}", node.kind_name()),
            );
            None
        }
    }
}

pub(crate) fn text_list(c: &mut Compiler, doc: &Node, key: &str) -> Vec<String> {
    let Some(node) = doc.get(key) else {
        return Vec::new();
    };
    node.string_list().unwrap_or_else(|| {
        c.error(node.pos, format!("{key} must be a list of strings"));
        Vec::new()
    })
}

pub(crate) fn logsource(c: &mut Compiler, doc: &Node) -> Option<LogSource> {
    let Some(node) = doc.get("logsource") else {
        c.error(doc.pos, "missing logsource");
        return None;
    };
    if node.as_map().is_none() {
        c.error(
            node.pos,
            format!("logsource must be a mapping, found {}", node.kind_name()),
        );
        return None;
    }
    Some(LogSource {
        category: optional_text(c, node, "category"),
        product: optional_text(c, node, "product"),
        service: optional_text(c, node, "service"),
    })
}

/// Compiles a `detection` mapping: its selections and its condition.
pub(crate) fn detection(c: &mut Compiler, node: &Node) -> Option<Detection> {
    let Some(entries) = node.as_map() else {
        c.error(
            node.pos,
            format!("detection must be a mapping, found {}", node.kind_name()),
        );
        return None;
    };
    let mut names = Vec::new();
    let mut selections = Vec::new();
    let mut condition_node = None;
    for (key, value) in entries {
        match key.as_scalar() {
            Some("condition") => condition_node = Some(value),
            // The old aggregation window; correlation rules replace it.
            Some("timeframe") => {}
            Some(name) => {
                names.push(name);
                selections.push(c.selection(value));
            }
            None => c.error(key.pos, "a selection name must be a string"),
        }
    }
    let Some(condition_node) = condition_node else {
        c.error(node.pos, "detection has no condition");
        return None;
    };
    let condition = conditions(c, condition_node, &names)?;
    let selections = selections.into_iter().collect::<Option<Vec<_>>>()?;
    Some(Detection {
        selections,
        condition,
    })
}

/// Where the token at byte `offset` of a condition scalar was written: on
/// the scalar's line for a plain or quoted scalar on one line (past the
/// opening quote), else the scalar's own position (for a block scalar, the
/// start of its text). A plain or quoted scalar folded from several lines,
/// or a double-quoted one with escapes, can still be off.
fn token_pos(node: &Node, text: &str, offset: usize) -> Pos {
    let quote = match &node.kind {
        Kind::Scalar {
            style: Style::Plain,
            ..
        } => 0,
        Kind::Scalar {
            style: Style::Quoted,
            ..
        } => 1,
        _ => return node.pos,
    };
    match text.get(..offset) {
        Some(before) if !text.contains('\n') => Pos {
            line: node.pos.line,
            col: node.pos.col + quote + before.chars().count(),
        },
        _ => node.pos,
    }
}

/// One condition, or a list of them ORed.
fn conditions(c: &mut Compiler, node: &Node, names: &[&str]) -> Option<Cond> {
    let texts: Vec<&Node> = match &node.kind {
        Kind::Scalar { .. } if !node.is_null() => vec![node],
        Kind::Seq(items) if !items.is_empty() => items.iter().collect(),
        _ => {
            c.error(node.pos, "condition must be a string or a list of strings");
            return None;
        }
    };
    let mut parts = Vec::new();
    for text_node in texts {
        let Some(text) = text_node.as_str() else {
            c.error(text_node.pos, "condition must be a string");
            continue;
        };
        match condition::parse(text, names) {
            Ok(cond) => parts.push(cond),
            Err(err) => c.error(token_pos(text_node, text, err.offset), err.message),
        }
    }
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Cond::Or(parts)),
    }
}
