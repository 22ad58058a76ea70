//! How the engine reads numbers, in rules and in events alike.
//!
//! One rule everywhere a number is read (plain equality, `neq`, `lt`,
//! `lte`, `gt`, `gte`, time parts): a JSON number is a number, and a string
//! is a number only when it is written as a decimal number, exactly: an
//! optional sign, digits, an optional fraction (`.` and digits) and an
//! optional exponent (`e` or `E`, an optional sign, digits), with nothing
//! around it. `inf`, `NaN`, hex (`0x3e7`) and ` 5` are text. Two numbers
//! are equal when they have the same value (`5`, `"5"`, `"5.0"`, `"05"`,
//! `"5e0"`); integers are compared exactly, anything else as `f64`.

use serde_json::Value;

/// A number read from a rule or an event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Number {
    /// Written without fraction or exponent, and small enough to hold.
    Int(i128),
    Float(f64),
}

impl Number {
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Number::Int(n) => n as f64,
            Number::Float(f) => f,
        }
    }

    /// Whether both stand for the same value.
    pub(crate) fn same(self, other: Number) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (a, b) => a.as_f64() == b.as_f64(),
        }
    }

    /// The integer this is, when it is one that fits an `i64`.
    pub(crate) fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(n) => i64::try_from(n).ok(),
            // Beyond 2^53 every f64 is whole; such values are not exact.
            Number::Float(f) => (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64),
        }
    }
}

/// Reads text written as a decimal number; `None` for anything else.
pub(crate) fn parse(text: &str) -> Option<Number> {
    let bytes = text.as_bytes();
    let mut at = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at > start
    };
    if !digits(&mut at) {
        return None;
    }
    let whole = at;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        if !digits(&mut at) {
            return None;
        }
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        at += usize::from(matches!(bytes.get(at), Some(b'+' | b'-')));
        if !digits(&mut at) {
            return None;
        }
    }
    if at != bytes.len() {
        return None;
    }
    if whole == bytes.len() {
        if let Ok(n) = text.parse::<i128>() {
            return Some(Number::Int(n));
        }
    }
    text.parse::<f64>().ok().map(Number::Float)
}

/// A JSON number, or a string written as one.
pub(crate) fn of_value(value: &Value) -> Option<Number> {
    match value {
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Some(Number::Int(i.into())),
            (None, Some(u)) => Some(Number::Int(u.into())),
            (None, None) => n.as_f64().map(Number::Float),
        },
        Value::String(s) => parse(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_decimal_spellings_are_numbers() {
        for yes in ["5", "-5", "+5", "05", "5.0", "5e0", "5E+0", "50e-1", "0.5"] {
            assert!(parse(yes).is_some(), "{yes}");
        }
        for no in [
            "inf", "Infinity", "-inf", "NaN", "nan", "0x3e7", "", "+", "5.", ".5", "5e", " 5",
            "5 ", "1_000", "5f", "٥",
        ] {
            assert!(parse(no).is_none(), "{no}");
        }
    }

    #[test]
    fn equal_values_are_the_same_number() {
        let five = parse("5").unwrap();
        for same in ["5", "05", "5.0", "5e0", "+5", "0.5e1"] {
            assert!(five.same(parse(same).unwrap()), "{same}");
        }
        assert!(!five.same(parse("5.000001").unwrap()));
        // Integers beyond f64 precision stay exact.
        let big = parse("18446744073709551615").unwrap();
        assert!(!big.same(parse("18446744073709551614").unwrap()));
        assert!(big.same(of_value(&serde_json::json!(u64::MAX)).unwrap()));
        assert_eq!(parse("5.0").unwrap().as_i64(), Some(5));
        assert_eq!(parse("5.5").unwrap().as_i64(), None);
    }
}
