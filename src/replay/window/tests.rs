//! Every correlation type through the window, firing and staying silent.

use std::sync::Arc;

use serde_json::{json, Value};

use super::{evaluate, Occurrence};
use crate::event::Event;
use crate::replay::timestamp;
use crate::sigma::{CompileOptions, Correlation};
use crate::yaml::parse_documents;

fn correlation(body: &str) -> Correlation {
    let text = format!("title: t\ncorrelation:\n{body}");
    let docs = parse_documents(&text).expect("yaml");
    Correlation::from_node(&docs[0], &CompileOptions::default()).expect("correlation parses")
}

/// Occurrences from (time, rule entry, event fields), numbered from 1.
fn occurrences(items: &[(&str, usize, Value)]) -> Vec<Occurrence> {
    items
        .iter()
        .enumerate()
        .map(|(i, (at, rule, fields))| Occurrence {
            at: timestamp::parse(&json!(at)).expect("test time parses"),
            position: i + 1,
            line: i + 1,
            rule: *rule,
            event: Arc::new(Event::new(fields.clone())),
            events: vec![i + 1],
        })
        .collect()
}

/// Group-by fields as written, for every rule entry.
fn plain(c: &Correlation) -> Vec<Vec<String>> {
    c.rules.iter().map(|_| c.group_by.clone()).collect()
}

/// (completing position, events) of each firing.
fn fire(c: &Correlation, items: &[(&str, usize, Value)]) -> Vec<(usize, Vec<usize>)> {
    let occ = occurrences(items);
    evaluate(c, &plain(c), &occ)
        .into_iter()
        .map(|f| (occ[f.completing].position, f.events))
        .collect()
}

const THREE_IN_10M: &str =
    "  type: event_count\n  rules: deny\n  group-by: [user]\n  timespan: 10m\n  condition: {gte: 3}\n";

#[test]
fn event_count_fires_at_the_completing_event() {
    let c = correlation(THREE_IN_10M);
    let u = json!({"user": "ann"});
    let got = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 0, u.clone()),
            ("2024-05-01T10:04:00Z", 0, u.clone()),
            ("2024-05-01T10:09:00Z", 0, u.clone()),
        ],
    );
    assert_eq!(got, [(3, vec![1, 2, 3])]);
    let spread = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 0, u.clone()),
            ("2024-05-01T10:06:00Z", 0, u.clone()),
            ("2024-05-01T10:12:00Z", 0, u),
        ],
    );
    assert!(
        spread.is_empty(),
        "never three within ten minutes: {spread:?}"
    );
}

#[test]
fn the_window_slides_across_bucket_boundaries() {
    let c = correlation(THREE_IN_10M);
    let u = json!({"user": "ann"});
    // 10:55 to 11:03: a fixed hourly bucket splits these 2 + 1.
    let got = fire(
        &c,
        &[
            ("2024-05-01T10:55:00Z", 0, u.clone()),
            ("2024-05-01T10:59:30Z", 0, u.clone()),
            ("2024-05-01T11:03:00Z", 0, u),
        ],
    );
    assert_eq!(got, [(3, vec![1, 2, 3])]);
}

#[test]
fn the_window_includes_both_ends_and_drops_older_events() {
    let c = correlation(THREE_IN_10M);
    let u = json!({"user": "ann"});
    let edge = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 0, u.clone()),
            ("2024-05-01T10:05:00Z", 0, u.clone()),
            ("2024-05-01T10:10:00Z", 0, u.clone()),
        ],
    );
    assert_eq!(edge, [(3, vec![1, 2, 3])]);
    let late = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 0, u.clone()),
            ("2024-05-01T10:05:00Z", 0, u.clone()),
            ("2024-05-01T10:10:01Z", 0, u.clone()),
            ("2024-05-01T10:11:00Z", 0, u),
        ],
    );
    assert_eq!(late, [(4, vec![2, 3, 4])]);
}

#[test]
fn a_burst_fires_once_and_again_after_it_lapses() {
    let c = correlation(THREE_IN_10M);
    let u = json!({"user": "ann"});
    let times = [
        "10:00", "10:01", "10:02", "10:03", "10:04", "11:00", "11:01", "11:02",
    ];
    let items: Vec<(String, usize, Value)> = times
        .iter()
        .map(|t| (format!("2024-05-01T{t}:00Z"), 0, u.clone()))
        .collect();
    let items: Vec<(&str, usize, Value)> = items
        .iter()
        .map(|(t, r, v)| (t.as_str(), *r, v.clone()))
        .collect();
    let got: Vec<usize> = fire(&c, &items).into_iter().map(|(at, _)| at).collect();
    assert_eq!(got, [3, 8]);
}

