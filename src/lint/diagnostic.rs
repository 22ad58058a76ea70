//! One finding of the linter, anchored in a file, and the report that
//! collects them for the output formats.
//!
//! Checks only build [`Diagnostic`]s; severities from the config and
//! suppressions from `lint_ignore` are applied afterwards, in one place
//! ([`super::policy`]), so no check decides how much it matters.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::catalogue::{Check, Severity};
use crate::problem::Problem;
use crate::yaml::{Node, Pos};

/// A finding.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    #[serde(serialize_with = "code")]
    pub check: &'static Check,
    pub severity: Severity,
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// How many characters the caret underlines (at least 1).
    #[serde(skip)]
    pub width: usize,
    pub message: String,
    /// How to fix it, when there is one obvious fix.
    pub fix: Option<String>,
    /// The `lint_ignore` reason that silenced it.
    pub suppressed: Option<String>,
    /// Which YAML document of the file it is about (for `lint_ignore`).
    #[serde(skip)]
    pub document: Option<usize>,
}

fn code<S: serde::Serializer>(check: &&'static Check, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(check.code)
}

impl Diagnostic {
    /// A finding at `pos` in `file`, with the check's default severity.
    pub fn new(check: &'static Check, file: &Path, pos: Option<Pos>, message: String) -> Self {
        Diagnostic {
            check,
            severity: check.default,
            file: file.to_path_buf(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.col),
            width: 1,
            message,
            fix: None,
            suppressed: None,
            document: None,
        }
    }

    /// A finding about a node: the caret spans a scalar's text.
    pub fn at(check: &'static Check, file: &Path, node: &Node, message: String) -> Self {
        let mut diagnostic = Diagnostic::new(check, file, Some(node.pos), message);
        diagnostic.width = node.as_scalar().map_or(1, |t| t.chars().count().max(1));
        diagnostic
    }

    pub fn with_fix(mut self, fix: Option<String>) -> Self {
        self.fix = fix;
        self
    }

    pub fn in_document(mut self, document: usize) -> Self {
        self.document = Some(document);
        self
    }

    /// Counts toward the exit code: an error nobody silenced.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error && self.suppressed.is_none()
    }

    fn sort_key(&self) -> (&Path, usize, usize, &str) {
        let line = self.line.unwrap_or(0);
        (&self.file, line, self.column.unwrap_or(0), self.check.code)
    }
}

/// Everything one lint run found.
#[derive(Debug, Default)]
pub struct LintReport {
    pub diagnostics: Vec<Diagnostic>,
    /// Input that could not be read at all (exit code 2).
    pub problems: Vec<Problem>,
    /// The text of every file a diagnostic points into, for source lines.
    pub sources: BTreeMap<PathBuf, String>,
    /// How many detection files and rule documents were linted.
    pub files: usize,
    pub detections: usize,
}

impl LintReport {
    /// Sorts findings by file, line, column and code: output is
    /// deterministic whatever order the parallel checks finished in.
    pub fn sort(&mut self) {
        self.diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.problems.sort();
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        let warning = |d: &&Diagnostic| d.severity == Severity::Warning && d.suppressed.is_none();
        self.diagnostics.iter().filter(warning).count()
    }

    pub fn suppressed(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.suppressed.is_some())
            .count()
    }

    /// The source line a diagnostic points at, if its file was kept.
    pub fn source_line(&self, d: &Diagnostic) -> Option<&str> {
        let text = self.sources.get(&d.file)?;
        text.lines().nth(d.line?.checked_sub(1)?)
    }
}
