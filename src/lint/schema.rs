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
        SchemaKind::Fixture => fixture(),
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
    let checks: Vec<&str> = super::catalogue::ALL.iter().map(|c| c.code).collect();
    json!({
        "$schema": DRAFT,
        "title": "firedrill detection",
        "description": "A Sigma rule plus the firedrill contract",
        "type": "object",
        "required": ["title", "logsource", "detection"],
        "properties": {
            "title": {"type": "string"},
            "id": {"type": "string", "description": "stable and unique; fixtures name detections by it"},
            "version": {"type": "integer", "minimum": 1, "description": "bumped whenever the logic changes"},
            "status": {"enum": ["stable", "test", "experimental", "deprecated", "unsupported"]},
            "level": {"enum": ["informational", "low", "medium", "high", "critical"]},
            "owner": owners,
            "description": {"type": "string"},
            "author": {"type": "string"},
            "date": {"type": "string"},
            "modified": {"type": "string"},
            "references": strings(json!({"type": "string"}), "links"),
            "tags": strings(json!({"type": "string"}), "ATT&CK and other tags"),
            "falsepositives": strings(json!({"type": "string"}), "Sigma's free text"),
            "fields": strings(json!({"type": "string"}), "fields worth showing"),
            "related": strings(json!({
                "type": "object",
                "required": ["id", "type"],
                "properties": {
                    "id": {"type": "string"},
                    "type": {"enum": ["derived", "obsolete", "merged", "renamed", "similar"]},
                },
            }), "related detections"),
            "data_sources": strings(sources, "the data sources it runs on"),
            "logsource": {
                "type": "object",
                "properties": {
                    "category": {"type": "string"},
                    "product": {"type": "string"},
                    "service": {"type": "string"},
                    "definition": {"type": "string"},
                },
            },
            "detection": {
                "type": "object",
                "required": ["condition"],
                "properties": {"condition": {"type": ["string", "array"]}},
                "additionalProperties": selection(),
            },
            "expected_false_positives": strings(pattern("name"), "testable false-positive patterns"),
            "first_context": strings(json!({"type": "string"}), "fields the analyst must see first"),
            "responses": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "automated": strings(actions.clone(), "run with no person in the loop"),
                    "needs_approval": strings(actions, "wait for a person"),
                    "blocked_when": strings(pattern("reason"), "guardrails on automation"),
                },
            },
            "lint_ignore": strings(json!({
                "type": "object",
                "required": ["check", "reason"],
                "additionalProperties": false,
                "properties": {"check": {"enum": checks}, "reason": {"type": "string", "minLength": 1}},
            }), "lint checks silenced for this detection, each with why"),
        },
    })
}

fn fixture() -> Value {
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
            "data_source": {"type": "string"},
            "provenance": {"type": "string"},
            "expect": {"type": "array", "items": expectation},
            "quiet": {"type": ["array", "string"], "items": {"type": "string"}},
        },
    })
}
