//! End-to-end tests of `firedrill scan` over many files: small files are
//! scanned several at a time and large ones streamed, and the output must
//! be the same as scanning each file alone, in order, on any thread count.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

const RULE: &str = "title: x
id: 7d3f3c8e-0000-4000-8000-000000000001
logsource: {product: test}
detection:
  selection:
    a: x
  condition: selection
";

fn scan(rules: &Path, logs: &[&Path], threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .env("RAYON_NUM_THREADS", threads)
        .arg("scan")
        .arg("--rules")
        .arg(rules)
        .args(logs)
        .output()
        .expect("run firedrill")
}

/// A log of `events` records of `pad` extra bytes, every `every`-th one
/// matching, and a corrupt line after the first record when asked.
fn log(events: usize, every: usize, pad: usize, corrupt: bool) -> String {
    let mut text = String::new();
    let pad = "p".repeat(pad);
    for i in 1..=events {
        let a = if i % every == 0 { "x" } else { "y" };
        writeln!(text, "{{\"a\":\"{a}\",\"n\":{i},\"pad\":\"{pad}\"}}").unwrap();
        if corrupt && i == 1 {
            text.push_str("{broken\n");
        }
    }
    text
}

#[test]
fn a_folder_scans_like_its_files_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rule.yml");
    std::fs::write(&rules, RULE).unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    for i in 0..24 {
        // One file past the size scanned whole (8 MiB), between small ones.
        let text = match i {
            7 => log(5, 2, 0, true),
            15 => log(80_000, 20_000, 120, false),
            _ => log(3 + i, 3, 0, false),
        };
        std::fs::write(logs.join(format!("f{i:02}.jsonl")), text).unwrap();
    }
    assert!(std::fs::metadata(logs.join("f15.jsonl")).unwrap().len() > 8 << 20);

    let mut files: Vec<_> = std::fs::read_dir(&logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut want = String::new();
    let mut want_err = Vec::new();
    for file in &files {
        let alone = scan(&rules, &[file], "2");
        want.push_str(&String::from_utf8(alone.stdout).unwrap());
        let err = String::from_utf8(alone.stderr).unwrap();
        want_err.extend(
            err.lines()
                .filter(|l| l.contains("skipped"))
                .map(String::from),
        );
    }
    assert_eq!(want_err.len(), 1, "{want_err:?}");

    for threads in ["1", "2", "4"] {
        let folder = scan(&rules, &[&logs], threads);
        assert_eq!(
            folder.status.code(),
            Some(2),
            "a corrupt record is bad input"
        );
        assert_eq!(String::from_utf8(folder.stdout).unwrap(), want);
        let err = String::from_utf8(folder.stderr).unwrap();
        let skipped: Vec<&str> = err.lines().filter(|l| l.contains("skipped")).collect();
        assert_eq!(skipped, want_err);
        let alerts = want.lines().count();
        assert!(
            err.contains(&format!(", 1 corrupt records, {alerts} alerts")),
            "{err}"
        );
    }
}

#[test]
fn a_rules_folder_without_rules_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let file = dir.path().join("a.jsonl");
    std::fs::write(&file, log(3, 1, 0, false)).unwrap();
    let out = scan(&rules, &[&file], "2");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no rules found"), "{err}");
}
