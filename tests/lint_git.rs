//! Version discipline: `firedrill lint --base <ref>` in a scratch git
//! repository, with a detection committed and then changed.

use std::path::Path;
use std::process::Command;

const DATA: &str = "tests/data/lint";

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?}");
}

/// A repository whose first commit holds the clean detection.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let detections = dir.path().join("detections");
    std::fs::create_dir_all(&detections).expect("mkdir");
    let data = Path::new(DATA);
    std::fs::copy(data.join("good.yml"), detections.join("rule.yml")).expect("copy");
    copy_dir(&data.join("registry"), &detections.join("registry"));
    copy_dir(&data.join("fixtures"), &dir.path().join("fixtures"));
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "first"]);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}

fn edit(dir: &Path, from: &str, to: &str) {
    let path = dir.join("detections/rule.yml");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{from}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

fn lint(dir: &Path, base: &str) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["lint", "--base", base])
        .current_dir(dir)
        .output()
        .expect("run firedrill");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (text, output.status.code().unwrap_or(-1))
}

#[test]
fn logic_change_needs_a_version_bump() {
    let repo = repository();
    edit(
        repo.path(),
        "    result: FAILURE",
        "    result: [FAILURE, LOCKED]",
    );
    let (text, code) = lint(repo.path(), "HEAD");
    insta::assert_snapshot!("fd901-version-not-bumped", text);
    assert_eq!(code, 1);

    edit(repo.path(), "version: 1", "version: 2");
    let (text, code) = lint(repo.path(), "HEAD");
    assert_eq!(code, 0, "{text}");
}

#[test]
fn metadata_change_needs_no_bump() {
    let repo = repository();
    edit(repo.path(), "level: high", "level: critical");
    let (text, code) = lint(repo.path(), "HEAD");
    assert_eq!(code, 0, "{text}");
}

#[test]
fn id_must_not_change() {
    let repo = repository();
    edit(
        repo.path(),
        "id: 11111111-1111-4111-8111-111111111111",
        "id: 66666666-6666-4666-8666-666666666666",
    );
    let (text, code) = lint(repo.path(), "HEAD");
    insta::assert_snapshot!("fd902-id-changed", text);
    assert_eq!(code, 1);
}

#[test]
fn unknown_base_is_bad_input() {
    let repo = repository();
    let (text, code) = lint(repo.path(), "no-such-branch");
    assert_eq!(code, 2, "{text}");
}
