//! Each modifier, and the errors it must raise at load time.

use serde_json::json;

use super::*;

#[test]
fn position_modifiers_keep_inner_wildcards() {
    let r = sel("a|contains: 'b*d'");
    assert!(fires(&r, json!({"a": "xxBcD"})));
    let r = sel("a|startswith: 'ab'");
    assert!(fires(&r, json!({"a": "ABc"})));
    assert!(!fires(&r, json!({"a": "cab"})));
    let r = sel("a|endswith: 'b?'");
    assert!(fires(&r, json!({"a": "xxbz"})));
}

#[test]
fn all_ands_the_values() {
    let r = sel("a|contains|all:\n  - one\n  - two");
    assert!(fires(&r, json!({"a": "two and one"})));
    assert!(!fires(&r, json!({"a": "one"})));
}

#[test]
fn regex_is_unanchored_and_case_sensitive_with_flags() {
    let r = sel("a|re: 'b.d'");
    assert!(fires(&r, json!({"a": "xxbcdxx"})));
    assert!(!fires(&r, json!({"a": "BCD"})));
    let r = sel("a|re|i: '^b.d$'");
    assert!(fires(&r, json!({"a": "BCD"})));
    let r = sel("a|re|s: 'b.d'");
    assert!(fires(&r, json!({"a": "b\nd"})));
    let r = sel("a|re|m: '^d$'");
    assert!(fires(&r, json!({"a": "b\nd"})));
    assert!(sel_errors("a|re: '(unclosed'")[0].contains("invalid regular expression"));
    assert!(sel_errors("a|contains|re: 'x'")[0].contains("re cannot follow"));
}

#[test]
fn base64_and_utf16_encode_in_written_order() {
    // "ab" in UTF-16LE is 61 00 62 00 -> YQBiAA==
    let r = sel("a|utf16le|base64|contains: 'ab'");
    assert!(fires(&r, json!({"a": "xx YQBiAA== yy"})));
    assert!(!fires(&r, json!({"a": "YWI="})));
    let r = sel("a|base64: 'ab'");
    assert!(fires(&r, json!({"a": "YWI="})));
    assert!(
        !fires(&r, json!({"a": "ywi="})),
        "base64 is compared with case"
    );
    let errs = sel_errors("a|base64|utf16le: 'ab'");
    assert!(errs[0].contains("followed by base64"), "{errs:?}");
    let errs = sel_errors("a|wide: 'ab'");
    assert!(errs[0].contains("followed by base64"), "{errs:?}");
}

#[test]
fn base64offset_rejects_values_too_short_to_encode() {
    let errs = sel_errors("a|base64offset|contains: 'x'");
    assert!(errs[0].contains("too short"), "{errs:?}");
}

#[test]
fn windash_permutes_option_dashes_and_keeps_wildcards() {
    let r = sel("a|windash|contains: ' -f*x'");
    assert!(fires(&r, json!({"a": "tool /force x"})));
    assert!(fires(&r, json!({"a": "tool \u{2015}f x"})));
    assert!(!fires(&r, json!({"a": "tool f x"})));
    let r = sel("a|windash: 'a-b'");
    assert!(
        !fires(&r, json!({"a": "a/b"})),
        "a dash inside a word is not an option"
    );
}

#[test]
fn cidr_matches_networks_and_rejects_host_bits() {
    let r = sel("ip|cidr: 172.16.0.0/12");
    assert!(fires(&r, json!({"ip": "172.31.255.1"})));
    assert!(!fires(&r, json!({"ip": "172.32.0.1"})));
    assert!(!fires(&r, json!({"ip": "not an address"})));
    assert!(!fires(&r, json!({"ip": "::1"})));
    assert!(sel_errors("ip|cidr: 10.0.0.1/8")[0].contains("host bits"));
    assert!(sel_errors("ip|cidr: 10.0.0.0/33")[0].contains("prefix"));
    let r = sel("ip|cidr: 0.0.0.0/0");
    assert!(fires(&r, json!({"ip": "8.8.8.8"})));
}

#[test]
fn comparisons_are_numeric() {
    let r = sel("n|gte: 10");
    assert!(fires(&r, json!({"n": 10})));
    assert!(fires(&r, json!({"n": "11"})));
    assert!(!fires(&r, json!({"n": 9.5})));
    assert!(!fires(&r, json!({"n": "ten"})));
    let r = sel("n|lt: '2.5'");
    assert!(fires(&r, json!({"n": 2})));
    assert!(sel_errors("n|lt: ten")[0].contains("needs a number"));
}

#[test]
fn exists_tests_presence_even_of_empty_values() {
    let r = sel("a|exists: true");
    assert!(fires(&r, json!({"a": ""})));
    assert!(fires(&r, json!({"a": null})));
    assert!(!fires(&r, json!({"b": 1})));
    let r = sel("a|exists: false");
    assert!(fires(&r, json!({"b": 1})));
    assert!(sel_errors("a|exists: maybe")[0].contains("true or false"));
}

#[test]
fn cased_compares_exactly() {
    let r = sel("a|cased|contains: Evil");
    assert!(fires(&r, json!({"a": "so Evil"})));
    assert!(!fires(&r, json!({"a": "so evil"})));
}

#[test]
fn neq_negates_the_item_and_missing_fields_match() {
    let r = sel("a|neq: x");
    assert!(fires(&r, json!({"a": "y"})));
    assert!(!fires(&r, json!({"a": "X"})));
    assert!(fires(&r, json!({})));
}

#[test]
fn fieldref_compares_two_fields_of_the_event() {
    let r = sel("target|fieldref: source");
    assert!(fires(&r, json!({"target": "Alice", "source": "alice"})));
    assert!(!fires(&r, json!({"target": "alice", "source": "bob"})));
    assert!(!fires(&r, json!({"target": "alice"})));
    let r = sel("path|fieldref|endswith: name");
    assert!(fires(&r, json!({"path": "c:\\x\\a.exe", "name": "a.exe"})));
}

#[test]
fn expand_fills_placeholders_or_rejects_the_rule() {
    let mut options = CompileOptions::default();
    options
        .placeholders
        .insert("admins".into(), vec!["root".into(), "adm*".into()]);
    let text = "logsource: {}\ndetection:\n  sel:\n    user|expand: '%admins%'\n  condition: sel\n";
    let r = compile_with(text, &options).unwrap();
    assert!(fires(&r, json!({"user": "Root"})));
    assert!(fires(&r, json!({"user": "admin2"})));
    assert!(!fires(&r, json!({"user": "bob"})));
    let errs = compile(text).unwrap_err();
    assert_eq!(
        errs[0].message,
        "placeholder %admins% has no values in the configuration"
    );
}

#[test]
fn time_parts_keep_the_timestamp_offset() {
    let r = sel("ts|hour: 9");
    assert!(fires(&r, json!({"ts": "2024-05-01T09:30:00+09:00"})));
    assert!(!fires(&r, json!({"ts": "2024-05-01T00:30:00Z"})));
    let r = sel("ts|hour|gte: 18");
    assert!(fires(&r, json!({"ts": "2024-05-01T23:00:00-05:00"})));
    let r = sel("ts|week: 18");
    assert!(fires(&r, json!({"ts": "2024-05-01T00:00:00Z"})));
    let r = sel("ts|year: 2024");
    assert!(!fires(&r, json!({"ts": "not a time"})));
}

#[test]
fn unknown_modifiers_are_errors() {
    assert_eq!(
        sel_errors("a|contain: x"),
        vec!["5:5: unknown modifier 'contain'"]
    );
}
