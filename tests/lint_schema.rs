//! `firedrill schema`: every bundled detection and fixture label must be
//! valid against the schema the binary prints for this repository (with
//! its registry's enums), and typical mistakes must not be.
//!
//! The validator is a small draft-07 subset written here rather than a
//! JSON Schema crate as a dev-dependency (those pull in an HTTP client and
//! a large tree). It panics on any keyword it does not know, so the
//! schema cannot use a keyword this test would silently skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::{json, Map, Value};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The schema the binary prints, run from the repository root.
fn schema(kind: &str) -> Value {
    schema_of(kind, "detections")
}

/// The schema with the registry of `detections`.
fn schema_of(kind: &str, detections: &str) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["schema", kind, "--detections", detections])
        .current_dir(crate_dir())
        .output()
        .expect("run firedrill schema");
    assert!(output.status.success(), "schema {kind} failed");
    serde_json::from_slice(&output.stdout).expect("schema is JSON")
}

/// The errors of `value` against `schema`, each with its JSON path.
fn validate(schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let schema = match schema {
        Value::Bool(true) => return,
        Value::Bool(false) => return errors.push(format!("{path}: nothing is allowed here")),
        Value::Object(map) => map,
        other => panic!("not a schema: {other}"),
    };
    for (keyword, rule) in schema {
        match keyword.as_str() {
            "$schema" | "title" | "description" => {}
            "type" => {
                let allowed: Vec<&str> = match rule {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                    other => panic!("bad type {other}"),
                };
                if !allowed.iter().any(|t| has_type(value, t)) {
                    errors.push(format!("{path}: expected {allowed:?}, found {value}"));
                }
            }
            "enum" => {
                let options = rule.as_array().expect("enum is a list");
                if !options.contains(value) {
                    errors.push(format!("{path}: {value} is not one of {rule}"));
                }
            }
            "required" => {
                let Some(object) = value.as_object() else {
                    continue;
                };
                for key in rule.as_array().expect("required is a list") {
                    let key = key.as_str().expect("required names are strings");
                    if !object.contains_key(key) {
                        errors.push(format!("{path}: missing '{key}'"));
                    }
                }
            }
            "properties" | "additionalProperties" => {
                if let Some(object) = value.as_object() {
                    object_keyword(schema, keyword, object, path, errors);
                }
            }
            "items" => {
                for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                    validate(rule, item, &format!("{path}[{i}]"), errors);
                }
            }
            "minItems" => {
                let min = rule.as_u64().expect("minItems") as usize;
                if value.as_array().is_some_and(|a| a.len() < min) {
                    errors.push(format!("{path}: fewer than {min} items"));
                }
            }
            "minLength" => {
                let min = rule.as_u64().expect("minLength") as usize;
                if value.as_str().is_some_and(|s| s.chars().count() < min) {
                    errors.push(format!("{path}: shorter than {min}"));
                }
            }
            "pattern" => {
                let re = regex::Regex::new(rule.as_str().expect("pattern")).expect("regex");
                if value.as_str().is_some_and(|s| !re.is_match(s)) {
                    errors.push(format!("{path}: {value} does not match {rule}"));
                }
            }
            "minimum" | "maximum" => {
                let bound = rule.as_f64().expect("bound");
                let Some(n) = value.as_f64() else { continue };
                if (keyword == "minimum" && n < bound) || (keyword == "maximum" && n > bound) {
                    errors.push(format!("{path}: {n} is out of range ({keyword} {bound})"));
                }
            }
            "oneOf" | "anyOf" => {
                let options = rule.as_array().expect("a list of schemas");
                let passing = options.iter().filter(|o| is_valid(o, value, path)).count();
                let ok = match keyword == "oneOf" {
                    true => passing == 1,
                    false => passing >= 1,
                };
                if !ok {
                    errors.push(format!("{path}: {passing} of the {keyword} options match"));
                }
            }
            "not" => {
                if is_valid(rule, value, path) {
                    errors.push(format!("{path}: matches what `not` excludes ({rule})"));
                }
            }
            other => panic!("the schema uses '{other}', which this validator does not check"),
        }
    }
}

fn object_keyword(
    schema: &Map<String, Value>,
    keyword: &str,
    object: &Map<String, Value>,
    path: &str,
    errors: &mut Vec<String>,
) {
    let properties = schema.get("properties").and_then(Value::as_object);
    for (key, item) in object {
        let at = format!("{path}.{key}");
        match (keyword, properties.and_then(|p| p.get(key))) {
            ("properties", Some(sub)) => validate(sub, item, &at, errors),
            ("additionalProperties", None) => {
                validate(&schema["additionalProperties"], item, &at, errors)
            }
            _ => {}
        }
    }
}

fn is_valid(schema: &Value, value: &Value, path: &str) -> bool {
    let mut errors = Vec::new();
    validate(schema, value, path, &mut errors);
    errors.is_empty()
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        other => panic!("unknown type {other}"),
    }
}

/// Every YAML document of `text`, as JSON (a YAML date is a string, as the
/// YAML language server reads it).
fn documents(text: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(text)
        .map(|doc| Value::deserialize(doc).expect("YAML document"))
        .filter(|v| !v.is_null())
        .collect()
}

fn errors_of(schema: &Value, text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    for (i, doc) in documents(text).iter().enumerate() {
        validate(schema, doc, &format!("doc{i}"), &mut errors);
    }
    errors
}

