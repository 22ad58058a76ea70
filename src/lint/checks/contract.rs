//! Owner, version and data sources: the parts of the contract that name
//! something a registry must know.

use super::Context;
use crate::lint::catalogue::{
    MISSING_OWNER, MISSING_VERSION, NO_DATA_SOURCE, UNKNOWN_DATA_SOURCE, UNKNOWN_OWNER,
};
use crate::lint::diagnostic::Diagnostic;
use crate::lint::source::Doc;
use crate::lint::suggest;
use crate::yaml::Node;

pub fn check(ctx: &Context, doc: &Doc, out: &mut Vec<Diagnostic>) {
    owner(ctx, doc, out);
    if doc.node.get("version").is_none() {
        let d = doc.at(&MISSING_VERSION, title(doc), "no version".into());
        out.push(d.with_fix(Some("add `version: 1`".into())));
    }
    data_sources(ctx, doc, out);
}

/// Where document-level findings point: the title, else the document.
fn title(doc: &Doc) -> &Node {
    doc.node.get_entry("title").map_or(&doc.node, |(k, _)| k)
}

fn owner(ctx: &Context, doc: &Doc, out: &mut Vec<Diagnostic>) {
    let Some(node) = doc.node.get("owner") else {
        let d = doc.at(&MISSING_OWNER, title(doc), "no owner".into());
        out.push(d.with_fix(Some("add `owner: <team>` from the owners registry".into())));
        return;
    };
    let (Some(owners), Some(name)) = (&ctx.registries.owners, node.as_str()) else {
        return;
    };
    if owners.iter().any(|o| o == name) {
        return;
    }
    let near = suggest::nearest(name, owners.iter().map(String::as_str));
    let message = format!("unknown owner '{name}'");
    out.push(
        doc.at(&UNKNOWN_OWNER, node, message)
            .with_fix(did_you_mean(near)),
    );
}

pub(super) fn did_you_mean(near: Option<&str>) -> Option<String> {
    near.map(|n| format!("did you mean '{n}'?"))
}

fn data_sources(ctx: &Context, doc: &Doc, out: &mut Vec<Diagnostic>) {
    if !ctx.registries.has_data_sources {
        return;
    }
    let registry = &ctx.registries.data_sources.data_sources;
    let Some(node) = doc.node.get("data_sources") else {
        if doc.data_sources.is_empty() && doc.rule.is_some() {
            let at = doc
                .node
                .get_entry("logsource")
                .map_or(&doc.node, |(k, _)| k);
            let message = "no data_sources, and no registered data source serves this logsource";
            let fix = "add `data_sources: [...]` naming a registered source";
            out.push(
                doc.at(&NO_DATA_SOURCE, at, message.into())
                    .with_fix(Some(fix.into())),
            );
        }
        return;
    };
    let items = node.as_seq().map_or(std::slice::from_ref(node), |s| s);
    for item in items {
        let Some(name) = item.as_str() else { continue };
        if registry.contains_key(name) {
            continue;
        }
        let near = suggest::nearest(name, registry.keys().map(String::as_str));
        let message = format!("unknown data source '{name}'");
        out.push(
            doc.at(&UNKNOWN_DATA_SOURCE, item, message)
                .with_fix(did_you_mean(near)),
        );
    }
}
