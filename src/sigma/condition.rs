//! The condition grammar: tokens, a recursive-descent parser, and the
//! tree it builds, with identifiers already resolved to selection indices.
//!
//! ```text
//! or_expr  := and_expr ("or" and_expr)*
//! and_expr := not_expr ("and" not_expr)*
//! not_expr := "not" not_expr | "(" or_expr ")" | quantifier | identifier
//! quantifier := ("1" | "all") "of" (pattern | "them")
//! ```
//!
//! Tokens split on whitespace and parentheses only, so an identifier that
//! merely contains an operator (`orgs`, `notepad`) stays whole. Operators
//! are lowercase; `AND` is read as an identifier and reported as undefined.

/// A parsed condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cond {
    Ref(usize),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    /// `1 of ...`: any of these selections.
    AnyOf(Vec<usize>),
    /// `all of ...`: every one of these selections.
    AllOf(Vec<usize>),
}

impl Cond {
    /// Evaluates with `selection(i)` telling whether selection `i` holds.
    pub(crate) fn eval(&self, selection: &dyn Fn(usize) -> bool) -> bool {
        match self {
            Cond::Ref(i) => selection(*i),
            Cond::Not(inner) => !inner.eval(selection),
            Cond::And(parts) => parts.iter().all(|c| c.eval(selection)),
            Cond::Or(parts) => parts.iter().any(|c| c.eval(selection)),
            Cond::AnyOf(ids) => ids.iter().any(|&i| selection(i)),
            Cond::AllOf(ids) => ids.iter().all(|&i| selection(i)),
        }
    }
}

/// How deeply parentheses and `not` may nest. Real rules stay far below
/// it; the parser, evaluation and every walk over a [`Cond`] recurse once a
/// level, and a hostile condition must not exhaust a small thread stack.
pub(crate) const MAX_DEPTH: usize = 64;

/// Why a condition does not parse, and the byte offset in its text of the
/// token at fault (the text's length when it ends too early).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CondError {
    pub offset: usize,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    Open,
    Close,
    Pipe,
    Word(&'a str),
}

/// The tokens and the byte offset each starts at.
fn tokenise(text: &str) -> Vec<(Token<'_>, usize)> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let single = match c {
            '(' => Some(Token::Open),
            ')' => Some(Token::Close),
            '|' => Some(Token::Pipe),
            _ => None,
        };
        if single.is_some() || c.is_whitespace() {
            if let Some(s) = start.take() {
                tokens.push((Token::Word(&text[s..i]), s));
            }
            tokens.extend(single.map(|t| (t, i)));
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        tokens.push((Token::Word(&text[s..]), s));
    }
    tokens
}

/// Parses a condition against the detection's selection names.
pub(crate) fn parse(text: &str, names: &[&str]) -> Result<Cond, CondError> {
    let tokens = tokenise(text);
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        end: text.len(),
        depth: 0,
        names,
    };
    let cond = parser.or_expr()?;
    let message = match parser.peek() {
        None => return Ok(cond),
        Some(Token::Pipe) => {
            "the '| count()' aggregation syntax is not supported; write a correlation rule"
                .to_string()
        }
        Some(Token::Word(w)) if is_operator(&w.to_lowercase()) => {
            format!("unexpected '{w}' in condition (operators are lowercase)")
        }
        Some(token) => format!("unexpected {} in condition", describe(token)),
    };
    Err(parser.error(message))
}

fn describe(token: Token) -> String {
    match token {
        Token::Open => "'('".to_string(),
        Token::Close => "')'".to_string(),
        Token::Pipe => "'|'".to_string(),
        Token::Word(w) => format!("'{w}'"),
    }
}

