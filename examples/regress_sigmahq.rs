//! Runs SigmaHQ's regression data through the Sigma engine: every rule
//! with a `regression_tests_path` must fire at least `match_count` times
//! (once when absent) on the JSON twin of its test log.
//!
//! Only the detection is checked: the logs are positive samples of the
//! rule's own source, so no logsource gating is needed.
//!
//! Usage: `cargo run --example regress_sigmahq -- <sigma checkout>`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use firedrill::event::reader;
use firedrill::sigma::{CompileOptions, Rule};
use firedrill::yaml::{self, Node};

fn main() -> ExitCode {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: regress_sigmahq <sigma checkout>");
        return ExitCode::from(2);
    };
    let mut files = Vec::new();
    for dir in ["rules", "rules-emerging-threats", "rules-threat-hunting"] {
        collect(&root.join(dir), &mut files);
    }
    files.sort();
    let (mut passed, mut failed) = (0, 0);
    for file in &files {
        match check(&root, file) {
            None => {}
            Some(Ok(())) => passed += 1,
            Some(Err(reason)) => {
                failed += 1;
                println!("{}: {reason}", file.display());
            }
        }
    }
    println!("\nregression tests: {passed} passed, {failed} failed");
    ExitCode::from(u8::from(failed > 0))
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml") {
            out.push(path);
        }
    }
}

/// `None` when the rule has no regression test.
fn check(root: &Path, file: &Path) -> Option<Result<(), String>> {
    let text = std::fs::read_to_string(file).ok()?;
    let docs = yaml::parse_documents(&text).ok()?;
    let doc = docs.first()?;
    let info_path = doc.get("regression_tests_path")?.as_str()?;
    Some(run(root, doc, &root.join(info_path)))
}

fn run(root: &Path, doc: &Node, info_path: &Path) -> Result<(), String> {
    let rule = Rule::from_node(doc, &CompileOptions::default())
        .map_err(|e| format!("does not load: {}", e[0]))?;
    let info = std::fs::read_to_string(info_path).map_err(|e| format!("no info.yml: {e}"))?;
    let info = yaml::parse_documents(&info).map_err(|e| e.to_string())?;
    let tests = info
        .first()
        .and_then(|d| d.get("regression_tests_info"))
        .and_then(Node::as_seq)
        .ok_or("info.yml has no tests")?;
    for test in tests {
        let evtx = test
            .get("path")
            .and_then(Node::as_str)
            .ok_or("test without path")?;
        let want = test.get("match_count").and_then(Node::as_u64).unwrap_or(1);
        let got = count(&rule, &root.join(evtx).with_extension("json"))?;
        if got < want {
            return Err(format!("fired {got} times, expected at least {want}"));
        }
    }
    Ok(())
}

fn count(rule: &Rule, log: &Path) -> Result<u64, String> {
    let records = reader::open(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let mut hits = 0;
    for (_, event) in records.flatten() {
        hits += u64::from(rule.matches(&event));
    }
    Ok(hits)
}
