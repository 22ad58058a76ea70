//! Faults found by QA in this engine, one test per kind: deep nesting,
//! empty selections, number spellings, condition error positions.

use serde_json::json;

use super::*;
use crate::event::Event;
use crate::sigma::RuleSet;

/// A plain number equals every event value that reads as the same number,
/// and only decimal spellings read as numbers, the same way for equality,
/// `neq` and the comparisons.
#[test]
fn numbers_are_read_one_way_everywhere() {
    let eq = sel("n: 5");
    let neq = sel("n|neq: 5");
    for same in [
        json!(5),
        json!(5.0),
        json!("5"),
        json!("5.0"),
        json!("05"),
        json!("5e0"),
    ] {
        assert!(fires(&eq, json!({ "n": same })), "n: 5 on {same}");
        assert!(!fires(&neq, json!({ "n": same })), "n|neq: 5 on {same}");
    }
    for other in [
        json!(6),
        json!("5.5"),
        json!("inf"),
        json!("0x5"),
        json!(" 5"),
        json!("5x"),
    ] {
        assert!(!fires(&eq, json!({ "n": other })), "n: 5 on {other}");
        assert!(fires(&neq, json!({ "n": other })), "n|neq: 5 on {other}");
    }
    let gte = sel("n|gte: 5");
    let lte = sel("n|lte: 5");
    for not_a_number in ["Infinity", "inf", "-inf", "NaN", "nan", "0x3e7", "five"] {
        let event = json!({ "n": not_a_number });
        assert!(!fires(&gte, event.clone()), "gte on {not_a_number}");
        assert!(!fires(&lte, event), "lte on {not_a_number}");
    }
    for big in ["5.0", "05", "1e3", "+6"] {
        assert!(fires(&gte, json!({ "n": big })), "gte on {big}");
    }
    for bound in ["inf", "NaN", "0x10", "' 5'"] {
        let errs = sel_errors(&format!("n|gte: {bound}"));
        assert!(errs[0].contains("needs a number"), "{bound}: {errs:?}");
    }
}

/// A quoted rule value is a string: compared as text, case-insensitively,
/// so it equals the number rendered the same way and nothing else.
#[test]
fn quoted_numbers_in_rules_stay_text() {
    let r = sel("n: '5'");
    assert!(fires(&r, json!({"n": 5})));
    assert!(fires(&r, json!({"n": "5"})));
    assert!(!fires(&r, json!({"n": "5.0"})));
    assert!(!fires(&r, json!({"n": "05"})));
    let hex = sel("n: 0x3E7");
    assert!(fires(&hex, json!({"n": "0x3e7"})));
    assert!(!fires(&hex, json!({"n": 999})));
}

/// The scan's prefilter must offer a rule every event it matches, however
/// the number is spelled.
#[test]
fn the_prefilter_reads_numbers_as_the_matcher_does() {
    let r = sel("n: 5");
    let set = RuleSet::new(&[&r]);
    let mut out = Vec::new();
    for spelling in [
        json!("5.0"),
        json!("05"),
        json!("5e0"),
        json!("+5"),
        json!(5.0),
    ] {
        let event = Event::new(json!({ "n": spelling }));
        assert!(r.matches(&event), "{spelling}");
        set.candidates(&event, &mut out);
        assert_eq!(out, [0], "{spelling} is offered");
    }
}
