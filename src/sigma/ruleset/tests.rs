//! The prefilter must never skip a rule that matches: literal extraction
//! for the constructs that need no text, candidates for events that only
//! match through folding, numbers, lists, paths and renames, and a
//! property test comparing filtered and unfiltered evaluation.

use std::collections::BTreeSet;

use proptest::prelude::*;
use serde_json::{json, Value};

use super::super::prefilter::{self, Lit, Need};
use super::super::tests::{rule, sel};
use super::RuleSet;
use crate::event::Event;
use crate::sigma::Rule;

fn text(field: Option<&str>, t: &str) -> Lit {
    Lit::Text {
        field: field.map(str::to_string),
        text: t.to_string(),
    }
}

fn has(field: &str) -> Lit {
    Lit::Has {
        field: field.to_string(),
    }
}

fn clauses(need: Need) -> Vec<BTreeSet<Lit>> {
    match need {
        Need::All(clauses) => clauses,
        Need::Unknown => panic!("expected literals, found none"),
    }
}

fn two(first: &str, second: &str, condition: &str) -> Rule {
    rule(&format!(
        "logsource: {{product: test}}\ndetection:\n  a:\n    {first}\n  b:\n    {second}\n  condition: {condition}\n"
    ))
}

#[test]
fn not_needs_nothing_and_leaves_the_other_branch() {
    let only_not = two("Image: x.exe", "User: bob", "not a");
    assert_eq!(prefilter::rule(&only_not), Need::Unknown);
    let and_not = two("Image|endswith: '\\x.exe'", "User: bob", "a and not b");
    let want = vec![BTreeSet::from([text(Some("Image"), "\\x.exe")])];
    assert_eq!(clauses(prefilter::rule(&and_not)), want);
}

#[test]
fn null_exists_and_negations_need_nothing() {
    for body in ["Image: null", "Image|exists: true", "Image|neq: x"] {
        assert_eq!(prefilter::rule(&sel(body)), Need::Unknown, "{body}");
    }
}

#[test]
fn tests_without_text_need_their_field_to_hold_a_value() {
    for (body, field) in [
        ("CommandLine|re: 'abc.*'", "CommandLine"),
        ("EventID|gt: 4000", "EventID"),
        ("EventID|lte: 10", "EventID"),
        ("Image|fieldref: ParentImage", "Image"),
        ("Image|cidr: 10.0.0.0/8", "Image"),
        ("Image: '*'", "Image"),
        ("Image: ''", "Image"),
        ("EventID: 1.5", "EventID"),
    ] {
        let want = vec![BTreeSet::from([has(field)])];
        assert_eq!(clauses(prefilter::rule(&sel(body))), want, "{body}");
    }
}

#[test]
fn a_regex_beside_a_string_ranks_after_the_string() {
    let r = sel("CommandLine|re: 'a.c'\nImage|endswith: '\\cmd.exe'");
    let want = vec![
        BTreeSet::from([text(Some("Image"), "\\cmd.exe")]),
        BTreeSet::from([has("CommandLine")]),
    ];
    assert_eq!(clauses(prefilter::rule(&r)), want);
}

#[test]
fn keywords_are_looked_for_in_every_value() {
    let r = rule("logsource: {product: test}\ndetection:\n  k:\n    - Mimikatz\n    - 'sekurlsa::'\n  condition: k\n");
    let want = vec![BTreeSet::from([
        text(None, "mimikatz"),
        text(None, "sekurlsa::"),
    ])];
    assert_eq!(clauses(prefilter::rule(&r)), want);
}

#[test]
fn all_needs_every_value_and_a_list_any() {
    let all = sel("CommandLine|contains|all:\n  - ' -enc '\n  - 'hidden'");
    assert_eq!(clauses(prefilter::rule(&all)).len(), 2);
    let any = sel("CommandLine|contains:\n  - ' -enc '\n  - 'hidden'");
    assert_eq!(clauses(prefilter::rule(&any))[0].len(), 2);
}

#[test]
fn plain_small_numbers_are_integers_of_their_field() {
    let r = sel("EventID: 4688");
    let want = vec![BTreeSet::from([Lit::Int {
        field: "EventID".into(),
        value: 4688,
    }])];
    assert_eq!(clauses(prefilter::rule(&r)), want);
    let big = prefilter::rule(&sel("EventID: 12345678901"));
    assert_eq!(clauses(big), vec![BTreeSet::from([has("EventID")])]);
}

#[test]
fn an_or_with_a_value_free_branch_needs_nothing() {
    let r = two("Image: x.exe", "EventID: null", "a or b");
    assert_eq!(prefilter::rule(&r), Need::Unknown);
    let r = two("Image: x.exe", "EventID|gt: 3", "a or b");
    let want = BTreeSet::from([text(Some("Image"), "x.exe"), has("EventID")]);
    assert_eq!(clauses(prefilter::rule(&r)), vec![want]);
    let r = two("Image: x.exe", "User: bob", "1 of them");
    assert_eq!(clauses(prefilter::rule(&r))[0].len(), 2);
}

/// Whether the set offers rule 0 for `event`, and the rule agrees.
fn offered(r: &Rule, event: Value) -> bool {
    let event = Event::new(event);
    assert!(r.matches(&event), "the rule must match {event:?}");
    let mut out = Vec::new();
    RuleSet::new(&[r]).candidates(&event, &mut out);
    out == vec![0]
}

