//! Event times for correlation windows, read without losing their offset.
//!
//! `2024-05-01T10:00:00+09:00` is 01:00 UTC: reading the wall-clock part
//! as UTC would move the event nine hours and break every window it sits
//! in, so offsets are kept and instants are compared. A time written with
//! no offset at all (Sysmon's `UtcTime`, `2024-05-01 10:00:00.123`) is
//! read as UTC, which is what the logs that write it mean. Epoch numbers
//! are seconds, or milliseconds, microseconds or nanoseconds when they are
//! too large to be seconds.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde_json::Value;

/// Formats tried, in order, for times without an offset.
const NAIVE_FORMATS: &[&str] = &["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"];

/// The instant a timestamp value stands for, with its offset.
pub(crate) fn parse(value: &Value) -> Option<DateTime<FixedOffset>> {
    match value {
        Value::String(text) => parse_text(text.trim()),
        Value::Number(n) => match n.as_i64() {
            Some(whole) => from_epoch_whole(whole),
            None => n.as_f64().and_then(from_epoch),
        },
        _ => None,
    }
}

fn parse_text(text: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at);
    }
    let naive = NAIVE_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok());
    if let Some(naive) = naive {
        return Some(naive.and_utc().fixed_offset());
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    let numeric = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    numeric
        .then(|| text.parse::<f64>().ok())
        .flatten()
        .and_then(from_epoch)
}

/// Seconds since 1970, or ms, µs or ns when too large to be seconds
/// (1e11 seconds is the year 5138). Whole numbers keep every digit.
fn from_epoch(number: f64) -> Option<DateTime<FixedOffset>> {
    if !number.is_finite() || number.abs() >= 9e18 {
        return None;
    }
    if number.fract() == 0.0 {
        return from_epoch_whole(number as i64);
    }
    let mut seconds = number;
    while seconds.abs() >= 1e11 {
        seconds /= 1000.0;
    }
    let micros = (seconds * 1e6).round() as i64;
    let (seconds, micros) = (micros.div_euclid(1_000_000), micros.rem_euclid(1_000_000));
    let at = DateTime::<Utc>::from_timestamp(seconds, (micros * 1000) as u32)?;
    Some(at.fixed_offset())
}

fn from_epoch_whole(n: i64) -> Option<DateTime<FixedOffset>> {
    let (per_second, nanos_per_unit) = match n.unsigned_abs() {
        0..100_000_000_000 => (1, 0),
        100_000_000_000..100_000_000_000_000 => (1_000, 1_000_000),
        100_000_000_000_000..100_000_000_000_000_000 => (1_000_000, 1_000),
        _ => (1_000_000_000, 1),
    };
    let seconds = n.div_euclid(per_second);
    let nanos = n.rem_euclid(per_second) * nanos_per_unit;
    let at = DateTime::<Utc>::from_timestamp(seconds, u32::try_from(nanos).ok()?)?;
    Some(at.fixed_offset())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn utc(value: Value) -> String {
        parse(&value)
            .map(|at| at.with_timezone(&Utc).to_rfc3339())
            .unwrap_or_else(|| "none".to_string())
    }

    #[test]
    fn offsets_are_kept_not_dropped() {
        let tokyo = parse(&json!("2024-05-01T10:00:00+09:00")).unwrap();
        assert_eq!(tokyo.offset().local_minus_utc(), 9 * 3600);
        assert_eq!(
            utc(json!("2024-05-01T10:00:00+09:00")),
            "2024-05-01T01:00:00+00:00"
        );
        let london = parse(&json!("2024-05-01T02:00:00Z")).unwrap();
        assert!(tokyo < london, "10:00 in Tokyo comes before 02:00 UTC");
    }

    #[test]
    fn common_forms_are_read() {
        assert_eq!(
            utc(json!("2024-05-01 10:00:00.123")),
            "2024-05-01T10:00:00.123+00:00"
        );
        assert_eq!(
            utc(json!("2024-05-01 10:00:00")),
            "2024-05-01T10:00:00+00:00"
        );
        assert_eq!(
            utc(json!("2024-05-01T10:00:00.5")),
            "2024-05-01T10:00:00.500+00:00"
        );
        assert_eq!(utc(json!(1714557600)), "2024-05-01T10:00:00+00:00");
        assert_eq!(
            utc(json!(1714557600123_i64)),
            "2024-05-01T10:00:00.123+00:00"
        );
        assert_eq!(utc(json!("1714557600")), "2024-05-01T10:00:00+00:00");
        assert_eq!(utc(json!(1714557600.25)), "2024-05-01T10:00:00.250+00:00");
        assert_eq!(
            utc(json!(1714557600123.5)),
            "2024-05-01T10:00:00.123500+00:00"
        );
        assert_eq!(utc(json!(-1.5)), "1969-12-31T23:59:58.500+00:00");
    }

    #[test]
    fn anything_else_has_no_time() {
        for value in [
            json!("yesterday"),
            json!(""),
            json!(null),
            json!(true),
            json!([1]),
        ] {
            assert_eq!(utc(value.clone()), "none", "{value}");
        }
        assert_eq!(utc(json!("2024-13-01 10:00:00")), "none");
    }
}
