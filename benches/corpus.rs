//! Corpus mode at scale: `cargo bench --bench corpus`.
//!
//! Generates a corpus of 100,000 articles (`UNSPIN_CORPUS_ARTICLES` to
//! change it) from the 400 unlabelled news articles of
//! `../shared/data/unlabeled-news` (`unspin_testkit::generate`): each
//! article is repeated with a variant line appended, and given a made-up
//! outlet (40, of very different sizes), author and publication date
//! (2015–2020). It then runs, with the release
//! binary and all cores, in the same run:
//!
//! - `unspin analyze --tier fast INPUT > /dev/null` (the peer: analysis alone)
//!   and `unspin corpus add DB INPUT --no-copies` (analysis and the store,
//!   copy signatures included), and prints articles/s of each and the
//!   store's share of the time. Linking copies is left out here because
//!   this generated corpus is 250 near-copies of each of 400 articles;
//!   `cargo bench -p unspin-copies --bench copies` measures it on a corpus
//!   with planted copies;
//! - the database's size per article;
//! - `corpus stats --by outlet`, `--by month` and a few `corpus search`
//!   queries, each a whole process (start-up included), median of 3 runs.
//!
//! Not a test: nothing here asserts a time.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let Some(news) = unspin_testkit::shared_dir("data/unlabeled-news") else {
        return;
    };
    let n: usize = std::env::var("UNSPIN_CORPUS_ARTICLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_unspin"));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let input = dir.path().join("corpus.jsonl");
    let started = Instant::now();
    let bytes = unspin_testkit::generate(&news, n, &input).expect("the generated corpus");
    println!(
        "corpus bench: {n} articles, {:.0} MB of text, generated in {:.1} s; {} threads",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |p| p.get())
    );

    let analyze = timed(
        &bin,
        &["analyze", "--tier", "fast", "--quiet", s(&input)],
        true,
    );
    let db = dir.path().join("bench.db");
    let add = timed(
        &bin,
        &["corpus", "add", s(&db), s(&input), "--quiet", "--no-copies"],
        false,
    );
    println!(
        "  analyze --tier fast > /dev/null   {:>8.0} articles/s   {:>7.1} s",
        n as f64 / analyze,
        analyze
    );
    println!(
        "  corpus add (fast tier)            {:>8.0} articles/s   {:>7.1} s   store share {:+.1} % of the analysis time",
        n as f64 / add,
        add,
        (add - analyze) / analyze * 100.0
    );
    let size = file_size(&db) + file_size(&db.with_extension("db-wal"));
    println!(
        "  database size                     {:>8.1} MB          {:>7.1} kB per article",
        size as f64 / 1e6,
        size as f64 / 1e3 / n as f64
    );

    let db_s = s(&db);
    let queries: [(&str, Vec<&str>); 7] = [
        (
            "stats --by outlet",
            vec!["corpus", "stats", db_s, "--by", "outlet"],
        ),
        (
            "stats --by month",
            vec!["corpus", "stats", db_s, "--by", "month"],
        ),
        (
            "stats --by outlet --technique Loaded_Language",
            vec![
                "corpus",
                "stats",
                db_s,
                "--by",
                "outlet",
                "--technique",
                "Loaded_Language",
            ],
        ),
        ("search Assad", vec!["corpus", "search", db_s, "Assad"]),
        (
            "search '\"White House\" AND Russia'",
            vec!["corpus", "search", db_s, "\"White House\" AND Russia"],
        ),
        (
            "search --technique Name_Calling,Labeling Trump",
            vec![
                "corpus",
                "search",
                db_s,
                "Trump",
                "--technique",
                "Name_Calling,Labeling",
            ],
        ),
        (
            "search --speaker Obama",
            vec!["corpus", "search", db_s, "--speaker", "Obama"],
        ),
    ];
    for (label, args) in &queries {
        let mut times: Vec<f64> = (0..3).map(|_| timed(&bin, args, true)).collect();
        times.sort_by(f64::total_cmp);
        println!("  {label:<50} {:>7.3} s (median of 3)", times[1]);
    }
}

/// Runs the binary and returns the wall-clock seconds it took.
fn timed(bin: &Path, args: &[&str], discard_output: bool) -> f64 {
    let start = Instant::now();
    let status = Command::new(bin)
        .args(args)
        .stdout(if discard_output {
            Stdio::null()
        } else {
            Stdio::inherit()
        })
        .stderr(Stdio::inherit())
        .status()
        .expect("unspin runs");
    let secs = start.elapsed().as_secs_f64();
    if !status.success() {
        eprintln!("unspin {args:?} failed: {status}");
    }
    secs
}

fn file_size(p: &Path) -> u64 {
    fs::metadata(p).map_or(0, |m| m.len())
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temporary path")
}
