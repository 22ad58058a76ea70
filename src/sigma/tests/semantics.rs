//! Core semantics: documents, selections, conditions, values.

use serde_json::json;

use super::*;
use crate::yaml::Pos;

#[test]
fn reads_metadata_and_ignores_contract_keys() {
    let r = rule(
        "title: Whoami\nid: 1234\nstatus: test\nlevel: high\ndescription: d\n\
         tags: [attack.t1033]\nfalsepositives: admins\nowner: team-a\nresponses: [page]\n\
         logsource: {category: process_creation, product: windows}\n\
         detection:\n  sel:\n    Image|endswith: '\\whoami.exe'\n  condition: sel\n",
    );
    assert_eq!(r.title, "Whoami");
    assert_eq!(r.id.as_deref(), Some("1234"));
    assert_eq!(r.level.as_deref(), Some("high"));
    assert_eq!(r.tags, vec!["attack.t1033"]);
    assert_eq!(r.falsepositives, vec!["admins"]);
    assert_eq!(r.logsource.category.as_deref(), Some("process_creation"));
    assert_eq!(r.logsource.service, None);
}

#[test]
fn required_keys_are_reported_together() {
    let docs = parse_documents("id: x\n").unwrap();
    let errs = Rule::from_node(&docs[0], &CompileOptions::default()).unwrap_err();
    let text: Vec<String> = errs.iter().map(|e| e.message.clone()).collect();
    assert_eq!(
        text,
        vec!["missing title", "missing logsource", "missing detection"]
    );
    let errs = errors("logsource: {}\ndetection:\n  sel:\n    a: 1\n");
    assert!(errs[0].contains("detection has no condition"), "{errs:?}");
}

#[test]
fn every_error_is_collected_with_its_position() {
    let errs = compile(
        "logsource: {}\ndetection:\n  a:\n    x|bogus: 1\n  b:\n    y|re: '('\n  condition: a and c\n",
    )
    .unwrap_err();
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert_eq!(errs[0].pos, Pos { line: 5, col: 5 });
    assert_eq!(errs[0].message, "unknown modifier 'bogus'");
    assert_eq!(errs[0].to_string(), "5:5: unknown modifier 'bogus'");
    assert!(errs[1].message.starts_with("invalid regular expression"));
    assert!(errs[2].message.contains("undefined identifier 'c'"));
}

#[test]
fn map_ands_and_list_ors() {
    let r = sel("- a: 1\n  b: 2\n- c: 3");
    assert!(fires(&r, json!({"a": 1, "b": 2})));
    assert!(!fires(&r, json!({"a": 1})));
    assert!(fires(&r, json!({"c": 3})));
    let r = sel("a:\n  - x\n  - y");
    assert!(fires(&r, json!({"a": "Y"})));
    assert!(!fires(&r, json!({"a": "z"})));
}

#[test]
fn keywords_search_every_value() {
    let r = sel("- evil\n- 'bad*thing'");
    assert!(fires(&r, json!({"deep": {"msg": "an EVIL act"}})));
    assert!(fires(&r, json!({"list": ["x", "a bad old thing"]})));
    assert!(fires(&r, json!({"n": 1, "s": "evil"})));
    assert!(!fires(&r, json!({"evil": "key names are not values"})));
}

#[test]
fn conditions_combine_selections() {
    let r = rule(
        "logsource: {}\ndetection:\n  sel_a:\n    a: 1\n    b: 1\n  sel_b:\n    c: 1\n  \
         _aux:\n    d: 1\n  condition: 1 of sel_*\n",
    );
    assert!(fires(&r, json!({"a": 1, "b": 1})));
    assert!(
        !fires(&r, json!({"a": 1, "c": 2})),
        "1 of keeps the AND inside a selection"
    );
    assert!(fires(&r, json!({"c": 1})));
    let r = rule(
        "logsource: {}\ndetection:\n  a:\n    a: 1\n  b:\n    b: 1\n  _aux:\n    d: 1\n  \
         condition: all of them\n",
    );
    assert!(fires(&r, json!({"a": 1, "b": 1})), "them skips _aux");
}

