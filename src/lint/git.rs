//! Version discipline against a git base ref (`--base origin/main`): a
//! detection whose logic (its `logsource` and `detection` blocks) changed
//! (or its `correlation` block) must raise `version`, and its `id` must never change.
//!
//! Plain `git` through std::process: `git diff --name-only` finds the
//! changed files, `git show <ref>:./<path>` reads each at the base. Files
//! new since the base have nothing to compare and pass.

use std::path::{Path, PathBuf};
use std::process::Command;

use rayon::prelude::*;

use super::catalogue::{ID_CHANGED, VERSION_NOT_BUMPED};
use super::diagnostic::Diagnostic;
use super::source::{Doc, SourceFile};
use crate::problem::{Problem, Skipped};
use crate::yaml::{self, Kind, Node};

/// Why the base could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("run git: {0}")]
    Spawn(#[from] std::io::Error),
    #[error("resolve base ref '{reference}': {stderr}")]
    BadRef { reference: String, stderr: String },
}

impl GitError {
    pub fn into_problem(self, dir: &Path) -> Problem {
        Problem::new(dir, None, Skipped::Config, format!("failed to {self}"))
    }
}

/// Checks every changed detection file under `dirs` against `reference`.
pub fn check(
    reference: &str,
    dirs: &[PathBuf],
    files: &[SourceFile],
) -> Result<Vec<Diagnostic>, GitError> {
    let mut changed = Vec::new();
    for dir in dirs {
        changed.extend(changed_files(dir, reference)?);
    }
    let found: Vec<Vec<Diagnostic>> = files
        .par_iter()
        .filter(|f| changed.contains(&f.path))
        .map(|file| compare_file(reference, file))
        .collect();
    Ok(found.into_iter().flatten().collect())
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, GitError> {
    Ok(Command::new("git").arg("-C").arg(dir).args(args).output()?)
}

/// Files under `dir` that differ between `reference` and the work tree.
fn changed_files(dir: &Path, reference: &str) -> Result<Vec<PathBuf>, GitError> {
    let output = git(
        dir,
        &["diff", "--name-only", "--relative", reference, "--", "."],
    )?;
    if !output.status.success() {
        return Err(GitError::BadRef {
            reference: reference.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text.lines().map(|line| dir.join(line)).collect())
}

/// The file's text at the base, or `None` when it did not exist there.
fn base_text(reference: &str, path: &Path) -> Option<String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name()?.to_string_lossy();
    let spec = format!("{reference}:./{name}");
    let output = git(dir, &["show", &spec]).ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn compare_file(reference: &str, file: &SourceFile) -> Vec<Diagnostic> {
    let Some(text) = base_text(reference, &file.path) else {
        return Vec::new();
    };
    let Ok(base_docs) = yaml::parse_documents(&text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for doc in &file.docs {
        if let Some(base) = base_docs.get(doc.index) {
            compare(reference, base, doc, &mut out);
        }
    }
    out
}

fn compare(reference: &str, base: &Node, doc: &Doc, out: &mut Vec<Diagnostic>) {
    let anchor = doc.node.get_entry("title").map_or(&doc.node, |(k, _)| k);
    if let Some(old) = base.get("id").and_then(Node::as_str) {
        if doc.id() != Some(old) {
            let at = doc.node.get("id").unwrap_or(anchor);
            let message = format!("id changed from {old} (at {reference})");
            let fix = format!("restore `id: {old}`; a new id is a new detection file");
            out.push(doc.at(&ID_CHANGED, at, message).with_fix(Some(fix)));
        }
    }
    let logic_changed = ["logsource", "detection", "correlation"]
        .iter()
        .any(|key| !same_opt(base.get(key), doc.node.get(key)));
    if !logic_changed {
        return;
    }
    let old = base.get("version").and_then(Node::as_u64);
    let new = doc.node.get("version").and_then(Node::as_u64);
    let required = old.map_or(1, |v| v + 1);
    if new.is_none_or(|v| v < required) {
        let at = doc.node.get("version").unwrap_or(anchor);
        let was = old.map_or("no version".to_string(), |v| format!("version {v}"));
        let message =
            format!("the logic changed since {reference} ({was}) but version did not go up");
        let fix = format!("set `version: {required}`");
        out.push(doc.at(&VERSION_NOT_BUMPED, at, message).with_fix(Some(fix)));
    }
}

fn same_opt(a: Option<&Node>, b: Option<&Node>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// Equal as YAML, ignoring positions and the order of mapping keys (which
/// carries no meaning in Sigma); list order and scalar style do count.
pub fn same(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Scalar { .. }, Kind::Scalar { .. }) => a.kind == b.kind,
        (Kind::Seq(x), Kind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| k.kind == k2.kind && same(v, v2)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(text: &str) -> Node {
        yaml::parse_documents(text).expect("yaml").remove(0)
    }

    #[test]
    fn sameness_ignores_positions_and_key_order() {
        assert!(same(
            &node("a: 1\nb: [x, y]\n"),
            &node("\n\nb: [x, y]\na: 1\n")
        ));
        assert!(!same(&node("a: [x, y]\n"), &node("a: [y, x]\n")));
        assert!(!same(&node("a: 1\n"), &node("a: '1'\n")));
    }
}
