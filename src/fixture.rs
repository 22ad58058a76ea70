//! Fixtures: logs kept as exported, with a label file beside each.
//!
//! A label file (`<name>.fixture.yml`) names the log, its data source, and
//! which detections must fire on which events (by 1-based position or by a
//! Sigma selection over the event's fields). Everything else in the log is
//! benign for every detection that runs on it. Labels are read with
//! positions so a broken one is reported where it breaks.

use std::path::{Path, PathBuf};

use crate::problem::{Problem, Skipped};
use crate::sigma::{CompileOptions, Selection};
use crate::yaml::{self, Node, Pos};

/// The suffix that marks a label file.
pub const LABEL_SUFFIX: &str = ".fixture.yml";
/// The suffix of the alert snapshot written beside a label file.
pub const SNAPSHOT_SUFFIX: &str = ".alerts.yml";

/// One labelled log.
pub struct Fixture {
    /// The label file.
    pub label_file: PathBuf,
    /// The label file's path under the fixtures folder, without its suffix.
    pub name: String,
    pub log: PathBuf,
    pub description: Option<String>,
    pub data_source: String,
    /// Where the label names its data source.
    pub data_source_pos: Pos,
    pub provenance: Option<String>,
    pub expect: Vec<Expectation>,
    /// Detections that must run on this fixture and stay silent.
    pub quiet: Vec<Reference>,
}

/// A detection named in a label file, with where it was named.
#[derive(Clone, Debug)]
pub struct Reference {
    pub detection: String,
    pub pos: Pos,
}

/// "This detection must fire on these events."
pub struct Expectation {
    pub reference: Reference,
    pub technique: Option<String>,
    /// 1-based record positions.
    pub events: Vec<usize>,
    /// Every event this selection matches.
    pub selector: Option<Selection>,
}

impl Fixture {
    /// Every detection the label names: each expectation, then each
    /// `quiet` entry (with no expectation).
    pub fn references(&self) -> impl Iterator<Item = (&Reference, Option<&Expectation>)> {
        let expected = self.expect.iter().map(|e| (&e.reference, Some(e)));
        expected.chain(self.quiet.iter().map(|r| (r, None)))
    }

    /// Where this fixture's alert snapshot lives.
    pub fn snapshot_path(&self) -> PathBuf {
        let label = self.label_file.to_string_lossy();
        let stem = crate::paths::strip_suffix_ignoring_case(&label, LABEL_SUFFIX).unwrap_or(&label);
        PathBuf::from(format!("{stem}{SNAPSHOT_SUFFIX}"))
    }
}

/// Loads every label file under `dir`, sorted by path.
pub fn load_fixtures(dir: &Path, options: &CompileOptions) -> (Vec<Fixture>, Vec<Problem>) {
    let dir = &crate::paths::normalise(dir);
    if !dir.is_dir() {
        let problem = Problem::new(dir, None, Skipped::Fixture, "fixtures folder not found");
        return (vec![], vec![problem]);
    }
    let (files, mut problems) =
        crate::paths::find(dir, &[LABEL_SUFFIX]).into_parts(Skipped::Fixture);
    let mut fixtures = Vec::new();
    for file in files {
        match load_label(dir, &file, options) {
            Ok(fixture) => fixtures.push(fixture),
            Err(errors) => problems.extend(errors),
        }
    }
    (fixtures, problems)
}

/// Reads one label file.
pub fn load_label(
    root: &Path,
    file: &Path,
    options: &CompileOptions,
) -> Result<Fixture, Vec<Problem>> {
    let problem = |pos, message: String| Problem::new(file, pos, Skipped::Fixture, message);
    let text = std::fs::read_to_string(file)
        .map_err(|e| vec![problem(None, format!("cannot read label file: {e}"))])?;
    let docs = yaml::parse_documents(&text)
        .map_err(|e| vec![problem(Some(e.pos), format!("invalid YAML: {}", e.message))])?;
    let Some(doc) = docs.first().filter(|d| d.as_map().is_some()) else {
        return Err(vec![problem(
            None,
            "label file must be a YAML mapping".to_string(),
        )]);
    };
    let mut reader = LabelReader {
        errors: Vec::new(),
        options,
    };
    let fixture = reader.fixture(root, file, doc);
    if reader.errors.is_empty() {
        Ok(fixture)
    } else {
        Err(reader
            .errors
            .into_iter()
            .map(|(pos, m)| problem(Some(pos), m))
            .collect())
    }
}

struct LabelReader<'a> {
    errors: Vec<(Pos, String)>,
    options: &'a CompileOptions,
}

