//! `firedrill test`: load detections and fixtures, replay, check
//! snapshots, report.

use crate::cli::TestArgs;
use crate::detection::{load_library, placeholders};
use crate::exit::Status;
use crate::fixture::{load_fixtures, Fixture};
use crate::logsource::LogsourceMap;
use crate::problem::{Problem, Skipped};
use crate::replay::{self, Report, SnapshotStatus};
use crate::{regression, report, snapshot};

/// Runs the command and returns the rendered report with its status.
pub fn run(args: &TestArgs) -> (String, Status) {
    if let Some(root) = &args.sigma_regression {
        return run_regression(args, root);
    }
    let report = build_report(args);
    let text = report::render(&report, args.format);
    (text, status(&report))
}

/// Everything `test` computes, before rendering.
pub fn build_report(args: &TestArgs) -> Report {
    let (options, mut problems) =
        placeholders::compile_options(&args.detections, args.placeholders.as_deref());
    let mut library = load_library(&args.detections, &options);
    let (fixtures, fixture_problems) = load_fixtures(&args.fixtures, &options);
    problems.append(&mut library.problems);
    problems.extend(fixture_problems);

    let mut report = replay::run(&library, &fixtures, problems);
    let accept = args.accept && safe_to_accept(&mut report, &args.detections);
    check_snapshots(&mut report, &fixtures, accept);
    report
}

/// Snapshots written while a detection or the registry failed to load
/// would record alerts that are missing only because of the breakage;
/// `--accept` waits until the input loads.
fn safe_to_accept(report: &mut Report, detections: &std::path::Path) -> bool {
    let broken = report
        .problems
        .iter()
        .filter(|p| matches!(p.skipped, Skipped::Detection | Skipped::Config))
        .count();
    if broken == 0 {
        return true;
    }
    let message = format!(
        "--accept wrote no snapshot: {broken} detection or registry problem(s) would make them drop alerts; fix those first"
    );
    report
        .problems
        .push(Problem::new(detections, None, Skipped::Config, message));
    false
}

fn check_snapshots(report: &mut Report, fixtures: &[Fixture], accept: bool) {
    for run in &mut report.fixtures {
        let Some(fixture) = fixtures.iter().find(|f| f.label_file == run.label_file) else {
            continue;
        };
        match snapshot::check(fixture, run, accept) {
            Ok(status) => run.snapshot = status,
            Err(e) => {
                let message = format!("cannot read or write the snapshot: {e}");
                report.problems.push(Problem::new(
                    fixture.snapshot_path(),
                    None,
                    Skipped::Fixture,
                    message,
                ));
                run.snapshot = SnapshotStatus::Unchecked;
            }
        }
    }
    replay::recount_snapshots(report);
}

/// Bad input wins over failed expectations: the results are incomplete.
pub fn status(report: &Report) -> Status {
    if report.had_bad_input() {
        Status::BadInput
    } else if report.passed() {
        Status::Passed
    } else {
        Status::Failed
    }
}

/// `--sigma-regression`: SigmaHQ's suite, gated by the same logsource map
/// (the built-in one plus the detections folder's, if any).
fn run_regression(args: &TestArgs, root: &std::path::Path) -> (String, Status) {
    let (logsources, mut problems) = LogsourceMap::load(&args.detections);
    let mut suite = regression::run(root, &logsources);
    suite.problems.append(&mut problems);
    let text = match args.format {
        report::Format::Table => report::regression::table(&suite),
        report::Format::Json => report::regression::json(&suite),
    };
    let status = if !suite.problems.is_empty() || suite.rules.is_empty() {
        Status::BadInput
    } else if suite.passed_count() == suite.rules.len() {
        Status::Passed
    } else {
        Status::Failed
    };
    (text, status)
}
