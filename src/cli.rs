//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::report::Format;

/// Fire drills for detections: replay labelled logs against Sigma
/// detections and their contracts, and report hits, misses and false
/// positives.
#[derive(Debug, Parser)]
#[command(name = "firedrill", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Replay every fixture against the detections that run on its data
    /// source; check expectations and alert snapshots.
    Test(TestArgs),
    /// Match rules against logs and print one JSON line per alert: the
    /// engine's primitive, for pipelines and batch systems.
    Scan(ScanArgs),
    /// Print each event of a log as rules see it (EVTX and evtx-shaped
    /// JSON flattened to Sigma field names), one JSON line per event.
    Events(EventsArgs),
    /// Check every detection's contract against the registries, the
    /// fixtures and (with --base) git history.
    Lint(LintArgs),
    /// Print a JSON Schema for detection or fixture files, for editors.
    Schema(SchemaArgs),
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Folders of detection files; repeat to lint several. The first one's
    /// `registry/` folder holds the registries.
    #[arg(long, default_value = "detections")]
    pub detections: Vec<PathBuf>,
    /// Folder of fixtures (default: `fixtures` beside the first detections
    /// folder, if it exists).
    #[arg(long)]
    pub fixtures: Option<PathBuf>,
    /// Registry folder (default: `<first detections folder>/registry`).
    #[arg(long)]
    pub registry: Option<PathBuf>,
    /// Lint config (default: `<registry>/lint.yml`, if it exists).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Git ref to check version discipline against (e.g. origin/main).
    #[arg(long)]
    pub base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::lint::format::LintFormat::Text)]
    pub format: crate::lint::format::LintFormat,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file the schema describes.
    #[arg(value_enum)]
    pub kind: crate::lint::schema::SchemaKind,
    /// Detections folder whose registry fills the owner, data-source and
    /// action names in.
    #[arg(long, default_value = "detections")]
    pub detections: PathBuf,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Log files (.json, .jsonl, .ndjson, .evtx).
    #[arg(required = true)]
    pub logs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Folder of Sigma rules or detection files.
    #[arg(long)]
    pub rules: PathBuf,
    /// Log files or folders (.json, .jsonl, .ndjson, .evtx); standard input
    /// (JSON lines) when none is given.
    pub logs: Vec<PathBuf>,
    /// Let every rule see every event, whatever its logsource (as engines
    /// without logsource gating do).
    #[arg(long)]
    pub no_logsource_gating: bool,
    /// Values for `expand` placeholders (YAML: name to value or list);
    /// default `<rules>/registry/placeholders.yml` when it exists.
    #[arg(long, value_name = "FILE")]
    pub placeholders: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Folder of detection files (its `registry/` folder holds the registries).
    #[arg(long, default_value = "detections")]
    pub detections: PathBuf,
    /// Folder of fixtures (`*.fixture.yml` label files beside their logs).
    #[arg(long, default_value = "fixtures")]
    pub fixtures: PathBuf,
    /// Write the alert snapshots of this run instead of failing on differences.
    #[arg(long)]
    pub accept: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Instead of the fixtures, run SigmaHQ's regression suite from a
    /// SigmaHQ checkout (rules with `regression_tests_path`).
    #[arg(long, value_name = "SIGMA_DIR")]
    pub sigma_regression: Option<PathBuf>,
    /// Values for `expand` placeholders (YAML: name to value or list);
    /// default `<detections>/registry/placeholders.yml` when it exists.
    #[arg(long, value_name = "FILE")]
    pub placeholders: Option<PathBuf>,
}
