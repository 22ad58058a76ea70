//! Applies the severity policy and the detections' own suppressions to the
//! raw findings, after every check has run.
//!
//! A detection silences a check for itself with
//! `lint_ignore: [{check: FD104, reason: "..."}]`. The finding is kept,
//! marked with the reason, and shown in the report; it just no longer
//! counts. A suppression must name a real check and say why.

use std::collections::HashMap;
use std::path::PathBuf;

use super::catalogue::{self, Check, INVALID_SUPPRESSION};
use super::config::{Config, Level};
use super::diagnostic::Diagnostic;
use super::source::Doc;
use crate::yaml::Node;

/// Reasons by (file, document, check code).
#[derive(Default)]
pub struct Suppressions {
    reasons: HashMap<(PathBuf, usize, &'static str), String>,
}

impl Suppressions {
    /// Reads the `lint_ignore` list of a document, reporting bad entries.
    pub fn read(&mut self, doc: &Doc, out: &mut Vec<Diagnostic>) {
        let Some(node) = doc.node.get("lint_ignore") else {
            return;
        };
        let Some(items) = node.as_seq() else {
            let message = "lint_ignore must be a list of {check, reason}".to_string();
            out.push(doc.at(&INVALID_SUPPRESSION, node, message));
            return;
        };
        for item in items {
            match entry(item) {
                Ok((check, reason)) => {
                    let key = (doc.file.clone(), doc.index, check.code);
                    self.reasons.insert(key, reason);
                }
                Err((at, message)) => out.push(doc.at(&INVALID_SUPPRESSION, at, message)),
            }
        }
    }

    fn reason(&self, d: &Diagnostic) -> Option<&String> {
        let key = (d.file.clone(), d.document?, d.check.code);
        self.reasons.get(&key)
    }
}

fn entry(item: &Node) -> Result<(&'static Check, String), (&Node, String)> {
    let Some(code_node) = item.get("check") else {
        return Err((item, "a lint_ignore entry needs `check`".into()));
    };
    let code = code_node.as_str().unwrap_or_default();
    let check = catalogue::find(code).ok_or((code_node, format!("unknown check '{code}'")))?;
    if check == &INVALID_SUPPRESSION {
        return Err((code_node, "FD005 cannot be suppressed".into()));
    }
    let reason = item
        .get("reason")
        .and_then(Node::as_str)
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or((item, format!("suppressing {} needs a `reason`", check.code)))?;
    Ok((check, reason.to_string()))
}

/// Sets each finding's severity from the config, drops the ones it turns
/// off, and marks the ones a detection suppressed.
pub fn apply(diagnostics: &mut Vec<Diagnostic>, config: &Config, suppressions: &Suppressions) {
    diagnostics.retain_mut(|d| match config.level(d.check) {
        Level::Off => false,
        Level::On(severity) => {
            d.severity = severity;
            d.suppressed = suppressions.reason(d).cloned();
            true
        }
    });
}
