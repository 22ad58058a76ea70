//! Response actions: every named action must be in the catalogue, and a
//! destructive one may run on its own only behind a `blocked_when`
//! guardrail.

use super::contract::did_you_mean;
use super::Context;
use crate::lint::catalogue::{UNGUARDED_AUTOMATION, UNKNOWN_ACTION};
use crate::lint::diagnostic::Diagnostic;
use crate::lint::source::Doc;
use crate::lint::suggest;
use crate::yaml::Node;

pub fn check(ctx: &Context, doc: &Doc, out: &mut Vec<Diagnostic>) {
    let Some(responses) = doc.node.get("responses") else {
        return;
    };
    let guarded = responses
        .get("blocked_when")
        .and_then(Node::as_seq)
        .is_some_and(|g| !g.is_empty());
    for list in ["automated", "needs_approval"] {
        for item in names(responses.get(list)) {
            let Some(name) = item.as_str() else { continue };
            action(ctx, doc, item, name, list == "automated" && !guarded, out);
        }
    }
}

fn names(node: Option<&Node>) -> &[Node] {
    match node {
        Some(n) => n.as_seq().unwrap_or(std::slice::from_ref(n)),
        None => &[],
    }
}

fn action(
    ctx: &Context,
    doc: &Doc,
    item: &Node,
    name: &str,
    unguarded: bool,
    out: &mut Vec<Diagnostic>,
) {
    // No actions.yml: FD401 and FD402 are off, as for every absent registry file.
    let Some(catalogue) = &ctx.registries.actions else {
        return;
    };
    let Some(action) = catalogue.get(name) else {
        let near = suggest::nearest(name, catalogue.keys().map(String::as_str));
        let message = format!("unknown action '{name}'");
        out.push(
            doc.at(&UNKNOWN_ACTION, item, message)
                .with_fix(did_you_mean(near)),
        );
        return;
    };
    if action.destructive && unguarded {
        let message = format!("destructive action '{name}' runs automatically with no guardrail");
        let fix = "add a `responses.blocked_when` guardrail, or move it to `needs_approval`";
        out.push(
            doc.at(&UNGUARDED_AUTOMATION, item, message)
                .with_fix(Some(fix.into())),
        );
    }
}