fn files(pattern: &str) -> Vec<PathBuf> {
    let pattern = crate_dir().join(pattern);
    let found: Vec<PathBuf> = glob::glob(&pattern.to_string_lossy())
        .expect("glob")
        .flatten()
        .filter(|p| !p.starts_with(crate_dir().join("detections/registry")))
        .collect();
    assert!(!found.is_empty(), "no files match {}", pattern.display());
    found
}

fn check_all(schema: &Value, paths: &[PathBuf]) {
    let mut failures = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).expect("read");
        for e in errors_of(schema, &text) {
            let shown = path.strip_prefix(crate_dir()).unwrap_or(path);
            failures.push(format!("{}: {e}", shown.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_bundled_detection_is_valid() {
    let mut paths = files("detections/**/*.yml");
    paths.extend(
        glob::glob(&crate_dir().join("detections/**/*.yaml").to_string_lossy())
            .into_iter()
            .flatten()
            .flatten(),
    );
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("identity/okta_mfa_push_flood.yml")),
        "the bundled correlation is among them"
    );
    check_all(&schema("detection"), &paths);
}

#[test]
fn every_bundled_fixture_label_is_valid() {
    check_all(&schema("fixture"), &files("fixtures/**/*.fixture.yml"));
}

#[test]
fn lint_test_data_is_valid() {
    // Its registry is tests/data/lint/registry.
    let clean = Path::new("tests/data/lint/cases/clean/detections/rule.yml");
    let schema = schema_of("detection", "tests/data/lint");
    check_all(&schema, &[crate_dir().join(clean)]);
    let label = crate_dir().join("tests/data/lint/fixtures/auth.fixture.yml");
    check_all(&schema_of("fixture", "tests/data/lint"), &[label]);
}

const RULE: &str = "title: t
logsource: {product: okta}
detection: {sel: {a: 1}, condition: sel}
";

#[test]
fn the_three_sigma_kinds_and_their_keys() {
    let schema = schema("detection");
    let valid = [
        RULE.to_string(),
        format!("{RULE}name: okta_push\nregression_tests_path: regression_data/x/\ndate: 2024-01-02\nmodified: 2024/01/03\n"),
        format!("{RULE}lint_ignore:\n  - check: no-firing-fixture\n    reason: not yet\n  - check: FD502\n    reason: not yet\n"),
        "title: c\nname: flood\ncorrelation:\n  type: value_count\n  rules: [okta_push]\n  group-by: [user]\n  timespan: 1h\n  condition: {gte: 3, field: src_ip}\n  aliases: {ip: {okta_push: client.ip}}\n  generate: false\n".into(),
        "title: f\nlogsource: {product: okta}\nfilter:\n  rules: [okta_push]\n  jump: {ip: 10.0.0.1}\n  condition: not jump\n".into(),
    ];
    for text in &valid {
        assert_eq!(errors_of(&schema, text), Vec::<String>::new(), "{text}");
    }
    let invalid = [
        ("title: t\nlogsource: {product: okta}\n", "a rule needs detection"),
        ("title: t\ndetection: {sel: {a: 1}, condition: sel}\n", "a rule needs logsource"),
        (
            "title: c\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 2}}\ndetection: {sel: {a: 1}, condition: sel}\nlogsource: {product: x}\n",
            "one kind per document",
        ),
        (
            "title: c\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 2}, field: x}\n",
            "field belongs in condition, as the engine reads it",
        ),
        (
            "title: c\ncorrelation: {type: event_sum, rules: [a], timespan: 1m}\n",
            "unknown correlation type",
        ),
        (
            "title: c\ncorrelation: {type: event_count, rules: [a], timespan: ten minutes}\n",
            "timespan",
        ),
        ("title: f\nlogsource: {product: x}\nfilter: {jump: {ip: 1}, condition: not jump}\n", "filter needs rules"),
        ("title: t\nversion: two\nlogsource: {}\ndetection: {condition: x}\n", "version"),
        ("title: t\nowner: identiti\nlogsource: {}\ndetection: {condition: x}\n", "owner enum"),
    ];
    for (text, why) in invalid {
        assert!(!errors_of(&schema, text).is_empty(), "{why}: {text}");
    }
}

#[test]
fn fixture_schema_rejects_mistakes() {
    let schema = schema("fixture");
    let good = "log: a.json\ndata_source: okta.system_log\nexpect:\n  - detection: x\n    events: [1]\nquiet: [y]\n";
    assert_eq!(errors_of(&schema, good), Vec::<String>::new());
    let invalid = [
        (
            "log: a.json\ndata_source: okta.system_log\nexpects: []\n",
            "unknown key",
        ),
        (
            "log: a.json\ndata_source: okta.systemlog\n",
            "unregistered data source",
        ),
        (
            "log: a.json\ndata_source: okta.system_log\nexpect: [{detection: x}]\n",
            "events or where",
        ),
        ("data_source: okta.system_log\n", "log is required"),
    ];
    for (text, why) in invalid {
        assert!(!errors_of(&schema, text).is_empty(), "{why}: {text}");
    }
}

#[test]
fn validator_refuses_unknown_keywords() {
    let result = std::panic::catch_unwind(|| {
        validate(
            &json!({"uniqueItems": true}),
            &json!([]),
            "",
            &mut Vec::new(),
        )
    });
    assert!(result.is_err());
}
