//! `unspin eval`: score SI or TC predictions with the SemEval-2020 Task 11 measures.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use unspin_eval::{score_si, score_tc, LabeledSpan};
use unspin_readers::LABEL_SUFFIXES;

use super::{in_file, normalize_article_id, Context, LineFormat, Outcome};

const AFTER_HELP: &str = "\
Label lines are id<TAB>technique<TAB>start<TAB>end (TC, the PTC .labels format) or \
id<TAB>start<TAB>end (SI; also accepted for si predictions and gold, where techniques are \
ignored), with Unicode code point offsets, end exclusive. Article ids `article123` and `123` are \
the same article.

--gold is a labels file, or a folder searched recursively for *.labels files (a PTC folder with \
its labels/ folder works as is); of articleID.labels, articleID.task-flc-tc.labels and \
articleID.task-si.labels in one folder, only the first found is read.

SI is scored with partial overlap (precision and recall give credit for the shared part of \
overlapping fragments, overlapping fragments of one side merged first); TC with micro-averaged \
F1 over exact (article, start, end, technique) matches, plus a per-technique table.

attribution: --pred holds `unspin predict --task attribution` lines and --gold is a PolNeAR \
split folder (text/ and attributions/, brat standoff; the first annotator's file per article). \
A prediction matches a gold attribution when their contents overlap by at least half of both \
(content F1); attribution F1 also needs the speakers to overlap (or both to be absent). Matches \
are one-to-one.

Examples:
  unspin eval attribution --pred attr.txt --gold ../shared/data/quotes/polnear/data/dev
  unspin eval si --pred si.txt --gold data/ptc/dev/labels
  unspin eval tc --pred tc.txt --gold dev-task-TC.labels --json";

/// Arguments of `unspin eval`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The task to score: si (span identification), tc (technique classification) or
    /// attribution (quotes and speakers, PolNeAR).
    #[arg(value_enum)]
    task: super::predict::Task,
    /// The predictions: a file of label lines.
    #[arg(long, value_name = "FILE")]
    pred: PathBuf,
    /// The gold labels: a file of label lines, or a folder of *.labels files.
    #[arg(long, value_name = "FILE_OR_DIR")]
    gold: PathBuf,
    /// Print the scores as one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// Runs `unspin eval`.
pub fn run(args: &Args, _ctx: &Context) -> anyhow::Result<Outcome> {
    use super::predict::Task;
    let format = match args.task {
        Task::Si => LineFormat::TcOrSi,
        Task::Tc => LineFormat::Tc,
        Task::Attribution => return super::attribution::eval(&args.pred, &args.gold, args.json),
    };
    let pred = read_labels(&args.pred, format)?;
    let (gold, mut gold_articles) = read_gold(&args.gold, format)?;
    gold_articles.extend(gold.iter().map(|s| s.article.clone()));
    let unknown = pred
        .iter()
        .filter(|s| !gold_articles.contains(&s.article))
        .count();
    if unknown > 0 {
        tracing::warn!(
            "{unknown} predicted spans are for articles without gold labels; they count as wrong"
        );
    }
    let mut out = super::open_output(None)?;
    match args.task {
        Task::Si => {
            let score = score_si(&gold, &pred);
            if args.json {
                let value = serde_json::json!({ "task": "si", "pred": args.pred, "gold": args.gold, "scores": score });
                writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
            } else {
                write!(out, "{score}")?;
            }
        }
        Task::Attribution => unreachable!("handled above"),
        Task::Tc => {
            let score = score_tc(&gold, &pred);
            if args.json {
                let value = serde_json::json!({ "task": "tc", "pred": args.pred, "gold": args.gold, "scores": score });
                writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
            } else {
                writeln!(
                    out,
                    "TC (technique classification, micro-averaged F1 {:.4})",
                    score.f1
                )?;
                write!(out, "{score}")?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// Label lines of one file, with article ids normalised (`article123` → `123`).
fn read_labels(path: &Path, format: LineFormat) -> anyhow::Result<Vec<LabeledSpan>> {
    let text = super::read_lines_file(path)?;
    let (mut spans, _) = super::parse_label_lines(&text, format).map_err(|e| in_file(path, e))?;
    for s in &mut spans {
        let id = normalize_article_id(&s.article);
        if id.len() != s.article.len() {
            s.article = id.to_string();
        }
    }
    Ok(spans)
}

/// The gold spans, and the articles that have a labels file (from a folder:
/// an article without any technique has an empty file).
fn read_gold(
    path: &Path,
    format: LineFormat,
) -> anyhow::Result<(Vec<LabeledSpan>, BTreeSet<String>)> {
    if !path.is_dir() {
        return Ok((read_labels(path, format)?, BTreeSet::new()));
    }
    let files = gold_files(path)?;
    if files.is_empty() {
        anyhow::bail!("\"{}\": no .labels files in it or below", path.display());
    }
    tracing::info!(files = files.len(), "reading gold labels");
    let mut spans = Vec::new();
    let mut articles = BTreeSet::new();
    for (stem, file) in files {
        articles.insert(normalize_article_id(&stem).to_string());
        spans.extend(read_labels(&file, format)?);
    }
    Ok((spans, articles))
}

/// The `*.labels` files under `dir` with their stems (`article1` for
/// `article1.task-si.labels`), one per stem and folder (preferring the
/// suffixes in [`LABEL_SUFFIXES`] order), sorted by path.
fn gold_files(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut chosen: BTreeMap<(PathBuf, String), (usize, PathBuf)> = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = BTreeSet::new();
    while let Some(d) = stack.pop() {
        if let Ok(real) = fs::canonicalize(&d) {
            if !seen.insert(real) {
                continue;
            }
        }
        let entries = fs::read_dir(&d).map_err(|e| in_file(&d, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| in_file(&d, e))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            // The most specific suffix first, so that `a.task-si.labels` is not taken for `.labels`.
            let Some((rank, stem)) = LABEL_SUFFIXES
                .iter()
                .enumerate()
                .filter_map(|(rank, suffix)| name.strip_suffix(suffix).map(|stem| (rank, stem)))
                .min_by_key(|(_, stem)| stem.len())
            else {
                continue;
            };
            let key = (d.clone(), stem.to_string());
            match chosen.get(&key) {
                Some((best, _)) if *best <= rank => {}
                _ => {
                    chosen.insert(key, (rank, path));
                }
            }
        }
    }
    let mut files: Vec<(String, PathBuf)> = chosen
        .into_iter()
        .map(|((_, stem), (_, path))| (stem, path))
        .collect();
    files.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(files)
}
