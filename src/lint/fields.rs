//! Which fields each data source carries: the registry's `fields` plus every
//! field path seen in that source's fixture logs.
//!
//! A field is carried when it is a known path or the parent object of one
//! (`requestParameters` when `requestParameters.name` is known). A source
//! with no known fields at all is unknown territory and nothing is judged.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::suggest;
use crate::detection::Registry;

/// Known field paths, by data source.
#[derive(Debug, Default)]
pub struct Inventory {
    by_source: HashMap<String, BTreeSet<String>>,
}

/// What the inventory says about one field.
#[derive(Debug, PartialEq, Eq)]
pub enum Carried {
    Yes,
    /// No data source of the detection has a known field list.
    Unknown,
    /// Not carried; the nearest known name, if one is close.
    No(Option<String>),
}

impl Inventory {
    /// Starts from the registry's declared fields.
    pub fn from_registry(registry: &Registry) -> Inventory {
        let by_source = registry
            .data_sources
            .iter()
            .map(|(name, source)| (name.clone(), source.fields.iter().cloned().collect()))
            .collect();
        Inventory { by_source }
    }

    /// Adds the fields a fixture's logs showed for a data source.
    pub fn extend(&mut self, source: &str, fields: BTreeSet<String>) {
        self.by_source
            .entry(source.to_string())
            .or_default()
            .extend(fields);
    }

    /// Whether any of `sources` carries `field`.
    pub fn carries(&self, sources: &[String], field: &str) -> Carried {
        let known: Vec<&BTreeSet<String>> = sources
            .iter()
            .filter_map(|s| self.by_source.get(s))
            .filter(|set| !set.is_empty())
            .collect();
        if known.is_empty() {
            return Carried::Unknown;
        }
        if known.iter().any(|set| has(set, field)) {
            return Carried::Yes;
        }
        let names = known.iter().flat_map(|set| set.iter().map(String::as_str));
        Carried::No(suggest::nearest(field, names).map(str::to_string))
    }
}

fn has(set: &BTreeSet<String>, field: &str) -> bool {
    if set.contains(field) {
        return true;
    }
    let prefix = format!("{field}.");
    set.range(prefix.clone()..)
        .next()
        .is_some_and(|known| known.starts_with(&prefix))
}

/// Adds every field path of a JSON record (objects and leaves) to `out`.
pub fn collect_paths(value: &Value, out: &mut BTreeSet<String>) {
    walk(value, "", out);
}

fn walk(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = match prefix {
                    "" => key.clone(),
                    _ => format!("{prefix}.{key}"),
                };
                walk(child, &path, out);
                out.insert(path);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| walk(item, prefix, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inventory(fields: &[&str]) -> Inventory {
        let mut inventory = Inventory::default();
        inventory.extend("src", fields.iter().map(|f| f.to_string()).collect());
        inventory
    }

    #[test]
    fn parents_of_known_paths_are_carried() {
        let inv = inventory(&["requestParameters.name", "CommandLine"]);
        let sources = vec!["src".to_string()];
        assert_eq!(inv.carries(&sources, "requestParameters"), Carried::Yes);
        assert_eq!(inv.carries(&sources, "request"), Carried::No(None));
        assert_eq!(
            inv.carries(&sources, "Commandline"),
            Carried::No(Some("CommandLine".into()))
        );
        assert_eq!(inv.carries(&["other".into()], "x"), Carried::Unknown);
    }

    #[test]
    fn paths_of_nested_records() {
        let mut out = BTreeSet::new();
        collect_paths(&json!({"a": {"b": 1}, "l": [{"c": 2}]}), &mut out);
        let paths: Vec<&str> = out.iter().map(String::as_str).collect();
        assert_eq!(paths, ["a", "a.b", "l", "l.c"]);
    }
}
