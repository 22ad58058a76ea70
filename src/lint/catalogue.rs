//! Every lint check, in one table: a stable code, a kebab-case name, the
//! severity it has when no config says otherwise, and one line on what it
//! catches.
//!
//! Codes never change meaning and are never reused, so configs, `lint_ignore`
//! entries and CI annotations written today keep working. The hundreds
//! group checks by concern (0 loading, 1 contract, 2 fields, 3 false
//! positives, 4 responses, 5 fixtures, 6 ids, 7 condition, 8 references,
//! 9 version discipline). Missing contract keys default to warnings so any
//! SigmaHQ rule lints without errors; a wrong contract is an error.

use serde::Serialize;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One check of the catalogue.
#[derive(Debug, PartialEq, Eq)]
pub struct Check {
    pub code: &'static str,
    pub name: &'static str,
    pub default: Severity,
    pub summary: &'static str,
}

macro_rules! checks {
    ($($id:ident = $code:literal, $name:literal, $sev:ident, $summary:literal;)*) => {
        $(pub static $id: Check = Check {
            code: $code,
            name: $name,
            default: Severity::$sev,
            summary: $summary,
        };)*
        /// Every check, in code order.
        pub static ALL: &[&Check] = &[$(&$id),*];
    };
}

checks! {
    INVALID_YAML = "FD001", "invalid-yaml", Error,
        "the file is not valid YAML";
    INVALID_RULE = "FD002", "invalid-rule", Error,
        "the Sigma engine rejects the rule";
    INVALID_REGEX = "FD003", "invalid-regex", Error,
        "a `|re` value is not a valid regular expression";
    INVALID_CONTRACT = "FD004", "invalid-contract", Error,
        "a contract key is present but malformed";
    INVALID_SUPPRESSION = "FD005", "invalid-suppression", Error,
        "a `lint_ignore` entry names no known check or gives no reason";
    INVALID_FIXTURE = "FD006", "invalid-fixture", Error,
        "a fixture label file does not load";
    UNRESOLVED_PLACEHOLDER = "FD007", "unresolved-placeholder", Warning,
        "the rule uses `%name%` placeholders that have no values configured";
    MISSING_OWNER = "FD101", "missing-owner", Warning,
        "the detection names no owning team";
    UNKNOWN_OWNER = "FD102", "unknown-owner", Error,
        "the owner is not a team of the owners registry";
    MISSING_VERSION = "FD103", "missing-version", Warning,
        "the detection has no `version`";
    NO_DATA_SOURCE = "FD104", "no-data-source", Warning,
        "no `data_sources`, and the logsource matches no registered source";
    UNKNOWN_DATA_SOURCE = "FD105", "unknown-data-source", Error,
        "a data source name is not in the data-source registry";
    FIELD_TYPO = "FD201", "field-typo", Error,
        "a detection field its data sources never carry, close to one they do";
    UNKNOWN_FIELD = "FD202", "unknown-field", Warning,
        "a detection field its data sources never carry";
    FIRST_CONTEXT_FIELD = "FD203", "first-context-field", Error,
        "a `first_context` field the data sources never carry";
    UNEXERCISED_FALSE_POSITIVE = "FD301", "unexercised-false-positive", Error,
        "an `expected_false_positives` pattern that no fixture alert matches";
    UNGUARDED_AUTOMATION = "FD401", "unguarded-automation", Error,
        "a destructive action runs automatically without a `blocked_when` guardrail";
    UNKNOWN_ACTION = "FD402", "unknown-action", Error,
        "a response action is not in the action catalogue";
    NO_FIRING_FIXTURE = "FD501", "no-firing-fixture", Warning,
        "no fixture labels an event the detection must fire on";
    NO_SILENT_FIXTURE = "FD502", "no-silent-fixture", Warning,
        "no fixture gives the detection events where it must stay silent";
    UNKNOWN_FIXTURE_SOURCE = "FD503", "unknown-fixture-source", Error,
        "a fixture's `data_source` is not in the data-source registry";
    IDLE_FIXTURE = "FD504", "idle-fixture", Warning,
        "no linted detection runs on a fixture's data source";
    DUPLICATE_ID = "FD601", "duplicate-id", Error,
        "two detections share one `id`";
    MISSING_ID = "FD602", "missing-id", Warning,
        "the detection has no `id`, so its key is its file path";
    UNDEFINED_IDENTIFIER = "FD701", "undefined-identifier", Error,
        "the condition names a selection that does not exist";
    UNUSED_SELECTION = "FD702", "unused-selection", Warning,
        "a selection the condition never uses";
    DEPRECATED_IN_FIXTURE = "FD801", "deprecated-in-fixture", Error,
        "a fixture label still names a deprecated detection";
    DEPRECATED_RELATED = "FD802", "deprecated-related", Warning,
        "`related` still points at a deprecated detection as similar or derived";
    UNKNOWN_DETECTION = "FD803", "unknown-detection", Error,
        "a fixture label names a detection id that no linted file defines";
    VERSION_NOT_BUMPED = "FD901", "version-not-bumped", Error,
        "the logic changed since the base ref but `version` did not go up";
    ID_CHANGED = "FD902", "id-changed", Error,
        "the `id` differs from the base ref";
}

/// Finds a check by code (`FD101`, any case) or name (`missing-owner`).
pub fn find(key: &str) -> Option<&'static Check> {
    ALL.iter()
        .copied()
        .find(|c| c.code.eq_ignore_ascii_case(key) || c.name == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_sorted() {
        for pair in ALL.windows(2) {
            assert!(pair[0].code < pair[1].code, "{}", pair[1].code);
        }
        let mut names: Vec<_> = ALL.iter().map(|c| c.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }

    #[test]
    fn finds_by_code_or_name() {
        assert_eq!(find("fd101").map(|c| c.name), Some("missing-owner"));
        assert_eq!(find("unknown-owner").map(|c| c.code), Some("FD102"));
        assert!(find("FD999").is_none());
    }
}
