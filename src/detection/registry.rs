//! The data-source registry: which data sources exist, which Sigma
//! logsources each one serves, and which fields it carries.
//!
//! It lives in `<detections>/registry/data_sources.yml`. A detection that
//! declares `data_sources` uses them as written; a plain Sigma rule is tied
//! to the sources whose logsource equals its own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::problem::{Problem, Skipped};
use crate::sigma::LogSource;
use crate::yaml::Pos;

/// The registry folder inside a detections folder.
pub const REGISTRY_DIR: &str = "registry";

/// The files a registry folder may hold; nothing else in it is skipped.
const REGISTRY_FILES: &[&str] = &[
    "data_sources",
    "owners",
    "actions",
    "logsources",
    "placeholders",
    "lint",
];

/// Whether `path` is one of the registry's own files. Only those are
/// skipped when detections load: SigmaHQ keeps a rule category in a folder
/// named `registry` (`rules/windows/registry/registry_set/...`), and those
/// rules must load.
pub fn is_registry_file(path: &Path, registry_dir: &Path) -> bool {
    let named = path
        .file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|stem| REGISTRY_FILES.contains(&stem));
    let parent = path.parent().unwrap_or(Path::new(""));
    named && crate::paths::same_dir(parent, registry_dir)
}

/// One registered data source.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSource {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub logsource: Vec<LogSourceSpec>,
    #[serde(default)]
    pub fields: Vec<String>,
}

/// A Sigma logsource a data source serves.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSourceSpec {
    pub category: Option<String>,
    pub product: Option<String>,
    pub service: Option<String>,
}

/// All registered data sources, by name.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    pub data_sources: BTreeMap<String, DataSource>,
}

impl Registry {
    /// Reads the registry of a detections folder; a missing file is an
    /// empty registry, a broken one is a problem and an empty registry.
    pub fn load(detections_dir: &Path) -> (Registry, Vec<Problem>) {
        let path = detections_dir.join(REGISTRY_DIR).join("data_sources.yml");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if is_absent(&e) => return (Registry::default(), vec![]),
            Err(e) => {
                return (
                    Registry::default(),
                    vec![config_problem(path, None, e.to_string())],
                )
            }
        };
        match serde_yaml::from_str(crate::yaml::without_bom(&text)) {
            Ok(data_sources) => (Registry { data_sources }, vec![]),
            Err(e) => {
                let pos = e.location().map(|l| Pos {
                    line: l.line(),
                    col: l.column(),
                });
                (
                    Registry::default(),
                    vec![config_problem(path, pos, e.to_string())],
                )
            }
        }
    }

    /// The names of the data sources that serve a Sigma logsource.
    pub fn sources_for(&self, logsource: &LogSource) -> Vec<String> {
        self.data_sources
            .iter()
            .filter(|(_, source)| source.logsource.iter().any(|spec| spec.serves(logsource)))
            .map(|(name, _)| name.clone())
            .collect()
    }
}

impl LogSourceSpec {
    /// Category, product and service all equal, ignoring case; a key
    /// absent on one side must be absent on the other.
    fn serves(&self, logsource: &LogSource) -> bool {
        same(&self.category, &logsource.category)
            && same(&self.product, &logsource.product)
            && same(&self.service, &logsource.service)
    }
}

fn same(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

fn config_problem(path: PathBuf, pos: Option<Pos>, message: String) -> Problem {
    Problem::new(
        path,
        pos,
        Skipped::Config,
        format!("data-source registry not read: {message}"),
    )
}

/// A registry file that is not there (or whose folder is a file, as when a
/// single rule file is given) is an empty registry, not an error.
pub(crate) fn is_absent(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}
