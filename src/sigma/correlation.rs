//! Sigma correlation documents read into a typed [`Correlation`].
//!
//! Only parsing and validation live here: which rules a correlation names
//! is resolved by the loader (it sees every rule), and the sliding-window
//! evaluation runs in the replay, over events in time order. Every mistake
//! is reported with its position, and unknown keys inside `correlation`
//! are errors so a typo (`groupby`) never silently widens a group.

use super::compile::Compiler;
use super::rule;
use super::{CompileOptions, RuleError};
use crate::yaml::{Node, Pos};

mod condition;
use condition::condition;

/// A rule or correlation named by id or `name`, where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRef {
    pub name: String,
    pub pos: Pos,
}

/// What a correlation measures in its window.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// How many events.
    EventCount,
    /// How many distinct values of the field.
    ValueCount {
        field: String,
    },
    /// How many of the named rules matched, in any order.
    Temporal,
    /// How long a prefix of the named rules matched in the written order.
    TemporalOrdered,
    ValueSum {
        field: String,
    },
    ValueAvg {
        field: String,
    },
    /// The nearest-rank percentile (0 to 100) of the field's values.
    ValuePercentile {
        field: String,
        percentile: f64,
    },
}

/// A comparison of the measured value with a bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Neq,
}

/// One `op: bound` of the condition; all of them must hold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Threshold {
    pub op: Op,
    pub bound: f64,
}

impl Threshold {
    pub fn holds(&self, value: f64) -> bool {
        match self.op {
            Op::Gt => value > self.bound,
            Op::Gte => value >= self.bound,
            Op::Lt => value < self.bound,
            Op::Lte => value <= self.bound,
            Op::Eq => value == self.bound,
            Op::Neq => value != self.bound,
        }
    }
}

/// A `group-by` name standing for a different field per rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alias {
    pub name: String,
    /// (rule id or name, field in that rule's events)
    pub fields: Vec<(String, String)>,
}

/// A parsed correlation document.
#[derive(Clone, Debug, PartialEq)]
pub struct Correlation {
    pub title: String,
    pub id: Option<String>,
    pub name: Option<String>,
    pub level: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub kind: Kind,
    pub rules: Vec<RuleRef>,
    pub group_by: Vec<String>,
    /// The window length in seconds.
    pub timespan: i64,
    pub condition: Vec<Threshold>,
    pub aliases: Vec<Alias>,
    /// Whether the named rules also alert on their own.
    pub generate: bool,
    /// Where the document starts.
    pub pos: Pos,
}

impl Correlation {
    /// Parses a document holding a `correlation` key.
    pub fn from_node(doc: &Node, options: &CompileOptions) -> Result<Correlation, Vec<RuleError>> {
        let mut c = Compiler {
            options,
            errors: Vec::new(),
        };
        let title = rule::required_text(&mut c, doc, "title");
        let body = doc.get("correlation").and_then(|n| body(&mut c, n));
        let correlation = Correlation {
            title: title.unwrap_or_default(),
            id: rule::optional_text(&mut c, doc, "id"),
            name: rule::optional_text(&mut c, doc, "name"),
            level: rule::optional_text(&mut c, doc, "level"),
            description: rule::optional_text(&mut c, doc, "description"),
            tags: rule::text_list(&mut c, doc, "tags"),
            pos: doc.pos,
            ..body.unwrap_or_else(empty)
        };
        match c.errors.is_empty() {
            true => Ok(correlation),
            false => Err(c.errors),
        }
    }

    /// The field an alias stands for in the events of `rule`, or the
    /// group-by name itself when no alias covers that rule.
    pub fn field_for<'a>(&'a self, group: &'a str, rule: &str) -> &'a str {
        self.aliases
            .iter()
            .find(|a| a.name == group)
            .and_then(|a| a.fields.iter().find(|(r, _)| r == rule))
            .map_or(group, |(_, field)| field.as_str())
    }
}

fn empty() -> Correlation {
    Correlation {
        title: String::new(),
        id: None,
        name: None,
        level: None,
        description: None,
        tags: Vec::new(),
        kind: Kind::EventCount,
        rules: Vec::new(),
        group_by: Vec::new(),
        timespan: 0,
        condition: Vec::new(),
        aliases: Vec::new(),
        generate: false,
        pos: Pos::default(),
    }
}

const KEYS: &[&str] = &[
    "type",
    "rules",
    "group-by",
    "timespan",
    "condition",
    "aliases",
    "generate",
];

