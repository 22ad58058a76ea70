//! Path spelling and finding files. A folder given as `./fixtures` is
//! spelled without the `./` before its files are compared with it; and a
//! folder may reach the same file twice (a symlink, a symlink loop), which
//! must load once.

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

/// Files under `dir` whose name ends with one of `suffixes` (such as
/// `.yml`, ignoring ASCII case so `.EVTX` counts), sorted, each real file
/// once: the shortest path that reaches it wins, then the first in order.
/// Symlinks are followed; a folder reached twice (a symlink loop) is
/// walked once, by its shortest path, since folders are walked a level at
/// a time in sorted order.
pub fn find(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut walked = HashSet::new();
    let mut level = vec![dir.to_path_buf()];
    while !level.is_empty() {
        let mut next = Vec::new();
        for dir in &level {
            walk(dir, suffixes, &mut walked, &mut found, &mut next);
        }
        level = next;
    }
    found.sort_by_cached_key(|(path, _)| (path.components().count(), path.clone()));
    let mut seen = HashSet::new();
    found.retain(|(_, id)| seen.insert(id.clone()));
    let mut files: Vec<PathBuf> = found.into_iter().map(|(path, _)| path).collect();
    files.sort();
    files
}

/// Lists one folder: matching files into `found`, folders into `next`.
fn walk(
    dir: &Path,
    suffixes: &[&str],
    walked: &mut HashSet<Identity>,
    found: &mut Vec<(PathBuf, Identity)>,
    next: &mut Vec<PathBuf>,
) {
    let Ok(meta) = std::fs::metadata(dir) else {
        return;
    };
    if !walked.insert(identity(dir, &meta)) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<std::fs::DirEntry> = entries.flatten().collect();
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
}

fn has_suffix(path: &Path, suffixes: &[&str]) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    suffixes.iter().any(|suffix| {
        name.len() >= suffix.len()
            && name.is_char_boundary(name.len() - suffix.len())
            && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    })
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

    #[test]
    fn find_reaches_each_file_once_and_ignores_case() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/x.yml"), "").unwrap();
        std::fs::write(dir.path().join("a/Y.YML"), "").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), dir.path().join("a/loop")).unwrap();
        let found = find(dir.path(), &[".yml"]);
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
        let names: Vec<_> = find(root, &[".yml", ".yaml"])
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            names,
            vec![PathBuf::from("a.yaml"), PathBuf::from("z/w/b.YML")]
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
