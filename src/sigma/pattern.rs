//! Sigma strings: escaping, wildcards and case folding.
//!
//! A rule value is read once into tokens (literal text, `*`, `?`), then
//! compiled into the cheapest test that decides it: a whole-value compare, a
//! prefix, a suffix, a substring, or a general glob. Only `*` and `?` are
//! special; brackets and braces are plain text, unlike shell globs (a rule
//! with `[System.Convert]::` must not read it as a character class).
//! Nothing here knows about fields or events.

use std::borrow::Cow;

/// One piece of a Sigma string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    Lit(String),
    /// `*`: any run of characters, including none.
    Star,
    /// `?`: exactly one character.
    One,
}

/// Reads Sigma escaping: a backslash escapes only `*`, `?` and itself.
///
/// A backslash before anything else, or at the end, is a plain backslash,
/// so `C:\Windows\` keeps its trailing backslash, and three or four
/// backslashes both mean a literal double backslash.
pub(crate) fn parse(raw: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => toks.push(Tok::Star),
            '?' => toks.push(Tok::One),
            '\\' => match chars.peek() {
                Some(&next @ ('*' | '?' | '\\')) => {
                    chars.next();
                    push_char(&mut toks, next);
                }
                _ => push_char(&mut toks, '\\'),
            },
            other => push_char(&mut toks, other),
        }
    }
    toks
}

/// Appends a literal character, merging with a preceding literal.
pub(crate) fn push_char(toks: &mut Vec<Tok>, c: char) {
    match toks.last_mut() {
        Some(Tok::Lit(text)) => text.push(c),
        _ => toks.push(Tok::Lit(c.to_string())),
    }
}

/// The literal text of tokens without wildcards, or `None`.
pub(crate) fn literal_text(toks: &[Tok]) -> Option<String> {
    let mut out = String::new();
    for tok in toks {
        match tok {
            Tok::Lit(text) => out.push_str(text),
            Tok::Star | Tok::One => return None,
        }
    }
    Some(out)
}

/// Full Unicode case folding that borrows when nothing changes.
pub(crate) fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        }
    } else {
        Cow::Owned(caseless::default_case_fold_str(text))
    }
}

/// The shape a pattern compiles to; most rule values are not general globs.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Shape {
    /// `*` alone: any string.
    Any,
    Exact(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    Glob(Vec<Tok>),
}

/// A compiled string pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StrMatch {
    shape: Shape,
    cased: bool,
}

impl StrMatch {
    /// Compiles tokens, folding literal text once unless `cased`.
    pub(crate) fn new(toks: Vec<Tok>, cased: bool) -> StrMatch {
        let toks = normalise(toks, cased);
        StrMatch {
            shape: classify(toks),
            cased,
        }
    }

    pub(crate) fn is_cased(&self) -> bool {
        self.cased
    }

    /// The longest literal run every matching text contains, folded so it
    /// can be looked for in folded text (folding maps each character on
    /// its own, so a cased literal's fold is in the fold of any text that
    /// holds the literal). `None` when a match needs no text at all.
    pub(crate) fn required_literal(&self) -> Option<String> {
        let lit = match &self.shape {
            Shape::Any => return None,
            Shape::Exact(lit) | Shape::Prefix(lit) | Shape::Suffix(lit) | Shape::Contains(lit) => {
                lit.as_str()
            }
            Shape::Glob(toks) => toks
                .iter()
                .filter_map(|t| match t {
                    Tok::Lit(lit) => Some(lit.as_str()),
                    Tok::Star | Tok::One => None,
                })
                .max_by_key(|lit| lit.len())?,
        };
        if lit.is_empty() {
            None
        } else if self.cased {
            Some(fold(lit).into_owned())
        } else {
            Some(lit.to_string())
        }
    }

