//! `firedrill lint` and `firedrill schema`: turn the command line into lint
//! inputs, run the linter, render its report, and say what CI should do.

use crate::cli::{LintArgs, SchemaArgs};
use crate::exit::Status;
use crate::lint::{self, format, registry, schema, Inputs, LintReport};
use crate::paths::normalise;

/// Runs lint and returns the rendered report with its status.
pub fn run(args: &LintArgs) -> (String, Status) {
    let report = lint::lint(&inputs(args));
    (format::render(&report, args.format), status(&report))
}

/// The lint inputs a command line names; folders are spelled without
/// `./`, as [`crate::paths::find`] spells the files in them, so file paths
/// and folders compare equal.
pub fn inputs(args: &LintArgs) -> Inputs {
    Inputs {
        detections: args.detections.iter().map(|d| normalise(d)).collect(),
        fixtures: args.fixtures.as_deref().map(normalise),
        registry: args.registry.as_deref().map(normalise),
        config: args.config.clone(),
        base: args.base.clone(),
    }
}

/// 2 when input could not be read, 1 when an error was found, else 0
/// (warnings and suppressed findings never fail a run).
pub fn status(report: &LintReport) -> Status {
    if !report.problems.is_empty() {
        Status::BadInput
    } else if report.errors() > 0 {
        Status::Failed
    } else {
        Status::Passed
    }
}

/// Prints the JSON Schema of detection or fixture files.
pub fn schema(args: &SchemaArgs) -> (String, Status) {
    let dir = registry::default_dir(&normalise(&args.detections));
    let (registries, _) = registry::Registries::load(&dir);
    (schema::render(args.kind, &registries), Status::Passed)
}
