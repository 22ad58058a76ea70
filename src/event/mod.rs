//! Log events and how rules find fields in them.
//!
//! An event is one JSON record, read once and shared by every rule that
//! runs on it. Field names resolve the way Sigma users expect of JSON logs: a
//! literal key first (`"id.orig_h"`), then nested objects by dotted path
//! (`actor.alternateId`), trying every split so mixed forms resolve too; a
//! list on the way fans out to each element. Readers live in submodules and
//! never load a whole file.

pub mod evtx;
pub mod reader;
pub mod windows;

use serde_json::Value;

/// Where logs usually keep the event time: ECS and generic JSON, Windows
/// (flattened evtx), Sysmon, CloudTrail, Okta, GitHub and Google Workspace.
const TIMESTAMP_FIELDS: &[&str] = &[
    "@timestamp",
    "timestamp",
    "TimeCreated_SystemTime",
    "UtcTime",
    "eventTime",
    "published",
    "created_at",
    "@timestamp_ms",
    "id.time",
    "time",
];

/// One log record.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    root: Value,
}

impl Event {
    /// Wraps a record; Windows events in the evtx shape also get their
    /// flat Sigma view (see [`windows`]).
    pub fn new(root: Value) -> Event {
        Event {
            root: windows::flatten(root),
        }
    }

    pub fn root(&self) -> &Value {
        &self.root
    }

    /// Calls `visit` with each value `field` resolves to, stopping early
    /// when it returns true. Returns whether any call returned true.
    ///
    /// Lists are flattened: a field holding `["a", "b"]` is visited as `"a"`
    /// then `"b"`, since a Sigma value matches a list when any element does.
    /// JSON null is visited (Sigma's `null` matches it).
    pub fn any_value<'a>(&'a self, field: &str, visit: &mut dyn FnMut(&'a Value) -> bool) -> bool {
        resolve(&self.root, field, &mut |v| flatten(v, visit))
    }

    /// Whether `field` is present at all (its value may be null or empty).
    pub fn has_field(&self, field: &str) -> bool {
        resolve(&self.root, field, &mut |_| true)
    }

    /// The first value `field` resolves to, if any.
    pub fn first_value(&self, field: &str) -> Option<&Value> {
        let mut found = None;
        resolve(&self.root, field, &mut |v| {
            found = Some(v);
            true
        });
        found
    }

    /// The event's time as the log wrote it, from the first of the usual
    /// timestamp fields that is present.
    pub fn timestamp(&self) -> Option<&Value> {
        TIMESTAMP_FIELDS
            .iter()
            .find_map(|f| self.first_value(f))
            .filter(|v| !v.is_null())
    }

    /// Calls `visit` with every scalar leaf of the event (strings, numbers,
    /// booleans), stopping early when it returns true. Keyword searches use
    /// this: they look at every value whatever its field.
    pub fn any_leaf<'a>(&'a self, visit: &mut dyn FnMut(&'a Value) -> bool) -> bool {
        leaves(&self.root, visit)
    }
}

fn resolve<'a>(value: &'a Value, path: &str, visit: &mut dyn FnMut(&'a Value) -> bool) -> bool {
    match value {
        Value::Object(map) => {
            if let Some(v) = map.get(path) {
                if visit(v) {
                    return true;
                }
            }
            for (i, _) in path.match_indices('.') {
                if let Some(child) = map.get(&path[..i]) {
                    if resolve(child, &path[i + 1..], visit) {
                        return true;
                    }
                }
            }
            false
        }
        Value::Array(items) => items.iter().any(|item| resolve(item, path, visit)),
        _ => false,
    }
}

fn flatten<'a>(value: &'a Value, visit: &mut dyn FnMut(&'a Value) -> bool) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|item| flatten(item, visit)),
        other => visit(other),
    }
}

fn leaves<'a>(value: &'a Value, visit: &mut dyn FnMut(&'a Value) -> bool) -> bool {
    match value {
        Value::Object(map) => map.values().any(|v| leaves(v, visit)),
        Value::Array(items) => items.iter().any(|v| leaves(v, visit)),
        Value::Null => false,
        scalar => visit(scalar),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values(event: &Event, field: &str) -> Vec<Value> {
        let mut out = Vec::new();
        event.any_value(field, &mut |v| {
            out.push(v.clone());
            false
        });
        out
    }

    #[test]
    fn nested_and_literal_dotted_keys_resolve() {
        let e = Event::new(json!({"id.orig_h": "10.0.0.1", "actor": {"alternateId": "a@x"}}));
        assert_eq!(values(&e, "id.orig_h"), vec![json!("10.0.0.1")]);
        assert_eq!(values(&e, "actor.alternateId"), vec![json!("a@x")]);
        assert!(values(&e, "actor.missing").is_empty());
    }

    #[test]
    fn mixed_literal_and_nested_paths_resolve() {
        let e = Event::new(json!({"a": {"b.c": {"d": 1}}}));
        assert_eq!(values(&e, "a.b.c.d"), vec![json!(1)]);
    }

    #[test]
    fn lists_fan_out() {
        let e = Event::new(json!({"targets": [{"id": 1}, {"id": 2}], "tags": ["x", ["y"]]}));
        assert_eq!(values(&e, "targets.id"), vec![json!(1), json!(2)]);
        assert_eq!(values(&e, "tags"), vec![json!("x"), json!("y")]);
    }

    #[test]
    fn null_is_present_but_missing_is_not() {
        let e = Event::new(json!({"a": null}));
        assert!(e.has_field("a"));
        assert!(!e.has_field("b"));
        assert_eq!(values(&e, "a"), vec![Value::Null]);
    }
}
