//! JSON Schemas (draft-07, what YAML language servers read best) for
//! detection and fixture files, so editors complete and check fields as
//! people type. When a registry is at hand, owners, data sources and
//! actions become enums, so a typo is underlined before lint ever runs.

use serde_json::{json, Value};

use super::registry::Registries;

const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// Which file the schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// A detection file (`detections/**/*.yml`).
    Detection,
    /// A fixture label file (`*.fixture.yml`).
    Fixture,
}

/// The schema of `kind`, pretty-printed.
pub fn render(kind: SchemaKind, registries: &Registries) -> String {
    let value = match kind {
        SchemaKind::Detection => detection(registries),
        SchemaKind::Fixture => fixture(registries),
    };
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn names(description: &str, known: Vec<String>) -> Value {
    match known.is_empty() {
        true => json!({"type": "string", "description": description}),
        false => json!({"type": "string", "description": description, "enum": known}),
    }
}

fn strings(items: Value, description: &str) -> Value {
    json!({"type": "array", "items": items, "description": description})
}

/// A Sigma selection: a map of `field|modifier` to values, or a list of them.
fn selection() -> Value {
    json!({"oneOf": [
        {"type": "object"},
        {"type": "array", "items": {"type": ["object", "string", "number"]}},
    ]})
}

fn pattern(label: &str) -> Value {
    json!({
        "type": "object",
        "required": [label, "match"],
        "additionalProperties": false,
        "properties": {label: {"type": "string"}, "match": selection()},
    })
}

/// The keys that make each Sigma document kind; a document is exactly one.
const KINDS: [(&str, &[&str]); 3] = [
    ("rule", &["logsource", "detection"]),
    ("correlation", &["correlation"]),
    ("filter", &["logsource", "filter"]),
];

/// `oneOf` the three kinds: each requires its keys and has none of the
/// other kinds' blocks, so exactly one matches.
fn kinds() -> Value {
    let blocks = ["detection", "correlation", "filter"];
    let options: Vec<Value> = KINDS
        .iter()
        .map(|(kind, required)| {
            let others: Vec<Value> = blocks
                .iter()
                .filter(|b| !required.contains(b))
                .map(|b| json!({"required": [b]}))
                .collect();
            json!({
                "title": kind,
                "required": required,
                "not": {"anyOf": others},
            })
        })
        .collect();
    Value::Array(options)
}

/// The `correlation` block, with the keys the engine reads.
fn correlation() -> Value {
    let number = json!({"type": "number"});
    json!({
        "type": "object",
        "required": ["type", "rules"],
        "additionalProperties": false,
        "properties": {
            "type": {"enum": [
                "event_count", "value_count", "temporal", "temporal_ordered",
                "value_sum", "value_avg", "value_percentile",
            ]},
            "rules": {
                "description": "ids or names of the rules (or correlations) it counts",
                "oneOf": [
                    {"type": "string"},
                    {"type": "array", "minItems": 1, "items": {"type": "string"}},
                ],
            },
            "group-by": strings(json!({"type": "string"}), "fields whose values must be equal"),
            "timespan": {"type": "string", "pattern": "^[0-9]+[smhd]$", "description": "window length, e.g. 10m"},
            "condition": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "gt": number, "gte": number, "lt": number, "lte": number,
                    "eq": number, "neq": number,
                    "field": {"type": "string", "description": "the field the value types measure"},
                    "percentile": {"type": "number", "minimum": 0, "maximum": 100},
                },
            },
            "aliases": {
                "type": "object",
                "description": "a group-by name read from a different field in each rule",
                "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "generate": {"type": "boolean", "description": "whether the named rules also alert on their own"},
        },
    })
}

/// The `filter` block: the rules it tunes, then selections and a condition.
fn filter() -> Value {
    json!({
        "type": "object",
        "required": ["rules", "condition"],
        "properties": {
            "rules": {"oneOf": [
                {"type": "string"},
                {"type": "array", "minItems": 1, "items": {"type": "string"}},
            ]},
            "condition": {"type": ["string", "array"]},
        },
        "additionalProperties": selection(),
    })
}

