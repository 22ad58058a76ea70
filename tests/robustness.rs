//! Generated-input tests: the rule parser and the log readers must never
//! panic, whatever they are fed. Each run tries a few hundred cases; set
//! `PROPTEST_CASES` for a longer fuzzing session.

use proptest::prelude::*;

use firedrill::event::reader::{Format, Records};
use firedrill::event::Event;
use firedrill::sigma::{CompileOptions, Rule};
use firedrill::yaml;

/// Pieces rules are made of, so generated rules get past the YAML layer
/// and exercise the Sigma parser and compiler.
fn modifier() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "",
        "|contains",
        "|startswith",
        "|endswith",
        "|all",
        "|re",
        "|re|i",
        "|base64",
        "|base64offset|contains",
        "|wide|base64",
        "|windash|contains",
        "|cidr",
        "|exists",
        "|cased",
        "|neq",
        "|fieldref",
        "|lt",
        "|gte",
        "|expand",
        "|hour",
        "|bogus",
        "|contains|all|windash",
        "|utf16be|base64offset|contains",
    ])
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9*?\\\\ ./:-]{0,12}".prop_map(|s| format!("'{}'", s.replace('\'', "''"))),
        "[0-9]{1,5}".prop_map(|s| s),
        Just("null".to_string()),
        Just("''".to_string()),
        Just("true".to_string()),
        "10\\.[0-9]{1,3}\\.0\\.0/(8|16|24|33)".prop_map(|s| s),
        "[(\\[a-z|+*]{1,8}".prop_map(|s| format!("'{s}'")),
    ]
}

fn condition() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "sel",
        "not sel",
        "sel and kw",
        "1 of s*",
        "all of them",
        "sel or (kw and not sel)",
        "1 of x*",
        "sel | count() > 1",
        "SEL",
        "sel and",
        "(sel",
        "undefined",
    ])
    .prop_map(str::to_string)
}

fn rule_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((modifier(), prop::collection::vec(value(), 1..3)), 1..4),
        condition(),
    )
        .prop_map(|(items, condition)| {
            let mut text = String::from("title: t\nlogsource: {product: p}\ndetection:\n  sel:\n");
            for (i, (modifier, values)) in items.iter().enumerate() {
                text.push_str(&format!("    f{i}{modifier}:\n"));
                for v in values {
                    text.push_str(&format!("      - {v}\n"));
                }
            }
            text.push_str("  kw:\n    - 'abc'\n");
            text.push_str(&format!("  condition: {condition}\n"));
            text
        })
}

fn event() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "[a-zA-Z0-9 ./:\\\\-]{0,16}".prop_map(serde_json::Value::from),
        "10\\.[0-9]{1,3}\\.[0-9]{1,3}\\.1".prop_map(serde_json::Value::from),
    ];
    let value = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(serde_json::Value::from),
            prop::collection::btree_map("f[0-3]", inner, 0..3)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    prop::collection::btree_map("f[0-3]", value, 0..5)
        .prop_map(|m| serde_json::Value::Object(m.into_iter().collect()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_parses_or_fails_cleanly(text in "\\PC{0,200}") {
        if let Ok(docs) = yaml::parse_documents(&text) {
            for doc in &docs {
                let _ = Rule::from_node(doc, &CompileOptions::default());
            }
        }
    }

    #[test]
    fn generated_rules_compile_or_fail_and_match_without_panicking(text in rule_text(), events in prop::collection::vec(event(), 1..4)) {
        let docs = yaml::parse_documents(&text).expect("generated YAML is valid");
        if let Ok(rule) = Rule::from_node(&docs[0], &CompileOptions::default()) {
            for e in events {
                let _ = rule.matches(&Event::new(e));
            }
        }
    }

    #[test]
    fn readers_survive_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400), json in any::<bool>()) {
        let format = if json { Format::Json } else { Format::JsonLines };
        let items: Vec<_> = Records::new(bytes.as_slice(), format).collect();
        prop_assert!(items.len() <= bytes.len() + 1);
    }

    #[test]
    fn readers_survive_damaged_json(events in prop::collection::vec(event(), 1..5), cut in any::<prop::sample::Index>(), json in any::<bool>()) {
        let text: String = events.iter().map(|e| format!("{e}\n")).collect();
        let at = cut.index(text.len().max(1));
        let damaged = format!("{}{}", &text[..text.floor_char_boundary(at)], &text[text.floor_char_boundary(at)..].replacen('"', "", 1));
        let format = if json { Format::Json } else { Format::JsonLines };
        let read = Records::new(damaged.as_bytes(), format).count();
        prop_assert!(read >= 1);
    }
}
