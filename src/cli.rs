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
}
