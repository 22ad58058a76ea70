//! Path spelling and finding files. `glob` drops a leading `./` from what
//! it returns, so a folder given as `./fixtures` must be spelled the same
//! way before its files are compared with it; and a folder may reach the
//! same file twice (a symlink, a symlink loop), which must load once.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// The path without `.` components (`./fixtures/a` becomes `fixtures/a`).
pub fn normalise(path: &Path) -> PathBuf {
    let cleaned: PathBuf = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if cleaned.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cleaned
    }
}

/// Files under `dir` whose path matches `tail` (a glob such as
/// `**/*.yml`, matched ignoring case so `.EVTX` counts), sorted, each real
/// file once (the shortest path that reaches it wins).
pub fn find(dir: &Path, tail: &str) -> Vec<PathBuf> {
    let pattern = format!("{}/{tail}", glob::Pattern::escape(&dir.to_string_lossy()));
    let options = glob::MatchOptions {
        case_sensitive: false,
        ..glob::MatchOptions::new()
    };
    let mut files: Vec<PathBuf> = glob::glob_with(&pattern, options)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|p| p.is_file())
        .collect();
    files.sort_by(|a, b| (a.components().count(), a).cmp(&(b.components().count(), b)));
    let mut seen = HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    files.sort();
    files
}

/// Whether two paths name the same folder, symlinks resolved.
pub fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => normalise(a) == normalise(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_reaches_each_file_once_and_ignores_case() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/x.yml"), "").unwrap();
        std::fs::write(dir.path().join("a/Y.YML"), "").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), dir.path().join("a/loop")).unwrap();
        let found = find(dir.path(), "**/*.yml");
        let names: Vec<_> = found
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            names,
            vec![PathBuf::from("a/Y.YML"), PathBuf::from("a/x.yml")]
        );
    }

    #[test]
    fn drops_current_dir_components_only() {
        assert_eq!(
            normalise(Path::new("./fixtures/./a")),
            PathBuf::from("fixtures/a")
        );
        assert_eq!(normalise(Path::new("/x/../y")), PathBuf::from("/x/../y"));
        assert_eq!(normalise(Path::new(".")), PathBuf::from("."));
    }
}
