//! Helpers shared by the integration tests of the `unspin` binary
//! (`tests/cli.rs`, `tests/cli_ingest.rs`): running the binary, checking its
//! exit status and output, and training a tiny model on the hand-made PTC
//! corpus of `unspin-testkit` (well under a second), so that tests that need
//! a model run whether or not the binary embeds a trained one.
//!
//! Only what needs the binary lives here; the generic helpers (sample
//! article, shared folder, the tiny corpus, code point ranges) come from
//! `unspin-testkit` and are re-exported so that `use common::*;` brings both.
//!
//! Each test file declares `#[macro_use] mod common;`; items that only one of
//! them uses are marked `#[allow(dead_code)]`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
#[allow(unused_imports)]
pub use unspin_testkit::{
    char_range, sample_path as sample, shared_dir, write_corpus, Article, TestResult, CORPUS,
};

/// Asserts the exit status, showing the whole run when it differs.
macro_rules! assert_exit {
    ($run:expr, $code:expr) => {
        assert_eq!($run.code, Some($code), "{}", $run.show())
    };
}

/// What a run of the binary gave.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn show(&self) -> String {
        format!(
            "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// The JSON lines of standard output.
    #[allow(dead_code)]
    pub fn lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{}", self.show()))
            })
            .collect()
    }

    /// Asserts the exit status, then that standard error contains `needle`,
    /// showing the whole run when either differs.
    #[track_caller]
    pub fn assert_error(&self, code: i32, needle: &str) {
        assert_exit!(self, code);
        self.assert_stderr_has(needle);
    }

    /// Asserts that standard error contains `needle`, showing the whole run
    /// when it does not.
    #[track_caller]
    pub fn assert_stderr_has(&self, needle: &str) {
        assert!(self.stderr.contains(needle), "{}", self.show());
    }

    /// Asserts that standard output contains `needle`, showing the whole run
    /// when it does not.
    #[allow(dead_code)]
    #[track_caller]
    pub fn assert_stdout_has(&self, needle: &str) {
        assert!(self.stdout.contains(needle), "{}", self.show());
    }
}

/// Runs `unspin ARGS` (with `stdin` piped in when given) and checks that it
/// did not panic. A binary that exits without reading all of `stdin` is
/// judged by its exit status and output, not by the failed write.
pub fn unspin_with(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_unspin"));
    cmd.args(args)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().expect("the unspin binary starts");
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        let _ = pipe.write_all(bytes);
    }
    let out = child.wait_with_output().expect("unspin runs");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "unspin {args:?} panicked:\n{}",
        run.show()
    );
    run
}

pub fn unspin(args: &[&str]) -> Run {
    unspin_with(args, None)
}

/// Runs `unspin SUBCOMMAND --model MODEL ARGS`.
pub fn unspin_model(subcommand: &str, model: &Path, args: &[&str]) -> Run {
    let mut all = vec![subcommand, "--model", s(model)];
    all.extend_from_slice(args);
    unspin(&all)
}

pub fn s(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

/// Trains a tiny model on [`CORPUS`] inside `dir` with `unspin train`: the
/// corpus lands in `dir/ptc`, the model in `dir/model/fast.safetensors`.
pub fn tiny_model(dir: &Path) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let data = dir.join("ptc");
    write_corpus(&data)?;
    let model = dir.join("model/fast.safetensors");
    let run = unspin(&["train", "--quiet", "--data", s(&data), "--out", s(&model)]);
    assert_exit!(run, 0);
    assert!(model.is_file(), "{}", run.show());
    Ok(model)
}

/// A temporary folder holding a [`tiny_model`] (and its corpus, in `ptc/`).
pub fn tempdir_with_tiny_model() -> Result<(tempfile::TempDir, PathBuf), Box<dyn std::error::Error>>
{
    let tmp = tempfile::tempdir()?;
    let model = tiny_model(tmp.path())?;
    Ok((tmp, model))
}
