//! Helpers for tests that read the shared data folder (`../shared` beside the
//! workspace), which developers and CI have but a bare checkout may not.

use std::path::{Path, PathBuf};

/// Set this environment variable to `1` to make a missing shared folder a
/// test failure instead of a skip (CI does).
pub const REQUIRE_SHARED_ENV: &str = "UNSPIN_REQUIRE_SHARED";

/// The workspace root this crate was built in.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    // crates/readers → the workspace root, two levels up.
    manifest
        .ancestors()
        .nth(2)
        .unwrap_or(manifest)
        .to_path_buf()
}

/// The shared data folder: `../shared` relative to the workspace root.
pub fn shared_root() -> PathBuf {
    workspace_root().join("..").join("shared")
}

/// `relative` inside the shared folder (e.g. `"data/ptc/train"`), or `None`
/// after printing `SKIP: … not found` to stderr when it does not exist.
///
/// ```no_run
/// # fn main() {
/// let Some(dir) = unspin_readers::testing::shared_dir("data/ptc/train") else { return };
/// # let _ = dir; }
/// ```
///
/// # Panics
/// When the path does not exist and [`REQUIRE_SHARED_ENV`] is `1` — on
/// purpose, so that the calling test fails.
pub fn shared_dir(relative: impl AsRef<Path>) -> Option<PathBuf> {
    let path = shared_root().join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var(REQUIRE_SHARED_ENV).is_ok_and(|v| v == "1") {
        panic!(
            "{} not found, and {REQUIRE_SHARED_ENV}=1 requires it",
            path.display()
        );
    }
    eprintln!(
        "SKIP: {} not found (set {REQUIRE_SHARED_ENV}=1 to fail instead)",
        path.display()
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_root_holds_this_crate() {
        assert!(workspace_root().join("crates/readers/Cargo.toml").is_file());
    }

    #[test]
    fn a_missing_folder_is_skipped_unless_required() {
        let required = std::env::var(REQUIRE_SHARED_ENV).is_ok_and(|v| v == "1");
        let result = std::panic::catch_unwind(|| shared_dir("no/such/folder-for-unspin-tests"));
        if required {
            assert!(result.is_err());
        } else {
            assert_eq!(result.ok(), Some(None));
        }
    }
}
