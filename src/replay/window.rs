//! Sliding-window evaluation of one correlation over its occurrences.
//!
//! The window slides with each occurrence: it holds every occurrence of
//! the same group no older than `timespan` before the newest one (both ends
//! included), so a burst that straddles a clock boundary (10:58 to 11:02)
//! is seen whole, unlike a fixed hourly bucket. A correlation fires at the
//! occurrence that makes its condition hold, and fires again only after
//! the condition stopped holding: a burst of fifty denials is one alert,
//! not forty-eight.
//!
//! Pure: occurrences in, firings out. Nothing here reads files or knows
//! about fixtures.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset};
use serde_json::Value;

use crate::event::Event;
use crate::sigma::correlation::{Correlation, Kind};

/// One thing a correlation counts: a base rule's match, or the firing of
/// a correlation it chains on.
#[derive(Clone, Debug)]
pub(crate) struct Occurrence {
    pub at: DateTime<FixedOffset>,
    /// The 1-based position of the (completing) event.
    pub position: usize,
    pub line: usize,
    /// Which entry of the correlation's `rules` it comes from.
    pub rule: usize,
    /// The event group-by and value fields are read from.
    pub event: Arc<Event>,
    /// Every event position it stands for.
    pub events: Vec<usize>,
}

/// A firing: the completing occurrence and every event in its window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Firing {
    pub completing: usize,
    pub events: Vec<usize>,
}

/// An occurrence ready for a window: its group and measured value.
struct Entry<'o> {
    occurrence: &'o Occurrence,
    text: Option<String>,
    number: Option<f64>,
}

/// Evaluates `correlation` over `occurrences` (any order); `fields[r][g]`
/// is the field that group-by name `g` reads in events of rule entry `r`.
/// Firings come back in time order, each naming its occurrence's index.
pub(crate) fn evaluate(
    correlation: &Correlation,
    fields: &[Vec<String>],
    occurrences: &[Occurrence],
) -> Vec<Firing> {
    let mut order: Vec<usize> = (0..occurrences.len()).collect();
    order.sort_by_key(|&i| {
        let o = &occurrences[i];
        (o.at, o.position, o.rule)
    });
    let span = Duration::seconds(correlation.timespan);
    let mut groups: BTreeMap<Vec<String>, (VecDeque<Entry>, bool)> = BTreeMap::new();
    let mut firings = Vec::new();
    for index in order {
        let occurrence = &occurrences[index];
        let Some((group, entry)) = prepare(correlation, fields, occurrence) else {
            continue;
        };
        let (window, active) = groups.entry(group).or_default();
        while window
            .front()
            .is_some_and(|e| occurrence.at - e.occurrence.at > span)
        {
            window.pop_front();
        }
        window.push_back(entry);
        let holds = measure(correlation, window)
            .is_some_and(|value| correlation.condition.iter().all(|t| t.holds(value)));
        if holds && !*active {
            firings.push(Firing {
                completing: index,
                events: members(window),
            });
        }
        *active = holds;
    }
    firings
}

/// The group key and value of an occurrence; `None` when a group-by field
/// or the measured field is missing (it cannot be placed in any group).
fn prepare<'o>(
    correlation: &Correlation,
    fields: &[Vec<String>],
    occurrence: &'o Occurrence,
) -> Option<(Vec<String>, Entry<'o>)> {
    let event = &occurrence.event;
    let group = fields
        .get(occurrence.rule)?
        .iter()
        .map(|field| event.first_value(field).and_then(text))
        .collect::<Option<Vec<String>>>()?;
    let value = match &correlation.kind {
        Kind::ValueCount { field }
        | Kind::ValueSum { field }
        | Kind::ValueAvg { field }
        | Kind::ValuePercentile { field, .. } => Some(event.first_value(field)?),
        _ => None,
    };
    let number = value.and_then(number);
    let numeric = matches!(
        correlation.kind,
        Kind::ValueSum { .. } | Kind::ValueAvg { .. } | Kind::ValuePercentile { .. }
    );
    if numeric && number.is_none() {
        return None;
    }
    let entry = Entry {
        occurrence,
        text: value.and_then(text),
        number,
    };
    Some((group, entry))
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

/// The value the condition compares: a count, a sum, an average...
fn measure(correlation: &Correlation, window: &VecDeque<Entry>) -> Option<f64> {
    let numbers = || window.iter().filter_map(|e| e.number);
    Some(match &correlation.kind {
        Kind::EventCount => window.len() as f64,
        Kind::ValueCount { .. } => {
            let distinct: BTreeSet<&str> =
                window.iter().filter_map(|e| e.text.as_deref()).collect();
            distinct.len() as f64
        }
        Kind::Temporal => {
            let rules: BTreeSet<usize> = window.iter().map(|e| e.occurrence.rule).collect();
            rules.len() as f64
        }
        Kind::TemporalOrdered => ordered_prefix(window) as f64,
        Kind::ValueSum { .. } => numbers().sum(),
        Kind::ValueAvg { .. } => numbers().sum::<f64>() / window.len() as f64,
        Kind::ValuePercentile { percentile, .. } => {
            let mut values: Vec<f64> = numbers().collect();
            values.sort_by(f64::total_cmp);
            let rank = (percentile / 100.0 * values.len() as f64).ceil() as usize;
            *values.get(rank.max(1) - 1)?
        }
    })
}

/// How many of the rule entries (0, 1, 2...) occur in that order.
fn ordered_prefix(window: &VecDeque<Entry>) -> usize {
    window.iter().fold(0, |next, e| {
        if e.occurrence.rule == next {
            next + 1
        } else {
            next
        }
    })
}

fn members(window: &VecDeque<Entry>) -> Vec<usize> {
    let events: BTreeSet<usize> = window
        .iter()
        .flat_map(|e| e.occurrence.events.iter().copied())
        .collect();
    events.into_iter().collect()
}

#[cfg(test)]
mod tests;
