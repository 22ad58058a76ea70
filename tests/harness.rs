//! End-to-end tests of `firedrill test`: the report on a small library, the
//! same report whatever the thread count, snapshot diffs, bad input, and
//! the exit codes of the binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use firedrill::cli::TestArgs;
use firedrill::commands::test::{build_report, status};
use firedrill::exit::Status;
use firedrill::report::{self, Format};

const MINI: &str = "tests/data/mini";

fn args(root: &Path) -> TestArgs {
    TestArgs {
        detections: root.join("detections"),
        fixtures: root.join("fixtures"),
        accept: false,
        format: Format::Table,
        sigma_regression: None,
        placeholders: None,
    }
}

/// Copies the library into a temporary folder a test may change.
fn scratch_copy() -> (tempfile::TempDir, PathBuf) {
    common::scratch_copy(MINI, "mini")
}

fn run_binary(root: &Path, extra: &[&str]) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .arg("test")
        .arg("--detections")
        .arg(root.join("detections"))
        .arg("--fixtures")
        .arg(root.join("fixtures"))
        .args(extra)
        .output()
        .expect("run firedrill");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (text, output.status.code().unwrap_or(-1))
}

#[test]
fn mini_library_table_report() {
    let report = build_report(&args(Path::new(MINI)));
    assert_eq!(
        status(&report),
        Status::Passed,
        "{}",
        report::table::render(&report)
    );
    insta::assert_snapshot!(report::render(&report, Format::Table));
}

#[test]
fn mini_library_json_report() {
    let report = build_report(&args(Path::new(MINI)));
    insta::assert_snapshot!(report::render(&report, Format::Json));
}

#[test]
fn outcomes_are_classified_per_event() {
    let report = build_report(&args(Path::new(MINI)));
    let auth = report
        .fixtures
        .iter()
        .find(|f| f.name == "auth")
        .expect("auth fixture");
    let login = auth
        .outcomes
        .iter()
        .find(|o| o.detection.starts_with("1111"))
        .expect("failed-login outcome");
    // Event 1 by position, event 4 by the `where` selector; event 3 is the
    // declared internal scanner; event 6 is not an admin.
    assert_eq!(login.hits, vec![1, 4]);
    assert_eq!(login.expected_false_positives, vec![3]);
    assert!(login.misses.is_empty() && login.false_positives.is_empty());

    let breakglass = auth
        .alerts
        .iter()
        .find(|a| a.event == 4)
        .expect("alert on event 4");
    assert_eq!(
        breakglass.response.blocked_by.as_deref(),
        Some("break-glass account")
    );
    assert!(breakglass.response.automated.is_empty());
}

#[test]
fn report_is_identical_whatever_the_thread_count() {
    let render = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| report::render(&build_report(&args(Path::new(MINI))), Format::Json))
    };
    let one = render(1);
    assert_eq!(one, render(2));
    assert_eq!(one, render(4));
}

#[test]
fn changed_logic_fails_with_a_snapshot_diff() {
    let (_dir, root) = scratch_copy();
    let rule = root.join("detections/failed-login.yml");
    let text = std::fs::read_to_string(&rule).expect("read rule");
    std::fs::write(
        &rule,
        text.replace("user|startswith: admin", "user|startswith: ''"),
    )
    .expect("write rule");

    let (out, code) = run_binary(&root, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("unexpected false positive: Failed admin login"),
        "{out}"
    );
    assert!(out.contains("alerts differ from the snapshot"), "{out}");
    assert!(
        out.contains("+- event: 6"),
        "the diff shows the new alert:\n{out}"
    );
}