#[test]
fn matching_events_are_candidates_whatever_their_spelling() {
    let number = sel("EventID: 4688");
    assert!(offered(&number, json!({"EventID": 4688.0})));
    assert!(offered(&number, json!({"EventID": "4688"})));
    assert!(offered(&number, json!({"EventID": [1, 4688]})));
    let folded = sel("Street|contains: 'STRASSE'");
    assert!(offered(&folded, json!({"Street": "Hauptstraße 1"})));
    let kelvin = sel("Unit|endswith: 'k'");
    assert!(offered(&kelvin, json!({"Unit": "300\u{212a}"})));
    let cased = sel("Image|cased|contains: 'CMD'");
    assert!(offered(&cased, json!({"Image": "C:\\CMD.exe"})));
    let bools = sel("Enabled: 'true'");
    assert!(offered(&bools, json!({"Enabled": true})));
}

#[test]
fn nested_paths_literal_dots_and_keywords_are_scanned() {
    let nested = sel("actor.alternateId|endswith: '@example.com'");
    assert!(offered(
        &nested,
        json!({"actor": [{"alternateId": "A@EXAMPLE.COM"}]})
    ));
    assert!(offered(
        &nested,
        json!({"actor.alternateId": "a@example.com"})
    ));
    let keyword =
        rule("logsource: {product: test}\ndetection:\n  k:\n    - mimikatz\n  condition: k\n");
    assert!(offered(
        &keyword,
        json!({"a": {"b": ["x", "Run MIMIKATZ"]}})
    ));
}

#[test]
fn events_without_the_literal_are_skipped() {
    let r = sel("Image|endswith: '\\cmd.exe'\nEventID: 1");
    let set = RuleSet::new(&[&r]);
    let mut out = Vec::new();
    set.candidates(
        &Event::new(json!({"Image": "cmd.exe", "EventID": 1})),
        &mut out,
    );
    assert!(out.is_empty());
    set.candidates(&Event::new(json!({"CommandLine": "\\cmd.exe"})), &mut out);
    assert!(out.is_empty(), "a literal in another field does not count");
}

#[test]
fn aliases_scan_the_field_a_rename_reads() {
    let r = sel("Image|endswith: '\\cmd.exe'");
    let set = RuleSet::with_aliases(&[&r], &[("Image", "NewProcessName")]);
    let mut out = Vec::new();
    let event = Event::new(json!({"NewProcessName": "C:\\x\\cmd.exe"}));
    set.candidates(&event, &mut out);
    assert_eq!(out, vec![0]);
}

/// Rules over a small vocabulary, so generated events hit them often.
const RULES: &[&str] = &[
    "Image|endswith: '\\cmd.exe'",
    "Image|endswith: '\\cmd.exe'\nCommandLine|contains|all: ['/c', 'whoami']",
    "CommandLine|contains: ['WHOAMI', 'net user']",
    "CommandLine|re: '(?i)who.mi'",
    "EventID: 4688\nUser|startswith: 'NT AUTH'",
    "EventID|gte: 4000",
    "User: null",
    "Image|contains|windash: ' -c '",
    "CommandLine|base64offset|contains: 'whoami'",
    "Image|cased: 'CMD'",
    "User|fieldref: Image",
    "Image|neq: 'x'",
    "Image: 'C:\\*\\cmd.exe'",
    "EventID|lt: 4000",
    "Image: '*'",
    "User: ''",
    "User|cidr: 10.0.0.0/8",
    "actor.name|re: '^b.b$'",
    "EventID: 12345678901",
];

fn generated_rules() -> Vec<Rule> {
    let mut rules: Vec<Rule> = RULES.iter().map(|body| sel(body)).collect();
    rules.push(rule(
        "logsource: {product: test}\ndetection:\n  k:\n    - whoami\n  f:\n    User: bob\n  condition: k and not f\n",
    ));
    rules
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            "C:\\Windows\\CMD.EXE",
            "cmd.exe",
            "x",
            "whoami /c",
            "/c net user",
            "NT AUTHORITY\\SYSTEM",
            "d2hvYW1p",
            "CMD",
            "3x -c y",
            "bob",
            "4688",
            "",
            "10.1.2.3",
        ])
        .prop_map(|s| json!(s)),
        Just(json!(true)),
        Just(json!(["bob", null])),
        Just(json!([])),
        Just(json!({"name": "bob"})),
        Just(json!([{"name": "bib"}, 12345678901i64])),
        prop::sample::select(vec![1i64, 4688, 4000, 3999]).prop_map(|n| json!(n)),
        Just(json!(4688.0)),
        Just(Value::Null),
    ]
}

fn event() -> impl Strategy<Value = Value> {
    let fields = prop::sample::select(vec![
        "Image",
        "CommandLine",
        "User",
        "EventID",
        "actor",
        "actor.name",
    ]);
    prop::collection::btree_map(fields, value(), 0..4)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn prefiltered_matches_equal_unfiltered(root in event()) {
        let rules = generated_rules();
        let refs: Vec<&Rule> = rules.iter().collect();
        let set = RuleSet::new(&refs);
        let event = Event::new(root);
        let mut candidates = Vec::new();
        set.candidates(&event, &mut candidates);
        let all: Vec<usize> = (0..rules.len()).filter(|&i| rules[i].matches(&event)).collect();
        let filtered: Vec<usize> =
            candidates.into_iter().filter(|&i| rules[i].matches(&event)).collect();
        prop_assert_eq!(filtered, all);
    }
}