    /// Tests unfolded ASCII text against a pattern that is not cased, as
    /// [`StrMatch::test`] would test its fold, without folding it: literals
    /// are folded, so they hold no uppercase ASCII. `None` for globs.
    pub(crate) fn test_ascii_uncased(&self, text: &str) -> Option<bool> {
        let (text, lit) = match &self.shape {
            Shape::Any => return Some(true),
            Shape::Glob(_) => return None,
            Shape::Exact(lit) | Shape::Prefix(lit) | Shape::Suffix(lit) | Shape::Contains(lit) => {
                (text.as_bytes(), lit.as_bytes())
            }
        };
        let n = lit.len();
        Some(match &self.shape {
            Shape::Exact(_) => text.eq_ignore_ascii_case(lit),
            Shape::Prefix(_) => text.len() >= n && text[..n].eq_ignore_ascii_case(lit),
            Shape::Suffix(_) => text.len() >= n && text[text.len() - n..].eq_ignore_ascii_case(lit),
            _ => contains_uncased(text, lit),
        })
    }

    /// Tests text already folded when the pattern is not cased.
    pub(crate) fn test(&self, text: &str) -> bool {
        match &self.shape {
            Shape::Any => true,
            Shape::Exact(lit) => text == lit,
            Shape::Prefix(lit) => text.starts_with(lit.as_str()),
            Shape::Suffix(lit) => text.ends_with(lit.as_str()),
            Shape::Contains(lit) => text.contains(lit.as_str()),
            Shape::Glob(toks) => glob(toks, text),
        }
    }
}

/// Whether ASCII `text` holds `lit` (no uppercase ASCII in it) with ASCII
/// case ignored: jump between places where its first byte starts in either
/// case and compare from there.
fn contains_uncased(text: &[u8], lit: &[u8]) -> bool {
    let Some((&first, _)) = lit.split_first() else {
        return true;
    };
    let Some(last_start) = text.len().checked_sub(lit.len()) else {
        return false;
    };
    let starts = &text[..=last_start];
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), starts)
        .any(|at| text[at..at + lit.len()].eq_ignore_ascii_case(lit))
}

/// Folds literals, merges neighbouring literals and collapses star runs.
fn normalise(toks: Vec<Tok>, cased: bool) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    for tok in toks {
        match (out.last_mut(), tok) {
            (Some(Tok::Star), Tok::Star) => {}
            (_, Tok::Lit(text)) if text.is_empty() => {}
            (Some(Tok::Lit(prev)), Tok::Lit(text)) => prev.push_str(&fold_if(&text, cased)),
            (_, Tok::Lit(text)) => out.push(Tok::Lit(fold_if(&text, cased).into_owned())),
            (_, other) => out.push(other),
        }
    }
    out
}

fn fold_if(text: &str, cased: bool) -> Cow<'_, str> {
    if cased {
        Cow::Borrowed(text)
    } else {
        fold(text)
    }
}

fn classify(mut toks: Vec<Tok>) -> Shape {
    match toks.as_mut_slice() {
        [] => Shape::Exact(String::new()),
        [Tok::Star] => Shape::Any,
        [Tok::Lit(lit)] => Shape::Exact(std::mem::take(lit)),
        [Tok::Lit(lit), Tok::Star] => Shape::Prefix(std::mem::take(lit)),
        [Tok::Star, Tok::Lit(lit)] => Shape::Suffix(std::mem::take(lit)),
        [Tok::Star, Tok::Lit(lit), Tok::Star] => Shape::Contains(std::mem::take(lit)),
        _ => Shape::Glob(toks),
    }
}

