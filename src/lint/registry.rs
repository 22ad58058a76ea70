//! The three registries lint checks against: data sources, owners and
//! response actions, all read from one registry folder.
//!
//! A missing file turns off the checks that need it (a plain SigmaHQ
//! checkout has none), the same way for all three files; docs/lint.md
//! ("What the registries give lint") lists which checks each file feeds.
//! A file that is present but broken is bad input, since every check
//! against it would be wrong.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::detection::registry::DataSource;
use crate::detection::Registry;
use crate::problem::{Problem, Skipped};
use crate::yaml::{self, Node, Pos};

/// A response action of the catalogue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Action {
    pub destructive: bool,
    pub reversible: bool,
}

/// Everything the registry folder declares.
#[derive(Debug, Default)]
pub struct Registries {
    /// Empty when `data_sources.yml` is absent (see `has_data_sources`).
    pub data_sources: Registry,
    /// Whether `data_sources.yml` exists: FD104, FD105 and FD503 run only then.
    pub has_data_sources: bool,
    /// `None` when `owners.yml` is absent.
    pub owners: Option<Vec<String>>,
    /// `None` when `actions.yml` is absent.
    pub actions: Option<BTreeMap<String, Action>>,
}

impl Registries {
    /// Reads the registry folder, collecting a problem per broken file.
    pub fn load(dir: &Path) -> (Registries, Vec<Problem>) {
        let mut problems = Vec::new();
        let sources = keep(data_sources(&dir.join("data_sources.yml")), &mut problems);
        let owners = keep(read_map(&dir.join("owners.yml"), |_| Ok(())), &mut problems);
        let actions = keep(read_map(&dir.join("actions.yml"), action), &mut problems);
        let registries = Registries {
            has_data_sources: sources.is_some(),
            data_sources: Registry {
                data_sources: sources.unwrap_or_default(),
            },
            owners: owners.map(|o| o.into_keys().collect()),
            actions,
        };
        (registries, problems)
    }
}

fn keep<T>(result: Result<Option<T>, Problem>, problems: &mut Vec<Problem>) -> Option<T> {
    result.unwrap_or_else(|problem| {
        problems.push(problem);
        None
    })
}

fn problem(file: &Path, pos: Option<Pos>, message: String) -> Problem {
    let message = format!("registry not read: {message}");
    Problem::new(file, pos, Skipped::Config, message)
}

fn read_text(file: &Path) -> Result<Option<String>, Problem> {
    match std::fs::read_to_string(file) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(problem(file, None, format!("cannot read file: {e}"))),
    }
}

fn data_sources(file: &Path) -> Result<Option<BTreeMap<String, DataSource>>, Problem> {
    let Some(text) = read_text(file)? else {
        return Ok(None);
    };
    serde_yaml::from_str(&text).map(Some).map_err(|e| {
        let pos = e.location().map(|l| Pos {
            line: l.line(),
            col: l.column(),
        });
        problem(file, pos, e.to_string())
    })
}

/// Reads a `name: {...}` mapping, turning each value with `entry`.
fn read_map<T>(
    file: &Path,
    entry: impl Fn(&Node) -> Result<T, (Pos, String)>,
) -> Result<Option<BTreeMap<String, T>>, Problem> {
    let Some(text) = read_text(file)? else {
        return Ok(None);
    };
    let fail = |pos, message| problem(file, Some(pos), message);
    let docs = yaml::parse_documents(&text).map_err(|e| fail(e.pos, e.message))?;
    let Some(doc) = docs.first() else {
        return Ok(Some(BTreeMap::new()));
    };
    let entries = doc
        .as_map()
        .ok_or_else(|| fail(doc.pos, "expected a mapping of names".into()))?;
    let mut map = BTreeMap::new();
    for (key, value) in entries {
        let name = key
            .as_str()
            .ok_or_else(|| fail(key.pos, "a name must be a string".into()))?;
        let value = entry(value).map_err(|(pos, m)| fail(pos, m))?;
        map.insert(name.to_string(), value);
    }
    Ok(Some(map))
}

fn action(node: &Node) -> Result<Action, (Pos, String)> {
    let flag = |key: &str| match node.get(key) {
        None => Ok(false),
        Some(value) => value
            .as_bool()
            .ok_or((value.pos, format!("'{key}' must be true or false"))),
    };
    Ok(Action {
        destructive: flag("destructive")?,
        reversible: flag("reversible")?,
    })
}

/// The registry folder of a detections folder.
pub fn default_dir(detections: &Path) -> PathBuf {
    detections.join(crate::detection::registry::REGISTRY_DIR)
}
