//! The compiled form of a selection and its evaluation against an event.
//!
//! Everything here is decided already: patterns are folded, regexes built,
//! variants expanded. Matching only walks the tree. Each event value a field
//! resolves to is wrapped once in a [`Subject`] whose text and folded text
//! are shared by every leaf that looks at it; folding allocates only when
//! the value is not already lowercase ASCII.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::net::IpAddr;

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use regex::Regex;
use serde_json::Value;

use super::modifier::{CmpOp, TimePart};
use super::number::{self, Number};
use super::pattern::{fold, StrMatch};
use crate::event::Event;

/// A selection: ANDs and ORs of items.
#[derive(Debug)]
pub(crate) enum Matcher {
    All(Vec<Matcher>),
    Any(Vec<Matcher>),
    Item(Item),
    Exists { field: String, present: bool },
}

impl Matcher {
    pub(crate) fn matches(&self, event: &Event) -> bool {
        match self {
            Matcher::All(parts) => parts.iter().all(|m| m.matches(event)),
            Matcher::Any(parts) => parts.iter().any(|m| m.matches(event)),
            Matcher::Item(item) => item.matches(event),
            Matcher::Exists { field, present } => event.has_field(field) == *present,
        }
    }
}

/// Where an item looks: one field, or every value (keyword search).
#[derive(Debug)]
pub(crate) enum Target {
    Field(String),
    AnyLeaf,
}

/// One `field|modifiers: values` entry.
#[derive(Debug)]
pub(crate) struct Item {
    pub target: Target,
    /// With `all`, every group must hold; otherwise any one.
    pub groups: Vec<Group>,
    pub all: bool,
    /// `neq`: the item holds when its values do not.
    pub negate: bool,
}

impl Item {
    fn matches(&self, event: &Event) -> bool {
        let hit = if self.all {
            self.groups.iter().all(|g| g.matches(&self.target, event))
        } else {
            self.groups.iter().any(|g| g.matches(&self.target, event))
        };
        hit != self.negate
    }
}

/// Alternatives that stand for one written value (its windash or base64
/// variants, say): the group holds when any of them does.
#[derive(Debug)]
pub(crate) struct Group {
    pub leaves: Vec<Leaf>,
}

impl Group {
    fn matches(&self, target: &Target, event: &Event) -> bool {
        let mut seen = false;
        let mut visit = |value: &Value| {
            seen = true;
            let subject = Subject::new(value);
            self.leaves.iter().any(|leaf| leaf.test(&subject, event))
        };
        let hit = match target {
            Target::Field(field) => event.any_value(field, &mut visit),
            Target::AnyLeaf => event.any_leaf(&mut visit),
        };
        hit || (!seen && self.leaves.iter().any(|l| matches!(l, Leaf::Null)))
    }
}

/// One compiled value test.
#[derive(Debug)]
pub(crate) enum Leaf {
    /// A missing field or JSON null.
    Null,
    Str(StrMatch),
    /// A plain number in the rule: equals any event value that reads as
    /// the same number ([`number`](super::number)); `text` is as written.
    Num {
        value: Number,
        text: String,
    },
    Regex(Regex),
    Cidr(Network),
    Cmp(CmpOp, f64),
    Time {
        part: TimePart,
        cmp: Option<CmpOp>,
        value: f64,
    },
    FieldRef {
        field: String,
        pattern: RefShape,
        cased: bool,
    },
}

/// How a `fieldref` value compares with the other field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefShape {
    Exact,
    Prefix,
    Suffix,
    Contains,
}

impl Leaf {
    fn test(&self, subject: &Subject, event: &Event) -> bool {
        match self {
            Leaf::Null => subject.value.is_null(),
            Leaf::Str(pattern) => {
                let fast = match subject.ascii() {
                    Some(text) if !pattern.is_cased() => pattern.test_ascii_uncased(text),
                    _ => None,
                };
                fast.unwrap_or_else(|| {
                    subject
                        .text_for(pattern.is_cased())
                        .is_some_and(|t| pattern.test(t))
                })
            }
            Leaf::Num { value, .. } => {
                number::of_value(subject.value).is_some_and(|n| n.same(*value))
            }
            Leaf::Regex(re) => subject.text().is_some_and(|t| re.is_match(t)),
            Leaf::Cidr(net) => subject.text().is_some_and(|t| net.contains(t)),
            Leaf::Cmp(op, bound) => subject.number().is_some_and(|n| op.holds(n, *bound)),
            Leaf::Time { part, cmp, value } => subject
                .text()
                .and_then(|t| time_part(t, *part))
                .is_some_and(|got| match cmp {
                    Some(op) => op.holds(got, *value),
                    None => got == *value,
                }),
            Leaf::FieldRef {
                field,
                pattern,
                cased,
            } => field_ref(subject, event, field, *pattern, *cased),
        }
    }
}

