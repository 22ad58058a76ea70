//! The literals a rule cannot match without: the compile-time half of the
//! rule set's prefilter.
//!
//! Each part of a rule is read for text that any event it matches must
//! contain in some value: a string pattern needs its longest literal run,
//! an OR needs one of its branches' literals, an AND needs the literals of
//! any one branch (the most selective is kept). A test with no usable
//! text (a regex, a comparison, a bare `*`) still needs its field to hold a
//! scalar value. Anything that can hold on an event lacking the field —
//! `not`, `null`, `exists`, keywords without text — needs nothing, and a
//! rule that needs nothing is evaluated on every event. The result must only ever be too
//! permissive, never too strict: a wrongly skipped rule is a lost alert.

use std::collections::BTreeSet;

use super::condition::Cond;
use super::matcher::{Group, Item, Leaf, Matcher, Target};
use super::Rule;

/// Something a value of an event must hold: a value of the named field
/// (as `Event::any_value` resolves it), or any value for keywords.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Lit {
    /// Occurs in the value's folded text.
    Text { field: Option<String>, text: String },
    /// Is the value of a number, or of a string of digits.
    Int { field: String, value: i64 },
    /// Is any value of the field at all, other than null, a list or an
    /// object: what a test with no usable text (a regex, a comparison, a
    /// short pattern) cannot hold without.
    Has { field: String },
}

/// One literal of these is held by some value of the event.
pub(crate) type Clause = BTreeSet<Lit>;

/// Shorter texts occur in nearly every event and cost a report each time
/// they are found; a part needing one counts as needing nothing.
const MIN_TEXT: usize = 2;

/// At most this many clauses are kept for one part; more would filter a
/// little better and cost more per event.
const MAX_CLAUSES: usize = 3;

/// What an event must contain for a rule (or a part of it) to hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// No text is known to be required.
    Unknown,
    /// Every clause holds, most selective first (never empty: no clause
    /// is [`Need::Unknown`]). An empty clause means the part never holds.
    All(Vec<Clause>),
}

impl Need {
    fn literal(lit: Lit) -> Need {
        Need::All(vec![BTreeSet::from([lit])])
    }

    fn never() -> Need {
        Need::All(vec![BTreeSet::new()])
    }
}

/// How selective a clause is: its weakest literal (short texts occur
/// everywhere, long ones are about as good as each other), then fewer.
fn rank(clause: &Clause) -> (usize, std::cmp::Reverse<usize>) {
    let weakest = clause.iter().map(strength).min().unwrap_or(usize::MAX);
    (weakest, std::cmp::Reverse(clause.len()))
}

fn strength(lit: &Lit) -> usize {
    match lit {
        Lit::Text { text, .. } => text.len().min(8),
        // Event ids: a handful of values cover most events.
        Lit::Int { .. } => 4,
        // Whole families of events carry the field.
        Lit::Has { .. } => 1,
    }
}

/// Orders clauses best first, drops repeats, keeps the best few.
fn best(mut clauses: Vec<Clause>) -> Need {
    if clauses.is_empty() {
        return Need::Unknown;
    }
    if clauses.iter().any(BTreeSet::is_empty) {
        return Need::never();
    }
    clauses.sort_by(|a, b| rank(b).cmp(&rank(a)).then_with(|| a.cmp(b)));
    clauses.dedup();
    clauses.truncate(MAX_CLAUSES);
    Need::All(clauses)
}

/// The need of a whole rule. Filters are ANDed with the detection, so the
/// detection's need is enough.
pub(crate) fn rule(rule: &Rule) -> Need {
    let (selections, condition) = rule.detection.parts();
    let needs: Vec<Need> = selections.iter().map(matcher).collect();
    cond(condition, &needs)
}

