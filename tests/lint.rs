//! `firedrill lint`: one case folder per check under `tests/data/lint/cases`,
//! each a copy of a clean detection with one fault, linted against the
//! shared registry and fixtures, its text report kept as an insta snapshot.
//! Then the other formats, the severity config, the exit codes of the
//! binary, and the bundled library.

use std::path::{Path, PathBuf};
use std::process::Command;

use firedrill::commands::lint::status;
use firedrill::exit::Status;
use firedrill::lint::format::{render, LintFormat};
use firedrill::lint::{lint, Inputs, LintReport};

const DATA: &str = "tests/data/lint";

/// The inputs of a case: its detections, its own fixtures if it has them.
fn inputs(case: &str) -> Inputs {
    let root = Path::new(DATA).join("cases").join(case);
    let own_fixtures = root.join("fixtures");
    let fixtures = match own_fixtures.is_dir() {
        true => own_fixtures,
        false => Path::new(DATA).join("fixtures"),
    };
    Inputs {
        detections: vec![root.join("detections")],
        fixtures: Some(fixtures),
        registry: Some(Path::new(DATA).join("registry")),
        config: None,
        base: None,
    }
}

fn report(case: &str) -> LintReport {
    lint(&inputs(case))
}

/// One test per case: the text report is the snapshot.
macro_rules! cases {
    ($($test:ident = $case:literal, $status:ident;)*) => {$(
        #[test]
        fn $test() {
            let report = report($case);
            insta::assert_snapshot!($case, render(&report, LintFormat::Text));
            assert_eq!(status(&report), Status::$status);
        }
    )*};
}

cases! {
    clean = "clean", Passed;
    invalid_yaml = "fd001-invalid-yaml", Failed;
    invalid_rule = "fd002-invalid-rule", Failed;
    invalid_regex = "fd003-invalid-regex", Failed;
    invalid_contract = "fd004-invalid-contract", Failed;
    invalid_suppression = "fd005-invalid-suppression", Failed;
    invalid_fixture = "fd006-invalid-fixture", Failed;
    unresolved_placeholder = "fd007-unresolved-placeholder", Passed;
    missing_owner = "fd101-missing-owner", Passed;
    unknown_owner = "fd102-unknown-owner", Failed;
    missing_version = "fd103-missing-version", Passed;
    no_data_source = "fd104-no-data-source", Passed;
    unknown_data_source = "fd105-unknown-data-source", Failed;
    field_typo = "fd201-field-typo", Failed;
    unknown_field = "fd202-unknown-field", Passed;
    first_context_field = "fd203-first-context-field", Failed;
    unexercised_false_positive = "fd301-unexercised-false-positive", Failed;
    unguarded_automation = "fd401-unguarded-automation", Failed;
    unknown_action = "fd402-unknown-action", Failed;
    no_firing_fixture = "fd501-no-firing-fixture", Passed;
    no_silent_fixture = "fd502-no-silent-fixture", Passed;
    unknown_fixture_source = "fd503-unknown-fixture-source", Failed;
    idle_fixture = "fd504-idle-fixture", Failed;
    duplicate_id = "fd601-duplicate-id", Failed;
    missing_id = "fd602-missing-id", Passed;
    undefined_identifier = "fd701-undefined-identifier", Failed;
    unused_selection = "fd702-unused-selection", Passed;
    deprecated_in_fixture = "fd801-deprecated-in-fixture", Failed;
    deprecated_related = "fd802-deprecated-related", Passed;
    unknown_detection = "fd803-unknown-detection", Failed;
    suppressed = "suppressed", Passed;
}

#[test]
fn config_sets_severities() {
    let mut inputs = inputs("config");
    inputs.config = Some(Path::new(DATA).join("cases/config/lint.yml"));
    let report = lint(&inputs);
    insta::assert_snapshot!("config", render(&report, LintFormat::Text));
    assert_eq!(status(&report), Status::Failed);
}

#[test]
fn broken_config_is_bad_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("lint.yml");
    std::fs::write(&config, "checks:\n  FD999: error\n").expect("write config");
    let mut inputs = inputs("clean");
    inputs.config = Some(config);
    assert_eq!(status(&lint(&inputs)), Status::BadInput);
}

#[test]
fn json_format() {
    let report = report("fd402-unknown-action");
    insta::assert_snapshot!("json", render(&report, LintFormat::Json));
}

#[test]
fn github_format() {
    let report = report("suppressed");
    let mut text = render(&report, LintFormat::Github);
    text.push_str(&render(
        &self::report("fd402-unknown-action"),
        LintFormat::Github,
    ));
    insta::assert_snapshot!("github", text);
}

