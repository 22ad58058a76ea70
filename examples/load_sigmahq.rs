//! Loads every `.yml` rule under a directory with the Sigma engine and
//! prints counts and every failure as `file:line:col: reason`.
//!
//! Documents that are not detection rules (correlations, filters, or
//! fragments without `detection`) are counted apart, not as failures.
//!
//! With `--fill-placeholders`, every `%name%` in a file is given a dummy
//! value, to check the rest of placeholder rules; without it they fail, as
//! an unfilled placeholder must.
//!
//! Usage: `cargo run --example load_sigmahq -- [--fill-placeholders] <dir>...`

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use firedrill::sigma::{CompileOptions, Rule};
use firedrill::yaml;

#[derive(Default)]
struct Tally {
    files: usize,
    loaded: usize,
    failed: usize,
    skipped: usize,
    reasons: BTreeMap<String, usize>,
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let fill = args.iter().any(|a| a == "--fill-placeholders");
    args.retain(|a| a != "--fill-placeholders");
    let dirs: Vec<PathBuf> = args.into_iter().map(PathBuf::from).collect();
    if dirs.is_empty() {
        eprintln!("usage: load_sigmahq <rules dir>...");
        return ExitCode::from(2);
    }
    let mut tally = Tally::default();
    for dir in &dirs {
        let mut files = Vec::new();
        collect(dir, &mut files);
        files.sort();
        for file in &files {
            load_file(file, fill, &mut tally);
        }
    }
    report(&tally);
    if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("{}: cannot read directory", dir.display());
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(path);
        }
    }
}

fn load_file(file: &Path, fill: bool, tally: &mut Tally) {
    tally.files += 1;
    let name = file.display();
    let text = match std::fs::read_to_string(file) {
        Err(e) => {
            return fail(
                tally,
                &format!("{name}: cannot read: {e}"),
                "unreadable file",
            )
        }
        Ok(text) => text,
    };
    let mut options = CompileOptions::default();
    if fill {
        options.placeholders = placeholders(&text);
    }
    let docs = yaml::parse_documents(&text);
    let docs = match docs {
        Ok(docs) => docs,
        Err(e) => return fail(tally, &format!("{name}:{e}"), "yaml syntax"),
    };
    for doc in &docs {
        // Detection rules carry `detection`; other documents count apart.
        if doc.get("detection").is_none() {
            tally.skipped += 1;
            continue;
        }
        match Rule::from_node(doc, &options) {
            Ok(_) => tally.loaded += 1,
            Err(errors) => {
                tally.failed += 1;
                for e in &errors {
                    println!("{name}:{e}");
                    *tally.reasons.entry(reason_kind(&e.message)).or_default() += 1;
                }
            }
        }
    }
}

/// Every `%word%` of a file, each filled with its own name.
fn placeholders(text: &str) -> HashMap<String, Vec<String>> {
    text.split('%')
        .skip(1)
        .step_by(2)
        .filter(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        })
        .map(|w| (w.to_string(), vec![w.to_string()]))
        .collect()
}

fn fail(tally: &mut Tally, line: &str, kind: &str) {
    println!("{line}");
    tally.failed += 1;
    *tally.reasons.entry(kind.to_string()).or_default() += 1;
}

/// The message without quoted specifics, to group failures.
fn reason_kind(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in message.chars() {
        if c == '\'' {
            quoted = !quoted;
            out.push_str(if quoted { "'…" } else { "'" });
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

fn report(tally: &Tally) {
    let total = tally.loaded + tally.failed;
    let rate = if total == 0 {
        0.0
    } else {
        100.0 * tally.loaded as f64 / total as f64
    };
    println!(
        "\nfiles {}  rules {}  loaded {}  failed {}  ({rate:.2}% loaded)  other documents {}",
        tally.files, total, tally.loaded, tally.failed, tally.skipped
    );
    let mut reasons: Vec<_> = tally.reasons.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1));
    for (reason, count) in reasons {
        println!("{count:6}  {reason}");
    }
}