#[test]
fn accept_rewrites_snapshots_and_the_next_run_matches() {
    let (_dir, root) = scratch_copy();
    std::fs::remove_file(root.join("fixtures/auth.alerts.yml")).expect("remove snapshot");
    let (out, code) = run_binary(&root, &[]);
    assert_eq!(code, 1, "a missing snapshot fails:\n{out}");
    assert!(out.contains("snapshot missing"), "{out}");

    let (_, code) = run_binary(&root, &["--accept"]);
    assert_eq!(code, 0);
    let (out, code) = run_binary(&root, &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn broken_rule_and_corrupt_record_are_reported_and_the_rest_runs() {
    let (_dir, root) = scratch_copy();
    let broken = "title: Broken\nlogsource: {product: test, service: auth}\ndetection:\n  sel:\n    user|nosuchmod: x\n  condition: sel\n";
    std::fs::write(root.join("detections/broken.yml"), broken).expect("write rule");
    let log = root.join("fixtures/quiet.jsonl");
    let mut text = std::fs::read_to_string(&log).expect("read log");
    text.push_str("{\"eventType\": \"login\", \"outcome\n");
    std::fs::write(&log, text).expect("write log");

    let report = build_report(&args(&root));
    assert_eq!(status(&report), Status::BadInput);
    assert_eq!(report.totals.skipped_detections, 1);
    assert_eq!(report.totals.corrupt_records, 1);
    assert_eq!(
        report.totals.detections, 2,
        "the good detections still loaded"
    );
    assert_eq!(report.totals.hits, 3, "the good fixtures still ran");

    let rule_problem = report
        .problems
        .iter()
        .find(|p| p.file.ends_with("broken.yml"))
        .expect("rule problem");
    assert_eq!((rule_problem.line, rule_problem.column), (Some(5), Some(5)));
    assert!(
        rule_problem.message.contains("nosuchmod"),
        "{}",
        rule_problem.message
    );
    let record = report
        .problems
        .iter()
        .find(|p| p.file.ends_with("quiet.jsonl"))
        .expect("record problem");
    assert_eq!(record.line, Some(3));

    let (out, code) = run_binary(&root, &[]);
    assert_eq!(code, 2);
    assert!(out.contains("INCOMPLETE"), "{out}");
}

#[test]
fn label_naming_an_unknown_detection_is_reported_with_its_position() {
    let (_dir, root) = scratch_copy();
    let label = root.join("fixtures/quiet.fixture.yml");
    let text = std::fs::read_to_string(&label).expect("read label");
    std::fs::write(&label, text.replace("quiet: [1111", "quiet: [9999")).expect("write label");
    let report = build_report(&args(&root));
    let problem = report
        .problems
        .iter()
        .find(|p| p.file.ends_with("quiet.fixture.yml"))
        .expect("label problem");
    assert_eq!(problem.line, Some(5));
    assert!(
        problem.message.contains("no loaded detection has id 9999"),
        "{}",
        problem.message
    );
    assert_eq!(status(&report), Status::BadInput);
}

#[test]
fn usage_errors_exit_with_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["test", "--no-such-flag"])
        .output()
        .expect("run firedrill");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn missing_folders_are_bad_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, code) = run_binary(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("detections folder not found"), "{out}");
}

