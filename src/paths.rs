//! Path spelling and finding files. A folder given as `./fixtures` is
//! spelled without the `./` before its files are compared with it; and a
//! folder may reach the same file twice (a symlink, a symlink loop), which
//! must load once.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use crate::problem::{Problem, Skipped};

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

/// Files under `dir` whose name ends with one of `suffixes` (such as
/// `.yml`, ignoring ASCII case so `.EVTX` counts), sorted, each real file
/// once: the shortest path that reaches it wins, then the first in order.
/// Symlinks are followed; a folder reached twice (a symlink loop) is
/// walked once, by its shortest path, since folders are walked a level at
/// a time in sorted order.
pub fn find(dir: &Path, suffixes: &[&str]) -> Listing {
    let mut found = Vec::new();
    let mut walked = HashSet::new();
    let mut unreadable = Vec::new();
    let mut level = vec![dir.to_path_buf()];
    while !level.is_empty() {
        let mut next = Vec::new();
        for dir in &level {
            if let Err(e) = walk(dir, suffixes, &mut walked, &mut found, &mut next) {
                unreadable.push((dir.clone(), e));
            }
        }
        level = next;
    }
    found.sort_by_cached_key(|(path, _)| (path.components().count(), path.clone()));
    let mut seen = HashSet::new();
    found.retain(|(_, id)| seen.insert(id.clone()));
    let mut files: Vec<PathBuf> = found.into_iter().map(|(path, _)| path).collect();
    files.sort();
    Listing { files, unreadable }
}

/// The files [`find`] found, and the folders it could not list: what is
/// in those is unknown, so it must be reported, never passed over.
pub struct Listing {
    pub files: Vec<PathBuf>,
    pub unreadable: Vec<(PathBuf, std::io::Error)>,
}

impl Listing {
    /// The files, with a problem of kind `skipped` for each folder that
    /// could not be listed.
    pub fn into_parts(self, skipped: Skipped) -> (Vec<PathBuf>, Vec<Problem>) {
        let problems = self
            .unreadable
            .iter()
            .map(|(dir, e)| Problem::new(dir, None, skipped, format!("cannot read folder: {e}")))
            .collect();
        (self.files, problems)
    }
}

/// Lists one folder: matching files into `found`, folders into `next`.
fn walk(
    dir: &Path,
    suffixes: &[&str],
    walked: &mut HashSet<Identity>,
    found: &mut Vec<(PathBuf, Identity)>,
    next: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    let meta = std::fs::metadata(dir)?;
    if !walked.insert(identity(dir, &meta)) {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            next.push(path);
        } else if kind.is_file() {
            // The folder's listing names the file: no call per file.
            if has_suffix(&path, suffixes) {
                let id = entry_identity(&entry, &path, &meta);
                found.push((path, id));
            }
        } else if kind.is_symlink() {
            // A symlink is whatever it points to; a dangling one is skipped.
            let Ok(target) = std::fs::metadata(&path) else {
                continue;
            };
            if target.is_dir() {
                next.push(path);
            } else if target.is_file() && has_suffix(&path, suffixes) {
                found.push((path.clone(), identity(&path, &target)));
            }
        }
    }
    Ok(())
}

/// Compared as bytes, so a name that is not UTF-8 is still found.
fn has_suffix(path: &Path, suffixes: &[&str]) -> bool {
    let Some(name) = path.file_name() else {
        return false;
    };
    let name = name.as_encoded_bytes();
    suffixes.iter().any(|suffix| {
        name.len() >= suffix.len()
            && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    })
}

/// `text` without `suffix` at its end, the suffix matched ignoring ASCII
/// case as [`find`] matches it.
pub fn strip_suffix_ignoring_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let tail = text.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &text[..cut])
}

/// What makes a file or folder the same one whatever the path to it.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Identity {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

#[cfg(unix)]
fn identity(_path: &Path, meta: &std::fs::Metadata) -> Identity {
    use std::os::unix::fs::MetadataExt;
    Identity::Inode(meta.dev(), meta.ino())
}

