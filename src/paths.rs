//! Path spelling. `glob` drops a leading `./` from what it returns, so a
//! folder given as `./fixtures` must be spelled the same way before its
//! files are compared with it.

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

#[cfg(test)]
mod tests {
    use super::*;

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
