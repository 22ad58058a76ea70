//! Builds a [`RuleSet`]: numbers every literal and clause, sorts literals
//! into per-field scopes, and routes event fields (and aliases) to them.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::super::prefilter::{self, Clause, Lit, Need};
use super::super::Rule;
use super::scope::{FieldTable, Scope};
use super::RuleSet;

/// Literals gathered for one scope.
#[derive(Default)]
struct Pending {
    texts: Vec<String>,
    text_ids: Vec<u32>,
    ints: Vec<(i64, u32)>,
    has: Option<u32>,
}

/// Literal and clause numbering while rules are read.
#[derive(Default)]
struct Builder {
    ids: HashMap<Lit, u32>,
    satisfies: Vec<Vec<u32>>,
    clause_rule: Vec<u32>,
    /// `None` holds keyword literals.
    scopes: BTreeMap<Option<String>, Pending>,
}

impl Builder {
    fn add_clause(&mut self, rule: usize, clause: Clause) {
        let clause_id = self.clause_rule.len() as u32;
        self.clause_rule.push(rule as u32);
        for literal in clause {
            let id = match self.ids.get(&literal) {
                Some(&id) => id,
                None => self.add_literal(literal),
            };
            self.satisfies[id as usize].push(clause_id);
        }
    }

    fn add_literal(&mut self, literal: Lit) -> u32 {
        let id = self.satisfies.len() as u32;
        self.satisfies.push(Vec::new());
        self.ids.insert(literal.clone(), id);
        match literal {
            Lit::Text { field, text } => {
                let pending = self.scopes.entry(field).or_default();
                pending.texts.push(text);
                pending.text_ids.push(id);
            }
            Lit::Int { field, value } => {
                let pending = self.scopes.entry(Some(field)).or_default();
                pending.ints.push((value, id));
            }
            Lit::Has { field } => self.scopes.entry(Some(field)).or_default().has = Some(id),
        }
        id
    }
}

/// Reads every rule's need and prepares the scans.
pub(super) fn build(rules: &[&Rule], aliases: &[(&str, &str)]) -> RuleSet {
    let mut builder = Builder::default();
    let mut always = Vec::new();
    let mut clauses = vec![0u32; rules.len()];
    let needs: Vec<Need> = rules.par_iter().map(|r| prefilter::rule(r)).collect();
    for (index, need) in needs.into_iter().enumerate() {
        match need {
            Need::Unknown => always.push(index),
            Need::All(list) => {
                clauses[index] = list.len() as u32;
                list.into_iter()
                    .for_each(|clause| builder.add_clause(index, clause));
            }
        }
    }
    let mut set = RuleSet {
        anywhere: Scope::default(),
        scopes: Vec::new(),
        flat: FieldTable::default(),
        dotted: Vec::new(),
        satisfies: builder.satisfies,
        clause_rule: builder.clause_rule,
        clauses,
        always,
    };
    if place_scopes(&mut set, builder.scopes, aliases).is_none() {
        // An automaton failed to build: nothing can be skipped safely.
        set.always = (0..rules.len()).collect();
    }
    set
}

/// Builds each scope's automaton and routes event fields to it.
fn place_scopes(
    set: &mut RuleSet,
    pending: BTreeMap<Option<String>, Pending>,
    aliases: &[(&str, &str)],
) -> Option<()> {
    // Largest first, one task each, so the few big automata (command
    // lines, hashes) start at once on different threads.
    let mut pending: Vec<(Option<String>, Pending)> = pending.into_iter().collect();
    pending.sort_by_key(|(_, p)| std::cmp::Reverse(p.texts.len()));
    let built: Vec<(Option<String>, Option<Scope>)> = pending
        .into_par_iter()
        .with_max_len(1)
        .map(|(field, p)| (field, Scope::new(&p.texts, p.text_ids, p.ints, p.has)))
        .collect();
    for (field, scope) in built {
        let scope = scope?;
        match field {
            None => set.anywhere = scope,
            Some(field) => {
                let index = set.scopes.len();
                set.scopes.push(scope);
                route(set, &field, index);
                for path in aliased(&field, aliases) {
                    route(set, &path, index);
                }
            }
        }
    }
    set.flat.values_mut().for_each(|v| v.dedup());
    set.dotted.sort();
    set.dotted.dedup();
    Some(())
}

/// The event paths whose values a rule's `field` may show through a
/// rename: the renamed field itself, or a path inside it.
fn aliased(field: &str, aliases: &[(&str, &str)]) -> Vec<String> {
    aliases
        .iter()
        .filter_map(|&(rule_name, event_name)| {
            let rest = field.strip_prefix(rule_name)?;
            match rest {
                "" => Some(event_name.to_string()),
                _ if rest.starts_with('.') => Some(format!("{event_name}{rest}")),
                _ => None,
            }
        })
        .collect()
}

/// A path without a dot is one top-level key; others are resolved whole.
fn route(set: &mut RuleSet, path: &str, scope: usize) {
    if path.contains('.') {
        set.dotted.push((path.to_string(), scope));
    } else {
        set.flat.entry(path.to_string()).or_default().push(scope);
    }
}
