//! The project's severity policy: `<registry>/lint.yml` (or `--config`).
//!
//! ```yaml
//! checks:
//!   FD101: error            # by code ...
//!   unused-selection: off   # ... or by name; error, warning or off
//! ```
//!
//! With no file every check keeps its default. A file that is present but
//! wrong is bad input: silently ignoring a typo in a policy would loosen
//! the gate without anyone noticing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::catalogue::{self, Check, Severity};
use crate::problem::{Problem, Skipped};
use crate::yaml::{self, Node, Pos};

/// The config file's name inside the registry folder.
pub const FILE_NAME: &str = "lint.yml";

/// What the config makes of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    On(Severity),
    Off,
}

/// Severity overrides, by check code.
#[derive(Debug, Default)]
pub struct Config {
    levels: HashMap<&'static str, Level>,
}

/// Why a config file was not used.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub file: PathBuf,
    pub pos: Option<Pos>,
    pub message: String,
}

impl From<ConfigError> for Problem {
    fn from(e: ConfigError) -> Problem {
        let message = format!("lint config not read: {}", e.message);
        Problem::new(e.file, e.pos, Skipped::Config, message)
    }
}

impl Config {
    /// The level of a check: the config's, or its default.
    pub fn level(&self, check: &Check) -> Level {
        let default = Level::On(check.default);
        self.levels.get(check.code).copied().unwrap_or(default)
    }

    /// Reads `path`; a missing file is the default config unless the user
    /// named it explicitly.
    pub fn load(path: &Path, explicit: bool) -> Result<Config, ConfigError> {
        let error = |pos, message: String| ConfigError {
            file: path.to_path_buf(),
            pos,
            message,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                return Ok(Config::default())
            }
            Err(e) => return Err(error(None, format!("cannot read file: {e}"))),
        };
        let docs = yaml::parse_documents(&text).map_err(|e| error(Some(e.pos), e.message))?;
        let Some(doc) = docs.first() else {
            return Ok(Config::default());
        };
        Config::from_node(doc).map_err(|(pos, message)| error(Some(pos), message))
    }

    fn from_node(doc: &Node) -> Result<Config, (Pos, String)> {
        let Some(entries) = doc.as_map() else {
            return Err((doc.pos, "expected a mapping with a 'checks' key".into()));
        };
        let mut config = Config::default();
        for (key, value) in entries {
            match key.as_scalar() {
                Some("checks") => config.read_checks(value)?,
                _ => return Err((key.pos, "unknown key (expected 'checks')".into())),
            }
        }
        Ok(config)
    }

    fn read_checks(&mut self, node: &Node) -> Result<(), (Pos, String)> {
        let Some(entries) = node.as_map() else {
            return Err((node.pos, "'checks' must map check codes to levels".into()));
        };
        for (key, value) in entries {
            let name = key.as_scalar().unwrap_or_default();
            let check = catalogue::find(name)
                .ok_or_else(|| (key.pos, format!("unknown check '{name}'")))?;
            let level = parse_level(value)?;
            self.levels.insert(check.code, level);
        }
        Ok(())
    }
}

fn parse_level(node: &Node) -> Result<Level, (Pos, String)> {
    // `off` is a plain YAML 1.1 boolean; read the text as written.
    match node.as_scalar().map(str::to_ascii_lowercase).as_deref() {
        Some("error") => Ok(Level::On(Severity::Error)),
        Some("warning") => Ok(Level::On(Severity::Warning)),
        Some("off") => Ok(Level::Off),
        _ => Err((node.pos, "expected error, warning or off".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalogue::{MISSING_OWNER, UNUSED_SELECTION};

    fn config(text: &str) -> Result<Config, (Pos, String)> {
        let docs = yaml::parse_documents(text).expect("yaml");
        Config::from_node(&docs[0])
    }

    #[test]
    fn reads_codes_and_names() {
        let c = config("checks:\n  fd101: error\n  unused-selection: off\n").expect("config");
        assert_eq!(c.level(&MISSING_OWNER), Level::On(Severity::Error));
        assert_eq!(c.level(&UNUSED_SELECTION), Level::Off);
    }

    #[test]
    fn rejects_unknown_checks_and_levels() {
        assert!(config("checks:\n  FD999: error\n").is_err());
        assert!(config("checks:\n  FD101: loud\n").is_err());
        assert!(config("rules: {}\n").is_err());
    }
}