/// A plain file's identity, from its folder's listing and metadata.
#[cfg(unix)]
fn entry_identity(entry: &std::fs::DirEntry, _path: &Path, dir: &std::fs::Metadata) -> Identity {
    use std::os::unix::fs::{DirEntryExt, MetadataExt};
    Identity::Inode(dir.dev(), entry.ino())
}

#[cfg(not(unix))]
fn entry_identity(_entry: &std::fs::DirEntry, path: &Path, dir: &std::fs::Metadata) -> Identity {
    identity(path, dir)
}

#[cfg(not(unix))]
fn identity(path: &Path, _meta: &std::fs::Metadata) -> Identity {
    Identity::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
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

    /// What `find` finds under `root`, as paths relative to it.
    fn found_under(root: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
        let files = find(root, suffixes).files;
        let relative = |p: &PathBuf| p.strip_prefix(root).unwrap().to_path_buf();
        files.iter().map(relative).collect()
    }

    #[test]
    fn find_reaches_each_file_once_and_ignores_case() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/x.yml"), "").unwrap();
        std::fs::write(dir.path().join("a/Y.YML"), "").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), dir.path().join("a/loop")).unwrap();
        assert_eq!(
            found_under(dir.path(), &[".yml"]),
            vec![PathBuf::from("a/Y.YML"), PathBuf::from("a/x.yml")]
        );
    }

    #[test]
    fn find_takes_several_suffixes_and_each_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for sub in ["x/y", "z/w"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        std::fs::write(root.join("a.yaml"), "").unwrap();
        std::fs::write(root.join("z/w/b.YML"), "").unwrap();
        std::fs::write(root.join("z/c.txt"), "").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            // The same file by a longer path, a link to nothing, and a
            // folder reached first (in order) by a longer path.
            symlink(root.join("a.yaml"), root.join("z/link.yml")).unwrap();
            symlink(root.join("gone.yml"), root.join("dangling.yml")).unwrap();
            symlink(root.join("z"), root.join("x/y/z")).unwrap();
        }
        assert_eq!(
            found_under(root, &[".yml", ".yaml"]),
            vec![PathBuf::from("a.yaml"), PathBuf::from("z/w/b.YML")]
        );
    }

    #[test]
    fn folders_that_cannot_be_listed_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yml");
        std::fs::write(&file, "").unwrap();
        let listing = find(&file, &[".yml"]);
        assert!(listing.files.is_empty());
        assert_eq!(listing.unreadable.len(), 1, "a file is not a folder");

        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::write(locked.join("b.yml"), "").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |m| std::fs::Permissions::from_mode(m);
            std::fs::set_permissions(&locked, mode(0o000)).unwrap();
            let listing = find(dir.path(), &[".yml"]);
            let blocked = std::fs::read_dir(&locked).is_err();
            std::fs::set_permissions(&locked, mode(0o755)).unwrap();
            // Root reads any folder; the check only means something for others.
            if blocked {
                assert_eq!(listing.unreadable.len(), 1);
                assert_eq!(listing.unreadable[0].0, locked);
                let (_, problems) = listing.into_parts(Skipped::Detection);
                assert!(problems[0].to_string().contains("cannot read folder"));
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_found() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.JSONL");
        std::fs::write(dir.path().join(name), "").unwrap();
        assert_eq!(find(dir.path(), &[".jsonl"]).files.len(), 1);
    }

    #[test]
    fn suffixes_are_stripped_ignoring_case() {
        let strip = strip_suffix_ignoring_case;
        assert_eq!(strip("a/b.FIXTURE.YML", ".fixture.yml"), Some("a/b"));
        assert_eq!(strip("a/b.fixture.yml", ".fixture.yml"), Some("a/b"));
        assert_eq!(strip("yml", ".fixture.yml"), None);
        assert_eq!(strip("ä.yml", "xä.yml"), None);
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
