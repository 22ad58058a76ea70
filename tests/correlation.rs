//! End-to-end tests of filters and correlations through `firedrill test`:
//! a small library whose correlations sit with their base rules or in
//! their own file, chain on each other and read times in several forms;
//! then broken documents and untimed events, each reported with its place.

mod common;

use std::path::{Path, PathBuf};

use clap::Parser;
use firedrill::cli::{Cli, Command, TestArgs};
use firedrill::commands::test::{build_report, status};
use firedrill::exit::Status;
use firedrill::replay::{Outcome, Report};
use firedrill::report::{self, Format};

const LIBRARY: &str = "tests/data/correlation";
const BRUTE: &str = "0c0f0000-0000-4000-8000-0000000000c1";
const CHAIN: &str = "0c0f0000-0000-4000-8000-0000000000c2";
const SPRAY: &str = "0c0f0000-0000-4000-8000-0000000000c3";
const FAILED: &str = "0c0f0000-0000-4000-8000-000000000001";
const SUCCESS: &str = "0c0f0000-0000-4000-8000-000000000002";

fn args(root: &Path) -> TestArgs {
    let detections = root.join("detections");
    let fixtures = root.join("fixtures");
    let cli = Cli::parse_from([
        "firedrill".as_ref(),
        "test".as_ref(),
        "--detections".as_ref(),
        detections.as_os_str(),
        "--fixtures".as_ref(),
        fixtures.as_os_str(),
    ]);
    match cli.command {
        Command::Test(args) => args,
        _ => unreachable!("parsed a test command"),
    }
}

fn run(root: &Path) -> Report {
    build_report(&args(root))
}

/// (event, detection, events) of every alert of one fixture.
fn alerts<'r>(report: &'r Report, fixture: &str) -> Vec<(usize, &'r str, Vec<usize>)> {
    let run = report
        .fixtures
        .iter()
        .find(|f| f.name == fixture)
        .expect("fixture ran");
    run.alerts
        .iter()
        .map(|a| (a.event, a.detection.as_str(), a.events.clone()))
        .collect()
}

#[test]
fn the_correlation_library_passes_with_its_snapshots() {
    let report = run(Path::new(LIBRARY));
    let table = report::table::render(&report);
    assert_eq!(status(&report), Status::Passed, "{table}");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.totals.hits, 5, "{table}");
}

#[test]
fn correlations_fire_at_the_completing_event_with_their_events() {
    let report = run(Path::new(LIBRARY));
    // Ann's third failure is written in +01:00 and falls at 11:01 UTC, in
    // the same ten minutes as 10:58 and 10:59 across the hour boundary.
    assert_eq!(
        alerts(&report, "brute"),
        [
            (4, BRUTE, vec![1, 2, 4]),
            (5, SUCCESS, vec![]),
            (5, CHAIN, vec![1, 2, 4, 5]),
            (6, SUCCESS, vec![]),
        ]
    );
    assert_eq!(alerts(&report, "spray"), [(5, SPRAY, vec![1, 2, 3, 5])]);
    let chain = &report.fixtures[0].alerts[2];
    assert_eq!(chain.outcome, Outcome::Hit);
    assert_eq!(chain.response.automated, ["revoke-sessions"]);
}

#[test]
fn base_rules_feeding_only_non_generating_correlations_stay_silent() {
    let report = run(Path::new(LIBRARY));
    let failed = report
        .fixtures
        .iter()
        .flat_map(|f| &f.alerts)
        .filter(|a| a.detection == FAILED)
        .count();
    assert_eq!(failed, 0, "failed_login only feeds correlations");
}

#[test]
fn the_report_is_identical_whatever_the_thread_count() {
    let render = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| report::render(&run(Path::new(LIBRARY)), Format::Json))
    };
    assert_eq!(render(1), render(4));
}

/// Copies the library into a temporary folder a test may change.
fn scratch_copy() -> (tempfile::TempDir, PathBuf) {
    common::scratch_copy(LIBRARY, "correlation")
}

fn messages(report: &Report) -> Vec<String> {
    report
        .problems
        .iter()
        .map(|p| {
            let file = p.file.file_name().unwrap_or_default().to_string_lossy();
            format!(
                "{file}:{}:{}: {}",
                p.line.unwrap_or(0),
                p.column.unwrap_or(0),
                p.message
            )
        })
        .collect()
}

