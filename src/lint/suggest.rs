//! "Did you mean ...?": the nearest known name to a misspelt one.
//!
//! A name that differs only in case is the best guess (`Commandline` for
//! `CommandLine`); otherwise the closest by edit distance, within a budget
//! that grows with the length, so short names do not attract wild guesses.

/// The known name closest to `name`, if one is close enough.
pub fn nearest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let budget = match name.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    let mut best: Option<(usize, &str)> = None;
    for candidate in known {
        if candidate == name {
            continue;
        }
        let distance = match candidate.to_lowercase() == lower {
            true => 0,
            false => distance(&lower, &candidate.to_lowercase()),
        };
        if distance <= budget && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// Levenshtein distance over characters, one row at a time.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_difference_wins() {
        let known = ["CommandLine", "CommandLines", "Image"];
        assert_eq!(nearest("Commandline", known), Some("CommandLine"));
    }

    #[test]
    fn close_names_within_budget() {
        assert_eq!(
            nearest("identty-detection", ["identity-detection"]),
            Some("identity-detection")
        );
        assert_eq!(nearest("Usr", ["User"]), None, "short names get no guesses");
        assert_eq!(nearest("ParentUser", ["User"]), None);
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
    }
}
