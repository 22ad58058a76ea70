//! Filter documents: parsed, compiled, and ANDed with the rules they name.

use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::sigma::{Filter, LogSource};
use crate::yaml::Pos;

fn filter(text: &str) -> Result<Filter, Vec<RuleError>> {
    let docs = parse_documents(text).expect("test yaml parses");
    Filter::from_node(&docs[0], &CompileOptions::default())
}

const DC_FILTER: &str = "title: Not on domain controllers\nid: f-1\n\
    logsource: {product: windows}\n\
    filter:\n  rules: [whoami, 0000-1111]\n  dc:\n    ComputerName|startswith: DC\n\
    \x20 condition: not dc\n";

const WHOAMI: &str = "title: Whoami\nname: whoami\n\
    logsource: {category: process_creation, product: windows}\n\
    detection:\n  sel:\n    Image|endswith: '\\whoami.exe'\n  condition: sel\n";

#[test]
fn a_filter_reads_its_rules_and_condition() {
    let f = filter(DC_FILTER).unwrap();
    assert_eq!(f.title, "Not on domain controllers");
    let names: Vec<&str> = f.rules.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["whoami", "0000-1111"]);
    assert_eq!(f.rules[0].pos, Pos { line: 5, col: 11 });
    assert!(f.matches(&Event::new(json!({"ComputerName": "WS-1"}))));
    assert!(!f.matches(&Event::new(json!({"ComputerName": "dc-01"}))));
}

#[test]
fn a_filter_is_anded_with_the_rule() {
    let mut r = rule(WHOAMI);
    assert_eq!(r.name.as_deref(), Some("whoami"));
    let event = json!({"Image": "C:\\Windows\\whoami.exe", "ComputerName": "DC-01"});
    assert!(fires(&r, event.clone()));
    r.add_filter(Arc::new(filter(DC_FILTER).unwrap()));
    assert!(!fires(&r, event));
    let elsewhere = json!({"Image": "C:\\Windows\\whoami.exe", "ComputerName": "WS-7"});
    assert!(fires(&r, elsewhere));
}

#[test]
fn a_filter_covers_rules_equal_on_every_key_it_sets() {
    let f = filter(DC_FILTER).unwrap();
    let source = |product: &str, category: Option<&str>| LogSource {
        category: category.map(str::to_string),
        product: Some(product.to_string()),
        service: None,
    };
    assert!(f.covers(&source("windows", Some("process_creation"))));
    assert!(f.covers(&source("Windows", None)));
    assert!(!f.covers(&source("linux", Some("process_creation"))));
    assert!(!f.covers(&LogSource::default()));
}

#[test]
fn broken_filters_say_where() {
    let errors =
        filter("title: t\nlogsource: {product: x}\nfilter:\n  sel: {a: 1}\n  condition: sel\n")
            .unwrap_err();
    assert_eq!(errors[0].to_string(), "4:6: filter has no rules list");
    let errors = filter(
        "title: t\nlogsource: {product: x}\nfilter:\n  rules: [r]\n  sel: {a: 1}\n  condition: nope\n",
    )
    .unwrap_err();
    assert!(
        errors[0].message.contains("undefined identifier 'nope'"),
        "{errors:?}"
    );
    assert_eq!(errors[0].pos.line, 6);
    assert!(
        filter("title: t\nfilter:\n  rules: [r]\n  sel: {a: 1}\n  condition: sel\n")
            .unwrap_err()
            .iter()
            .any(|e| e.message == "missing logsource")
    );
}
