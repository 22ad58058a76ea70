//! The per-event half of the prefilter: scan each field's values for its
//! literals, count satisfied clauses, report the rules whose clauses all
//! hold.
//!
//! The scratch state lives in one buffer per thread and is reset by undoing
//! exactly what an event touched, so an event costs nothing in proportion
//! to the number of rules and allocates nothing once warm.

use serde_json::Value;

use super::scope::Scope;
use super::RuleSet;
use crate::event::Event;

/// Per-thread state for one event at a time.
#[derive(Default)]
pub(super) struct Scratch {
    /// Literal ids already found in this event.
    literal_seen: Vec<bool>,
    literals: Vec<u32>,
    /// Clauses already satisfied in this event.
    clause_seen: Vec<bool>,
    /// Satisfied clauses per rule, for the rules touched.
    satisfied: Vec<u32>,
    touched: Vec<u32>,
    text: String,
}

impl Scratch {
    /// Sizes the buffers for `set` (they only grow).
    pub(super) fn prepare(&mut self, set: &RuleSet) {
        grow(&mut self.literal_seen, set.satisfies.len(), false);
        grow(&mut self.clause_seen, set.clause_rule.len(), false);
        grow(&mut self.satisfied, set.clauses.len(), 0);
    }

    /// Records every literal the event holds where rules look for it.
    pub(super) fn scan(&mut self, set: &RuleSet, event: &Event) {
        let Scratch {
            literal_seen,
            literals,
            text,
            ..
        } = self;
        let mut found = |id: u32| {
            if !literal_seen[id as usize] {
                literal_seen[id as usize] = true;
                literals.push(id);
            }
        };
        if let Some(map) = event.root().as_object() {
            for (key, value) in map {
                let Some(scopes) = set.flat.get(key.as_str()) else {
                    continue;
                };
                for &scope in scopes {
                    field_values(value, &mut |v| set.scopes[scope].scan(v, text, &mut found));
                }
            }
        }
        for (path, scope) in &set.dotted {
            event.any_value(path, &mut |v| {
                field_values(v, &mut |v| set.scopes[*scope].scan(v, text, &mut found));
                false
            });
        }
        if !set.anywhere.is_empty() {
            let scope: &Scope = &set.anywhere;
            event.any_leaf(&mut |v| {
                scope.scan(v, text, &mut found);
                false
            });
        }
    }

    /// Adds the rules whose clauses all hold to `out`, then resets.
    pub(super) fn settle(&mut self, set: &RuleSet, out: &mut Vec<usize>) {
        for &literal in &self.literals {
            self.literal_seen[literal as usize] = false;
            for &clause in &set.satisfies[literal as usize] {
                let clause = clause as usize;
                if self.clause_seen[clause] {
                    continue;
                }
                self.clause_seen[clause] = true;
                let rule = set.clause_rule[clause];
                let count = &mut self.satisfied[rule as usize];
                if *count == 0 {
                    self.touched.push(rule);
                }
                *count += 1;
                if *count == set.clauses[rule as usize] {
                    out.push(rule as usize);
                }
            }
        }
        self.reset(set);
    }

    fn reset(&mut self, set: &RuleSet) {
        for literal in self.literals.drain(..) {
            for &clause in &set.satisfies[literal as usize] {
                self.clause_seen[clause as usize] = false;
            }
        }
        for rule in self.touched.drain(..) {
            self.satisfied[rule as usize] = 0;
        }
    }
}

/// The values a field holding `value` offers a leaf: lists are flattened,
/// as `Event::any_value` does; objects and null hold no text.
fn field_values(value: &Value, visit: &mut impl FnMut(&Value)) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| field_values(item, visit)),
        other => visit(other),
    }
}

fn grow<T: Clone>(buf: &mut Vec<T>, len: usize, fill: T) {
    if buf.len() < len {
        buf.resize(len, fill);
    }
}
