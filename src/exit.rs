//! The exit codes of every command, in one place.

use std::process::ExitCode;

/// What a run tells CI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// 0: every expectation met.
    Passed = 0,
    /// 1: an expectation failed (a miss, an unexpected false positive, a
    /// snapshot difference).
    Failed = 1,
    /// 2: bad input or usage (a rule or label that did not load, a corrupt
    /// record, a missing folder). Wins over 1: the results are incomplete.
    BadInput = 2,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status as u8)
    }
}