#[test]
fn a_list_of_conditions_ors_them() {
    let r = rule("logsource: {}\ndetection:\n  a:\n    a: 1\n  b:\n    b: 1\n  condition:\n    - a\n    - b\n");
    assert!(fires(&r, json!({"b": 1})));
    assert!(fires(&r, json!({"a": 1})));
    assert!(!fires(&r, json!({"c": 1})));
}

#[test]
fn identifiers_containing_operator_words_stay_whole() {
    let r = rule("logsource: {}\ndetection:\n  orgs:\n    a: 1\n  notepad:\n    b: 1\n  condition: orgs and notepad\n");
    assert!(fires(&r, json!({"a": 1, "b": 1})));
    assert!(!fires(&r, json!({"a": 1})));
}

#[test]
fn a_quantifier_pattern_matching_nothing_rejects_the_rule() {
    let errs = errors(
        "logsource: {}\ndetection:\n  sel:\n    a: 1\n  condition: sel and not 1 of filter_*\n",
    );
    assert!(
        errs[0].contains("'filter_*' matches no selection"),
        "{errs:?}"
    );
}

#[test]
fn old_aggregations_are_rejected_clearly() {
    let errs = errors(
        "logsource: {}\ndetection:\n  sel:\n    a: 1\n  condition: sel | count() by host > 5\n",
    );
    assert!(errs[0].contains("correlation rule"), "{errs:?}");
}

#[test]
fn numbers_equal_numeric_strings_but_not_other_spellings() {
    let r = sel("EventID: 4688");
    assert!(fires(&r, json!({"EventID": 4688})));
    assert!(fires(&r, json!({"EventID": "4688"})));
    assert!(!fires(&r, json!({"EventID": 46880})));
    let r = sel("Level: 1.5");
    assert!(fires(&r, json!({"Level": 1.5})));
}

#[test]
fn hex_and_leading_zero_values_stay_strings() {
    let r = sel("LogonId: 0x3e7");
    assert!(fires(&r, json!({"LogonId": "0x3E7"})));
    assert!(!fires(&r, json!({"LogonId": 999})));
    let r = sel("Code: 00000429");
    assert!(fires(&r, json!({"Code": "00000429"})));
    assert!(!fires(&r, json!({"Code": 429})));
}

#[test]
fn booleans_compare_with_json_booleans() {
    let r = sel("Enabled: true");
    assert!(fires(&r, json!({"Enabled": true})));
    assert!(fires(&r, json!({"Enabled": "True"})));
    assert!(!fires(&r, json!({"Enabled": false})));
}

#[test]
fn null_matches_missing_or_json_null_and_empty_only_empty() {
    let r = sel("a: null");
    assert!(fires(&r, json!({})));
    assert!(fires(&r, json!({"a": null})));
    assert!(!fires(&r, json!({"a": ""})));
    assert!(!fires(&r, json!({"a": "null"})));
    let r = sel("a: ''");
    assert!(fires(&r, json!({"a": ""})));
    assert!(!fires(&r, json!({})));
    assert!(!fires(&r, json!({"a": null})));
}

#[test]
fn list_fields_match_when_any_element_does() {
    let r = sel("tags: admin");
    assert!(fires(&r, json!({"tags": ["user", "Admin"]})));
    assert!(!fires(&r, json!({"tags": ["user"]})));
}

#[test]
fn selections_compile_outside_rules() {
    let docs = parse_documents("- user|startswith: svc_\n- src_ip|cidr: 10.0.0.0/8\n").unwrap();
    let s = Selection::from_node(&docs[0], &CompileOptions::default()).unwrap();
    assert!(s.matches(&Event::new(json!({"user": "SVC_backup"}))));
    assert!(s.matches(&Event::new(json!({"src_ip": "10.1.2.3"}))));
    assert!(!s.matches(&Event::new(json!({"user": "alice"}))));
    let docs = parse_documents("user|nope: x\n").unwrap();
    let errs = Selection::from_node(&docs[0], &CompileOptions::default()).unwrap_err();
    assert_eq!(errs[0].pos, Pos { line: 1, col: 1 });
}