/// Reads the `correlation` mapping; `None` when it had errors.
fn body(c: &mut Compiler, node: &Node) -> Option<Correlation> {
    let Some(entries) = node.as_map() else {
        c.error(node.pos, "correlation must be a mapping");
        return None;
    };
    for (key, _) in entries {
        if !key.as_scalar().is_some_and(|k| KEYS.contains(&k)) {
            let name = key.as_scalar().unwrap_or("?");
            c.error(key.pos, format!("unknown correlation key '{name}'"));
        }
    }
    let errors = c.errors.len();
    let kind_text = required(c, node, "type").and_then(|n| text(c, n, "type"));
    let rules = required(c, node, "rules").and_then(|n| references(c, n, "rules"));
    let group_by = group_by(c, node);
    let timespan = required(c, node, "timespan").and_then(|n| timespan(c, n));
    let generate = generate(c, node);
    let aliases = node
        .get("aliases")
        .map(|n| aliases(c, n))
        .unwrap_or_default();
    let rules = rules?;
    let (kind, condition) = condition(c, node, kind_text?.as_str(), rules.len())?;
    (c.errors.len() == errors).then(|| Correlation {
        kind,
        rules,
        group_by,
        timespan: timespan.unwrap_or_default(),
        condition,
        aliases,
        generate,
        ..empty()
    })
}

fn required<'n>(c: &mut Compiler, node: &'n Node, key: &str) -> Option<&'n Node> {
    let found = node.get(key);
    if found.is_none() {
        c.error(node.pos, format!("correlation has no {key}"));
    }
    found
}

fn text(c: &mut Compiler, node: &Node, key: &str) -> Option<String> {
    let found = node.as_str().map(str::to_string);
    if found.is_none() {
        c.error(node.pos, format!("{key} must be a string"));
    }
    found
}

/// A rule reference or a list of them (`rules: a` or `rules: [a, b]`).
pub(crate) fn references(c: &mut Compiler, node: &Node, key: &str) -> Option<Vec<RuleRef>> {
    let items = match node.as_seq() {
        Some(items) => items,
        None => std::slice::from_ref(node),
    };
    let mut refs = Vec::new();
    for item in items {
        match item.as_str() {
            Some(name) => refs.push(RuleRef {
                name: name.to_string(),
                pos: item.pos,
            }),
            None => c.error(item.pos, format!("{key} must list rule ids or names")),
        }
    }
    if refs.is_empty() && items.is_empty() {
        c.error(node.pos, format!("{key} is empty"));
    }
    (refs.len() == items.len() && !refs.is_empty()).then_some(refs)
}

fn group_by(c: &mut Compiler, node: &Node) -> Vec<String> {
    let Some(list) = node.get("group-by") else {
        return Vec::new();
    };
    list.string_list().unwrap_or_else(|| {
        c.error(list.pos, "group-by must be a list of field names");
        Vec::new()
    })
}

fn generate(c: &mut Compiler, node: &Node) -> bool {
    let Some(flag) = node.get("generate") else {
        return false;
    };
    flag.as_bool().unwrap_or_else(|| {
        c.error(flag.pos, "generate must be true or false");
        false
    })
}

/// `30s`, `5m`, `1h`, `1d` (a whole number and one lowercase unit).
fn timespan(c: &mut Compiler, node: &Node) -> Option<i64> {
    let parsed = node.as_str().and_then(parse_timespan);
    if parsed.is_none() {
        c.error(
            node.pos,
            "timespan must be a positive whole number followed by s, m, h or d (e.g. 5m)",
        );
    }
    parsed
}

pub(crate) fn parse_timespan(text: &str) -> Option<i64> {
    let unit = match text.chars().last()? {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    let digits = &text[..text.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let count: i64 = digits.parse().ok()?;
    (count > 0).then(|| count.checked_mul(unit)).flatten()
}

fn aliases(c: &mut Compiler, node: &Node) -> Vec<Alias> {
    let Some(entries) = node.as_map() else {
        c.error(node.pos, "aliases must map each alias to {rule: field}");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, fields) in entries {
        let pairs: Option<Vec<(String, String)>> = fields.as_map().and_then(|pairs| {
            pairs
                .iter()
                .map(|(r, f)| Some((r.as_str()?.to_string(), f.as_str()?.to_string())))
                .collect()
        });
        match (name.as_str(), pairs) {
            (Some(name), Some(fields)) => out.push(Alias {
                name: name.to_string(),
                fields,
            }),
            _ => c.error(fields.pos, "an alias maps rule names to field names"),
        }
    }
    out
}
