//! Values for Sigma's `expand` placeholders (`%admins%`), kept per
//! deployment: the rule names the placeholder, the project says what it
//! stands for. Read from `<detections>/registry/placeholders.yml` or a file
//! given on the command line.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::problem::{Problem, Skipped};
use crate::yaml::Pos;

/// The default file inside a detections folder.
pub const FILE: &str = "placeholders.yml";

/// A placeholder's value: one string or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum Values {
    One(String),
    Many(Vec<String>),
}

/// Reads a placeholder file: a mapping from name (without `%`) to a value
/// or a list of values. A missing default file is no placeholders.
pub fn load(path: &Path, required: bool) -> (HashMap<String, Vec<String>>, Vec<Problem>) {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if !required && crate::detection::registry::is_absent(&e) => {
            return (HashMap::new(), vec![])
        }
        Err(e) => {
            return (
                HashMap::new(),
                vec![problem(path, None, format!("cannot read: {e}"))],
            )
        }
    };
    match serde_yaml::from_str::<HashMap<String, Values>>(crate::yaml::without_bom(&text)) {
        Ok(map) => {
            let values = map
                .into_iter()
                .map(|(name, v)| match v {
                    Values::One(one) => (name, vec![one]),
                    Values::Many(many) => (name, many),
                })
                .collect();
            (values, vec![])
        }
        Err(e) => {
            let pos = e.location().map(|l| Pos {
                line: l.line(),
                col: l.column(),
            });
            (HashMap::new(), vec![problem(path, pos, e.to_string())])
        }
    }
}

fn problem(path: &Path, pos: Option<Pos>, message: String) -> Problem {
    Problem::new(
        path,
        pos,
        Skipped::Config,
        format!("placeholders not read: {message}"),
    )
}

/// Compile options for a detections folder: placeholder values from
/// `explicit` if given, else from the folder's registry file if present.
pub fn compile_options(
    detections_dir: &Path,
    explicit: Option<&Path>,
) -> (crate::sigma::CompileOptions, Vec<Problem>) {
    let default = detections_dir
        .join(super::registry::REGISTRY_DIR)
        .join(FILE);
    let (placeholders, problems) = match explicit {
        Some(path) => load(path, true),
        None => load(&default, false),
    };
    (crate::sigma::CompileOptions { placeholders }, problems)
}
