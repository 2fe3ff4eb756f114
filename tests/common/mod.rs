//! Helpers shared by the integration tests of the `unspin` binary
//! (`tests/cli.rs`, `tests/cli_ingest.rs`): running the binary, checking its
//! exit status and output, and training a tiny model on a hand-made PTC
//! corpus (well under a second), so that tests that need a model run whether
//! or not the binary embeds a trained one.
//!
//! Each test file declares `#[macro_use] mod common;`; items that only one of
//! them uses are marked `#[allow(dead_code)]`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// Asserts the exit status, showing the whole run when it differs.
macro_rules! assert_exit {
    ($run:expr, $code:expr) => {
        assert_eq!($run.code, Some($code), "{}", $run.show())
    };
}

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

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

/// The sample article of the repository.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/syria-ceasefire-opinion.md")
}

/// One hand-made PTC article: id, text and its (technique, fragment) labels.
pub type Article = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// A small PTC corpus of [`Article`]s. Curly quotes and
/// dashes make code point and byte offsets differ.
pub const CORPUS: &[Article] = &[
    (
        "101",
        "Traitors in the capital\n\nThe \u{201c}corrupt traitors\u{201d} in the capital have betrayed us again.\nThe budget was published on Monday.\nOnly a fool would believe their lies \u{2014} wake up!\n",
        &[("Name_Calling,Labeling", "corrupt traitors"), ("Loaded_Language", "betrayed"), ("Slogans", "wake up!")],
    ),
    (
        "102",
        "A nation in danger\n\nIf we do nothing, our towns will burn and our children will starve.\nThe council met on Tuesday to discuss the roads.\nThese shameful cowards want to destroy everything we love.\n",
        &[("Appeal_to_fear-prejudice", "our towns will burn and our children will starve"), ("Name_Calling,Labeling", "shameful cowards"), ("Loaded_Language", "destroy everything")],
    ),
    (
        "103",
        "Questions nobody asks\n\nCan we really trust anything the ministry says?\nThe report has 40 pages and three appendices.\nThe disgraceful, criminal regime lies again and again.\n",
        &[("Doubt", "Can we really trust anything the ministry says?"), ("Loaded_Language", "disgraceful, criminal regime")],
    ),
    (
        "104",
        "Stand with the flag\n\nEvery true patriot stands with our great nation.\nThe meeting ended at noon.\nThe evil elites \u{2014} those treacherous liars \u{2014} must go.\n",
        &[("Flag-Waving", "Every true patriot stands with our great nation"), ("Name_Calling,Labeling", "treacherous liars"), ("Loaded_Language", "evil elites")],
    ),
    (
        "105",
        "Experts agree\n\nAll the top scientists agree that the plan is a disaster.\nTrains run every hour on weekdays.\nThese vile, corrupt crooks have ruined the country.\n",
        &[("Appeal_to_Authority", "All the top scientists agree"), ("Loaded_Language", "vile, corrupt crooks"), ("Loaded_Language", "ruined")],
    ),
    (
        "106",
        "Either us or them\n\nThere are only two choices: total victory or total defeat.\nThe library opens at nine.\nThe monstrous traitors have sold us out.\n",
        &[("Black-and-White_Fallacy", "There are only two choices: total victory or total defeat"), ("Name_Calling,Labeling", "monstrous traitors"), ("Loaded_Language", "sold us out")],
    ),
];

/// Code point offsets of `needle` in `text`.
pub fn char_range(text: &str, needle: &str) -> (usize, usize) {
    let byte = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is in the article"));
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

/// Writes [`CORPUS`] as a PTC folder (`articles/`, `labels/`) into `dir`.
pub fn write_corpus(dir: &Path) -> TestResult {
    fs::create_dir_all(dir.join("articles"))?;
    fs::create_dir_all(dir.join("labels"))?;
    for (id, text, labels) in CORPUS {
        fs::write(dir.join(format!("articles/article{id}.txt")), text)?;
        let mut lines = String::new();
        for (technique, fragment) in labels.iter() {
            let (start, end) = char_range(text, fragment);
            lines.push_str(&format!("{id}\t{technique}\t{start}\t{end}\n"));
        }
        fs::write(dir.join(format!("labels/article{id}.labels")), lines)?;
    }
    Ok(())
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
