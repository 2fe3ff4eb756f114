//! Test support shared by unspin's test suites, benches and examples: where
//! the repository and the shared data folder are, the sample article, a tiny
//! hand-made PTC corpus, code point ranges, the switch for slow tests, and a
//! large generated news corpus for benchmarks ([`generate`]).
//!
//! A **dev-dependency only** (`publish = false`): no library crate of unspin
//! depends on it, so nothing here reaches the binary. It depends on no other
//! unspin crate either, so any crate's tests can use it without a cycle.
//!
//! # The shared data folder
//!
//! Corpora too large for the repository (PTC, PolNeAR, extraction test pages)
//! live in `../shared` beside the workspace. Developers and CI have it; a bare
//! checkout may not. [`shared_dir`] returns a folder inside it, or prints
//! `SKIP: …` and returns `None` so that the test passes visibly without it;
//! with `UNSPIN_REQUIRE_SHARED=1` (set by `.ci/run`) a missing folder fails the
//! test instead.
//!
//! ```no_run
//! #[test]
//! fn every_ptc_article_reads() {
//!     let Some(dir) = unspin_testkit::shared_dir("data/ptc/train") else { return };
//!     // … read the articles under `dir` …
//! # let _ = dir;
//! }
//! ```
//!
//! # Slow tests
//!
//! Tests that retrain a shipped model bit for bit or re-score a whole corpus
//! (minutes each) start with [`slow_test`]:
//!
//! ```no_run
//! #[test]
//! fn training_reproduces_the_shipped_model() {
//!     if !unspin_testkit::slow_test("training_reproduces_the_shipped_model") {
//!         return;
//!     }
//!     // … train and compare …
//! }
//! ```
//!
//! The rule, in one place ([`slow_tests_enabled`]): if `UNSPIN_SLOW_TESTS` is
//! set, it decides alone (`1` runs slow tests, any other value skips them);
//! otherwise slow tests run in CI — when `UNSPIN_REQUIRE_SHARED=1` (which
//! `.ci/run` sets) or `CI` is set to anything but `""`, `0` or `false` — and
//! are skipped everywhere else, each with a `SKIP (slow): NAME — …` line on
//! standard error. So `cargo test` in the inner loop is quick, CI runs
//! everything, and `UNSPIN_SLOW_TESTS=1 cargo test` runs everything locally.
#![deny(missing_docs)]

use std::path::{Path, PathBuf};

mod corpus;
mod generate;

pub use corpus::{write_corpus, Article, CORPUS};
pub use generate::{generate, outlet_of, OUTLETS};

/// The result type of a test that uses `?`.
pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Set this environment variable to `1` to make a missing shared folder a
/// test failure instead of a skip (CI does); it also turns slow tests on
/// (see [`slow_tests_enabled`]).
pub const REQUIRE_SHARED_ENV: &str = "UNSPIN_REQUIRE_SHARED";

/// The environment variable that, when set, alone decides whether slow tests
/// run: `1` runs them, any other value skips them (see [`slow_test`]).
pub const SLOW_TESTS_ENV: &str = "UNSPIN_SLOW_TESTS";

/// The sample article, relative to the workspace root.
pub const SAMPLE_ARTICLE: &str = "examples/syria-ceasefire-opinion.md";

/// The workspace root (the folder of the root `Cargo.toml`), as built.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    // crates/testkit → the workspace root, two levels up.
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
/// # Panics
/// When the path does not exist and [`REQUIRE_SHARED_ENV`] is `1` — on
/// purpose, so that the calling test fails.
pub fn shared_dir(relative: impl AsRef<Path>) -> Option<PathBuf> {
    let path = shared_root().join(relative);
    if path.exists() {
        return Some(path);
    }
    if shared_required() {
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

/// Whether [`REQUIRE_SHARED_ENV`] is `1`.
fn shared_required() -> bool {
    std::env::var(REQUIRE_SHARED_ENV).is_ok_and(|v| v == "1")
}

/// Whether slow tests run in this environment: [`SLOW_TESTS_ENV`] when it is
/// set (`1` = yes), otherwise yes exactly in CI ([`REQUIRE_SHARED_ENV`] is `1`,
/// or `CI` is set to anything but `""`, `0` or `false`).
pub fn slow_tests_enabled() -> bool {
    slow_rule(
        std::env::var(SLOW_TESTS_ENV).ok().as_deref(),
        shared_required(),
        std::env::var("CI").ok().as_deref(),
    )
}

/// [`slow_tests_enabled`] on given values, for testing the rule itself.
fn slow_rule(slow: Option<&str>, require_shared: bool, ci: Option<&str>) -> bool {
    match slow {
        Some(v) => v == "1",
        None => require_shared || ci.is_some_and(|c| !matches!(c, "" | "0" | "false")),
    }
}

/// Call at the top of a slow test: `true` when it should run; otherwise it
/// prints `SKIP (slow): NAME — set UNSPIN_SLOW_TESTS=1 or run in CI` to
/// stderr and returns `false`, and the test should return at once. The rule
/// is [`slow_tests_enabled`]'s.
pub fn slow_test(name: &str) -> bool {
    if slow_tests_enabled() {
        return true;
    }
    eprintln!("SKIP (slow): {name} \u{2014} set {SLOW_TESTS_ENV}=1 or run in CI");
    false
}

/// The sample article's path ([`SAMPLE_ARTICLE`] in the workspace).
pub fn sample_path() -> PathBuf {
    workspace_root().join(SAMPLE_ARTICLE)
}

/// The sample article's Markdown source.
///
/// # Panics
/// When the file cannot be read (it is part of the repository).
pub fn sample_text() -> String {
    let path = sample_path();
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the sample article {} reads: {e}", path.display()))
}

/// The code point range `(start, end)` of the first occurrence of `needle` in
/// `text`: the offsets a PTC label or the JSON output would give it.
///
/// # Panics
/// When `needle` does not occur in `text`.
pub fn char_range(text: &str, needle: &str) -> (usize, usize) {
    let byte = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not in the text"));
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_root_holds_this_crate_and_the_sample() {
        assert!(workspace_root().join("crates/testkit/Cargo.toml").is_file());
        assert!(sample_text().contains("Aleppo"));
    }

    #[test]
    fn a_missing_folder_is_skipped_unless_required() {
        let result = std::panic::catch_unwind(|| shared_dir("no/such/folder-for-unspin-tests"));
        if shared_required() {
            assert!(result.is_err());
        } else {
            assert_eq!(result.ok(), Some(None));
        }
    }

    #[test]
    fn the_slow_test_rule() {
        // UNSPIN_SLOW_TESTS decides alone when set.
        assert!(slow_rule(Some("1"), false, None));
        assert!(!slow_rule(Some("0"), true, Some("true")));
        assert!(!slow_rule(Some(""), false, Some("1")));
        // Otherwise: CI runs them, the inner loop skips them.
        assert!(slow_rule(None, true, None));
        assert!(slow_rule(None, false, Some("true")));
        assert!(slow_rule(None, false, Some("1")));
        assert!(!slow_rule(None, false, Some("false")));
        assert!(!slow_rule(None, false, Some("0")));
        assert!(!slow_rule(None, false, Some("")));
        assert!(!slow_rule(None, false, None));
    }

    #[test]
    fn char_ranges_count_code_points() {
        let text = "The \u{201c}corrupt traitors\u{201d} left.";
        assert_eq!(char_range(text, "corrupt traitors"), (5, 21));
        let (s, e) = char_range(text, "left");
        assert_eq!(text.chars().skip(s).take(e - s).collect::<String>(), "left");
    }
}
