//! Helpers shared by the end-to-end tests: a scratch copy of a test library
//! that a test may change without touching the committed one.

use std::path::{Path, PathBuf};

/// Copies `library` into a new temporary folder, as `<tmp>/<name>`.
pub fn scratch_copy(library: &str, name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join(name);
    copy_dir(Path::new(library), &root);
    (dir, root)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}
