//! Value-expanding modifiers: text encodings, base64 and windash.
//!
//! Each turns one written value into bytes or into several variants at
//! compile time, so matching never re-encodes anything.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::pattern::Tok;

/// The dashes `windash` offers for every option dash: hyphen, slash,
/// en dash, em dash, horizontal bar.
const DASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];

/// More option dashes than this would make too many variants (5^n).
pub(crate) const MAX_WINDASH: u32 = 4;

pub(crate) fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

pub(crate) fn utf16be(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// UTF-16 little endian behind a byte order mark, as PowerShell writes it.
pub(crate) fn utf16_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    out.extend(utf16le(text));
    out
}

pub(crate) fn base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// The three encodings of `bytes` as it may sit at offsets 0, 1 and 2 of a
/// longer base64 stream, keeping only characters that depend on nothing
/// else. `None` when a variant would be empty: an empty pattern would make
/// `contains` match every event.
pub(crate) fn base64_offsets(bytes: &[u8]) -> Option<Vec<String>> {
    (0..3usize)
        .map(|shift| {
            let mut padded = vec![0u8; shift];
            padded.extend_from_slice(bytes);
            let encoded = STANDARD.encode(&padded);
            // Characters fixed by the prefix bytes, and by the value alone.
            let start = (shift * 8).div_ceil(6);
            let end = padded.len() * 8 / 6;
            let variant = encoded.get(start..end)?;
            (!variant.is_empty()).then(|| variant.to_string())
        })
        .collect()
}

/// One element of a value as windash sees it.
#[derive(Clone, Copy)]
enum Unit {
    Char(char),
    Wild,
}

fn units(toks: &[Tok]) -> Vec<Unit> {
    let mut out = Vec::new();
    for tok in toks {
        match tok {
            Tok::Lit(text) => out.extend(text.chars().map(Unit::Char)),
            Tok::Star | Tok::One => out.push(Unit::Wild),
        }
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Indices of units that are option dashes: a `-` or `/` at the start or
/// after a non-word character (a wildcard counts), before a word character.
fn option_dashes(units: &[Unit]) -> Vec<usize> {
    (0..units.len())
        .filter(|&i| {
            let Unit::Char('-' | '/') = units[i] else {
                return false;
            };
            let before = i == 0 || !matches!(units[i - 1], Unit::Char(c) if is_word(c));
            let after = matches!(units.get(i + 1), Some(Unit::Char(c)) if is_word(*c));
            before && after
        })
        .collect()
}

/// Every windash variant of a value, or `None` with too many option dashes.
pub(crate) fn windash(toks: &[Tok]) -> Option<Vec<Vec<Tok>>> {
    let units = units(toks);
    let dashes = option_dashes(&units);
    let count = u32::try_from(dashes.len())
        .ok()
        .filter(|n| *n <= MAX_WINDASH)?;
    let total = DASHES.len().pow(count);
    let variants = (0..total)
        .map(|mut choice| {
            let mut out = units.clone();
            for &at in &dashes {
                out[at] = Unit::Char(DASHES[choice % DASHES.len()]);
                choice /= DASHES.len();
            }
            rebuild(toks, &out)
        })
        .collect();
    Some(variants)
}

/// Puts wildcards back where they were, with the changed characters.
fn rebuild(original: &[Tok], units: &[Unit]) -> Vec<Tok> {
    let mut wilds = original.iter().filter(|t| !matches!(t, Tok::Lit(_)));
    let mut out = Vec::new();
    for unit in units {
        match unit {
            Unit::Char(c) => super::pattern::push_char(&mut out, *c),
            Unit::Wild => out.extend(wilds.next().cloned()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigma::pattern::parse;

    #[test]
    fn base64_offsets_match_known_variants() {
        let got = base64_offsets(b"IEX (New").unwrap();
        assert_eq!(got, vec!["SUVYIChOZX", "lFWCAoTmV3", "JRVggKE5ld"]);
    }

    #[test]
    fn base64_offsets_reject_short_values() {
        assert_eq!(base64_offsets(b"a"), None);
        assert!(base64_offsets(b"ab").is_some());
    }

    #[test]
    fn utf16_encodings() {
        assert_eq!(utf16le("A"), vec![0x41, 0]);
        assert_eq!(utf16be("A"), vec![0, 0x41]);
        assert_eq!(utf16_bom("A"), vec![0xff, 0xfe, 0x41, 0]);
    }

    #[test]
    fn windash_changes_only_option_dashes() {
        let variants = windash(&parse(" -ma a-b")).unwrap();
        assert_eq!(variants.len(), 5);
        assert!(variants.contains(&vec![Tok::Lit(" \u{2013}ma a-b".into())]));
        assert!(variants.contains(&vec![Tok::Lit(" /ma a-b".into())]));
    }

    #[test]
    fn windash_keeps_wildcards() {
        let variants = windash(&parse("*-accepteula*")).unwrap();
        assert_eq!(variants.len(), 5);
        assert!(variants.contains(&vec![Tok::Star, Tok::Lit("/accepteula".into()), Tok::Star]));
    }

    #[test]
    fn windash_caps_variants() {
        assert!(windash(&parse("-a -b -c -d -e")).is_none());
    }
}
