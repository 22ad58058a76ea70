//! Many rules prepared to meet many events: each event is read once and
//! offered only to the rules that can match it.
//!
//! At build time every rule's required literals ([`prefilter`]) are sorted
//! by where they must occur: one Aho-Corasick automaton per field over the
//! folded texts rules look for in it, an exact table of small integers per
//! field, and one automaton over keyword texts, which may occur in any
//! value. Per event, each field's values are scanned with that field's
//! automaton only; a rule is a candidate when every one of its clauses had
//! a literal found, or when it needs no literal. Evaluating only the
//! candidates gives the same alerts as evaluating every rule: a skipped rule
//! lacks a text that every event it matches holds where the rule looks.
//!
//! A logsource rename shows a rule the value of another field under the
//! rule's name; such aliases are given at build time so that field is
//! scanned for the rule's literals too.

mod build;
mod scan;
mod scope;
#[cfg(test)]
mod tests;

use std::cell::RefCell;

use super::Rule;
use crate::event::Event;
use scope::{FieldTable, Scope};

/// A set of compiled rules with their literal prefilter.
#[derive(Debug)]
pub struct RuleSet {
    /// Keyword texts, looked for in every value.
    anywhere: Scope,
    /// One per field rules look in.
    scopes: Vec<Scope>,
    /// Top-level keys without a dot, and the scopes their values feed.
    flat: FieldTable,
    /// Dotted paths, resolved per event, and the scope each feeds.
    dotted: Vec<(String, usize)>,
    /// The clauses each literal (by literal id) satisfies.
    satisfies: Vec<Vec<u32>>,
    /// The rule each clause belongs to.
    clause_rule: Vec<u32>,
    /// How many clauses each rule has (0 for rules in `always`).
    clauses: Vec<u32>,
    /// Rules that need no literal, ascending.
    always: Vec<usize>,
}

impl RuleSet {
    /// Prepares `rules`; candidates are reported as indices into it.
    pub fn new(rules: &[&Rule]) -> RuleSet {
        build::build(rules, &[])
    }

    /// Like [`RuleSet::new`], for rules that may see an event through
    /// renames: each `(rule's field, event's field)` pair makes the event's
    /// field carry the rule's field's literals too.
    pub fn with_aliases(rules: &[&Rule], aliases: &[(&str, &str)]) -> RuleSet {
        build::build(rules, aliases)
    }

    /// How many rules the set holds.
    pub fn len(&self) -> usize {
        self.clauses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// How many rules are candidates for every event (no literal known).
    pub fn unfiltered(&self) -> usize {
        self.always.len()
    }

    /// How many distinct literals are looked for.
    pub fn literals(&self) -> usize {
        self.satisfies.len()
    }

    /// Fills `out` with the indices, ascending, of the rules that may
    /// match `event`; every other rule certainly does not.
    pub fn candidates(&self, event: &Event, out: &mut Vec<usize>) {
        out.clear();
        if !event.root().is_object() {
            // Fields resolve through a top-level list; not worth a scan.
            out.extend(0..self.len());
            return;
        }
        out.extend_from_slice(&self.always);
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            scratch.prepare(self);
            scratch.scan(self, event);
            scratch.settle(self, out);
        });
        out.sort_unstable();
    }
}

thread_local! {
    static SCRATCH: RefCell<scan::Scratch> = RefCell::new(scan::Scratch::default());
}
