//! Windows events in the shape the evtx crate (and SigmaHQ's regression
//! JSON) gives them: `Event.System`, `Event.EventData`, `Event.UserData`,
//! values wrapped as `{"#text": ..., "#attributes": {...}}`.
//!
//! Sigma rules name these fields flat (`EventID`, `Channel`,
//! `Provider_Name`, `Image`), so such an event gets a flat view at read
//! time: the original stays under `Event`, and each System, EventData and
//! UserData field is also placed at the top, attributes as `<name>_<attr>`.
//! No mapping file is needed, and each lookup is one map access.

use serde_json::{Map, Value};

/// Adds the flat Sigma view to an evtx-shaped event; leaves others alone.
pub fn flatten(root: Value) -> Value {
    let is_windows = root
        .get("Event")
        .and_then(|e| e.get("System"))
        .is_some_and(Value::is_object);
    if !is_windows {
        return root;
    }
    let Value::Object(mut top) = root else {
        return root;
    };
    let Some(event) = top.remove("Event") else {
        return Value::Object(top);
    };
    let mut flat = Map::new();
    if let Some(Value::Object(system)) = event.get("System") {
        put_fields(&mut flat, system);
    }
    if let Some(Value::Object(data)) = event.get("EventData") {
        put_fields(&mut flat, data);
    }
    if let Some(Value::Object(user_data)) = event.get("UserData") {
        for inner in user_data.values().filter_map(Value::as_object) {
            put_fields(&mut flat, inner);
        }
    }
    for (key, value) in top {
        flat.entry(key).or_insert(value);
    }
    flat.insert("Event".to_string(), event);
    Value::Object(flat)
}

/// Places each field of a Windows element at the top of `flat`; a
/// later element's field wins over an earlier one of the same name.
fn put_fields(flat: &mut Map<String, Value>, element: &Map<String, Value>) {
    for (name, value) in element {
        if name == "#attributes" {
            continue;
        }
        match value {
            Value::Object(inner) => put_wrapped(flat, name, inner),
            other => {
                flat.insert(name.clone(), other.clone());
            }
        }
        // Some providers name data with spaces ("Source Name") where Sigma
        // rules write the name without them (`SourceName`).
        if name.contains(' ') {
            let joined: String = name.chars().filter(|c| *c != ' ').collect();
            if let Some(value) = flat.get(name).cloned() {
                flat.entry(joined).or_insert(value);
            }
        }
    }
}

/// `{"#text": v, "#attributes": {"A": x}}` under `name` becomes `name: v`
/// and `name_A: x`; any other object is kept as it is.
fn put_wrapped(flat: &mut Map<String, Value>, name: &str, inner: &Map<String, Value>) {
    let wrapped = inner.keys().all(|k| k == "#text" || k == "#attributes");
    if !wrapped {
        flat.insert(name.to_string(), Value::Object(inner.clone()));
        return;
    }
    if let Some(text) = inner.get("#text") {
        flat.insert(name.to_string(), text.clone());
    }
    if let Some(Value::Object(attributes)) = inner.get("#attributes") {
        for (attr, value) in attributes {
            flat.insert(format!("{name}_{attr}"), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn system_event_data_and_attributes_become_flat_fields() {
        let event = json!({"Event": {
            "#attributes": {"xmlns": "x"},
            "System": {
                "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon", "Guid": "{5770}"}},
                "EventID": {"#attributes": {"Qualifiers": 16384}, "#text": 7045},
                "Channel": "System",
                "TimeCreated": {"#attributes": {"SystemTime": "2021-01-01T00:00:00Z"}}
            },
            "EventData": {"Image": "C:\\a.exe", "ServiceName": "svc"}
        }});
        let flat = flatten(event);
        assert_eq!(flat["EventID"], json!(7045));
        assert_eq!(flat["EventID_Qualifiers"], json!(16384));
        assert_eq!(flat["Provider_Name"], json!("Microsoft-Windows-Sysmon"));
        assert_eq!(
            flat["TimeCreated_SystemTime"],
            json!("2021-01-01T00:00:00Z")
        );
        assert_eq!(flat["Channel"], json!("System"));
        assert_eq!(flat["Image"], json!("C:\\a.exe"));
        assert_eq!(flat["Event"]["EventData"]["ServiceName"], json!("svc"));
    }

    #[test]
    fn user_data_fields_are_reached_through_their_wrapper() {
        let event = json!({"Event": {
            "System": {"EventID": 1102, "Channel": "Security"},
            "UserData": {"LogFileCleared": {"SubjectUserName": "bob"}}
        }});
        assert_eq!(flatten(event)["SubjectUserName"], json!("bob"));
    }

    #[test]
    fn other_events_are_untouched() {
        let event = json!({"Event": "login", "System": 1});
        assert_eq!(flatten(event.clone()), event);
    }
}
