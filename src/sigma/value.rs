//! One written value plus its modifiers, compiled into the leaves that
//! test it.
//!
//! Modifiers run in the order written. String modifiers pass each variant
//! of a value through two states: Sigma tokens (wildcards known) and bytes
//! (after a UTF-16 encoding, waiting for base64). The other modifiers
//! (`re`, `cidr`, comparisons, time parts, `fieldref`) take the raw text and
//! build one leaf. Errors are lowercase fragments; the caller adds the
//! position.

use std::net::IpAddr;

use regex::RegexBuilder;

use super::encode;
use super::matcher::{mask_v4, mask_v6, Group, Leaf, Network, RefShape};
use super::modifier::{CmpOp, Modifier, TimePart};
use super::number;
use super::pattern::{self, StrMatch, Tok};
use super::CompileOptions;
use crate::yaml::{Kind, Node, Style};

/// Compiles one value node under the value modifiers of its key (`all`,
/// `neq` and `exists` are the item's business and already removed).
pub(crate) fn compile(
    node: &Node,
    mods: &[Modifier],
    options: &CompileOptions,
) -> Result<Group, String> {
    if node.is_null() {
        return Ok(Group {
            leaves: vec![Leaf::Null],
        });
    }
    let Kind::Scalar { text, style } = &node.kind else {
        return Err(format!(
            "expected a scalar value, found {}",
            node.kind_name()
        ));
    };
    let leaves = match mods.first() {
        Some(Modifier::Re) => vec![regex(text, &mods[1..])?],
        Some(Modifier::Cidr) => vec![Leaf::Cidr(network(text, &mods[1..])?)],
        Some(Modifier::Cmp(op)) => vec![compare(text, *op, &mods[1..])?],
        Some(Modifier::Time(part)) => vec![time(text, *part, &mods[1..])?],
        _ if mods.contains(&Modifier::FieldRef) => vec![field_ref(text, mods)?],
        _ if *style == Style::Plain
            && is_number(text)
            && mods.iter().all(|m| *m == Modifier::Cased) =>
        {
            number_leaf(text)
        }
        _ => strings(text, mods, options)?,
    };
    Ok(Group { leaves })
}

fn number_leaf(text: &str) -> Vec<Leaf> {
    match number::parse(text) {
        Some(value) => vec![Leaf::Num {
            value,
            text: text.to_string(),
        }],
        None => vec![Leaf::Str(StrMatch::new(pattern::parse(text), false))],
    }
}

/// A canonical decimal: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`. A leading zero
/// (`00000429`) or hex (`0x3e7`) keeps the value a string, as YAML 1.1 does.
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let whole_ok = whole == "0"
        || (!whole.is_empty()
            && !whole.starts_with('0')
            && whole.bytes().all(|b| b.is_ascii_digit()));
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    whole_ok && frac_ok
}

fn modifier_after(first: &str, rest: &[Modifier]) -> Result<(), String> {
    match rest.first() {
        Some(other) => Err(format!("modifier {} cannot follow {first}", other.name())),
        None => Ok(()),
    }
}

fn regex(text: &str, flags: &[Modifier]) -> Result<Leaf, String> {
    let mut builder = RegexBuilder::new(text);
    for flag in flags {
        match flag {
            Modifier::ReIgnoreCase => builder.case_insensitive(true),
            Modifier::ReMultiLine => builder.multi_line(true),
            Modifier::ReDotAll => builder.dot_matches_new_line(true),
            other => return Err(format!("modifier {} cannot follow re", other.name())),
        };
    }
    builder
        .build()
        .map(Leaf::Regex)
        .map_err(|e| format!("invalid regular expression: {}", regex_reason(&e)))
}

/// The regex crate's error spans lines with a caret diagram; keep the reason.
fn regex_reason(err: &regex::Error) -> String {
    let text = err.to_string();
    let reason = text.lines().find_map(|l| l.trim().strip_prefix("error: "));
    reason
        .unwrap_or_else(|| text.lines().next().unwrap_or_default())
        .to_string()
}

