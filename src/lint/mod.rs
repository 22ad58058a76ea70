//! `firedrill lint`: the gate a pull request runs before any replay. It
//! checks that each detection's whole promise is written down and true:
//! the Sigma logic compiles, the contract names owners, data sources,
//! fields and actions the registries know, the fixtures exercise it, and
//! its version moves with its logic.
//!
//! The run, one file a stage: [`registry`] and [`config`] are read first,
//! [`fixtures`] streams the labelled logs once (fields seen, events
//! labelled), [`source`] reads and compiles every detection file in
//! parallel, [`checks`] produce [`Diagnostic`]s, [`git`] compares with a
//! base ref, [`policy`] applies severities and suppressions, and each file
//! of [`format`] renders the one [`LintReport`]. Nothing here prints or
//! exits; the command does.

pub mod catalogue;
mod checks;
pub mod config;
pub mod diagnostic;
mod fields;
mod fixtures;
pub mod format;
mod git;
mod link;
mod policy;
pub mod registry;
pub mod schema;
mod source;
mod suggest;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::problem::Problem;
use crate::sigma::CompileOptions;
pub use diagnostic::{Diagnostic, LintReport};
use source::SourceFile;

/// What to lint, as the command line gave it.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// Folders of detection files; the first one's `registry/` is the
    /// registry unless `registry` says otherwise.
    pub detections: Vec<PathBuf>,
    /// The fixtures folder; `None` means `fixtures` beside the first
    /// detections folder, if it exists.
    pub fixtures: Option<PathBuf>,
    pub registry: Option<PathBuf>,
    /// The lint config; `None` means `<registry>/lint.yml`, if it exists.
    pub config: Option<PathBuf>,
    /// A git ref to check version discipline against.
    pub base: Option<String>,
}

impl Inputs {
    pub fn registry_dir(&self) -> PathBuf {
        match (&self.registry, self.detections.first()) {
            (Some(dir), _) => dir.clone(),
            (None, Some(first)) => registry::default_dir(first),
            (None, None) => registry::default_dir(Path::new("detections")),
        }
    }
}

impl Inputs {
    /// `fixtures` beside the first detections folder (`detections` gives
    /// `fixtures`), so linting a SigmaHQ checkout from inside this
    /// repository does not pick up this repository's fixtures.
    pub fn default_fixtures(&self) -> PathBuf {
        let first = self.detections.first().map(PathBuf::as_path);
        let parent = first.and_then(Path::parent).unwrap_or(Path::new(""));
        parent.join("fixtures")
    }
}

/// Runs every check and returns the report, sorted.
pub fn lint(inputs: &Inputs) -> LintReport {
    let mut report = LintReport::default();
    let registry_dir = inputs.registry_dir();
    let config_path = inputs
        .config
        .clone()
        .unwrap_or_else(|| registry_dir.join(config::FILE_NAME));
    let config = config::Config::load(&config_path, inputs.config.is_some()).unwrap_or_else(|e| {
        report.problems.push(e.into());
        config::Config::default()
    });
    let (registries, problems) = registry::Registries::load(&registry_dir);
    report.problems.extend(problems);

    // Values for `expand` placeholders, as `test` reads them (FD007 when absent).
    let placeholder_file = registry_dir.join(crate::detection::placeholders::FILE);
    let (placeholders, problems) = crate::detection::placeholders::load(&placeholder_file, false);
    report.problems.extend(problems);
    let options = CompileOptions { placeholders };
    let fixture_dir = inputs
        .fixtures
        .clone()
        .unwrap_or_else(|| inputs.default_fixtures());
    let fixtures = fixtures::read(&fixture_dir, inputs.fixtures.is_some(), &options)
        .unwrap_or_else(|problem| {
            report.problems.push(problem);
            fixtures::Fixtures::default()
        });
    let mut inventory = fields::Inventory::from_registry(&registries.data_sources);
    for (source, seen) in &fixtures.fields {
        inventory.extend(source, seen.clone());
    }

    let paths = detection_files(inputs, &registry_dir, &mut report.problems);
    let ctx = checks::Context {
        registries: &registries,
        inventory: &inventory,
    };
    let mut files: Vec<SourceFile> = paths
        .par_iter()
        .map(|path| source::read(path, &registries.data_sources, &options))
        .collect();
    link::correlations(&mut files);
    files.par_iter_mut().for_each(|file| check_file(file, &ctx));
    finish(
        &mut report,
        inputs,
        &mut files,
        fixtures,
        &config,
        &registries,
    );
    report
}

fn check_file(file: &mut SourceFile, ctx: &checks::Context) {
    let found: Vec<Diagnostic> = file
        .docs
        .iter()
        .flat_map(|d| checks::document(ctx, d))
        .collect();
    file.diagnostics.extend(found);
}

/// Library-wide checks, git, policy, and the source texts to show.
fn finish(
    report: &mut LintReport,
    inputs: &Inputs,
    files: &mut [SourceFile],
    fixtures: fixtures::Fixtures,
    config: &config::Config,
    registries: &registry::Registries,
) {
    let docs: Vec<&source::Doc> = files.iter().flat_map(|f| &f.docs).collect();
    let mut diagnostics = checks::library(&docs, &fixtures, registries);
    let mut suppressions = policy::Suppressions::default();
    for doc in &docs {
        suppressions.read(doc, &mut diagnostics);
    }
    if let Some(reference) = &inputs.base {
        match git::check(reference, &inputs.detections, files) {
            Ok(found) => diagnostics.extend(found),
            Err(e) => report.problems.push(e.into_problem(Path::new("."))),
        }
    }
    report.files = files.len();
    report.detections = docs.len();
    diagnostics.extend(fixtures.diagnostics);
    for file in files.iter_mut() {
        diagnostics.append(&mut file.diagnostics);
    }
    policy::apply(&mut diagnostics, config, &suppressions);
    keep_sources(report, files, &diagnostics);
    report.diagnostics = diagnostics;
    report.sort();
}

/// Keeps the text of every file a diagnostic points into.
fn keep_sources(report: &mut LintReport, files: &mut [SourceFile], diagnostics: &[Diagnostic]) {
    let mut wanted: HashSet<&Path> = diagnostics.iter().map(|d| d.file.as_path()).collect();
    for file in files.iter_mut() {
        if wanted.remove(file.path.as_path()) {
            let text = std::mem::take(&mut file.text);
            report.sources.insert(file.path.clone(), text);
        }
    }
    for path in wanted {
        if let Ok(text) = std::fs::read_to_string(path) {
            report.sources.insert(path.to_path_buf(), text);
        }
    }
}

/// Every `*.yml`/`*.yaml` under the detections folders, the registry
/// aside, sorted and without repeats.
fn detection_files(inputs: &Inputs, registry: &Path, problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in &inputs.detections {
        let (found, unreadable) = crate::detection::detection_files(dir);
        problems.extend(unreadable);
        let explicit = |p: &PathBuf| !crate::detection::registry::is_registry_file(p, registry);
        files.extend(found.into_iter().filter(explicit));
    }
    files.sort();
    files.dedup();
    files
}
