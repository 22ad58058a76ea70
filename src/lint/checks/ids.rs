//! Ids: every detection has one, and no two share it (fixtures name
//! detections by id, so a duplicate makes labels ambiguous).

use std::collections::HashMap;

use crate::lint::catalogue::{DUPLICATE_ID, MISSING_ID};
use crate::lint::diagnostic::Diagnostic;
use crate::lint::source::Doc;
use crate::yaml::Node;

pub fn check(docs: &[&Doc], out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &Doc> = HashMap::new();
    for doc in docs {
        let Some(node) = doc.node.get("id") else {
            let at = doc.node.get_entry("title").map_or(&doc.node, |(k, _)| k);
            let fix = "add `id: <a new UUID>`".to_string();
            out.push(doc.at(&MISSING_ID, at, "no id".into()).with_fix(Some(fix)));
            continue;
        };
        let Some(id) = node.as_str() else { continue };
        match first.get(id) {
            None => {
                first.insert(id, doc);
            }
            Some(original) => out.push(duplicate(doc, node, id, original)),
        }
    }
}

fn duplicate(doc: &Doc, node: &Node, id: &str, original: &Doc) -> Diagnostic {
    let line = original.node.get("id").map_or(0, |n| n.pos.line);
    let message = format!(
        "id {id} is already used by {}:{line}",
        original.file.display()
    );
    let fix = "give one of them a new UUID".to_string();
    doc.at(&DUPLICATE_ID, node, message).with_fix(Some(fix))
}