/// Matches a whole text against tokens; `?` takes one character.
///
/// Iterative, in time about tokens times text: tokens are matched left to
/// right, and on a mismatch only the last `*` seen takes one more
/// character (an earlier star could absorb nothing the last one cannot),
/// jumping to the next occurrence of the literal after it. No recursion,
/// so a value of a hundred thousand `?` needs no stack.
fn glob(toks: &[Tok], text: &str) -> bool {
    let (mut t, mut at) = (0, 0);
    // The token after the last star, and where its run of text ends.
    let mut star: Option<(usize, usize)> = None;
    loop {
        let step = match toks.get(t) {
            None if at == text.len() => return true,
            None => None,
            Some(Tok::Star) => {
                t += 1;
                match next_start(toks.get(t), text, at) {
                    Some(from) => {
                        star = Some((t, from));
                        at = from;
                        continue;
                    }
                    None => return false,
                }
            }
            Some(Tok::Lit(lit)) => text[at..].starts_with(lit.as_str()).then(|| at + lit.len()),
            Some(Tok::One) => text[at..].chars().next().map(|c| at + c.len_utf8()),
        };
        match (step, star) {
            (Some(next), _) => {
                t += 1;
                at = next;
            }
            (None, Some((after, run_end))) => {
                let Some(c) = text[run_end..].chars().next() else {
                    return false;
                };
                match next_start(toks.get(after), text, run_end + c.len_utf8()) {
                    Some(from) => {
                        star = Some((after, from));
                        t = after;
                        at = from;
                    }
                    None => return false,
                }
            }
            (None, None) => return false,
        }
    }
}

/// Where, from `from` on, the tokens after a star could start: the next
/// occurrence of their literal, or `from` itself.
fn next_start(next: Option<&Tok>, text: &str, from: usize) -> Option<usize> {
    match next {
        Some(Tok::Lit(lit)) => text[from..].find(lit.as_str()).map(|i| from + i),
        _ => Some(from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_match(pattern: &str, text: &str) -> bool {
        StrMatch::new(parse(pattern), false).test(&fold(text))
    }

    #[test]
    fn escaping_follows_the_spec() {
        assert_eq!(parse(r"a\*b"), vec![Tok::Lit("a*b".into())]);
        assert_eq!(parse(r"a\\*"), vec![Tok::Lit(r"a\".into()), Tok::Star]);
        assert_eq!(parse(r"C:\Windows\"), vec![Tok::Lit(r"C:\Windows\".into())]);
        assert_eq!(parse(r"\\\\.\pipe"), vec![Tok::Lit(r"\\.\pipe".into())]);
        assert_eq!(parse(r"\\\.\pipe"), vec![Tok::Lit(r"\\.\pipe".into())]);
        assert_eq!(parse(r"\?"), vec![Tok::Lit("?".into())]);
    }

    #[test]
    fn shapes_are_classified() {
        let shape = |p: &str| StrMatch::new(parse(p), false).shape;
        assert_eq!(shape("Ab"), Shape::Exact("ab".into()));
        assert_eq!(shape("ab*"), Shape::Prefix("ab".into()));
        assert_eq!(shape("*ab"), Shape::Suffix("ab".into()));
        assert_eq!(shape("**ab*"), Shape::Contains("ab".into()));
        assert_eq!(shape("*"), Shape::Any);
        assert!(matches!(shape("a*b"), Shape::Glob(_)));
    }

    #[test]
    fn wildcards_match_runs_and_single_characters() {
        assert!(is_match("a*c", "abbbc"));
        assert!(is_match("a*c", "ac"));
        assert!(!is_match("a?c", "ac"));
        assert!(is_match("a?c", "abc"));
        assert!(is_match("a?c", "aéc"));
        assert!(is_match("*aa", "aaa"));
        assert!(is_match("*a*b?d*", "xxaxbcdyy"));
        assert!(!is_match("ab", "abc"));
    }

    #[test]
    fn brackets_are_literal() {
        assert!(is_match("*[System.Convert]::*", "x [system.convert]::From"));
        assert!(!is_match("*[System.Convert]::*", "$s::Parse('42')"));
    }

    #[test]
    fn case_folding_is_full_unicode() {
        assert!(is_match("STRASSE", "straße"));
        assert!(is_match("*ΣΟΦΙΑ*", "x σοφια y"));
        assert!(!StrMatch::new(parse("ABC"), true).test("abc"));
    }
}
