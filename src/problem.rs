//! Problems with the user's input: a rule that does not load, a label file
//! that does not parse, a log record that is corrupt.
//!
//! A problem never stops a run. It is collected, printed with the file, line
//! and column it comes from, counted in the summary, and makes the exit code
//! say "bad input" once everything else has run.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::yaml::Pos;

/// What a problem cost the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Skipped {
    /// A detection file (or one document of it) was not loaded.
    Detection,
    /// A fixture was not run.
    Fixture,
    /// One expectation of a fixture's label was not checked.
    Label,
    /// One record of a log was not read.
    Record,
    /// A registry entry or other configuration was not read.
    Config,
}

/// One problem, anchored in a file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub skipped: Skipped,
    pub message: String,
}

impl Problem {
    pub fn new(
        file: impl Into<PathBuf>,
        pos: Option<Pos>,
        skipped: Skipped,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            file: file.into(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.col),
            skipped,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(col) = self.column {
            write!(f, ":{col}")?;
        }
        write!(f, ": {}", self.message)
    }
}