const BROKEN: &str = "\
title: Filter naming nothing
logsource: {product: test}
filter:
  rules: [no_such_rule]
  sel: {ip: 10.0.0.2}
  condition: not sel
---
title: Filter naming a correlation
logsource: {product: test}
filter:
  rules: [brute_force]
  sel: {ip: 10.0.0.2}
  condition: not sel
---
title: Filter on another product
logsource: {product: other}
filter:
  rules: [failed_login]
  sel: {ip: 10.0.0.2}
  condition: not sel
---
title: Unknown base
id: broken-1
correlation:
  type: event_count
  rules: [nope]
  timespan: 5m
  condition: {gte: 2}
---
title: Loop a
id: loop-a
correlation:
  type: temporal
  rules: [loop-b, failed_login]
  timespan: 5m
---
title: Loop b
id: loop-b
correlation:
  type: temporal
  rules: [loop-a]
  timespan: 5m
---
title: Bad timespan
id: broken-2
correlation:
  type: event_count
  rules: [failed_login]
  timespan: 5 minutes
  condition: {gte: 2}
";

#[test]
fn broken_filters_and_correlations_are_reported_with_their_place() {
    let (_dir, root) = scratch_copy();
    std::fs::write(root.join("detections/broken.yml"), BROKEN).expect("write");
    let report = run(&root);
    assert_eq!(status(&report), Status::BadInput);
    assert_eq!(
        messages(&report),
        [
            "broken.yml:4:11: filter names rule 'no_such_rule', which is not loaded",
            "broken.yml:11:11: filter names correlation brute_force; filters never apply to correlations",
            "broken.yml:18:11: filter names rule 0c0f0000-0000-4000-8000-000000000001 but its logsource is not covered by the filter's; not applied",
            "broken.yml:26:11: correlation names rule 'nope', which is not loaded",
            "broken.yml:34:11: correlation chain through loop-b never ends (a cycle); this correlation was not loaded",
            "broken.yml:41:11: correlation chain through loop-a never ends (a cycle); this correlation was not loaded",
            "broken.yml:49:13: timespan must be a positive whole number followed by s, m, h or d (e.g. 5m)",
        ]
    );
    // The rest of the library still runs and passes.
    assert_eq!(report.totals.misses, 0);
    assert_eq!(report.totals.false_positives, 0);
}

#[test]
fn events_without_a_time_are_counted_and_reported() {
    let (_dir, root) = scratch_copy();
    let log = root.join("fixtures/spray.jsonl");
    let mut text = std::fs::read_to_string(&log).expect("read log");
    text.push_str(
        "{\"time\": \"yesterday\", \"eventType\": \"login\", \"outcome\": \"failure\", \"user\": \"u4\", \"ip\": \"203.0.113.9\"}\n",
    );
    std::fs::write(&log, text).expect("write log");
    let report = run(&root);
    assert_eq!(
        messages(&report),
        ["spray.jsonl:6:1: event 6 matched 0c0f0000-0000-4000-8000-000000000001 but has no readable timestamp, so no correlation could use it"]
    );
    assert_eq!(report.totals.corrupt_records, 1);
    assert_eq!(alerts(&report, "spray"), [(5, SPRAY, vec![1, 2, 3, 5])]);
}

#[test]
fn a_correlation_that_does_not_fire_where_expected_is_a_miss() {
    let (_dir, root) = scratch_copy();
    let label = root.join("fixtures/spray.fixture.yml");
    let text = std::fs::read_to_string(&label).expect("read label");
    std::fs::write(&label, text.replace("events: [5]", "events: [4, 5]")).expect("write");
    let report = run(&root);
    assert_eq!(status(&report), Status::Failed);
    let outcome = report
        .fixtures
        .iter()
        .flat_map(|f| &f.outcomes)
        .find(|o| o.detection == SPRAY && !o.misses.is_empty())
        .expect("a miss for the spray correlation");
    assert_eq!(outcome.misses, [4]);
    let summary = report
        .detections
        .iter()
        .find(|d| d.detection == SPRAY)
        .expect("correlations are summarised");
    assert_eq!((summary.hits, summary.misses), (1, 1));
}
