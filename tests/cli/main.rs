//! Integration tests of the `unspin` binary: one test binary, one module per
//! subcommand. Each test runs the real executable and checks its output,
//! its exit status, and that it never panics.
//!
//! Tests that need a model train a tiny one on a hand-made corpus (well under
//! a second), so they run whether or not the binary embeds a trained model.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use common::*;

/// Runs `unspin predict --task TASK --model MODEL ARGS`.
fn unspin_predict(task: &str, model: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--task", task];
    all.extend_from_slice(args);
    unspin_model("predict", model, &all)
}

/// Writes `spans` to `dir/spans.txt`, runs `unspin predict --task tc` with
/// them on the articles of `ptc`, checks that it succeeded, and gives back the
/// file it wrote, `dir/tc.txt`.
fn predict_tc(
    dir: &Path,
    model: &Path,
    spans: &str,
    ptc: &Path,
) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let spans_path = dir.join("spans.txt");
    fs::write(&spans_path, spans)?;
    let out = dir.join("tc.txt");
    let run = unspin_predict(
        "tc",
        model,
        &["--spans", s(&spans_path), "-o", s(&out), s(ptc)],
    );
    assert_exit!(run, 0);
    Ok(out)
}

/// Runs `unspin eval TASK --pred PRED --gold GOLD ARGS`.
fn unspin_eval(task: &str, pred: &Path, gold: &Path, args: &[&str]) -> Run {
    let mut all = vec!["eval", task, "--pred", s(pred), "--gold", s(gold)];
    all.extend_from_slice(args);
    unspin(&all)
}

/// Runs `unspin train --data DATA --out OUT ARGS`.
fn unspin_train(data: &Path, out: &Path, args: &[&str]) -> Run {
    let mut all = vec!["train", "--data", s(data), "--out", s(out)];
    all.extend_from_slice(args);
    unspin(&all)
}

/// Checks the JSON wire format of one analysed document: the version, a
/// `technique` layer (unless a warning says it was skipped), and every
/// span's `text` equal to the code point slice.
fn check_wire_document(doc: &Value) {
    assert!(
        doc["schema_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("1.")),
        "{doc}"
    );
    let text: Vec<char> = doc["text"]
        .as_str()
        .expect("text is a string")
        .chars()
        .collect();
    let layers = doc["layers"].as_object().expect("layers is an object");
    let skipped = doc["warnings"].as_array().is_some_and(|w| {
        w.iter()
            .flat_map(|w| w["skipped_layers"].as_array().into_iter().flatten())
            .any(|l| l == "technique")
    });
    assert!(
        skipped || layers.get("technique").is_some_and(Value::is_array),
        "no technique layer: {:?}",
        layers.keys()
    );
    let mut checked = 0;
    for (name, spans) in layers {
        for span in spans.as_array().expect("a layer is an array") {
            let start = span["start"].as_u64().expect("start") as usize;
            let end = span["end"].as_u64().expect("end") as usize;
            assert!(
                start <= end && end <= text.len(),
                "layer {name}: {start}..{end} of {}",
                text.len()
            );
            let slice: String = text[start..end].iter().collect();
            assert_eq!(
                slice,
                span["text"].as_str().expect("span text"),
                "layer {name}, {start}..{end}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no spans at all");
}

/// The unlabelled news articles of `../shared/data/unlabeled-news`, sorted
/// by name (`None`, after a visible SKIP, when `../shared` is absent).
fn news_files() -> Option<Vec<PathBuf>> {
    let news = shared_dir("data/unlabeled-news")?;
    let mut files: Vec<PathBuf> = fs::read_dir(news)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    Some(files)
}

/// `unspin corpus add --quiet DB` of the sample article and, when
/// `../shared` is there, the first `n` unlabelled news articles, into
/// `dir/news.db`.
fn add_sample_corpus(dir: &Path, n: usize) -> PathBuf {
    let db = dir.join("news.db");
    let sample = sample();
    let files = news_files().unwrap_or_default();
    let mut args = vec!["corpus", "add", "--quiet", s(&db), s(&sample)];
    args.extend(files.iter().take(n).map(|p| s(p)));
    assert_exit!(unspin(&args), 0);
    db
}

mod help;

mod analyze;

mod predict;

mod eval;

mod train;

mod shared_corpus;

mod attribution;

mod fetch;

mod corpus;

mod corpus_kill;

mod corpus_export;

mod corpus_search;

mod corpus_stats;

mod compare;

mod corpus_copies;

mod warnings;