struct Parser<'t, 'a> {
    tokens: &'t [(Token<'a>, usize)],
    at: usize,
    /// The text's length: where an early end is reported.
    end: usize,
    /// Parentheses and `not`s open around the current token.
    depth: usize,
    names: &'t [&'t str],
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.at).map(|&(token, _)| token)
    }

    /// An error at the token `at` points to (or at the end).
    fn error(&self, message: impl Into<String>) -> CondError {
        self.error_at(self.at, message)
    }

    fn error_at(&self, token: usize, message: impl Into<String>) -> CondError {
        CondError {
            offset: self
                .tokens
                .get(token)
                .map_or(self.end, |&(_, offset)| offset),
            message: message.into(),
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let hit = self.peek() == Some(Token::Word(word));
        self.at += usize::from(hit);
        hit
    }

    fn or_expr(&mut self) -> Result<Cond, CondError> {
        let mut parts = vec![self.and_expr()?];
        while self.eat_word("or") {
            parts.push(self.and_expr()?);
        }
        Ok(flatten(parts, Cond::Or))
    }

    fn and_expr(&mut self) -> Result<Cond, CondError> {
        let mut parts = vec![self.not_expr()?];
        while self.eat_word("and") {
            parts.push(self.not_expr()?);
        }
        Ok(flatten(parts, Cond::And))
    }

    /// Parses one level deeper, opened by the token `opener`; refuses to
    /// go past [`MAX_DEPTH`].
    fn nested(
        &mut self,
        opener: usize,
        inner: fn(&mut Self) -> Result<Cond, CondError>,
    ) -> Result<Cond, CondError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_at(
                opener,
                format!("condition nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.depth += 1;
        let cond = inner(self);
        self.depth -= 1;
        cond
    }

    fn not_expr(&mut self) -> Result<Cond, CondError> {
        let start = self.at;
        if self.eat_word("not") {
            let inner = self.nested(start, Self::not_expr)?;
            return Ok(Cond::Not(Box::new(inner)));
        }
        let token = self
            .peek()
            .ok_or_else(|| self.error("the condition ends too early"))?;
        self.at += 1;
        match token {
            Token::Open => {
                let inner = self.nested(start, Self::or_expr)?;
                match self.peek() {
                    Some(Token::Close) => {
                        self.at += 1;
                        Ok(inner)
                    }
                    _ => Err(self.error("missing ')' in condition")),
                }
            }
            Token::Word(w @ ("1" | "all")) if self.eat_word("of") => self.quantifier(w == "all"),
            Token::Word(w) if is_operator(w) => {
                Err(self.error_at(start, format!("expected a selection, found '{w}'")))
            }
            Token::Word(w) => self.identifier(w).map_err(|m| self.error_at(start, m)),
            other => Err(self.error_at(
                start,
                format!("unexpected {} in condition", describe(other)),
            )),
        }
    }

    fn identifier(&self, word: &str) -> Result<Cond, String> {
        match self.names.iter().position(|n| *n == word) {
            Some(i) => Ok(Cond::Ref(i)),
            None if is_operator(&word.to_lowercase()) => Err(format!(
                "undefined identifier '{word}' (operators are lowercase)"
            )),
            None => Err(format!("undefined identifier '{word}' in condition")),
        }
    }

    fn quantifier(&mut self, all: bool) -> Result<Cond, CondError> {
        let Some(Token::Word(target)) = self.peek() else {
            return Err(self.error("'of' needs a selection pattern or 'them'"));
        };
        let ids = self.select(target).map_err(|m| self.error(m))?;
        self.at += 1;
        Ok(if all {
            Cond::AllOf(ids)
        } else {
            Cond::AnyOf(ids)
        })
    }

    /// Selection indices for `them` or a `*` pattern. A pattern matching
    /// nothing is an error: pySigma drops that part silently, which turns
    /// a typo in `not 1 of filter_*` into a rule that never filters.
    fn select(&self, target: &str) -> Result<Vec<usize>, String> {
        let ids: Vec<usize> = (0..self.names.len())
            .filter(|&i| match target {
                "them" => !self.names[i].starts_with('_'),
                pattern => wildcard(pattern, self.names[i]),
            })
            .collect();
        if ids.is_empty() {
            return Err(format!("'{target}' matches no selection"));
        }
        Ok(ids)
    }
}

fn is_operator(word: &str) -> bool {
    matches!(word, "and" | "or" | "not" | "of" | "them")
}

fn flatten(mut parts: Vec<Cond>, join: fn(Vec<Cond>) -> Cond) -> Cond {
    if parts.len() == 1 {
        parts.remove(0)
    } else {
        join(parts)
    }
}

/// Whole-identifier match where `*` is any run. Iterative, so a pattern
/// of many stars costs neither stack nor exponential time: on a mismatch
/// only the last star takes one more character.
fn wildcard(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    let (mut p, mut n) = (0, 0);
    // The token after the last star, and where in `name` its run ends.
    let mut star = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                p += 1;
                star = Some((p, n));
            }
            Some(&c) if c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((after, run_end)) => {
                    star = Some((after, run_end + 1));
                    p = after;
                    n = run_end + 1;
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 5] = ["sel", "orgs", "notepad", "filter_a", "_hidden"];

    fn p(text: &str) -> Result<Cond, String> {
        parse(text, &NAMES).map_err(|e| e.message)
    }

    #[test]
    fn precedence_is_or_and_not() {
        let cond = p("sel or orgs and not notepad").unwrap();
        let want = Cond::Or(vec![
            Cond::Ref(0),
            Cond::And(vec![Cond::Ref(1), Cond::Not(Box::new(Cond::Ref(2)))]),
        ]);
        assert_eq!(cond, want);
    }

    #[test]
    fn operators_inside_names_are_not_split() {
        assert_eq!(
            p("orgs and notepad").unwrap(),
            Cond::And(vec![Cond::Ref(1), Cond::Ref(2)])
        );
    }

    #[test]
    fn parentheses_group() {
        let cond = p("(sel or orgs) and notepad").unwrap();
        let want = Cond::And(vec![
            Cond::Or(vec![Cond::Ref(0), Cond::Ref(1)]),
            Cond::Ref(2),
        ]);
        assert_eq!(cond, want);
        assert!(p("(sel or orgs").unwrap_err().contains("missing ')'"));
    }

    #[test]
    fn quantifiers_resolve_patterns_and_them() {
        assert_eq!(p("1 of filter_*").unwrap(), Cond::AnyOf(vec![3]));
        assert_eq!(p("all of them").unwrap(), Cond::AllOf(vec![0, 1, 2, 3]));
        assert_eq!(p("1 of *a*").unwrap(), Cond::AnyOf(vec![2, 3]));
    }

    #[test]
    fn pattern_matching_nothing_is_an_error() {
        assert!(p("sel and not 1 of fliter_*")
            .unwrap_err()
            .contains("matches no selection"));
    }

    #[test]
    fn bad_conditions_are_rejected() {
        assert!(p("sel AND orgs")
            .unwrap_err()
            .contains("operators are lowercase"));
        assert!(p("missing")
            .unwrap_err()
            .contains("undefined identifier 'missing'"));
        assert!(p("sel | count() > 5").unwrap_err().contains("count()"));
        assert!(p("sel and").is_err());
        assert!(p("sel orgs").is_err());
    }

    #[test]
    fn eval_follows_the_tree() {
        let cond = p("sel and not 1 of filter_*").unwrap();
        assert!(cond.eval(&|i| i == 0));
        assert!(!cond.eval(&|i| i == 0 || i == 3));
    }
}