fn network(text: &str, rest: &[Modifier]) -> Result<Network, String> {
    modifier_after("cidr", rest)?;
    let (addr, prefix) = text.trim().split_once('/').unwrap_or((text.trim(), ""));
    let addr: IpAddr = addr
        .parse()
        .map_err(|_| format!("'{text}' is not an ip network"))?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix: u8 = if prefix.is_empty() {
        max
    } else {
        prefix
            .parse()
            .map_err(|_| format!("'{text}' has a bad prefix length"))?
    };
    if prefix > max {
        return Err(format!("'{text}' has a prefix longer than {max}"));
    }
    let host_bits = match addr {
        IpAddr::V4(a) => mask_v4(a.to_bits(), prefix) != a.to_bits(),
        IpAddr::V6(a) => mask_v6(a.to_bits(), prefix) != a.to_bits(),
    };
    if host_bits {
        return Err(format!("network '{text}' has host bits set"));
    }
    Ok(Network { addr, prefix })
}

/// A comparison bound, read as event values are ([`number`]).
fn parse_number(text: &str, modifier: &str) -> Result<f64, String> {
    number::parse(text)
        .map(number::Number::as_f64)
        .ok_or_else(|| format!("{modifier} needs a number, found '{text}'"))
}

fn compare(text: &str, op: CmpOp, rest: &[Modifier]) -> Result<Leaf, String> {
    let op_name = Modifier::Cmp(op).name();
    modifier_after(op_name, rest)?;
    Ok(Leaf::Cmp(op, parse_number(text, op_name)?))
}

fn time(text: &str, part: TimePart, rest: &[Modifier]) -> Result<Leaf, String> {
    let part_name = Modifier::Time(part).name();
    let (cmp, tail) = match rest.split_first() {
        Some((Modifier::Cmp(op), tail)) => (Some(*op), tail),
        _ => (None, rest),
    };
    modifier_after(part_name, tail)?;
    Ok(Leaf::Time {
        part,
        cmp,
        value: parse_number(text, part_name)?,
    })
}

fn field_ref(text: &str, mods: &[Modifier]) -> Result<Leaf, String> {
    let mut pattern = RefShape::Exact;
    let mut cased = false;
    for modifier in mods {
        match modifier {
            Modifier::FieldRef => {}
            Modifier::Contains => pattern = RefShape::Contains,
            Modifier::StartsWith => pattern = RefShape::Prefix,
            Modifier::EndsWith => pattern = RefShape::Suffix,
            Modifier::Cased => cased = true,
            other => {
                return Err(format!(
                    "modifier {} cannot be used with fieldref",
                    other.name()
                ))
            }
        }
    }
    Ok(Leaf::FieldRef {
        field: text.to_string(),
        pattern,
        cased,
    })
}

/// A value in the string pipeline.
enum Val {
    Toks(Vec<Tok>),
    Bytes(Vec<u8>),
}

struct Variant {
    val: Val,
    /// Base64 output is compared case-sensitively.
    cased: bool,
}

fn strings(text: &str, mods: &[Modifier], options: &CompileOptions) -> Result<Vec<Leaf>, String> {
    let mut variants = vec![Variant {
        val: Val::Toks(pattern::parse(text)),
        cased: false,
    }];
    for modifier in mods {
        let mut next = Vec::with_capacity(variants.len());
        for variant in variants {
            apply(*modifier, variant, options, &mut next)?;
        }
        variants = next;
    }
    variants
        .into_iter()
        .map(|v| Ok(Leaf::Str(StrMatch::new(into_toks(v.val)?, v.cased))))
        .collect()
}

fn apply(
    modifier: Modifier,
    v: Variant,
    options: &CompileOptions,
    out: &mut Vec<Variant>,
) -> Result<(), String> {
    let cased = v.cased;
    let mut push = |val| out.push(Variant { val, cased });
    match modifier {
        Modifier::Expand => expand(into_toks(v.val)?, options)?
            .into_iter()
            .for_each(|t| push(Val::Toks(t))),
        Modifier::Contains => push(Val::Toks(wrap(into_toks(v.val)?, true, true))),
        Modifier::StartsWith => push(Val::Toks(wrap(into_toks(v.val)?, false, true))),
        Modifier::EndsWith => push(Val::Toks(wrap(into_toks(v.val)?, true, false))),
        Modifier::Windash => {
            let toks = into_toks(v.val)?;
            let variants = encode::windash(&toks).ok_or_else(|| {
                format!(
                    "windash value has more than {} option dashes",
                    encode::MAX_WINDASH
                )
            })?;
            variants.into_iter().for_each(|t| push(Val::Toks(t)));
        }
        Modifier::Utf16Le => push(Val::Bytes(encode::utf16le(&text_of(v.val, "utf16le")?))),
        Modifier::Utf16Be => push(Val::Bytes(encode::utf16be(&text_of(v.val, "utf16be")?))),
        Modifier::Utf16 => push(Val::Bytes(encode::utf16_bom(&text_of(v.val, "utf16")?))),
        Modifier::Base64 => out.push(base64_lit(encode::base64(&bytes_of(v.val)?))),
        Modifier::Base64Offset => {
            let bytes = bytes_of(v.val)?;
            let variants =
                encode::base64_offsets(&bytes).ok_or("value is too short for base64offset")?;
            out.extend(variants.into_iter().map(base64_lit));
        }
        Modifier::Cased => out.push(Variant {
            val: v.val,
            cased: true,
        }),
        other => {
            return Err(format!(
                "modifier {} cannot follow string modifiers",
                other.name()
            ))
        }
    }
    Ok(())
}