#[test]
fn sarif_format() {
    let report = report("fd402-unknown-action");
    let text = render(&report, LintFormat::Sarif);
    let value: serde_json::Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_eq!(value["version"], "2.1.0");
    let results = value["runs"][0]["results"].clone();
    insta::assert_json_snapshot!("sarif_results", results);
}

#[test]
fn same_report_on_one_thread() {
    let many = render(&report("fd601-duplicate-id"), LintFormat::Json);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let one = pool.install(|| render(&report("fd601-duplicate-id"), LintFormat::Json));
    assert_eq!(many, one);
}

fn binary(args: &[&str], dir: &Path) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run firedrill");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (text, output.status.code().unwrap_or(-1))
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn exit_codes() {
    let case = |name: &str| format!("{DATA}/cases/{name}/detections");
    let registry = format!("{DATA}/registry");
    let fixtures = format!("{DATA}/fixtures");
    let run = |name: &str| {
        let detections = case(name);
        let args = [
            "lint",
            "--detections",
            &detections,
            "--registry",
            &registry,
            "--fixtures",
            &fixtures,
        ];
        binary(&args, &crate_dir()).1
    };
    assert_eq!(run("clean"), 0);
    assert_eq!(run("fd101-missing-owner"), 0, "warnings never fail");
    assert_eq!(run("fd102-unknown-owner"), 1);
    assert_eq!(run("no-such-case"), 2);
    assert_eq!(binary(&["lint", "--format", "yaml"], &crate_dir()).1, 2);
}

#[test]
fn bundled_library_lints_clean() {
    let (text, code) = binary(&["lint"], &crate_dir());
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("0 errors"), "{text}");
}

#[test]
fn schema_is_json_with_registry_names() {
    let (text, code) = binary(&["schema", "detection"], &crate_dir());
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    let owners = &value["properties"]["owner"]["enum"];
    assert!(owners.as_array().is_some_and(|o| !o.is_empty()), "{owners}");
    let (text, _) = binary(&["schema", "fixture"], &crate_dir());
    insta::assert_snapshot!("fixture_schema", text);
}

#[test]
fn registry_placeholders_resolve_fd007() {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(Path::new(DATA).join("registry")).expect("registry") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    let values = "blocked_countries: [KP, IR]\n";
    std::fs::write(dir.path().join("placeholders.yml"), values).expect("write");
    let mut inputs = inputs("fd007-unresolved-placeholder");
    inputs.registry = Some(dir.path().to_path_buf());
    let report = lint(&inputs);
    let text = render(&report, LintFormat::Text);
    assert!(text.starts_with("PASS: 0 errors, 0 warnings"), "{text}");
}

/// The shared registry copied into a temp folder without `missing`.
fn registry_without(missing: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(Path::new(DATA).join("registry")).expect("registry") {
        let entry = entry.expect("entry");
        if entry.file_name() != missing {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
        }
    }
    dir
}

#[test]
fn absent_registry_file_turns_its_checks_off() {
    // The fd105 rule still names a source no fixture has, so FD301 stays.
    let cases = [
        ("fd102-unknown-owner", "owners.yml", "FD102", true),
        (
            "fd105-unknown-data-source",
            "data_sources.yml",
            "FD105",
            false,
        ),
        ("fd104-no-data-source", "data_sources.yml", "FD104", true),
        ("fd401-unguarded-automation", "actions.yml", "FD401", true),
        ("fd402-unknown-action", "actions.yml", "FD402", true),
    ];
    for (case, missing, code, passes) in cases {
        assert!(
            render(&report(case), LintFormat::Text).contains(code),
            "{case} finds {code} with the whole registry"
        );
        let registry = registry_without(missing);
        let mut inputs = inputs(case);
        inputs.registry = Some(registry.path().to_path_buf());
        let report = lint(&inputs);
        let text = render(&report, LintFormat::Text);
        assert!(!text.contains(code), "{case} without {missing}:\n{text}");
        if passes {
            assert_eq!(status(&report), Status::Passed, "{case}:\n{text}");
        }
    }
}

#[test]
fn empty_registry_file_still_checks() {
    // Present but empty is not absent: every name is unknown.
    let registry = registry_without("actions.yml");
    std::fs::write(registry.path().join("actions.yml"), "{}\n").expect("write");
    let mut inputs = inputs("clean");
    inputs.registry = Some(registry.path().to_path_buf());
    let text = render(&lint(&inputs), LintFormat::Text);
    assert!(
        text.contains("FD402 unknown action 'open-ticket'"),
        "{text}"
    );
}