fn field_ref(subject: &Subject, event: &Event, field: &str, shape: RefShape, cased: bool) -> bool {
    let Some(mine) = subject.text_for(cased) else {
        return false;
    };
    event.any_value(field, &mut |other| {
        let other = Subject::new(other);
        other.text_for(cased).is_some_and(|theirs| match shape {
            RefShape::Exact => mine == theirs,
            RefShape::Prefix => mine.starts_with(theirs),
            RefShape::Suffix => mine.ends_with(theirs),
            RefShape::Contains => mine.contains(theirs),
        })
    })
}

/// An event value prepared for the leaves that test it. Its text (numbers
/// rendered) and folded text are built on first use and then shared.
pub(crate) struct Subject<'a> {
    value: &'a Value,
    text: OnceCell<Option<Cow<'a, str>>>,
    /// `Some(None)` once known to be folded already.
    folded: OnceCell<Option<String>>,
    /// Whether the value is an ASCII string, which uncased patterns test
    /// without a folded copy.
    ascii: OnceCell<bool>,
}

impl<'a> Subject<'a> {
    pub(crate) fn new(value: &'a Value) -> Subject<'a> {
        Subject {
            value,
            text: OnceCell::new(),
            folded: OnceCell::new(),
            ascii: OnceCell::new(),
        }
    }

    /// The value's text when it is an ASCII string.
    fn ascii(&self) -> Option<&str> {
        let Value::String(s) = self.value else {
            return None;
        };
        self.ascii
            .get_or_init(|| s.is_ascii())
            .then_some(s.as_str())
    }

    fn text(&self) -> Option<&str> {
        let text = self.text.get_or_init(|| match self.value {
            Value::String(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Number(n) => Some(Cow::Owned(n.to_string())),
            Value::Bool(true) => Some(Cow::Borrowed("true")),
            Value::Bool(false) => Some(Cow::Borrowed("false")),
            Value::Null | Value::Array(_) | Value::Object(_) => None,
        });
        text.as_deref()
    }

    fn folded(&self) -> Option<&str> {
        let text = self.text()?;
        let owned = self.folded.get_or_init(|| match fold(text) {
            Cow::Borrowed(_) => None,
            Cow::Owned(s) => Some(s),
        });
        Some(owned.as_deref().unwrap_or(text))
    }

    fn text_for(&self, cased: bool) -> Option<&str> {
        if cased {
            self.text()
        } else {
            self.folded()
        }
    }

    /// A JSON number, or a string written as one.
    fn number(&self) -> Option<f64> {
        number::of_value(self.value).map(Number::as_f64)
    }
}

/// An IPv4 or IPv6 network.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Network {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Network {
    fn contains(&self, text: &str) -> bool {
        match (self.addr, text.trim().parse::<IpAddr>()) {
            (IpAddr::V4(net), Ok(IpAddr::V4(ip))) => {
                mask_v4(ip.to_bits(), self.prefix) == net.to_bits()
            }
            (IpAddr::V6(net), Ok(IpAddr::V6(ip))) => {
                mask_v6(ip.to_bits(), self.prefix) == net.to_bits()
            }
            _ => false,
        }
    }
}

pub(crate) fn mask_v4(bits: u32, prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        bits & (u32::MAX << (32 - u32::from(prefix)))
    }
}

pub(crate) fn mask_v6(bits: u128, prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        bits & (u128::MAX << (128 - u32::from(prefix)))
    }
}

/// A part of an RFC 3339 timestamp, in the timestamp's own offset.
fn time_part(text: &str, part: TimePart) -> Option<f64> {
    let at: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(text.trim()).ok()?;
    let n = match part {
        TimePart::Minute => at.minute(),
        TimePart::Hour => at.hour(),
        TimePart::Day => at.day(),
        TimePart::Week => at.iso_week().week(),
        TimePart::Month => at.month(),
        TimePart::Year => return Some(f64::from(at.year())),
    };
    Some(f64::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_keep_the_network_bits() {
        assert_eq!(mask_v4(0xac1f_ff01, 12), 0xac10_0000);
        assert_eq!(mask_v4(0xffff_ffff, 0), 0);
        assert_eq!(mask_v4(0x0a00_0001, 32), 0x0a00_0001);
        assert_eq!(mask_v6(u128::MAX, 64), u128::MAX << 64);
    }

    #[test]
    fn subjects_fold_only_when_needed() {
        let lower = json!("already lower");
        let s = Subject::new(&lower);
        assert_eq!(s.folded(), Some("already lower"));
        assert_eq!(s.folded.get(), Some(&None), "no copy for folded text");
        let number = json!(42);
        assert_eq!(Subject::new(&number).text(), Some("42"));
        assert_eq!(Subject::new(&json!({"a": 1})).text(), None);
    }

    #[test]
    fn time_parts_read_rfc3339_in_its_offset() {
        let at = "2024-12-30T23:59:00+09:00";
        assert_eq!(time_part(at, TimePart::Hour), Some(23.0));
        assert_eq!(time_part(at, TimePart::Week), Some(1.0));
        assert_eq!(time_part(at, TimePart::Year), Some(2024.0));
        assert_eq!(time_part("yesterday", TimePart::Day), None);
    }
}