fn detection(registries: &Registries) -> Value {
    let owners = names(
        "the accountable team",
        registries.owners.clone().unwrap_or_default(),
    );
    let sources = names(
        "a registered data source",
        registries
            .data_sources
            .data_sources
            .keys()
            .cloned()
            .collect(),
    );
    let actions = names(
        "an action of the catalogue",
        registries
            .actions
            .as_ref()
            .map(|a| a.keys().cloned().collect())
            .unwrap_or_default(),
    );
    let checks: Vec<&str> = super::catalogue::ALL
        .iter()
        .flat_map(|c| [c.code, c.name])
        .collect();
    let text = json!({"type": "string"});
    let related = strings(
        json!({
            "type": "object",
            "required": ["id", "type"],
            "properties": {
                "id": {"type": "string"},
                "type": {"enum": ["derived", "obsolete", "merged", "renamed", "similar"]},
            },
        }),
        "related detections",
    );
    let responses = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "automated": strings(actions.clone(), "run with no person in the loop"),
            "needs_approval": strings(actions, "wait for a person"),
            "blocked_when": strings(pattern("reason"), "guardrails on automation"),
        },
    });
    let lint_ignore = strings(
        json!({
            "type": "object",
            "required": ["check", "reason"],
            "additionalProperties": false,
            "properties": {"check": {"enum": checks}, "reason": {"type": "string", "minLength": 1}},
        }),
        "lint checks silenced for this detection, each with why",
    );
    json!({
        "$schema": DRAFT,
        "title": "firedrill detection",
        "description": "A Sigma rule, correlation or filter, plus the firedrill contract",
        "type": "object",
        "required": ["title"],
        "oneOf": kinds(),
        "properties": {
            "title": text,
            "id": {"type": "string", "description": "stable and unique; fixtures name detections by it"},
            "name": {"type": "string", "description": "a unique name correlations and filters may use instead of the id"},
            "version": {"type": "integer", "minimum": 1, "description": "bumped whenever the logic changes"},
            "status": {"enum": ["stable", "test", "experimental", "deprecated", "unsupported"]},
            "level": {"enum": ["informational", "low", "medium", "high", "critical"]},
            "owner": owners,
            "description": text,
            "author": text,
            "license": text,
            "taxonomy": text,
            "date": {"type": "string", "description": "YYYY-MM-DD (a YAML date, read as text)"},
            "modified": {"type": "string", "description": "YYYY-MM-DD (a YAML date, read as text)"},
            "references": strings(text.clone(), "links"),
            "tags": strings(text.clone(), "ATT&CK and other tags"),
            "falsepositives": strings(text.clone(), "Sigma's free text"),
            "fields": strings(text.clone(), "fields worth showing"),
            "scope": strings(text.clone(), "where the rule applies"),
            "regression_tests_path": {"type": "string", "description": "SigmaHQ: the folder of the rule's regression logs"},
            "related": related,
            "responses": responses,
            "lint_ignore": lint_ignore,
            "data_sources": strings(sources, "the data sources it runs on"),
            "logsource": {
                "type": "object",
                "properties": {
                    "category": text,
                    "product": text,
                    "service": text,
                    "definition": text,
                },
            },
            "detection": {
                "type": "object",
                "required": ["condition"],
                "properties": {"condition": {"type": ["string", "array"]}},
                "additionalProperties": selection(),
            },
            "correlation": correlation(),
            "filter": filter(),
            "expected_false_positives": strings(pattern("name"), "testable false-positive patterns"),
            "first_context": strings(text.clone(), "fields the analyst must see first"),
        },
    })
}

fn fixture(registries: &Registries) -> Value {
    let source = names(
        "the registered data source the log is",
        registries
            .data_sources
            .data_sources
            .keys()
            .cloned()
            .collect(),
    );
    let expectation = json!({
        "type": "object",
        "required": ["detection"],
        "additionalProperties": false,
        "anyOf": [{"required": ["events"]}, {"required": ["where"]}],
        "properties": {
            "detection": {"type": "string", "description": "a detection id"},
            "technique": {"type": "string", "pattern": "^T[0-9]{4}(\\.[0-9]{3})?$"},
            "events": {"oneOf": [
                {"type": "integer", "minimum": 1},
                {"type": "array", "items": {"type": "integer", "minimum": 1}},
            ]},
            "where": selection(),
        },
    });
    json!({
        "$schema": DRAFT,
        "title": "firedrill fixture label",
        "type": "object",
        "required": ["log", "data_source"],
        "additionalProperties": false,
        "properties": {
            "description": {"type": "string"},
            "log": {"type": "string", "description": "the log file, relative to this label"},
            "data_source": source,
            "provenance": {"type": "string"},
            "expect": {"type": "array", "items": expectation},
            "quiet": {"type": ["array", "string"], "items": {"type": "string"}},
        },
    })
}
