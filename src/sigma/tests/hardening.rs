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

/// Runs `f` on a thread with a small stack, as rayon workers have, so a
/// recursion that grows with the input shows as a crash here.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no crash")
}

fn condition_errors(condition: String) -> Vec<String> {
    errors(&format!(
        "logsource: {{product: test}}\ndetection:\n  sel:\n    a: 1\n  condition: {condition}\n"
    ))
}

/// Parentheses and `not` nest at most 64 deep: deeper is a clean rule
/// error, never a stack overflow in parsing or evaluation.
#[test]
fn deep_conditions_are_errors_not_crashes() {
    let errs = on_small_stack(|| {
        let parens = format!("{}sel{}", "(".repeat(10_000), ")".repeat(10_000));
        let nots = format!("{}sel", "not ".repeat(50_000));
        let mixed = "not (".repeat(5_000) + "sel" + &")".repeat(5_000);
        [parens, nots, mixed].map(condition_errors)
    });
    for errs in errs {
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].contains("condition nests deeper than 64 levels"),
            "{errs:?}"
        );
    }
}

/// At the limit the condition still parses and evaluates, on a small stack.
#[test]
fn conditions_up_to_the_limit_work() {
    on_small_stack(|| {
        let parens = format!("{}sel{}", "(".repeat(64), ")".repeat(64));
        let r = rule(&format!(
            "logsource: {{product: test}}\ndetection:\n  sel:\n    a: 1\n  condition: {parens}\n"
        ));
        assert!(fires(&r, json!({"a": 1})));
        let even = format!("{}sel", "not ".repeat(64));
        let r = rule(&format!(
            "logsource: {{product: test}}\ndetection:\n  sel:\n    a: 1\n  condition: {even}\n"
        ));
        assert!(fires(&r, json!({"a": 1})));
        assert!(!fires(&r, json!({"a": 2})));
        let over = format!("{}sel{}", "(".repeat(65), ")".repeat(65));
        assert!(condition_errors(over)[0].contains("deeper than 64"));
    });
}

/// Other walks that grow with the input: a value of many `?` or `*`
/// (matched against a long text), and a `1 of` pattern of many stars.
#[test]
fn long_patterns_need_no_stack_or_exponential_time() {
    on_small_stack(|| {
        let ones = sel(&format!("a: '{}'", "?".repeat(100_000)));
        assert!(fires(&ones, json!({ "a": "x".repeat(100_000) })));
        assert!(!fires(&ones, json!({ "a": "x".repeat(99_999) })));
        let stars = sel(&format!("a: '{}b'", "*a".repeat(2_000)));
        assert!(!fires(&stars, json!({ "a": "a".repeat(5_000) })));
        assert!(fires(&stars, json!({ "a": "a".repeat(5_000) + "b" })));
        let pattern = "*".repeat(50_000) + "s*l";
        let r = rule(&format!(
            "logsource: {{product: test}}\ndetection:\n  sel:\n    a: 1\n  condition: 1 of {pattern}\n"
        ));
        assert!(fires(&r, json!({"a": 1})));
        let errs = condition_errors(format!("1 of {}x", "*a".repeat(5_000)));
        assert!(errs[0].contains("matches no selection"), "{errs:?}");
    });
}

/// The string matcher agrees with a regular expression on every pattern
/// over `a`, `b`, `*`, `?` up to five tokens and every text up to five.
#[test]
fn glob_agrees_with_a_regex_reference() {
    use crate::sigma::pattern::{parse, StrMatch};
    fn all_strings(alphabet: &[char], max: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..max {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            out.extend(last.iter().cloned());
        }
        out
    }
    let texts = all_strings(&['a', 'b'], 5);
    for pattern in all_strings(&['a', 'b', '*', '?'], 5) {
        let re = pattern.replace('*', ".*").replace('?', ".");
        let re = regex::Regex::new(&format!("^(?s:{re})$")).unwrap();
        let matcher = StrMatch::new(parse(&pattern), false);
        for text in &texts {
            assert_eq!(matcher.test(text), re.is_match(text), "{pattern} on {text}");
        }
    }
}

/// An empty map ANDs nothing and so would match every event: wherever a
/// selection is expected it is an error with its position, in rules and
/// in selections used elsewhere (contract patterns, fixture `where`).
#[test]
fn empty_map_selections_are_errors() {
    for (body, at) in [("{}", "6:10"), ("[{}]", "6:11"), ("[{a: 1}, {}]", "6:19")] {
        let errs = errors(&format!(
            "logsource: {{product: test}}\ndetection:\n  sel:\n    a: 1\n  other: {body}\n  condition: sel or other\n"
        ));
        assert_eq!(errs, [format!("{at}: selection is an empty map")], "{body}");
    }
    let errs = errors(
        "logsource: {product: test}\ndetection:\n  sel:\n    - a: 1\n    - {}\n  condition: sel\n",
    );
    assert_eq!(errs, ["6:7: selection is an empty map"]);
    for (text, at) in [("{}", "1:1"), ("[{}]", "1:2"), ("- x\n- {}\n", "2:3")] {
        let node = &parse_documents(text).unwrap()[0];
        let errs = Selection::from_node(node, &CompileOptions::default()).unwrap_err();
        let errs: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(errs, [format!("{at}: selection is an empty map")], "{text}");
    }
}

/// A condition error points at the token at fault: on its line and column
/// for a one-line plain or quoted condition, at the start of the text for a
/// block scalar (whose line breaks the engine does not see).
#[test]
fn condition_errors_point_at_the_bad_token() {
    let head = "logsource: {product: test}\ndetection:\n  sel:\n    a: 1\n";
    let cases = [
        // line 6 (a title line is added), `condition: ` ends at column 14.
        (
            "  condition: sel and AND x\n",
            "6:22: undefined identifier 'AND'",
        ),
        (
            "  condition: sel and missing\n",
            "6:22: undefined identifier 'missing'",
        ),
        ("  condition: 'sel or (sel'\n", "6:26: missing ')'"),
        (
            "  condition: \"sel and 1 of x*\"\n",
            "6:28: 'x*' matches no selection",
        ),
        (
            "  condition: sel and\n",
            "6:21: the condition ends too early",
        ),
        (
            "  condition: >\n    sel and\n    AND x\n",
            "7:5: undefined identifier 'AND'",
        ),
        (
            "  condition: >-\n    sel and AND x\n",
            "7:5: undefined identifier 'AND'",
        ),
        (
            "  condition:\n    - sel\n    - sel or ors\n",
            "8:14: undefined identifier 'ors'",
        ),
    ];
    for (condition, want) in cases {
        let errs = errors(&format!("{head}{condition}"));
        assert_eq!(errs.len(), 1, "{condition}: {errs:?}");
        assert!(errs[0].starts_with(want), "{condition}: {errs:?}");
    }
    let nested = format!(
        "  condition: sel or {}sel{}\n",
        "(".repeat(70),
        ")".repeat(70)
    );
    let errs = errors(&format!("{head}{nested}"));
    assert!(
        errs[0].starts_with("6:85: condition nests deeper"),
        "{errs:?}"
    );
}
