//! What is looked for in one place of an event, and how a value is read
//! for it: folded text for the automaton, an integer for the exact table.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde_json::Value;

use super::super::number::{self, Number};
use super::super::pattern::fold;

/// Up to this many texts, a scope's automaton ignores ASCII case and ASCII
/// values are scanned without a folded copy; beyond it the automaton would
/// grow too large to build quickly.
const RAW_ASCII_MAX: usize = 1000;

/// Up to this many texts, a scope's automaton is a DFA: one table lookup
/// per byte, about a quarter faster to scan than the NFA on the SigmaHQ
/// Windows rules. Larger sets build slowly as DFAs and scan no faster.
const DFA_MAX: usize = 128;

fn kind(texts: usize) -> AhoCorasickKind {
    if texts <= DFA_MAX {
        AhoCorasickKind::DFA
    } else {
        AhoCorasickKind::ContiguousNFA
    }
}

/// The literals of one field (or of every value, for keywords).
#[derive(Debug, Default)]
pub(super) struct Scope {
    /// Over the folded texts; `None` when there are none.
    searcher: Option<AhoCorasick>,
    /// Whether the searcher ignores ASCII case.
    raw_ascii: bool,
    /// The literal id of each of the searcher's patterns.
    text_ids: Vec<u32>,
    /// Integers and their literal ids, sorted.
    ints: Vec<(i64, u32)>,
    /// The literal id of "the field holds a scalar", if a rule needs it.
    has: Option<u32>,
}

impl Scope {
    /// Builds a scope; `None` when its automaton cannot be built, which
    /// leaves nothing safe to skip.
    pub(super) fn new(
        texts: &[String],
        text_ids: Vec<u32>,
        mut ints: Vec<(i64, u32)>,
        has: Option<u32>,
    ) -> Option<Scope> {
        let raw_ascii = texts.len() <= RAW_ASCII_MAX;
        let searcher = match texts {
            [] => None,
            _ => Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(kind(texts.len())))
                    .ascii_case_insensitive(raw_ascii)
                    .build(texts)
                    .ok()?,
            ),
        };
        ints.sort_unstable();
        Some(Scope {
            searcher,
            raw_ascii,
            text_ids,
            ints,
            has,
        })
    }

    pub(super) fn is_empty(&self) -> bool {
        self.searcher.is_none() && self.ints.is_empty() && self.has.is_none()
    }

    /// Reports the id of every literal `value` holds; `text` is scratch.
    pub(super) fn scan(&self, value: &Value, text: &mut String, found: &mut impl FnMut(u32)) {
        if let Some(id) = self.has {
            if matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
                found(id);
            }
        }
        if !self.ints.is_empty() {
            if let Some(n) = integer(value) {
                if let Ok(at) = self.ints.binary_search_by_key(&n, |&(k, _)| k) {
                    found(self.ints[at].1);
                }
            }
        }
        let Some(searcher) = &self.searcher else {
            return;
        };
        let raw = match value {
            Value::String(s) if self.raw_ascii && s.is_ascii() => Some(s.as_str()),
            _ => None,
        };
        if let Some(folded) = raw.or_else(|| folded_text(value, text)) {
            for hit in searcher.find_overlapping_iter(folded) {
                found(self.text_ids[hit.pattern().as_usize()]);
            }
        }
    }
}

/// The text a leaf compares against, folded: borrowed when it already is,
/// else built in `buf`.
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
        Value::String(s) => buf.push_str(&fold(s)),
        Value::Number(n) => write!(buf, "{n}").ok()?,
        Value::Bool(b) => return Some(if *b { "true" } else { "false" }),
        Value::Null | Value::Array(_) | Value::Object(_) => return None,
    }
    Some(buf)
}

/// The integer a number, or a string written as one (`"5"`, `"5.0"`,
/// `"05"`), stands for: whatever a plain number leaf would find equal.
fn integer(value: &Value) -> Option<i64> {
    number::of_value(value).and_then(Number::as_i64)
}

/// Top-level keys to the scopes their values feed.
pub(super) type FieldTable = HashMap<String, Vec<usize>, BuildHasherDefault<KeyHasher>>;

/// A multiply-rotate hash for short field names: the table is read once
/// per key per event and its keys come from rules, not from input, so
/// collision attacks are not a concern and SipHash's cost is.
#[derive(Default, Clone, Copy)]
pub(super) struct KeyHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl KeyHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}