impl LabelReader<'_> {
    fn fixture(&mut self, root: &Path, file: &Path, doc: &Node) -> Fixture {
        self.reject_unknown_keys(
            doc,
            &[
                "description",
                "log",
                "data_source",
                "provenance",
                "expect",
                "quiet",
            ],
        );
        let label = file.to_string_lossy();
        let stem = crate::paths::strip_suffix_ignoring_case(&label, LABEL_SUFFIX)
            .unwrap_or(&label)
            .to_string();
        let log = match doc.get("log") {
            Some(node) => self.string(node, "a log path").unwrap_or_default(),
            None => self.missing(doc, "log"),
        };
        let data_source = match doc.get("data_source") {
            Some(node) => self.string(node, "a data source name").unwrap_or_default(),
            None => self.missing(doc, "data_source"),
        };
        let base = file.parent().unwrap_or(Path::new(""));
        Fixture {
            label_file: file.to_path_buf(),
            name: Path::new(&stem)
                .strip_prefix(root)
                .unwrap_or(Path::new(&stem))
                .display()
                .to_string(),
            log: base.join(log),
            description: doc
                .get("description")
                .and_then(|n| self.string(n, "a string")),
            data_source,
            data_source_pos: doc.get("data_source").map_or(doc.pos, |n| n.pos),
            provenance: doc
                .get("provenance")
                .and_then(|n| self.string(n, "a string")),
            expect: doc
                .get("expect")
                .map(|n| self.expectations(n))
                .unwrap_or_default(),
            quiet: doc
                .get("quiet")
                .map(|n| self.references(n))
                .unwrap_or_default(),
        }
    }

    fn expectations(&mut self, node: &Node) -> Vec<Expectation> {
        let Some(items) = node.as_seq() else {
            self.error(
                node,
                format!("'expect' must be a list, found {}", node.kind_name()),
            );
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.expectation(item))
            .collect()
    }

    fn expectation(&mut self, item: &Node) -> Option<Expectation> {
        if item.as_map().is_none() {
            self.error(
                item,
                format!(
                    "an expectation must be a mapping, found {}",
                    item.kind_name()
                ),
            );
            return None;
        }
        self.reject_unknown_keys(item, &["detection", "technique", "events", "where"]);
        let Some(id) = item.get("detection") else {
            self.missing::<()>(item, "detection");
            return None;
        };
        let detection = self.string(id, "a detection id")?;
        let events = item
            .get("events")
            .map(|n| self.positions(n))
            .unwrap_or_default();
        let selector = item.get("where").and_then(|n| self.selector(n));
        if item.get("events").is_none() && item.get("where").is_none() {
            self.error(
                item,
                "an expectation needs 'events', 'where' or both".to_string(),
            );
        }
        Some(Expectation {
            reference: Reference {
                detection,
                pos: id.pos,
            },
            technique: item
                .get("technique")
                .and_then(|n| self.string(n, "a technique id")),
            events,
            selector,
        })
    }

    fn positions(&mut self, node: &Node) -> Vec<usize> {
        let items = node
            .as_seq()
            .map(<[Node]>::to_vec)
            .unwrap_or_else(|| vec![node.clone()]);
        let mut positions = Vec::new();
        for item in &items {
            match item.as_u64().filter(|&n| n >= 1) {
                Some(n) => positions.push(n as usize),
                None => self.error(item, "event positions are whole numbers from 1".to_string()),
            }
        }
        positions
    }

    fn selector(&mut self, node: &Node) -> Option<Selection> {
        match Selection::from_node(node, self.options) {
            Ok(selection) => Some(selection),
            Err(errors) => {
                for e in errors {
                    self.errors
                        .push((e.pos, format!("in 'where': {}", e.message)));
                }
                None
            }
        }
    }

    fn references(&mut self, node: &Node) -> Vec<Reference> {
        let items = node
            .as_seq()
            .map(<[Node]>::to_vec)
            .unwrap_or_else(|| vec![node.clone()]);
        items
            .iter()
            .filter_map(|item| {
                let detection = self.string(item, "a detection id")?;
                Some(Reference {
                    detection,
                    pos: item.pos,
                })
            })
            .collect()
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        let value = node.as_str().map(str::to_string);
        if value.is_none() {
            self.error(node, format!("expected {what}, found {}", node.kind_name()));
        }
        value
    }

    fn missing<T: Default>(&mut self, node: &Node, key: &str) -> T {
        self.error(node, format!("missing required key '{key}'"));
        T::default()
    }

    fn reject_unknown_keys(&mut self, node: &Node, known: &[&str]) {
        for (key, _) in node.as_map().unwrap_or_default() {
            let name = key.as_scalar().unwrap_or_default();
            if !known.contains(&name) {
                let message = format!(
                    "unknown key '{name}' (expected one of: {})",
                    known.join(", ")
                );
                self.error(key, message);
            }
        }
    }

    fn error(&mut self, node: &Node, message: String) {
        self.errors.push((node.pos, message));
    }
}
