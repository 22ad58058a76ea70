//! Fields a detection relies on that its data sources never carry: in the
//! detection's selections, in its false-positive patterns and guardrails
//! (a guardrail on a missing field never holds anything back), and in
//! `first_context`.

use super::Context;
use crate::lint::catalogue::{Check, FIELD_TYPO, FIRST_CONTEXT_FIELD, UNKNOWN_FIELD};
use crate::lint::diagnostic::Diagnostic;
use crate::lint::fields::Carried;
use crate::lint::source::Doc;
use crate::yaml::{Kind, Node};

pub fn check(ctx: &Context, doc: &Doc, out: &mut Vec<Diagnostic>) {
    if doc.data_sources.is_empty() {
        return;
    }
    for (key, field) in selection_fields(doc) {
        match ctx.inventory.carries(&doc.data_sources, field) {
            Carried::No(near) => out.push(finding(doc, key, field, near)),
            Carried::Yes | Carried::Unknown => {}
        }
    }
    first_context(ctx, doc, out);
}

fn finding(doc: &Doc, key: &Node, field: &str, near: Option<String>) -> Diagnostic {
    let check: &'static Check = match near {
        Some(_) => &FIELD_TYPO,
        None => &UNKNOWN_FIELD,
    };
    let message = format!("field '{field}' is never carried by {}", sources(doc));
    let mut d = doc.at(check, key, message);
    d.width = field.chars().count().max(1);
    d.with_fix(near.map(|n| format!("did you mean '{n}'?")))
}

fn sources(doc: &Doc) -> String {
    doc.data_sources.join(", ")
}

fn first_context(ctx: &Context, doc: &Doc, out: &mut Vec<Diagnostic>) {
    let Some(items) = doc.node.get("first_context").and_then(Node::as_seq) else {
        return;
    };
    for item in items {
        let Some(field) = item.as_str() else { continue };
        if let Carried::No(near) = ctx.inventory.carries(&doc.data_sources, field) {
            let message = format!(
                "first_context field '{field}' is never carried by {}",
                sources(doc)
            );
            let fix = near.map(|n| format!("did you mean '{n}'?"));
            out.push(doc.at(&FIRST_CONTEXT_FIELD, item, message).with_fix(fix));
        }
    }
}

/// Every `field|modifiers` key of the selections, patterns and guardrails,
/// with the key node and the field name.
fn selection_fields(doc: &Doc) -> Vec<(&Node, &str)> {
    let mut selections: Vec<&Node> = Vec::new();
    if let Some(entries) = doc.node.get("detection").and_then(Node::as_map) {
        let named = entries
            .iter()
            .filter(|(k, _)| !matches!(k.as_scalar(), Some("condition" | "timeframe")));
        selections.extend(named.map(|(_, v)| v));
    }
    let patterns = [
        doc.node.get("expected_false_positives"),
        doc.node
            .get("responses")
            .and_then(|r| r.get("blocked_when")),
    ];
    for list in patterns.into_iter().flatten().filter_map(Node::as_seq) {
        selections.extend(list.iter().filter_map(|p| p.get("match")));
    }
    let mut out = Vec::new();
    for node in selections {
        keys(node, &mut out);
    }
    out
}

fn keys<'a>(node: &'a Node, out: &mut Vec<(&'a Node, &'a str)>) {
    match &node.kind {
        Kind::Map(entries) => {
            for (key, _) in entries {
                let Some(text) = key.as_scalar() else {
                    continue;
                };
                let field = text.split('|').next().unwrap_or_default();
                if !field.is_empty() {
                    out.push((key, field));
                }
            }
        }
        Kind::Seq(items) => items.iter().for_each(|item| keys(item, out)),
        Kind::Scalar { .. } => {}
    }
}