#[test]
fn group_by_keeps_users_apart_and_skips_events_without_the_field() {
    let c = correlation(THREE_IN_10M);
    let (ann, bob) = (json!({"user": "ann"}), json!({"user": "bob"}));
    let got = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 0, ann.clone()),
            ("2024-05-01T10:01:00Z", 0, bob.clone()),
            ("2024-05-01T10:02:00Z", 0, json!({"other": 1})),
            ("2024-05-01T10:03:00Z", 0, ann.clone()),
            ("2024-05-01T10:04:00Z", 0, bob),
            ("2024-05-01T10:05:00Z", 0, ann),
        ],
    );
    assert_eq!(got, [(6, vec![1, 4, 6])]);
}

#[test]
fn timestamps_with_offsets_are_compared_as_instants() {
    let c = correlation(THREE_IN_10M);
    let u = json!({"user": "ann"});
    // 10:00+09:00 is 01:00 UTC: all three fall within four minutes.
    let got = fire(
        &c,
        &[
            ("2024-05-01T10:00:00+09:00", 0, u.clone()),
            ("2024-05-01T01:02:00Z", 0, u.clone()),
            ("2024-05-01T03:04:00+02:00", 0, u.clone()),
        ],
    );
    assert_eq!(got, [(3, vec![1, 2, 3])]);
    // Read as UTC wall-clock times, these would sit hours apart.
    let apart = fire(
        &c,
        &[
            ("2024-05-01T10:00:00+00:00", 0, u.clone()),
            ("2024-05-01T10:02:00+09:00", 0, u.clone()),
            ("2024-05-01T10:04:00+00:00", 0, u),
        ],
    );
    assert!(apart.is_empty());
}

#[test]
fn events_are_taken_in_time_order_not_file_order() {
    let c = correlation(THREE_IN_10M);
    let u = json!({"user": "ann"});
    let got = fire(
        &c,
        &[
            ("2024-05-01T10:09:00Z", 0, u.clone()),
            ("2024-05-01T10:00:00Z", 0, u.clone()),
            ("2024-05-01T10:04:00Z", 0, u),
        ],
    );
    assert_eq!(got, [(1, vec![1, 2, 3])]);
}

#[test]
fn a_range_condition_needs_both_bounds() {
    let c = correlation(
        "  type: event_count\n  rules: r\n  timespan: 1h\n  condition: {gte: 2, lte: 3}\n",
    );
    let e = json!({});
    let got = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 0, e.clone()),
            ("2024-05-01T10:01:00Z", 0, e.clone()),
            ("2024-05-01T10:02:00Z", 0, e.clone()),
            ("2024-05-01T10:03:00Z", 0, e),
        ],
    );
    assert_eq!(got, [(2, vec![1, 2])]);
    let neq =
        correlation("  type: event_count\n  rules: r\n  timespan: 1h\n  condition: {neq: 1}\n");
    let got = fire(
        &neq,
        &[
            ("2024-05-01T10:00:00Z", 0, json!({})),
            ("2024-05-01T10:01:00Z", 0, json!({})),
        ],
    );
    assert_eq!(got, [(2, vec![1, 2])]);
}

#[test]
fn value_count_counts_distinct_values() {
    let c = correlation("  type: value_count\n  rules: fail\n  group-by: [ip]\n  timespan: 5m\n  condition: {field: user, gte: 3}\n");
    let ev = |user: &str| json!({"ip": "10.0.0.9", "user": user});
    let same = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 0, ev("a")),
            ("2024-05-01T10:01:00Z", 0, ev("a")),
            ("2024-05-01T10:02:00Z", 0, ev("b")),
            ("2024-05-01T10:03:00Z", 0, ev("b")),
        ],
    );
    assert!(same.is_empty(), "two distinct users only");
    let spray = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 0, ev("a")),
            ("2024-05-01T10:01:00Z", 0, ev("a")),
            ("2024-05-01T10:02:00Z", 0, ev("b")),
            ("2024-05-01T10:03:00Z", 0, ev("c")),
        ],
    );
    assert_eq!(spray, [(4, vec![1, 2, 3, 4])]);
}

