//! Many rules prepared to meet many events: each event is read once and
//! offered only to the rules that can match it.
//!
//! At build time every rule's required literals ([`prefilter`]) go into one
//! Aho-Corasick automaton. Per event, each scalar value's folded text is
//! scanned once; a rule is a candidate when every one of its clauses had a
//! literal found, or when it needs no literal. Evaluating only the
//! candidates gives the same alerts as evaluating every rule: a skipped rule
//! lacks a text that every event it matches contains.

use std::cell::RefCell;
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde_json::Value;

use super::prefilter::{self, Lit, Need};
use super::Rule;
use crate::event::Event;

mod scan;

/// A set of compiled rules with their literal prefilter.
#[derive(Debug)]
pub struct RuleSet {
    /// Over every required text; `None` when no rule needs one.
    searcher: Option<AhoCorasick>,
    /// The literal id of each of the searcher's patterns.
    text_ids: Vec<u32>,
    /// Required integers and their literal ids, sorted.
    ints: Vec<(i64, u32)>,
    /// The clauses each literal (by literal id) satisfies.
    satisfies: Vec<Vec<u32>>,
    /// The rule each clause belongs to.
    clause_rule: Vec<u32>,
    /// How many clauses each rule has (0 for rules in `always`).
    clauses: Vec<u32>,
    /// Rules that need no literal, ascending.
    always: Vec<usize>,
}

/// Literals and clauses as they are gathered, before the automaton.
#[derive(Default)]
struct Builder {
    ids: HashMap<Lit, usize>,
    texts: Vec<String>,
    text_ids: Vec<u32>,
    ints: Vec<(i64, u32)>,
    satisfies: Vec<Vec<u32>>,
    clause_rule: Vec<u32>,
}

impl Builder {
    fn add_clause(&mut self, rule: usize, clause: prefilter::Clause) {
        let clause_id = self.clause_rule.len() as u32;
        self.clause_rule.push(rule as u32);
        for literal in clause {
            let id = match self.ids.get(&literal) {
                Some(&id) => id,
                None => self.add_literal(literal),
            };
            self.satisfies[id].push(clause_id);
        }
    }

    fn add_literal(&mut self, literal: Lit) -> usize {
        let id = self.satisfies.len();
        self.satisfies.push(Vec::new());
        self.ids.insert(literal.clone(), id);
        match literal {
            Lit::Text(text) => {
                self.texts.push(text);
                self.text_ids.push(id as u32);
            }
            Lit::Int(n) => self.ints.push((n, id as u32)),
        }
        id
    }
}

impl RuleSet {
    /// Prepares `rules`; candidates are reported as indices into it.
    pub fn new(rules: &[&Rule]) -> RuleSet {
        let mut builder = Builder::default();
        let mut always = Vec::new();
        let mut clauses = vec![0u32; rules.len()];
        for (index, rule) in rules.iter().enumerate() {
            match prefilter::rule(rule) {
                Need::Unknown => always.push(index),
                Need::All(list) => {
                    clauses[index] = list.len() as u32;
                    list.into_iter()
                        .for_each(|clause| builder.add_clause(index, clause));
                }
            }
        }
        let searcher = searcher(&builder.texts);
        if searcher.is_none() && !builder.texts.is_empty() {
            // Without an automaton nothing can be skipped safely.
            always = (0..rules.len()).collect();
        }
        builder.ints.sort_unstable();
        RuleSet {
            searcher,
            text_ids: builder.text_ids,
            ints: builder.ints,
            satisfies: builder.satisfies,
            clause_rule: builder.clause_rule,
            clauses,
            always,
        }
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

    /// How many distinct literals the automaton looks for.
    pub fn literals(&self) -> usize {
        self.satisfies.len()
    }

    /// Fills `out` with the indices, ascending, of the rules that may
    /// match `event`; every other rule certainly does not.
    pub fn candidates(&self, event: &Event, out: &mut Vec<usize>) {
        out.clear();
        out.extend_from_slice(&self.always);
        if self.searcher.is_some() || !self.ints.is_empty() {
            SCRATCH.with(|scratch| {
                let mut scratch = scratch.borrow_mut();
                scratch.prepare(self);
                scratch.scan(self, event);
                scratch.settle(self, out);
            });
        }
        out.sort_unstable();
    }
}

thread_local! {
    static SCRATCH: RefCell<scan::Scratch> = RefCell::new(scan::Scratch::default());
}

/// One automaton over all literals, which are folded; values are folded
/// before they are scanned.
fn searcher(literals: &[String]) -> Option<AhoCorasick> {
    if literals.is_empty() {
        return None;
    }
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(literals)
        .ok()
}

/// The text a leaf compares against, folded, into `buf` (or borrowed when
/// it is already folded).
fn folded_text<'v>(value: &'v Value, buf: &'v mut String) -> Option<&'v str> {
    use std::fmt::Write;
    buf.clear();
    match value {
        Value::String(s) if s.is_ascii() => {
            if !s.bytes().any(|b| b.is_ascii_uppercase()) {
                return Some(s);
            }
            buf.push_str(s);
            buf.make_ascii_lowercase();
        }
        Value::String(s) => buf.push_str(&super::pattern::fold(s)),
        Value::Number(n) => write!(buf, "{n}").ok()?,
        Value::Bool(b) => return Some(if *b { "true" } else { "false" }),
        Value::Null | Value::Array(_) | Value::Object(_) => return None,
    }
    Some(buf)
}

/// The integer a number or a string of digits stands for, as the
/// prefilter's [`Lit::Int`] reads it.
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && f.abs() < 1e10).then_some(f as i64)
        }),
        Value::String(s) => prefilter::small_integer(s),
        _ => None,
    }
}