#[test]
fn bundled_library_meets_every_expectation() {
    let (out, code) = run_binary(Path::new("."), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PASS"), "{out}");
}

#[test]
fn folders_spelled_with_a_leading_dot_slash_load_the_same() {
    let plain = build_report(&args(Path::new(MINI)));
    let dotted = build_report(&args(&Path::new(".").join(MINI)));
    assert_eq!(
        status(&dotted),
        Status::Passed,
        "{}",
        report::table::render(&dotted)
    );
    assert_eq!(
        report::render(&plain, Format::Json),
        report::render(&dotted, Format::Json)
    );
}

#[test]
fn a_position_past_the_end_is_a_label_problem_not_a_miss() {
    let (_dir, root) = scratch_copy();
    let label = root.join("fixtures/auth.fixture.yml");
    let text = std::fs::read_to_string(&label).expect("read label");
    std::fs::write(&label, text.replace("events: [1]", "events: [1, 99]")).expect("write label");
    let report = build_report(&args(&root));
    assert_eq!(report.totals.misses, 0);
    let problem = report
        .problems
        .iter()
        .find(|p| p.message.contains("event 99"))
        .expect("label problem");
    assert!(problem.file.ends_with("auth.fixture.yml"));
    assert_eq!(problem.line, Some(6));
    assert!(
        problem
            .message
            .contains("past the end of the log (6 events)"),
        "{}",
        problem.message
    );
    assert_eq!(status(&report), Status::BadInput);
}

#[test]
fn a_fixture_no_detection_runs_on_is_reported_with_the_registered_names() {
    let (_dir, root) = scratch_copy();
    let label = root.join("fixtures/quiet.fixture.yml");
    let text = std::fs::read_to_string(&label).expect("read label");
    let text = text
        .replace("data_source: test.auth", "data_source: test.atuh")
        .replace("quiet: [1111", "quiet: [0000");
    std::fs::write(&label, text).expect("write label");
    let report = build_report(&args(&root));
    let problem = report
        .problems
        .iter()
        .find(|p| p.message.contains("tests nothing"))
        .expect("data source problem");
    assert_eq!((problem.line, problem.column), (Some(3), Some(14)));
    assert!(
        problem.message.contains("registered: test.auth"),
        "{}",
        problem.message
    );
}

#[test]
fn accept_writes_nothing_while_a_detection_is_broken() {
    let (_dir, root) = scratch_copy();
    let rule = root.join("detections/failed-login.yml");
    let text = std::fs::read_to_string(&rule).expect("read rule");
    std::fs::write(&rule, text.replace("user|startswith", "user|startswth")).expect("write rule");
    let snapshot = root.join("fixtures/auth.alerts.yml");
    let before = std::fs::read_to_string(&snapshot).expect("read snapshot");

    let (out, code) = run_binary(&root, &["--accept"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("--accept wrote no snapshot"), "{out}");
    assert!(out.contains("fix the skipped input below first"), "{out}");
    assert_eq!(
        std::fs::read_to_string(&snapshot).expect("read snapshot"),
        before
    );
}

#[test]
fn a_snapshot_checked_out_with_crlf_line_ends_still_matches() {
    let (_dir, root) = scratch_copy();
    let snapshot = root.join("fixtures/auth.alerts.yml");
    let text = std::fs::read_to_string(&snapshot).expect("read snapshot");
    std::fs::write(&snapshot, text.replace('\n', "\r\n")).expect("write snapshot");
    let (out, code) = run_binary(&root, &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_label_file_with_an_upper_case_suffix_keeps_its_name_and_snapshot() {
    let (_dir, root) = scratch_copy();
    let fixtures = root.join("fixtures");
    std::fs::rename(
        fixtures.join("auth.fixture.yml"),
        fixtures.join("auth.FIXTURE.YML"),
    )
    .expect("rename");
    let (out, code) = run_binary(&root, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("FIXTURE"), "{out}");
}

#[test]
fn scan_takes_a_single_rule_file() {
    let rule = Path::new(MINI).join("detections/plain-sigma.yml");
    let log = Path::new(MINI).join("fixtures/auth.jsonl");
    let output = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .arg("scan")
        .arg("--rules")
        .arg(&rule)
        .arg(&log)
        .output()
        .expect("run firedrill");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("\"event\":5"), "{stdout}");
}

#[test]
fn sigma_regression_on_a_folder_without_rules_is_bad_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["test", "--sigma-regression"])
        .arg(dir.path().join("nowhere"))
        .output()
        .expect("run firedrill");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("no SigmaHQ rules found"), "{stdout}");
    assert!(stdout.contains("INCOMPLETE"), "{stdout}");
}

#[test]
fn rules_in_a_category_folder_named_registry_still_load() {
    // SigmaHQ keeps rules under rules/windows/registry/registry_set/...;
    // only the registry's own files directly in <detections>/registry are
    // not detections.
    let (_dir, root) = scratch_copy();
    let nested = root.join("detections/registry/registry_set");
    std::fs::create_dir_all(&nested).expect("create folder");
    let rule = std::fs::read_to_string(root.join("detections/plain-sigma.yml")).expect("read rule");
    let rule = rule.replace(
        "22222222-2222-4222-8222-222222222222",
        "33333333-3333-4333-8333-333333333333",
    );
    std::fs::write(nested.join("registry_rule.yml"), rule).expect("write rule");
    let report = build_report(&args(&root));
    assert!(
        report
            .problems
            .iter()
            .all(|p| !p.file.ends_with("data_sources.yml")),
        "{:?}",
        report.problems
    );
    assert_eq!(report.totals.detections, 3, "{:?}", report.problems);
}

#[test]
fn the_readme_shows_the_real_output_of_the_main_job() {
    let readme = std::fs::read_to_string("README.md").expect("read README");
    let shown = readme
        .lines()
        .find(|l| l.starts_with("PASS: "))
        .expect("a PASS line in the README");
    let (out, code) = run_binary(Path::new("."), &[]);
    assert_eq!(code, 0, "{out}");
    let real = out.lines().last().expect("summary line");
    assert_eq!(shown, real, "update the README's example output");
    // Each table shows its first rows, as the README says, then `...`.
    let example = readme
        .split("```")
        .find(|block| block.contains(shown))
        .expect("the example block");
    for table in example.split("\n...\n").filter(|t| t.contains('|')) {
        let rows = table.trim().lines().collect::<Vec<_>>().join("\n");
        assert!(out.contains(&rows), "not the real first rows:\n{rows}");
    }
}
