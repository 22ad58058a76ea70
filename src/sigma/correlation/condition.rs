//! The `type` and `condition` of a correlation, read together because
//! each type decides which condition keys it needs (`field` for the
//! value types, `percentile` for value_percentile, none for temporal).

use super::{text, Kind, Op, Threshold};
use crate::sigma::compile::Compiler;
use crate::yaml::Node;

/// The type with its field, and the thresholds of `condition`.
pub(super) fn condition(
    c: &mut Compiler,
    node: &Node,
    kind: &str,
    rule_count: usize,
) -> Option<(Kind, Vec<Threshold>)> {
    let temporal = matches!(kind, "temporal" | "temporal_ordered");
    let Some(cond) = node.get("condition") else {
        if temporal {
            let all = Threshold {
                op: Op::Gte,
                bound: rule_count as f64,
            };
            return Some((temporal_kind(kind), vec![all]));
        }
        c.error(node.pos, "correlation has no condition");
        return None;
    };
    if cond.as_map().is_none() {
        c.error(
            cond.pos,
            "condition must map gt, gte, lt, lte, eq or neq to a number",
        );
        return None;
    }
    let field = cond.get("field").and_then(|n| text(c, n, "field"));
    let percentile = cond.get("percentile").and_then(|n| number(c, n));
    let kind = typed_kind(c, node, kind, field, percentile)?;
    let before = c.errors.len();
    let thresholds = thresholds(c, cond);
    if thresholds.is_empty() {
        if c.errors.len() == before {
            c.error(cond.pos, "condition needs gt, gte, lt, lte, eq or neq");
        }
        return None;
    }
    Some((kind, thresholds))
}

fn temporal_kind(kind: &str) -> Kind {
    match kind {
        "temporal_ordered" => Kind::TemporalOrdered,
        _ => Kind::Temporal,
    }
}

/// Builds the kind, checking that `field` and `percentile` are given
/// exactly where the type needs them.
fn typed_kind(
    c: &mut Compiler,
    node: &Node,
    kind: &str,
    field: Option<String>,
    percentile: Option<f64>,
) -> Option<Kind> {
    let pos = node.get("condition").map_or(node.pos, |n| n.pos);
    let valued = kind.starts_with("value_");
    match (&field, valued) {
        (None, true) => c.error(pos, format!("a {kind} correlation needs condition.field")),
        (Some(_), false) => c.error(pos, format!("condition.field is not used by {kind}")),
        _ => {}
    }
    match (percentile, kind == "value_percentile") {
        (None, true) => c.error(
            pos,
            "a value_percentile correlation needs condition.percentile",
        ),
        (Some(p), true) if !(0.0..=100.0).contains(&p) => {
            c.error(pos, "condition.percentile must be between 0 and 100")
        }
        (Some(_), false) => c.error(pos, format!("condition.percentile is not used by {kind}")),
        _ => {}
    }
    let field = field.unwrap_or_default();
    Some(match kind {
        "event_count" => Kind::EventCount,
        "value_count" => Kind::ValueCount { field },
        "temporal" | "temporal_ordered" => temporal_kind(kind),
        "value_sum" => Kind::ValueSum { field },
        "value_avg" => Kind::ValueAvg { field },
        "value_percentile" => Kind::ValuePercentile {
            field,
            percentile: percentile.unwrap_or_default(),
        },
        other => {
            let pos = node.get("type").map_or(node.pos, |n| n.pos);
            c.error(pos, format!("unknown correlation type '{other}'"));
            return None;
        }
    })
}

fn thresholds(c: &mut Compiler, cond: &Node) -> Vec<Threshold> {
    let mut out = Vec::new();
    for (key, value) in cond.as_map().unwrap_or_default() {
        let op = match key.as_scalar().unwrap_or_default() {
            "gt" => Op::Gt,
            "gte" => Op::Gte,
            "lt" => Op::Lt,
            "lte" => Op::Lte,
            "eq" => Op::Eq,
            "neq" => Op::Neq,
            "field" | "percentile" => continue,
            other => {
                c.error(key.pos, format!("unknown condition operator '{other}'"));
                continue;
            }
        };
        if let Some(bound) = number(c, value) {
            out.push(Threshold { op, bound });
        }
    }
    out
}

fn number(c: &mut Compiler, node: &Node) -> Option<f64> {
    let parsed = node
        .as_str()
        .and_then(|t| t.trim().parse::<f64>().ok())
        .filter(|n| n.is_finite());
    if parsed.is_none() {
        c.error(node.pos, "expected a number");
    }
    parsed
}