#[test]
fn temporal_needs_every_rule_in_any_order() {
    let c =
        correlation("  type: temporal\n  rules: [a, b, c]\n  group-by: [host]\n  timespan: 5m\n");
    let h = json!({"host": "ws1"});
    let all = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 2, h.clone()),
            ("2024-05-01T10:01:00Z", 0, h.clone()),
            ("2024-05-01T10:02:00Z", 1, h.clone()),
        ],
    );
    assert_eq!(all, [(3, vec![1, 2, 3])]);
    let missing = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 2, h.clone()),
            ("2024-05-01T10:01:00Z", 0, h.clone()),
            ("2024-05-01T10:02:00Z", 0, h.clone()),
        ],
    );
    assert!(missing.is_empty());
    let too_slow = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 2, h.clone()),
            ("2024-05-01T10:01:00Z", 0, h.clone()),
            ("2024-05-01T10:06:00Z", 1, h),
        ],
    );
    assert!(too_slow.is_empty());
}

#[test]
fn temporal_ordered_needs_the_written_order() {
    let c = correlation("  type: temporal_ordered\n  rules: [fails, success]\n  group-by: [user]\n  timespan: 10m\n");
    let u = json!({"user": "ann"});
    let in_order = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 0, u.clone()),
            ("2024-05-01T10:05:00Z", 1, u.clone()),
        ],
    );
    assert_eq!(in_order, [(2, vec![1, 2])]);
    let reversed = fire(
        &c,
        &[
            ("2024-05-01T10:00:00Z", 1, u.clone()),
            ("2024-05-01T10:05:00Z", 0, u.clone()),
        ],
    );
    assert!(reversed.is_empty());
    // Written in the file the other way round, but the times say in order.
    let by_time = fire(
        &c,
        &[
            ("2024-05-01T10:05:00Z", 1, u.clone()),
            ("2024-05-01T10:00:00Z", 0, u),
        ],
    );
    assert_eq!(by_time, [(1, vec![1, 2])]);
}

#[test]
fn aliases_read_a_different_field_per_rule() {
    let c =
        correlation("  type: temporal\n  rules: [err, conn]\n  group-by: [ip]\n  timespan: 10s\n");
    let fields = vec![
        vec!["destination.ip".to_string()],
        vec!["source.ip".to_string()],
    ];
    let occ = occurrences(&[
        (
            "2024-05-01T10:00:00Z",
            0,
            json!({"destination": {"ip": "10.1.1.1"}}),
        ),
        (
            "2024-05-01T10:00:03Z",
            1,
            json!({"source": {"ip": "10.9.9.9"}}),
        ),
        (
            "2024-05-01T10:00:05Z",
            1,
            json!({"source": {"ip": "10.1.1.1"}}),
        ),
    ]);
    let got = evaluate(&c, &fields, &occ);
    assert_eq!(got.len(), 1);
    assert_eq!(occ[got[0].completing].position, 3);
    assert_eq!(got[0].events, [1, 3]);
}

#[test]
fn value_sum_avg_and_percentile_measure_the_field() {
    let bytes = |n: Value| json!({"host": "h", "bytes": n});
    let items = [
        ("2024-05-01T10:00:00Z", 0, bytes(json!(100))),
        ("2024-05-01T10:01:00Z", 0, bytes(json!("300"))),
        ("2024-05-01T10:02:00Z", 0, bytes(json!("n/a"))),
        ("2024-05-01T10:03:00Z", 0, bytes(json!(800))),
    ];
    let with = |kind: &str, cond: &str| {
        let body = format!("  type: {kind}\n  rules: r\n  group-by: [host]\n  timespan: 1h\n  condition: {{field: bytes, {cond}}}\n");
        fire(&correlation(&body), &items)
    };
    assert_eq!(with("value_sum", "gte: 400"), [(2, vec![1, 2])]);
    assert!(with("value_sum", "gt: 1200").is_empty());
    assert_eq!(with("value_avg", "gt: 350"), [(4, vec![1, 2, 4])]);
    assert!(with("value_avg", "gt: 400").is_empty());
    // Nearest rank: the median of [100, 300] is 100, of [100, 300, 800] 300.
    assert_eq!(
        with("value_percentile", "percentile: 50, gte: 300"),
        [(4, vec![1, 2, 4])]
    );
    assert_eq!(
        with("value_percentile", "percentile: 90, gte: 800"),
        [(4, vec![1, 2, 4])]
    );
    assert!(with("value_percentile", "percentile: 10, gt: 100").is_empty());
}