fn base64_lit(text: String) -> Variant {
    Variant {
        val: Val::Toks(vec![Tok::Lit(text)]),
        cased: true,
    }
}

fn into_toks(val: Val) -> Result<Vec<Tok>, String> {
    match val {
        Val::Toks(toks) => Ok(toks),
        Val::Bytes(_) => {
            Err("an encoding modifier must be followed by base64 or base64offset".to_string())
        }
    }
}

fn text_of(val: Val, modifier: &str) -> Result<String, String> {
    let toks = into_toks(val)?;
    pattern::literal_text(&toks)
        .ok_or_else(|| format!("{modifier} needs a value without wildcards"))
}

fn bytes_of(val: Val) -> Result<Vec<u8>, String> {
    match val {
        Val::Bytes(bytes) => Ok(bytes),
        other => text_of(other, "base64").map(String::into_bytes),
    }
}

fn wrap(mut toks: Vec<Tok>, front: bool, back: bool) -> Vec<Tok> {
    if front && toks.first() != Some(&Tok::Star) {
        toks.insert(0, Tok::Star);
    }
    if back && toks.last() != Some(&Tok::Star) {
        toks.push(Tok::Star);
    }
    toks
}

/// Fills `%name%` placeholders found in literal text; every combination
/// of values is a variant. Values are Sigma strings, so their wildcards
/// work. SigmaHQ writes both `expand|contains` and `contains|expand`.
fn expand(toks: Vec<Tok>, options: &CompileOptions) -> Result<Vec<Vec<Tok>>, String> {
    let mut done = vec![Vec::new()];
    for tok in toks {
        let Tok::Lit(text) = tok else {
            done.iter_mut().for_each(|v| v.push(tok.clone()));
            continue;
        };
        let mut rest = text.as_str();
        while let Some((name, before, after)) = next_placeholder(rest) {
            done.iter_mut()
                .for_each(|v| v.push(Tok::Lit(before.to_string())));
            let values = options
                .placeholders
                .get(name)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    format!("placeholder %{name}% has no values in the configuration")
                })?;
            done = done
                .iter()
                .flat_map(|head| {
                    values
                        .iter()
                        .map(move |v| [head.clone(), pattern::parse(v)].concat())
                })
                .collect();
            rest = after;
        }
        done.iter_mut()
            .for_each(|v| v.push(Tok::Lit(rest.to_string())));
    }
    Ok(done)
}

/// The next `%word%` in `text`: its name, the text before and after it.
fn next_placeholder(text: &str) -> Option<(&str, &str, &str)> {
    let mut from = 0;
    while let Some(open) = text[from..].find('%').map(|i| from + i) {
        let close = open + 1 + text[open + 1..].find('%')?;
        let name = &text[open + 1..close];
        if !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Some((name, &text[..open], &text[close + 1..]));
        }
        from = close;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_decimals_are_numbers() {
        for yes in ["0", "4688", "-1", "1.5"] {
            assert!(is_number(yes), "{yes}");
        }
        for no in ["00000429", "0x3e7", "1.", ".5", "1e5", "", "-", "12a"] {
            assert!(!is_number(no), "{no}");
        }
    }

    #[test]
    fn placeholders_are_found_between_percent_signs() {
        assert_eq!(next_placeholder("a%b%c"), Some(("b", "a", "c")));
        assert_eq!(next_placeholder("50% off %x%"), Some(("x", "50% off ", "")));
        assert_eq!(next_placeholder("100%"), None);
    }

    #[test]
    fn windash_and_base64_variants_share_one_group() {
        let options = CompileOptions::default();
        let leaves = strings(" -a", &[Modifier::Windash], &options).unwrap();
        assert_eq!(leaves.len(), 5);
        let leaves = strings("IEX (New", &[Modifier::Base64Offset], &options).unwrap();
        assert_eq!(leaves.len(), 3);
    }
}