fn cond(c: &Cond, selections: &[Need]) -> Need {
    let of = |i: &usize| selection(selections, *i);
    match c {
        Cond::Ref(i) => of(i),
        Cond::Not(_) => Need::Unknown,
        Cond::And(parts) => all(parts.iter().map(|p| cond(p, selections))),
        Cond::Or(parts) => any(parts.iter().map(|p| cond(p, selections))),
        Cond::AllOf(ids) => all(ids.iter().map(of)),
        Cond::AnyOf(ids) => any(ids.iter().map(of)),
    }
}

/// A condition naming a selection that does not exist evaluates false.
fn selection(selections: &[Need], i: usize) -> Need {
    selections.get(i).cloned().unwrap_or_else(Need::never)
}

pub(crate) fn matcher(m: &Matcher) -> Need {
    match m {
        Matcher::All(parts) => all(parts.iter().map(matcher)),
        Matcher::Any(parts) => any(parts.iter().map(matcher)),
        Matcher::Item(it) => item(it),
        Matcher::Exists { .. } => Need::Unknown,
    }
}

fn item(item: &Item) -> Need {
    if item.negate {
        return Need::Unknown;
    }
    let field = match &item.target {
        Target::Field(name) => Some(name.as_str()),
        Target::AnyLeaf => None,
    };
    let groups = item.groups.iter().map(|g| group(g, field));
    if item.all {
        all(groups)
    } else {
        any(groups)
    }
}

/// A group holds when any leaf does (a `null` leaf also when the field is
/// missing, which needs nothing).
fn group(g: &Group, field: Option<&str>) -> Need {
    any(g.leaves.iter().map(|l| leaf(l, field)))
}

fn leaf(l: &Leaf, field: Option<&str>) -> Need {
    let text = match l {
        // Holds on a missing field: nothing is required.
        Leaf::Null => return Need::Unknown,
        Leaf::Str(pattern) => pattern
            .required_literal()
            .filter(|text| text.len() >= MIN_TEXT)
            .map(|text| Lit::Text {
                field: field.map(str::to_string),
                text,
            }),
        Leaf::Num { text, .. } => number(text, field),
        Leaf::Regex(_)
        | Leaf::Cidr(_)
        | Leaf::Cmp(..)
        | Leaf::Time { .. }
        | Leaf::FieldRef { .. } => None,
    };
    // Every other leaf tests the text or number of a scalar value.
    let has = || {
        field.map(|f| Lit::Has {
            field: f.to_string(),
        })
    };
    text.or_else(has).map_or(Need::Unknown, Need::literal)
}

/// An OR: whichever branch holds, one clause of it holds, so the union of
/// one clause from each branch is a clause of the whole. The j-th clause
/// joins each branch's j-th best (or its last). A branch needing nothing
/// makes the whole need nothing; an OR of nothing never holds.
fn any(needs: impl Iterator<Item = Need>) -> Need {
    let mut branches = Vec::new();
    for need in needs {
        match need {
            Need::Unknown => return Need::Unknown,
            Need::All(clauses) => branches.push(clauses),
        }
    }
    let width = branches.iter().map(Vec::len).max().unwrap_or(1);
    let clauses = (0..width)
        .map(|j| {
            let pick = |b: &Vec<Clause>| b.get(j).or(b.last()).cloned().unwrap_or_default();
            branches.iter().flat_map(pick).collect::<Clause>()
        })
        .collect();
    best(clauses)
}

/// An AND: every branch holds, so every clause of every branch does.
fn all(needs: impl Iterator<Item = Need>) -> Need {
    let clauses = needs
        .flat_map(|need| match need {
            Need::Unknown => Vec::new(),
            Need::All(clauses) => clauses,
        })
        .collect();
    best(clauses)
}

/// A plain number matches a JSON number of the same value or the same
/// text; for a small integer both hold that integer (the scan reads
/// numbers and strings of digits as integers).
fn number(text: &str, field: Option<&str>) -> Option<Lit> {
    Some(Lit::Int {
        field: field?.to_string(),
        value: small_integer(text)?,
    })
}

/// An optional `-` and one to nine digits, read as an integer.
pub(crate) fn small_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let small = (1..=9).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    small.then(|| text.parse().ok()).flatten()
}
