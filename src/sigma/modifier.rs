//! Field keys: `field|modifier|modifier...` split into a field name and
//! the modifiers in the order written.
//!
//! Only naming lives here; what a modifier does to a value is in
//! [`super::value`]. An unknown name is kept as an error so the rule can be
//! rejected with every bad modifier listed.

/// A part of a timestamp, for the time modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimePart {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// A numeric comparison, for `lt`, `lte`, `gt`, `gte`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Lt,
    Lte,
    Gt,
    Gte,
}

impl CmpOp {
    pub(crate) fn holds(self, left: f64, right: f64) -> bool {
        match self {
            CmpOp::Lt => left < right,
            CmpOp::Lte => left <= right,
            CmpOp::Gt => left > right,
            CmpOp::Gte => left >= right,
        }
    }
}

/// A value modifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Modifier {
    Contains,
    StartsWith,
    EndsWith,
    All,
    Re,
    /// `i` after `re`: case-insensitive.
    ReIgnoreCase,
    /// `m` after `re`: `^` and `$` match at line ends.
    ReMultiLine,
    /// `s` after `re`: `.` matches a newline.
    ReDotAll,
    Base64,
    Base64Offset,
    Utf16Le,
    Utf16Be,
    /// UTF-16 little endian with a byte order mark.
    Utf16,
    Windash,
    Cidr,
    Cmp(CmpOp),
    Exists,
    Cased,
    Neq,
    FieldRef,
    Expand,
    Time(TimePart),
}

/// Every modifier name; `wide` and `utf16le` are one modifier.
const NAMES: [(&str, Modifier); 31] = [
    ("contains", Modifier::Contains),
    ("startswith", Modifier::StartsWith),
    ("endswith", Modifier::EndsWith),
    ("all", Modifier::All),
    ("re", Modifier::Re),
    ("i", Modifier::ReIgnoreCase),
    ("m", Modifier::ReMultiLine),
    ("s", Modifier::ReDotAll),
    ("base64", Modifier::Base64),
    ("base64offset", Modifier::Base64Offset),
    ("utf16le", Modifier::Utf16Le),
    ("wide", Modifier::Utf16Le),
    ("utf16be", Modifier::Utf16Be),
    ("utf16", Modifier::Utf16),
    ("windash", Modifier::Windash),
    ("cidr", Modifier::Cidr),
    ("exists", Modifier::Exists),
    ("cased", Modifier::Cased),
    ("neq", Modifier::Neq),
    ("fieldref", Modifier::FieldRef),
    ("expand", Modifier::Expand),
    ("lt", Modifier::Cmp(CmpOp::Lt)),
    ("lte", Modifier::Cmp(CmpOp::Lte)),
    ("gt", Modifier::Cmp(CmpOp::Gt)),
    ("gte", Modifier::Cmp(CmpOp::Gte)),
    ("minute", Modifier::Time(TimePart::Minute)),
    ("hour", Modifier::Time(TimePart::Hour)),
    ("day", Modifier::Time(TimePart::Day)),
    ("week", Modifier::Time(TimePart::Week)),
    ("month", Modifier::Time(TimePart::Month)),
    ("year", Modifier::Time(TimePart::Year)),
];

impl Modifier {
    fn from_name(name: &str) -> Option<Modifier> {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
    }

    /// The name as written in rules, for error messages.
    pub(crate) fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("?", |(n, _)| n)
    }
}

/// A parsed detection key.
#[derive(Debug, PartialEq)]
pub(crate) struct Key<'a> {
    /// The field name; empty for a keyword list (`'|all'`).
    pub field: &'a str,
    pub modifiers: Vec<Modifier>,
    /// Names that are not modifiers, for the error message.
    pub unknown: Vec<&'a str>,
}

/// Splits `field|a|b` into its field and modifiers.
pub(crate) fn parse_key(key: &str) -> Key<'_> {
    let mut parts = key.split('|');
    let field = parts.next().unwrap_or_default();
    let mut parsed = Key {
        field,
        modifiers: Vec::new(),
        unknown: Vec::new(),
    };
    for name in parts {
        match Modifier::from_name(name) {
            Some(modifier) => parsed.modifiers.push(modifier),
            None => parsed.unknown.push(name),
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_field_and_modifiers_in_order() {
        let key = parse_key("CommandLine|windash|contains|all");
        assert_eq!(key.field, "CommandLine");
        assert_eq!(
            key.modifiers,
            vec![Modifier::Windash, Modifier::Contains, Modifier::All]
        );
        assert!(key.unknown.is_empty());
    }

    #[test]
    fn keeps_unknown_names() {
        let key = parse_key("a|contains|bogus|gte");
        assert_eq!(key.unknown, vec!["bogus"]);
        assert_eq!(
            key.modifiers,
            vec![Modifier::Contains, Modifier::Cmp(CmpOp::Gte)]
        );
    }

    #[test]
    fn keyword_keys_have_no_field() {
        let key = parse_key("|all");
        assert_eq!(key.field, "");
        assert_eq!(key.modifiers, vec![Modifier::All]);
    }
}
