//! Correlation documents: every type, its condition, and the errors.

use crate::sigma::correlation::{parse_timespan, Kind, Op, Threshold};
use crate::sigma::{CompileOptions, Correlation, RuleError};
use crate::yaml::parse_documents;

fn parse(body: &str) -> Result<Correlation, Vec<RuleError>> {
    let text = format!("title: c\nid: c-1\nname: c_one\ncorrelation:\n{body}");
    let docs = parse_documents(&text).expect("test yaml parses");
    Correlation::from_node(&docs[0], &CompileOptions::default())
}

fn messages(body: &str) -> Vec<String> {
    match parse(body) {
        Ok(c) => panic!("parsed but should not: {c:?}"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn event_count_reads_every_key() {
    let c = parse(
        "  type: event_count\n  rules: [failed_login, 5638f7c0]\n  group-by: [User, Host]\n\
         \x20 timespan: 10m\n  condition: {gte: 3, lte: 10}\n  generate: true\n",
    )
    .unwrap();
    assert_eq!(c.kind, Kind::EventCount);
    assert_eq!(c.name.as_deref(), Some("c_one"));
    assert_eq!(c.rules.len(), 2);
    assert_eq!(c.group_by, ["User", "Host"]);
    assert_eq!(c.timespan, 600);
    assert!(c.generate);
    assert_eq!(
        c.condition,
        [
            Threshold {
                op: Op::Gte,
                bound: 3.0
            },
            Threshold {
                op: Op::Lte,
                bound: 10.0
            }
        ]
    );
}

#[test]
fn generate_defaults_to_false() {
    let c =
        parse("  type: event_count\n  rules: r\n  timespan: 1h\n  condition: {gt: 1}\n").unwrap();
    assert!(!c.generate);
    assert!(c.group_by.is_empty());
}

#[test]
fn value_types_need_a_field() {
    let c = parse(
        "  type: value_count\n  rules: r\n  timespan: 1d\n  condition: {field: User, gte: 2}\n",
    )
    .unwrap();
    assert_eq!(
        c.kind,
        Kind::ValueCount {
            field: "User".into()
        }
    );
    for kind in ["value_sum", "value_avg"] {
        let text = format!(
            "  type: {kind}\n  rules: r\n  timespan: 1d\n  condition: {{field: Bytes, gt: 2}}\n"
        );
        assert!(parse(&text).is_ok(), "{kind}");
    }
    let p = parse(
        "  type: value_percentile\n  rules: r\n  timespan: 1d\n  condition: {field: Bytes, percentile: 95, gt: 2}\n",
    )
    .unwrap();
    assert_eq!(
        p.kind,
        Kind::ValuePercentile {
            field: "Bytes".into(),
            percentile: 95.0
        }
    );
    let errors =
        messages("  type: value_count\n  rules: r\n  timespan: 1d\n  condition: {gte: 2}\n");
    assert_eq!(
        errors,
        ["8:14: a value_count correlation needs condition.field"]
    );
    let errors = messages(
        "  type: event_count\n  rules: r\n  timespan: 1d\n  condition: {field: x, gte: 2}\n",
    );
    assert_eq!(errors, ["8:14: condition.field is not used by event_count"]);
    assert!(messages(
        "  type: value_percentile\n  rules: r\n  timespan: 1d\n  condition: {field: x, gte: 2}\n"
    )[0]
    .contains("needs condition.percentile"));
}

#[test]
fn temporal_defaults_to_every_rule() {
    let c =
        parse("  type: temporal_ordered\n  rules: [a, b, c]\n  group-by: [User]\n  timespan: 5m\n")
            .unwrap();
    assert_eq!(c.kind, Kind::TemporalOrdered);
    assert_eq!(
        c.condition,
        [Threshold {
            op: Op::Gte,
            bound: 3.0
        }]
    );
    let c = parse("  type: temporal\n  rules: [a, b, c]\n  timespan: 5m\n  condition: {gte: 2}\n")
        .unwrap();
    assert_eq!(c.kind, Kind::Temporal);
    assert_eq!(c.condition[0].bound, 2.0);
}

#[test]
fn aliases_map_a_group_to_a_field_per_rule() {
    let c = parse(
        "  type: temporal\n  rules: [internal_error, new_conn]\n  group-by: [ip]\n  timespan: 10s\n\
         \x20 aliases:\n    ip:\n      internal_error: destination.ip\n      new_conn: source.ip\n",
    )
    .unwrap();
    assert_eq!(c.field_for("ip", "internal_error"), "destination.ip");
    assert_eq!(c.field_for("ip", "new_conn"), "source.ip");
    assert_eq!(c.field_for("ip", "other"), "ip");
    assert_eq!(c.field_for("User", "new_conn"), "User");
}

#[test]
fn mistakes_are_reported_with_positions() {
    let errors = messages(
        "  type: event_count\n  rules: r\n  groupby: [User]\n  timespan: 10 minutes\n  condition: {above: 3}\n",
    );
    assert_eq!(
        errors,
        [
            "7:3: unknown correlation key 'groupby'",
            "8:13: timespan must be a positive whole number followed by s, m, h or d (e.g. 5m)",
            "9:15: unknown condition operator 'above'",
        ]
    );
    assert_eq!(
        messages("  type: count\n  rules: r\n  timespan: 1m\n  condition: {gt: 1}\n"),
        ["5:9: unknown correlation type 'count'"]
    );
    assert_eq!(
        messages("  rules: []\n  timespan: 1m\n  condition: {gt: 1}\n"),
        ["5:8: correlation has no type", "5:10: rules is empty"]
    );
    assert_eq!(
        messages("  type: event_count\n  rules: r\n  timespan: 1m\n  condition: {gt: lots}\n"),
        ["8:19: expected a number"]
    );
}

#[test]
fn timespans_take_one_unit() {
    assert_eq!(parse_timespan("30s"), Some(30));
    assert_eq!(parse_timespan("5m"), Some(300));
    assert_eq!(parse_timespan("1h"), Some(3600));
    assert_eq!(parse_timespan("2d"), Some(172_800));
    for bad in [
        "",
        "m",
        "0m",
        "5M",
        "1.5h",
        "-1h",
        "5 m",
        "1w",
        "99999999999999999999d",
    ] {
        assert_eq!(parse_timespan(bad), None, "{bad}");
    }
}

#[test]
fn an_empty_condition_says_what_it_needs() {
    let errors = messages("  type: event_count\n  rules: r\n  timespan: 1m\n  condition: {}\n");
    assert_eq!(
        errors,
        ["8:14: condition needs gt, gte, lt, lte, eq or neq"]
    );
}

#[test]
fn malformed_documents_are_errors_not_panics() {
    let bodies = [
        "  5\n",
        "  [a, b]\n",
        "  type: [1]\n  rules: {a: b}\n  timespan: [1]\n  condition: [gte, 3]\n",
        "  type: event_count\n  rules: [[a]]\n  timespan: ~\n  condition: {gte: [3]}\n",
        "  type: value_percentile\n  rules: r\n  timespan: 1m\n  condition: {field: [x], percentile: 101, gt: 1}\n",
        "  type: temporal\n  rules: [a]\n  timespan: 1m\n  aliases: [1]\n  generate: maybe\n  group-by: {a: 1}\n",
        "  type: temporal\n  rules: [a]\n  timespan: 1m\n  aliases: {ip: [x]}\n",
        "  type: event_count\n  rules: ''\n  timespan: s\n  condition: {gte: .nan}\n",
    ];
    for body in bodies {
        assert!(parse(body).is_err(), "{body}");
    }
}
