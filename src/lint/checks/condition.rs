//! Selections the condition never uses. (Undefined identifiers are the
//! engine's to find; its error is surfaced as FD701 when compiling.)
//!
//! The condition is split the way the engine splits it, on whitespace and
//! parentheses; a word with `*` is a pattern (`1 of selection_*`) and
//! `them` uses every selection.

use crate::lint::catalogue::UNUSED_SELECTION;
use crate::lint::diagnostic::Diagnostic;
use crate::lint::source::Doc;
use crate::yaml::Node;

const OPERATORS: &[&str] = &["and", "or", "not", "of", "1", "all", "them"];

pub fn check(doc: &Doc, out: &mut Vec<Diagnostic>) {
    let Some(detection) = doc.node.get("detection").and_then(Node::as_map) else {
        return;
    };
    let Some(words) = doc
        .node
        .get("detection")
        .and_then(|d| d.get("condition"))
        .map(words)
    else {
        return;
    };
    if words.iter().any(|w| w == "them") {
        return;
    }
    let used: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !OPERATORS.contains(w))
        .collect();
    for (key, _) in detection {
        let Some(name) = key.as_scalar() else {
            continue;
        };
        if matches!(name, "condition" | "timeframe") || used.iter().any(|w| wildcard(w, name)) {
            continue;
        }
        let message = format!("selection '{name}' is never used in the condition");
        let fix = "use it in the condition, or delete it".to_string();
        out.push(doc.at(&UNUSED_SELECTION, key, message).with_fix(Some(fix)));
    }
}

/// The words of a condition, or of every condition of a list.
fn words(node: &Node) -> Vec<String> {
    let texts: Vec<&str> = match node.as_seq() {
        Some(items) => items.iter().filter_map(Node::as_str).collect(),
        None => node.as_str().into_iter().collect(),
    };
    texts
        .iter()
        .flat_map(|t| t.split(|c: char| c.is_whitespace() || c == '(' || c == ')'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether `name` matches `pattern`, where `*` stands for any text.
fn wildcard(pattern: &str, name: &str) -> bool {
    let Some((head, rest)) = pattern.split_once('*') else {
        return pattern == name;
    };
    let Some(tail) = name.strip_prefix(head) else {
        return false;
    };
    (0..=tail.len())
        .filter(|&i| tail.is_char_boundary(i))
        .any(|i| wildcard(rest, &tail[i..]))
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn wildcards() {
        assert!(wildcard("selection_*", "selection_img"));
        assert!(wildcard("*_img", "selection_img"));
        assert!(wildcard("sel", "sel"));
        assert!(!wildcard("filter_*", "selection_img"));
        assert!(wildcard("a*b*c", "axxbyyc"));
    }
}
